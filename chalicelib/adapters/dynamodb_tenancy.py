"""Invitations and members in the events table, in one partition per tenant.

`T#{tenant}#TENANCY` / `INVITE#{key}` and `MEMBER#{user}`: a tenant's invitations and members
are each one Query of its own partition, and a member's record one GetItem (the authorizer's
check). The projector's doorbells and the replays ignore these sort keys. Removed members wait
in `ERASURES` / `{erase_at}#{tenant}#{user}` (ids and a date only): the erasure job's due
index, the one read here not on a tenant's key, like the reminder sweep's; those whose export
has not left yet also in `EXPORTS` / `{removed_at}#{tenant}#{user}`, which the same job reads
to send it again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.dynamo.batches import batch_write
from chalicelib.dynamo.errors import is_condition_failure
from chalicelib.dynamo.pages import query_items
from chalicelib.retry import RetryPolicy
from chalicelib.tenancy.model import (
    EXPORT_CLAIM_LAPSES,
    DueErasure,
    Invite,
    InviteStatus,
    Member,
    MemberStatus,
    PendingExport,
    invite_key,
)
from chalicelib.tenancy.port import InviteTakenError
from chalicelib.tenancy.roles import Role
from chalicelib.timefmt import iso_exact, parse_iso, sortable

INVITE_PREFIX = "INVITE#"
MEMBER_PREFIX = "MEMBER#"
ERASURES_PK = "ERASURES"
EXPORTS_PK = "EXPORTS"
# Used and revoked invitations linger a month past their expiry (what the cohort view says
# about them), then DynamoDB's TTL removes them with the address they name.
_INVITE_KEPT = timedelta(days=30)


def tenancy_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#TENANCY"


def _key(tenant_id: str, sort_key: str) -> dict[str, Any]:
    return {"PK": {"S": tenancy_pk(tenant_id)}, "SK": {"S": sort_key}}


def _invite_item(invite: Invite) -> dict[str, Any]:
    return {
        **_key(invite.tenant_id, INVITE_PREFIX + invite.key),
        "tenant_id": {"S": invite.tenant_id},
        "invite_id": {"S": invite.invite_id},
        "email": {"S": invite.email},
        "role": {"S": invite.role.value},
        "invited_by": {"S": invite.invited_by},
        "inviter_email": {"S": invite.inviter_email},
        "created_at": {"S": iso_exact(invite.created_at)},
        "expires": {"S": iso_exact(invite.expires_at)},
        "status": {"S": invite.status.value},
        "expires_at": {"N": str(int((invite.expires_at + _INVITE_KEPT).timestamp()))},
    }


def _invite(item: dict[str, Any]) -> Invite:
    return Invite(
        tenant_id=item["tenant_id"]["S"],
        invite_id=item["invite_id"]["S"],
        email=item["email"]["S"],
        role=Role(item["role"]["S"]),
        invited_by=item["invited_by"]["S"],
        inviter_email=item["inviter_email"]["S"],
        created_at=parse_iso(item["created_at"]["S"]),
        expires_at=parse_iso(item["expires"]["S"]),
        status=InviteStatus(item["status"]["S"]),
    )


def _member_item(member: Member) -> dict[str, Any]:
    item: dict[str, Any] = {
        **_key(member.tenant_id, MEMBER_PREFIX + member.user_id),
        "tenant_id": {"S": member.tenant_id},
        "user_id": {"S": member.user_id},
        "email": {"S": member.email},
        "roles": {"S": json.dumps(sorted(member.roles))},
        "joined_at": {"S": iso_exact(member.joined_at)},
        "sharing": {"BOOL": member.sharing},
        "status": {"S": member.status.value},
    }
    for name, moment in (("removed_at", member.removed_at), ("erase_at", member.erase_at)):
        if moment is not None:
            item[name] = {"S": iso_exact(moment)}
    if member.export_pending:
        item["export_pending"] = {"BOOL": True}
    return item


def _member(item: dict[str, Any]) -> Member:
    def moment(name: str) -> datetime | None:
        return parse_iso(item[name]["S"]) if name in item else None

    return Member(
        tenant_id=item["tenant_id"]["S"],
        user_id=item["user_id"]["S"],
        email=item["email"]["S"],
        roles=frozenset(json.loads(item["roles"]["S"])),
        joined_at=parse_iso(item["joined_at"]["S"]),
        sharing=item["sharing"]["BOOL"],
        status=MemberStatus(item["status"]["S"]),
        removed_at=moment("removed_at"),
        erase_at=moment("erase_at"),
        export_pending=item.get("export_pending", {}).get("BOOL", False),
    )


def _pending_key(tenant_id: str, user_id: str, removed_at: datetime) -> dict[str, Any]:
    sort_key = f"{sortable(removed_at)}#{tenant_id}#{user_id}"
    return {"PK": {"S": EXPORTS_PK}, "SK": {"S": sort_key}}


def _due_key(due: DueErasure) -> dict[str, Any]:
    sort_key = f"{sortable(due.erase_at)}#{due.tenant_id}#{due.user_id}"
    return {"PK": {"S": ERASURES_PK}, "SK": {"S": sort_key}}


class DynamoDBTenancyStore:
    def __init__(
        self, client: Any, table_name: str, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._client = client
        self._table = table_name
        self._batch_retry = RetryPolicy(6, 0.05, sleep)

    def put_invites(self, invites: Sequence[Invite]) -> None:
        """BatchWriteItem, 25 a request, unprocessed items sent again. Not one transaction
        (200 addresses exceed one): the request was checked whole first, and sending it
        again replaces every invitation with a fresh one, which is what a re-invite does."""
        puts = [{"PutRequest": {"Item": _invite_item(invite)}} for invite in invites]
        batch_write(self._client, self._table, puts, self._batch_retry, what="invitations")

    def invite(self, tenant_id: str, key: str) -> Invite | None:
        response = self._client.get_item(
            TableName=self._table, Key=_key(tenant_id, INVITE_PREFIX + key), ConsistentRead=True
        )
        item = response.get("Item")
        return None if item is None else _invite(item)

    def invites(self, tenant_id: str) -> list[Invite]:
        return [_invite(item) for item in self._partition(tenant_id, INVITE_PREFIX)]

    def revoke(self, tenant_id: str, key: str, invite_id: str) -> bool:
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(tenant_id, INVITE_PREFIX + key),
                UpdateExpression="SET #status = :revoked",
                ConditionExpression="invite_id = :id AND #status = :pending",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":revoked": {"S": InviteStatus.REVOKED.value},
                    ":pending": {"S": InviteStatus.PENDING.value},
                    ":id": {"S": invite_id},
                },
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def accept(self, invite: Invite, member: Member) -> None:
        """One transaction: the invitation turns used only if still this pending one, and
        the member is saved only if new, so two clicks of one link make one member."""
        used = {
            "Update": {
                "TableName": self._table,
                "Key": _key(invite.tenant_id, INVITE_PREFIX + invite.key),
                "UpdateExpression": "SET #status = :used",
                "ConditionExpression": "invite_id = :id AND #status = :pending",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {
                    ":used": {"S": InviteStatus.USED.value},
                    ":pending": {"S": InviteStatus.PENDING.value},
                    ":id": {"S": invite.invite_id},
                },
            }
        }
        joined = {
            "Put": {
                "TableName": self._table,
                "Item": _member_item(member),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }
        try:
            self._client.transact_write_items(TransactItems=[used, joined])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                raise InviteTakenError("the invitation was used, revoked or replaced") from error
            raise

    def member(self, tenant_id: str, user_id: str) -> Member | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=_key(tenant_id, MEMBER_PREFIX + user_id),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return None if item is None else _member(item)

    def register(self, member: Member) -> Member:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_member_item(member),
                ConditionExpression="attribute_not_exists(PK)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            saved = error.response.get("Item")
            if saved is None:  # an endpoint that does not return the item: read it
                return self.member(member.tenant_id, member.user_id) or member
            return _member(saved)
        return member

    def members(self, tenant_id: str) -> list[Member]:
        return [_member(item) for item in self._partition(tenant_id, MEMBER_PREFIX)]

    def set_sharing(self, member: Member, sharing: bool) -> Member | None:
        """One conditional update: an active member's consent, or a new member's record
        with it (never a removed member's)."""
        fresh = _member_item(member)
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=_key(member.tenant_id, MEMBER_PREFIX + member.user_id),
                UpdateExpression=(
                    "SET sharing = :sharing, tenant_id = if_not_exists(tenant_id, :tenant), "
                    "user_id = if_not_exists(user_id, :user), "
                    "email = if_not_exists(email, :email), #roles = if_not_exists(#roles, :roles), "
                    "joined_at = if_not_exists(joined_at, :joined), "
                    "#status = if_not_exists(#status, :active)"
                ),
                ConditionExpression="attribute_not_exists(PK) OR #status = :active",
                ExpressionAttributeNames={"#status": "status", "#roles": "roles"},
                ExpressionAttributeValues={
                    ":sharing": {"BOOL": sharing},
                    ":tenant": fresh["tenant_id"],
                    ":user": fresh["user_id"],
                    ":email": fresh["email"],
                    ":roles": fresh["roles"],
                    ":joined": fresh["joined_at"],
                    ":active": {"S": MemberStatus.ACTIVE.value},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if is_condition_failure(error):
                return None
            raise
        return _member(response["Attributes"])

    def remove(self, removed: Member) -> bool:
        if removed.erase_at is None:
            raise ValueError("a removed member needs its erase_at")
        due = DueErasure(removed.tenant_id, removed.user_id, removed.erase_at)
        record = {
            "Put": {
                "TableName": self._table,
                "Item": _member_item(removed),
                "ConditionExpression": "#status = :active",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":active": {"S": MemberStatus.ACTIVE.value}},
            }
        }
        scheduled = {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **_due_key(due),
                    "tenant_id": {"S": due.tenant_id},
                    "user_id": {"S": due.user_id},
                    "erase_at": {"S": iso_exact(due.erase_at)},
                },
            }
        }
        writes = [record, scheduled]
        if removed.export_pending and removed.removed_at is not None:
            pending = {
                **_pending_key(removed.tenant_id, removed.user_id, removed.removed_at),
                "tenant_id": {"S": removed.tenant_id},
                "user_id": {"S": removed.user_id},
                "removed_at": {"S": iso_exact(removed.removed_at)},
            }
            writes.append({"Put": {"TableName": self._table, "Item": pending}})
        try:
            self._client.transact_write_items(TransactItems=writes)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                return False
            raise
        return True

    def claim_export(self, member: Member, now: datetime) -> bool:
        """One conditional update: the export is pending and nobody's claim is running."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(member.tenant_id, MEMBER_PREFIX + member.user_id),
                UpdateExpression="SET export_claim_lapses = :lapses",
                ConditionExpression="#status = :removed AND export_pending = :yes AND "
                "(attribute_not_exists(export_claim_lapses) OR export_claim_lapses <= :now)",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={
                    ":removed": {"S": MemberStatus.REMOVED.value},
                    ":yes": {"BOOL": True},
                    ":now": {"S": sortable(now)},
                    ":lapses": {"S": sortable(now + EXPORT_CLAIM_LAPSES)},
                },
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def finish_export(self, member: Member, *, sent: bool) -> None:
        ended = "export_pending, export_claim_lapses" if sent else "export_claim_lapses"
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_key(member.tenant_id, MEMBER_PREFIX + member.user_id),
                UpdateExpression=f"REMOVE {ended}",
                # Never creates a record (an erasure may have come in between).
                ConditionExpression="attribute_exists(PK)",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
        if sent and member.removed_at is not None:
            self._client.delete_item(
                TableName=self._table,
                Key=_pending_key(member.tenant_id, member.user_id, member.removed_at),
            )

    def pending_exports(self, limit: int) -> list[PendingExport]:
        found = query_items(
            self._client,
            limit=limit,
            TableName=self._table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": EXPORTS_PK}},
            ConsistentRead=True,
        )
        return [
            PendingExport(
                item["tenant_id"]["S"], item["user_id"]["S"], parse_iso(item["removed_at"]["S"])
            )
            for item in found
        ]

    def due_erasures(self, now: datetime, limit: int) -> list[DueErasure]:
        found = query_items(
            self._client,
            limit=limit,
            TableName=self._table,
            KeyConditionExpression="PK = :pk AND SK <= :now",
            ExpressionAttributeValues={
                ":pk": {"S": ERASURES_PK},
                # Every key of a moment up to `now` sorts before `now` followed by "~".
                ":now": {"S": sortable(now) + "~"},
            },
            ConsistentRead=True,
        )
        return [
            DueErasure(
                item["tenant_id"]["S"], item["user_id"]["S"], parse_iso(item["erase_at"]["S"])
            )
            for item in found
        ]

    def mark_erased(self, due: DueErasure) -> None:
        found = self.member(due.tenant_id, due.user_id)
        if found is not None and found.email:
            self._client.delete_item(
                TableName=self._table,
                Key=_key(due.tenant_id, INVITE_PREFIX + invite_key(found.email)),
            )
        if found is not None and found.removed_at is not None:
            self._client.delete_item(
                TableName=self._table,
                Key=_pending_key(due.tenant_id, due.user_id, found.removed_at),
            )
        if found is not None:
            self._client.update_item(
                TableName=self._table,
                Key=_key(due.tenant_id, MEMBER_PREFIX + due.user_id),
                UpdateExpression="SET #status = :erased, email = :none, #roles = :no_roles "
                "REMOVE removed_at, export_pending, export_claim_lapses",
                ExpressionAttributeNames={"#status": "status", "#roles": "roles"},
                ExpressionAttributeValues={
                    ":erased": {"S": MemberStatus.ERASED.value},
                    ":none": {"S": ""},
                    ":no_roles": {"S": "[]"},
                },
            )
        self._client.delete_item(TableName=self._table, Key=_due_key(due))

    def _partition(self, tenant_id: str, prefix: str) -> list[dict[str, Any]]:
        return list(
            query_items(
                self._client,
                TableName=self._table,
                KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
                ExpressionAttributeValues={
                    ":pk": {"S": tenancy_pk(tenant_id)},
                    ":prefix": {"S": prefix},
                },
                ConsistentRead=True,
            )
        )
