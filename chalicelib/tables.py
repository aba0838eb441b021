"""The one definition of Rapport's DynamoDB tables: keys, indexes, stream and TTL.

`create-tables`, the test fixtures, the dev stack and the CDK app in `infra/` all build their
tables from these specs, so a key or index can never differ between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.settings import Settings


@dataclass(frozen=True)
class IndexSpec:
    """A global secondary index: string partition and sort keys, all attributes projected."""

    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class TableSpec:
    """A table with string `PK`/`SK` keys, as DynamoDB's CreateTable and CDK both need it."""

    logical_name: str
    partition_key: str = "PK"
    sort_key: str = "SK"
    indexes: tuple[IndexSpec, ...] = ()
    stream_view_type: str | None = None
    ttl_attribute: str | None = None
    attribute_types: dict[str, str] = field(default_factory=dict)

    def key_attributes(self) -> list[str]:
        names = [self.partition_key, self.sort_key]
        for index in self.indexes:
            names += [index.partition_key, index.sort_key]
        return list(dict.fromkeys(names))

    def create_table_kwargs(self, table_name: str) -> dict[str, Any]:
        """The arguments of boto3's `create_table` for this spec (on-demand billing)."""
        kwargs: dict[str, Any] = {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": name, "AttributeType": "S"} for name in self.key_attributes()
            ],
            "KeySchema": [
                {"AttributeName": self.partition_key, "KeyType": "HASH"},
                {"AttributeName": self.sort_key, "KeyType": "RANGE"},
            ],
        }
        if self.indexes:
            kwargs["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index.name,
                    "KeySchema": [
                        {"AttributeName": index.partition_key, "KeyType": "HASH"},
                        {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in self.indexes
            ]
        if self.stream_view_type:
            kwargs["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": self.stream_view_type,
            }
        return kwargs


# Events: one partition per contact stream (`T#{tenant}#C#{contact}`), events at `E#{version:010d}`,
# idempotency records beside them at `I#...` so a command's single Query returns both. User
# settings live here too (`T#{tenant}#U#{user}` / `SETTINGS`): they are source data, and their
# stream records tell the projector to recompute that user's reminders. Beside them, each
# Idempotency-Key's claim (`I#{key}`: the request's hash, expiring with the key), which makes a
# key the user's across every POST, and a pending reminder address waiting for its link.
EVENTS = TableSpec(
    logical_name="events",
    stream_view_type="NEW_IMAGE",
    ttl_attribute="expires_at",
)

# Views: read models only, all rebuildable from EVENTS (chalicelib/viewstore/dynamodb_items.py
# lays them out). Every partition key starts with `T#{tenant}` except the scheduler's `due`
# index, sharded over `DUE#{n}`. Each index is sparse: a contact's list keys (`by_updated`, and
# `by_status` for the status filter) and a reminder's due keys, only while it may be emailed.
BY_UPDATED = IndexSpec("by_updated", "gsi1pk", "gsi1sk")
BY_STATUS = IndexSpec("by_status", "gsi2pk", "gsi2sk")
DUE = IndexSpec("due", "due_pk", "due_sk")

# `purge_at` lets DynamoDB delete the sweep's claims and leases once they can matter no more.
VIEWS = TableSpec(
    logical_name="views",
    ttl_attribute="purge_at",
    indexes=(BY_UPDATED, BY_STATUS, DUE),
)

ALL_TABLES: tuple[TableSpec, ...] = (EVENTS, VIEWS)

# Limits: the per-tenant request rate's token buckets (`T#{tenant}` / `RATE`, see
# chalicelib/adapters/dynamodb_rate_limits.py), gone by TTL once idle. Only stages that set a
# tenant rate use it, so `create-tables` (ALL_TABLES) leaves it out; infra/ deploys it.
LIMITS = TableSpec(logical_name="limits", ttl_attribute="expires_at")
DEPLOYED_TABLES: tuple[TableSpec, ...] = (*ALL_TABLES, LIMITS)


def table_name(spec: TableSpec, settings: Settings) -> str:
    """The deployed or local name of a table, from the environment."""
    if spec is LIMITS:
        return settings.limits_table
    return settings.events_table if spec is EVENTS else settings.views_table


# The sort key of a user's settings item in EVENTS (`T#{tenant}#U#{user}` / `SETTINGS`): the
# settings adapter writes it, and the projector reads its stream records as doorbells.
SETTINGS_SK = "SETTINGS"
