"""`rebuild-projections` and `verify-projections`: read models replayed from, and checked
against, the events.

A rebuild clears the read models of the chosen tenants (views, reminders, dashboards; the
sweep's claims stay) and projects every stream again through the projector itself, so a
rebuild and the stream path cannot disagree. Run it while the projector is quiet (pump stopped,
or the event source mapping disabled): a live projection between the clear and the replay
could move a dashboard that was just cleared. `verify-projections` afterwards tells whether it
did.

A stream that cannot be projected costs only itself: the rebuild reports it and carries on
with every other contact and user, and `verify-projections` names it too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from chalicelib.projections import dashboard as dash
from chalicelib.projections.projector import Projector
from chalicelib.projections.replay import EventsSnapshot, expectation
from chalicelib.timefmt import iso
from chalicelib.viewstore.model import DashboardKey, ReminderKey
from chalicelib.viewstore.port import Snapshot, ViewStore

_SHOWN = 120
Key = TypeVar("Key")


@dataclass(frozen=True)
class RebuildReport:
    deleted: int
    contacts: int
    # `tenant/contact` of each stream that cannot be projected, so has no read models now.
    skipped: tuple[str, ...] = ()


def rebuild(
    events: EventsSnapshot, views: ViewStore, projector: Projector, tenant_id: str | None = None
) -> RebuildReport:
    """Clears the tenant's (or every) read model, then projects every stream again."""
    deleted = views.clear(tenant_id)
    skipped: list[str] = []
    for (tenant, owner), contact_ids in events.owners().items():
        skipped += (f"{tenant}/{c}" for c in projector.project_contacts(tenant, owner, contact_ids))
    return RebuildReport(deleted=deleted, contacts=len(events.streams), skipped=tuple(skipped))


def verify(events: EventsSnapshot, views: ViewStore, due_shards: int) -> list[str]:
    """Every difference between the read models and a fresh fold, as lines for a person; a
    stream that cannot be folded is one line naming it and why."""
    found = views.snapshot()
    expected = expectation(events, due_shards, found)
    lines = [
        f"cannot fold stream {stream.tenant_id}/{stream.contact_id}: {reason}"
        for stream, reason in sorted(expected.unprojectable.items(), key=lambda s: str(s[0]))
    ]
    return lines + differences(expected.models, found)


def differences(expected: Snapshot, actual: Snapshot) -> list[str]:
    lines: list[str] = []
    lines += _compare(expected.views, actual.views, lambda k: f"view {'/'.join(k)}")
    lines += _compare(expected.reminders, actual.reminders, _reminder_label)
    lines += _compare(expected.dashboards, actual.dashboards, _dashboard_label, agree=dash.agrees)
    lines += _compare(expected.members, actual.members, lambda k: f"members of {k[0]} shard {k[1]}")
    return lines


def _compare(
    expected: Mapping[Key, Any],
    actual: Mapping[Key, Any],
    label: Callable[[Key], str],
    agree: Callable[[Any, Any], bool] | None = None,
) -> list[str]:
    lines: list[str] = []
    for key in sorted({*expected, *actual}, key=label):
        want, found = expected.get(key), actual.get(key)
        if found is None:
            lines.append(f"missing     {label(key)}")
        elif want is None:
            lines.append(f"unexpected  {label(key)}")
        elif not (agree(want, found) if agree else want == found):
            lines.append(f"differs     {label(key)}")
            lines += _field_lines(want, found)
    return lines


def _field_lines(want: Any, found: Any) -> list[str]:
    if not hasattr(want, "__dataclass_fields__"):
        return [f"    expected {_show(want)}, found {_show(found)}"]
    was, now = asdict(want), asdict(found)
    return [
        f"    {name}: expected {_show(was[name])}, found {_show(now[name])}"
        for name in was
        if was[name] != now[name]
    ]


def _reminder_label(key: ReminderKey) -> str:
    where = f"{key.tenant_id}/{key.user_id}/{key.contact_id}"
    return f"reminder {where} {key.action.value} {iso(key.due_at)}"


def _dashboard_label(key: DashboardKey) -> str:
    if key.user_id is None:
        return f"dashboard {key.tenant_id} shard {key.shard}"
    return f"dashboard {key.tenant_id}/{key.user_id}"


def _show(value: Any) -> str:
    text = str(getattr(value, "value", value))
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}…"
