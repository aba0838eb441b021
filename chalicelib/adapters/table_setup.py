"""Creates Rapport's tables from their one definition, idempotently."""

from __future__ import annotations

from typing import Any

from chalicelib.settings import Settings
from chalicelib.tables import ALL_TABLES, table_name


def create_tables(dynamodb: Any, settings: Settings) -> list[str]:
    """Creates any missing table (with stream and TTL); returns the names it created."""
    existing = set(dynamodb.list_tables()["TableNames"])
    created: list[str] = []
    for spec in ALL_TABLES:
        name = table_name(spec, settings)
        if name in existing:
            continue
        dynamodb.create_table(**spec.create_table_kwargs(name))
        dynamodb.get_waiter("table_exists").wait(TableName=name)
        if spec.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute},
            )
        created.append(name)
    return created
