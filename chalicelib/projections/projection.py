"""What the read side must hold for one contact: a pure function of its state and its owner's
settings, so the projector, `rebuild-projections` and `verify-projections` agree.

Nothing here depends on the time of projection, or a projection made late could never equal a
rebuild. `next_action` and expiry depend on "now", so the view keeps the whole agenda and
readers pick the next action when they read; an agenda entry stays until the contact's events
or settings change it (a reminded one stays on the agenda, off the due index), and readers
(dashboards, the sweep) skip expired ones.

An erased contact keeps a tombstone view rather than none: a projector that read the stream
before the erasure and found no view would otherwise create one, personal data included; the
tombstone makes its conditional write fail.

Times are kept to the millisecond, as stored (see `timefmt.to_millis`), so a value read back
from any store equals the one projected.
"""

from __future__ import annotations

import hashlib
import zlib

from chalicelib.domain.agenda import agenda
from chalicelib.domain.reminder_time import send_time
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Status
from chalicelib.projections.search import search_text
from chalicelib.service.presenter import contact_public
from chalicelib.timefmt import to_millis
from chalicelib.viewstore.model import (
    FUNNEL_STAGES,
    AgendaEntry,
    ContactView,
    Reminder,
    ReminderKey,
)


def settings_fingerprint(settings: UserSettings) -> str:
    """Names the settings a view was computed with: a change re-projects the user's views."""
    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()[:16]


def due_shard(tenant_id: str, contact_id: str, shards: int) -> int:
    """A stable shard of the due index per contact, so one contact's reminders share one."""
    return zlib.crc32(f"{tenant_id}/{contact_id}".encode()) % shards


def project(tenant_id: str, state: ContactState, settings: UserSettings) -> ContactView:
    """The view of a contact's state; an erased (or never added) contact is a tombstone."""
    if not state.exists:
        return ContactView(tenant_id, state.owner_id, state.contact_id, state.version, erased=True)
    assert state.status is not None
    assert state.updated_at is not None
    public = contact_public(state, settings, None)
    del public["next_action"]  # depends on the reader's "now": see the module's docstring
    interview = state.interview if state.status is Status.SCHEDULED else None
    return ContactView(
        tenant_id=tenant_id,
        user_id=state.owner_id,
        contact_id=state.contact_id,
        version=state.version,
        fingerprint=settings_fingerprint(settings),
        status=state.status,
        funnel=frozenset(stage for stage in FUNNEL_STAGES if getattr(state, stage)),
        name=state.name or "",
        public=public,
        agenda=_agenda(state, settings),
        updated_at=to_millis(state.updated_at),
        interview_starts_at=to_millis(interview.starts_at) if interview else None,
        search=search_text(state),
    )


def _agenda(state: ContactState, settings: UserSettings) -> tuple[AgendaEntry, ...]:
    reminded = state.reminders_sent
    return tuple(
        AgendaEntry(
            due_at=to_millis(planned.due_at),
            action=planned.action,
            send_at=to_millis(send_time(planned, settings)),
            expires_at=to_millis(planned.expires_at) if planned.expires_at else None,
            # The due index holds what may still be emailed.
            remind=settings.reminders_enabled and (planned.action, planned.due_at) not in reminded,
        )
        for planned in agenda(state, settings)
    )


def reminders_of(view: ContactView, due_shards: int) -> dict[ReminderKey, Reminder]:
    """The reminders a view implies: one per agenda entry, on the due index while `remind`."""
    shard = due_shard(view.tenant_id, view.contact_id, due_shards)
    found: dict[ReminderKey, Reminder] = {}
    for entry in view.agenda:
        key = ReminderKey(view.tenant_id, view.user_id, view.contact_id, entry.action, entry.due_at)
        found[key] = Reminder(
            key=key,
            send_at=entry.send_at,
            name=view.name,
            expires_at=entry.expires_at,
            due_shard=shard if entry.remind else None,
        )
    return found
