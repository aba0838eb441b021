"""The one transaction that moves a contact's read models from what is stored to a projection.

Everything that depends on the view's version moves in it: the view (conditioned on being
exactly the view that was read), its agenda items, and the user's and tenant's counters. If
another projector moved the view first, the condition fails and nothing at all is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from chalicelib.projections import keys
from chalicelib.projections.counters import Contribution, add_counters, delta
from chalicelib.projections.projection import Item, Projection


@dataclass(frozen=True)
class StoredView:
    """The parts of a stored view the projector needs to diff against a new projection."""

    contact_id: str
    user_id: str
    version: int
    fingerprint: str
    erased: bool = False
    contribution: Contribution = field(default_factory=Contribution)
    reminders: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_item(cls, item: Item) -> StoredView:
        funnel = set(json.loads(item["funnel"]["S"])) if "funnel" in item else set()
        status = item["status"]["S"] if "status" in item else None
        return cls(
            contact_id=item["contact_id"]["S"],
            user_id=item["user_id"]["S"],
            version=int(item["version"]["N"]),
            fingerprint=item["settings"]["S"],
            erased=bool(item.get("erased", {}).get("BOOL", False)),
            contribution=Contribution(
                status, "reached_out" in funnel, "replied" in funnel, "interviewed" in funnel
            ),
            reminders=json.loads(item["reminders"]["S"]),
        )

    def is_current(self, version: int, fingerprint: str) -> bool:
        """Already projected from at least `version` with these settings (a tombstone has none)."""
        return self.version >= version and (self.erased or self.fingerprint == fingerprint)


def is_noop(old: StoredView | None, new: Projection) -> bool:
    return old is not None and old.is_current(new.version, new.fingerprint)


def transaction(table: str, old: StoredView | None, new: Projection) -> list[dict[str, Any]]:
    """TransactWriteItems actions; the view's Put comes first, so its cancellation reason is [0]."""
    actions: list[dict[str, Any]] = [_put_view(table, old, new)]
    old_reminders = old.reminders if old else {}
    for sk in sorted(set(old_reminders) - set(new.reminders)):
        key = {"PK": new.view["PK"], "SK": _s(sk)}
        actions.append({"Delete": {"TableName": table, "Key": key}})
    new_digests: dict[str, str] = json.loads(new.view["reminders"]["S"])
    for sk, item in sorted(new.reminders.items()):
        if old_reminders.get(sk) != new_digests[sk]:
            actions.append({"Put": {"TableName": table, "Item": item}})
    changes = delta(old.contribution if old else Contribution(), new.contribution)
    if changes:
        user = {"PK": _s(keys.user_pk(new.tenant_id, new.user_id)), "SK": _s(keys.STATS_SK)}
        tenant = {"PK": _s(keys.tenant_pk(new.tenant_id)), "SK": _s(keys.STATS_SK)}
        actions += [add_counters(table, user, changes), add_counters(table, tenant, changes)]
    return actions


def _put_view(table: str, old: StoredView | None, new: Projection) -> dict[str, Any]:
    put: dict[str, Any] = {"TableName": table, "Item": new.view}
    if old is None:
        put["ConditionExpression"] = "attribute_not_exists(PK)"
    else:
        # Exactly the view the deltas were computed from: never backwards, never counted twice.
        put["ConditionExpression"] = "#v = :v AND #s = :s"
        put["ExpressionAttributeNames"] = {"#v": "version", "#s": "settings"}
        put["ExpressionAttributeValues"] = {
            ":v": {"N": str(old.version)},
            ":s": _s(old.fingerprint),
        }
    return {"Put": put}


def _s(value: str) -> dict[str, str]:
    return {"S": value}
