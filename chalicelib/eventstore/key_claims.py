"""A user's claims on their `Idempotency-Key`s, as DynamoDB items.

A claim sits in its user's partition (`T#{tenant}#U#{user}`, beside their settings) at
`I#{key}`: one GetItem reads it, its key starts with the tenant like every key of a tenant's
data, and nothing but the key follows the prefix, so any key (even one holding `#`) names one
item. It holds the request's hash and the expiry (the table's TTL attribute), never an answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from chalicelib.eventstore.codec import IDEMPOTENCY_PREFIX, Item, epoch_seconds
from chalicelib.eventstore.port import IdempotencyRecord, KeyClaim


def user_partition_key(tenant_id: str, user_id: str) -> str:
    """`T#{tenant}#U#{user}`; a `#` inside an id could make two users' keys collide."""
    for name, value in (("tenant_id", tenant_id), ("user_id", user_id)):
        if not value or "#" in value:
            raise ValueError(f"{name} must be non-empty and free of '#': {value!r}")
    return f"T#{tenant_id}#U#{user_id}"


def claim_key(tenant_id: str, user_id: str, key: str) -> Item:
    """The primary key of the claim on a user's key."""
    return {
        "PK": {"S": user_partition_key(tenant_id, user_id)},
        "SK": {"S": f"{IDEMPOTENCY_PREFIX}{key}"},
    }


def claim_item(tenant_id: str, record: IdempotencyRecord) -> Item:
    """The claim an idempotency record makes on its key for its user."""
    return {
        **claim_key(tenant_id, record.user_id, record.key),
        "tenant_id": {"S": tenant_id},
        "user_id": {"S": record.user_id},
        "key": {"S": record.key},
        "request_hash": {"S": record.request_hash},
        "expires_at": {"N": str(epoch_seconds(record.expires_at))},
    }


def decode_claim(item: Mapping[str, Any]) -> KeyClaim:
    return KeyClaim(
        tenant_id=item["tenant_id"]["S"],
        user_id=item["user_id"]["S"],
        key=item["key"]["S"],
        request_hash=item["request_hash"]["S"],
        expires_at=datetime.fromtimestamp(int(item["expires_at"]["N"]), UTC),
    )
