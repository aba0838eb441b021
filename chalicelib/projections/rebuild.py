"""`rebuild-projections` and `verify-projections`: read models replayed from, and checked
against, the events table.

A rebuild deletes the projected items (views, agenda items, counters) of the chosen tenants
and projects every stream again through the projector itself, so a rebuild and the stream
path cannot disagree. Run it while the projector is quiet (pump stopped, or the event source
mapping disabled): a live projection between the delete and the replay could move counters
that were just deleted. `verify-projections` afterwards tells whether it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.projections.projection import Item
from chalicelib.projections.projector import Projector
from chalicelib.projections.replay import (
    Key,
    expected_views,
    is_projected,
    read_events,
    read_views,
    scan,
)

MAX_BATCH_WRITE = 25
_SHOWN = 120


@dataclass(frozen=True)
class RebuildReport:
    deleted: int
    contacts: int


def rebuild(
    client: Any,
    events_table: str,
    views_table: str,
    projector: Projector,
    tenant_id: str | None = None,
) -> RebuildReport:
    """Deletes the tenant's (or every) projected item, then projects every stream again."""
    doomed = [
        {"PK": item["PK"], "SK": item["SK"]}
        for item in scan(client, views_table, tenant_id)
        if is_projected(item["SK"]["S"])
    ]
    for start in range(0, len(doomed), MAX_BATCH_WRITE):
        chunk = doomed[start : start + MAX_BATCH_WRITE]
        requests: dict[str, Any] = {views_table: [{"DeleteRequest": {"Key": k}} for k in chunk]}
        while requests:
            requests = client.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
    snapshot = read_events(client, events_table, tenant_id)
    for (tenant, owner), contact_ids in snapshot.owners().items():
        projector.project_contacts(tenant, owner, contact_ids)
    return RebuildReport(deleted=len(doomed), contacts=len(snapshot.streams))


def verify(client: Any, events_table: str, views_table: str, due_shards: int) -> list[str]:
    """Every difference between the views table and a fresh fold, as lines for a person."""
    expected = expected_views(read_events(client, events_table), due_shards)
    return differences(expected, read_views(client, views_table))


def differences(expected: dict[Key, Item], actual: dict[Key, Item]) -> list[str]:
    lines: list[str] = []
    for key in sorted({*expected, *actual}):
        want, found = expected.get(key), actual.get(key)
        where = f"{key[0]} / {key[1]}"
        if found is None:
            lines.append(f"missing     {where}")
        elif want is None:
            lines.append(f"unexpected  {where}")
        elif want != found:
            lines.append(f"differs     {where}")
            for name in sorted({*want, *found}):
                was, now = want.get(name), found.get(name)
                if was != now:
                    lines.append(f"    {name}: expected {_show(was)}, found {_show(now)}")
    return lines


def _show(value: dict[str, Any] | None) -> str:
    if value is None:
        return "(absent)"
    text = str(next(iter(value.values())))
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}…"
