"""The email interface's records, beside the user's settings in the events table.

`T#{tenant}#U#{user}` / `MAIL#{mail id}`: the items a reminder email listed, in order;
`T#{tenant}#U#{user}` / `INBOUND#{key}`: an inbound message handled. Both expire by the table's
TTL (`expires_at`), hold ids only (no name, no address, no text), and are read with a GetItem on
the tenant's key. The projector's doorbells and the replays ignore their sort keys.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.adapters.dynamodb_settings import settings_pk
from chalicelib.domain.vocabulary import Action
from chalicelib.dynamo.errors import is_condition_failure
from chalicelib.inbound.port import HANDLED_FOR, MailItem, SentMail
from chalicelib.timefmt import iso, parse_iso

MAIL_PREFIX = "MAIL#"
HANDLED_PREFIX = "INBOUND#"


def _key(tenant_id: str, user_id: str, sort_key: str) -> dict[str, Any]:
    return {"PK": {"S": settings_pk(tenant_id, user_id)}, "SK": {"S": sort_key}}


class DynamoDBSentMails:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def put(self, mail: SentMail) -> None:
        items = [
            {"c": item.contact_id, "a": item.action.value, "d": iso(item.due_at)}
            for item in mail.items
        ]
        self._client.put_item(
            TableName=self._table,
            Item={
                **_key(mail.tenant_id, mail.user_id, MAIL_PREFIX + mail.mail_id),
                "items": {"S": json.dumps(items, separators=(",", ":"))},
                "sent_at": {"S": iso(mail.sent_at)},
                "expires_at": {"N": str(int(mail.expires_at.timestamp()))},
            },
        )

    def get(self, tenant_id: str, user_id: str, mail_id: str) -> SentMail | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=_key(tenant_id, user_id, MAIL_PREFIX + mail_id),
            ConsistentRead=True,
        )
        item = response.get("Item")
        if item is None:
            return None
        return SentMail(
            tenant_id=tenant_id,
            user_id=user_id,
            mail_id=mail_id,
            items=tuple(
                MailItem(entry["c"], Action(entry["a"]), parse_iso(entry["d"]))
                for entry in json.loads(item["items"]["S"])
            ),
            sent_at=parse_iso(item["sent_at"]["S"]),
        )


class DynamoDBInboundLedger:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def handled(self, tenant_id: str, user_id: str, key: str) -> bool:
        response = self._client.get_item(
            TableName=self._table,
            Key=_key(tenant_id, user_id, HANDLED_PREFIX + key),
            ConsistentRead=True,
        )
        return "Item" in response

    def mark_handled(self, tenant_id: str, user_id: str, key: str, now: datetime) -> bool:
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    **_key(tenant_id, user_id, HANDLED_PREFIX + key),
                    "handled_at": {"S": iso(now)},
                    "expires_at": {"N": str(int((now + HANDLED_FOR).timestamp()))},
                },
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True
