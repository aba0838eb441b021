"""Keys of every item in the views table. Every partition key starts with `T#{tenant}`, except
the scheduler's sharded due index; each index is sparse (only items that carry its keys).

Item kinds (PK / SK):
- contact view:    `T#{t}#U#{u}` / `C#{contact}`   + by_updated, by_status, and (while an
                   interview is scheduled) interviews / tenant_interviews keys. An erased
                   contact keeps a tombstone view here (version only, no index keys).
- reminder:        `T#{t}#U#{u}` / `R#{contact}#{action}#{due_at}` + agenda, tenant_agenda,
                   and due (only while not yet reminded and the user has reminders on)
- user counters:   `T#{t}#U#{u}` / `STATS`
- tenant counters: `T#{t}` / `STATS`

Times inside the sort keys the dashboards read by range (agenda, interviews, by_updated) are
`sortable_time`: fixed width, so string order is time order (`timefmt.iso` drops zero
milliseconds, and `...:00Z` would sort after `...:00.5Z`). The reminder SK and `due_sk` use
`iso`, as the sweep's contract says (chalicelib/reminders/due_items.py); send times fall on
whole hours, so `due_sk` still sorts in time order.

Reminder items belong to the projector; the sweep only removes or restores their two due
keys, and keeps its claims beside them at `CLAIM#...`, which rebuilds leave alone.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

from chalicelib.domain.vocabulary import Action

STATS_SK = "STATS"
CONTACT_PREFIX = "C#"
# Sorts after every ISO timestamp with the same prefix: `due_sk <= f"{now}{HIGH}"`.
HIGH = "~"


def sortable_time(moment: datetime) -> str:
    """`2026-12-01T09:00:00.000000Z`: UTC, always with microseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def up_to(moment: datetime) -> str:
    """The upper bound of a sort key condition that takes everything due at or before `moment`."""
    return f"{sortable_time(moment)}{HIGH}"


def user_pk(tenant_id: str, user_id: str) -> str:
    return f"T#{tenant_id}#U#{user_id}"


def tenant_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}"


def contact_sk(contact_id: str) -> str:
    return f"{CONTACT_PREFIX}{contact_id}"


def reminder_prefix(contact_id: str) -> str:
    return f"R#{contact_id}#"


def reminder_sk(contact_id: str, action: Action, due_at_iso: str) -> str:
    return f"{reminder_prefix(contact_id)}{action.value}#{due_at_iso}"


def status_pk(tenant_id: str, user_id: str, status: str) -> str:
    return f"{user_pk(tenant_id, user_id)}#S#{status}"


def updated_sk(updated_at_iso: str, contact_id: str) -> str:
    return f"{updated_at_iso}#{contact_id}"


def agenda_sk(due_at_iso: str, contact_id: str, action: Action) -> str:
    """Shared by the user's `agenda` and the tenant's `tenant_agenda` index."""
    return f"{due_at_iso}#{contact_id}#{action.value}"


def interview_sk(starts_at_iso: str, contact_id: str) -> str:
    """Shared by the user's `interviews` and the tenant's `tenant_interviews` index."""
    return f"{starts_at_iso}#{contact_id}"


def due_shard(tenant_id: str, contact_id: str, shards: int) -> int:
    """A stable shard per contact, so one contact's reminders share a partition."""
    return zlib.crc32(f"{tenant_id}/{contact_id}".encode()) % shards


def due_pk(shard: int) -> str:
    return f"DUE#{shard}"


def due_sk(send_at_iso: str, tenant_id: str, contact_id: str, action: Action) -> str:
    return f"{send_at_iso}#{tenant_id}#{contact_id}#{action.value}"
