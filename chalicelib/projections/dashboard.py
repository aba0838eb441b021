"""Dashboards kept up to date by the projector, so reading one costs a single item.

Each user has one dashboard item; a tenant's is split over `TENANT_SHARDS` fixed items (a user
always feeds the same one), so no single item is hot for a whole cohort and the tenant view is
one batch read of the shards. Each holds the counters and the earliest open due actions and
interviews, bounded: each list is a prefix of everything open, sorted, kept between `*_MIN`
and `*_KEEP` entries (or everything, when there is less). When removals shrink a cut list
below its minimum it is refilled from the sources, which for a user are their reminders and
for a shard its members' own dashboards, whose prefixes merge into the shard's.

All of it is pure: the projector reads, calls `moved`, and writes the result over the
revision it read.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from chalicelib.domain.vocabulary import Action
from chalicelib.viewstore.model import (
    ContactView,
    Contribution,
    Dashboard,
    DashboardKey,
    DueEntry,
    InterviewEntry,
    Reminder,
)

TENANT_SHARDS = 8
# The dashboards show 20 due actions and 10 interviews; the margin covers expired entries,
# which stay listed until the contact moves on.
DUE_KEEP, DUE_MIN = 40, 25
INTERVIEWS_KEEP, INTERVIEWS_MIN = 20, 12

Entry = TypeVar("Entry", DueEntry, InterviewEntry)


def tenant_shard(user_id: str) -> int:
    return zlib.crc32(user_id.encode()) % TENANT_SHARDS


def user_key(tenant_id: str, user_id: str) -> DashboardKey:
    return DashboardKey(tenant_id, user_id)


def shard_key(tenant_id: str, user_id: str) -> DashboardKey:
    return DashboardKey(tenant_id, None, tenant_shard(user_id))


def tenant_keys(tenant_id: str) -> list[DashboardKey]:
    return [DashboardKey(tenant_id, None, shard) for shard in range(TENANT_SHARDS)]


def due_entries(view: ContactView | None) -> list[DueEntry]:
    if view is None or view.erased:
        return []
    return [
        DueEntry(e.due_at, view.contact_id, e.action, view.name, view.user_id, e.expires_at)
        for e in view.agenda
    ]


def interviews_of(entries: Iterable[DueEntry]) -> list[InterviewEntry]:
    """A scheduled interview is on the agenda as `attend_interview`, due when it starts."""
    return [
        InterviewEntry(e.due_at, e.contact_id, e.name, e.user_id)
        for e in entries
        if e.action is Action.ATTEND_INTERVIEW
    ]


def interview_entries(view: ContactView | None) -> list[InterviewEntry]:
    return interviews_of(due_entries(view))


def reminder_entries(reminders: Iterable[Reminder]) -> list[DueEntry]:
    """Due entries from stored reminders (a user dashboard's refill)."""
    return [
        DueEntry(r.due_at, r.contact_id, r.action, r.name, r.user_id, r.expires_at)
        for r in reminders
    ]


def counters_moved(
    counters: Mapping[str, int], old: Contribution, new: Contribution
) -> dict[str, int]:
    """The counters after one contact's contribution changed from `old` to `new`."""
    moved = dict(counters)
    for name, value in old.counters().items():
        moved[name] = moved.get(name, 0) - value
    for name, value in new.counters().items():
        moved[name] = moved.get(name, 0) + value
    return {name: value for name, value in sorted(moved.items()) if value}


def moved(dashboard: Dashboard, old: ContactView | None, new: ContactView) -> Dashboard | None:
    """The dashboard once one contact went from `old` to `new`; None when a cut list fell
    below its minimum and must be refilled from its sources (`refilled`)."""
    old_contribution = old.contribution if old else Contribution()
    due = _replaced(dashboard.due, dashboard.more_due, new, due_entries(new), DUE_KEEP)
    interviews = _replaced(
        dashboard.interviews,
        dashboard.more_interviews,
        new,
        interview_entries(new),
        INTERVIEWS_KEEP,
    )
    if (due[1] and len(due[0]) < DUE_MIN) or (
        interviews[1] and len(interviews[0]) < INTERVIEWS_MIN
    ):
        return None
    return replace(
        dashboard,
        revision=dashboard.revision + 1,
        counters=counters_moved(dashboard.counters, old_contribution, new.contribution),
        due=due[0],
        more_due=due[1],
        interviews=interviews[0],
        more_interviews=interviews[1],
    )


def refilled(
    dashboard: Dashboard,
    old: ContactView | None,
    new: ContactView,
    due: Iterable[DueEntry],
    interviews: Iterable[InterviewEntry],
) -> Dashboard:
    """`moved`, with the lists rebuilt from everything open (`due`, `interviews`: every entry
    but those of `new`'s contact, whose entries come from `new`)."""
    old_contribution = old.contribution if old else Contribution()
    others = [e for e in due if e.contact_id != new.contact_id]
    other_interviews = [e for e in interviews if e.contact_id != new.contact_id]
    all_due, more_due = _cut(sorted([*others, *due_entries(new)]), DUE_KEEP)
    all_interviews, more_interviews = _cut(
        sorted([*other_interviews, *interview_entries(new)]), INTERVIEWS_KEEP
    )
    return replace(
        dashboard,
        revision=dashboard.revision + 1,
        counters=counters_moved(dashboard.counters, old_contribution, new.contribution),
        due=all_due,
        more_due=more_due,
        interviews=all_interviews,
        more_interviews=more_interviews,
    )


def merged_prefix(lists: Sequence[tuple[Sequence[Entry], bool]]) -> tuple[list[Entry], bool]:
    """The sorted prefix that several bounded prefixes (entries, more) add up to: everything
    up to the earliest point where one of them was cut, which none of them lacks."""
    bounds = [entries[-1] for entries, more in lists if more and entries]
    merged = sorted(entry for entries, _ in lists for entry in entries)
    if bounds:
        bound = min(bounds)
        merged = [entry for entry in merged if entry <= bound]
    return merged, any(more for _, more in lists)


def from_members(key: DashboardKey, members: Sequence[Dashboard]) -> Dashboard:
    """A tenant shard's lists rebuilt from its members' dashboards (a refill; the counters
    are the caller's to move)."""
    merged_due, more_due = merged_prefix([(m.due, m.more_due) for m in members])
    merged_interviews, more_interviews = merged_prefix(
        [(m.interviews, m.more_interviews) for m in members]
    )
    due, more_due = _cut(merged_due, DUE_KEEP, more_due)
    interviews, more_interviews = _cut(merged_interviews, INTERVIEWS_KEEP, more_interviews)
    return Dashboard(
        key, due=due, interviews=interviews, more_due=more_due, more_interviews=more_interviews
    )


def expected(key: DashboardKey, views: Iterable[ContactView]) -> Dashboard:
    """What a dashboard over these views holds when its lists are as full as allowed."""
    counters: dict[str, int] = {}
    due: list[DueEntry] = []
    for view in views:
        counters = counters_moved(counters, Contribution(), view.contribution)
        due += due_entries(view)
    interviews = interviews_of(due)
    all_due, more_due = _cut(sorted(due), DUE_KEEP)
    all_interviews, more_interviews = _cut(sorted(interviews), INTERVIEWS_KEEP)
    return Dashboard(key, 0, counters, all_due, all_interviews, more_due, more_interviews)


def agrees(expected: Dashboard, stored: Dashboard) -> bool:
    """Whether a stored dashboard is one the projector may have left for `expected` (the
    fullest): same counters, and lists that are prefixes of its lists, long enough."""
    return (
        dict(expected.counters) == dict(stored.counters)
        and _prefix_agrees(expected.due, expected.more_due, stored.due, stored.more_due, DUE_MIN)
        and _prefix_agrees(
            expected.interviews,
            expected.more_interviews,
            stored.interviews,
            stored.more_interviews,
            INTERVIEWS_MIN,
        )
    )


def _prefix_agrees(
    full: Sequence[Entry], full_more: bool, stored: Sequence[Entry], stored_more: bool, low: int
) -> bool:
    if tuple(full[: len(stored)]) != tuple(stored):
        return False
    complete = len(stored) == len(full) and not full_more
    if complete:
        return not stored_more
    return stored_more and len(stored) >= min(low, len(full))


def _replaced(
    entries: Sequence[Entry],
    more: bool,
    new: ContactView,
    fresh: Sequence[Entry],
    keep: int,
) -> tuple[tuple[Entry, ...], bool]:
    """One contact's entries swapped for `fresh` in a bounded prefix; past a cut, an entry
    that sorts after the last one kept stays out (it was never in the prefix either)."""
    mine = (new.contact_id, new.user_id)
    kept: list[Entry] = [e for e in entries if (e.contact_id, e.user_id) != mine]
    added: list[Entry] = [e for e in fresh if not (more and entries) or e <= entries[-1]]
    return _cut(sorted(kept + added), keep, more)


def _cut(entries: Sequence[Entry], keep: int, more: bool = False) -> tuple[tuple[Entry, ...], bool]:
    """The first `keep` entries, and whether any (now or before, `more`) were left out."""
    return tuple(entries[:keep]), more or len(entries) > keep
