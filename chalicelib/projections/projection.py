"""What the views table must hold for one contact: a pure function of its state and its
owner's settings, so the projector, `rebuild-projections` and `verify-projections` agree.

Nothing here depends on the time of projection, or a projection made late could never equal
a rebuild. `next_action` and expiry depend on "now", so the view stores the whole agenda and
readers pick the next action when they read; an agenda item stays until the contact's events
or settings change it (a reminded one stays on the agenda, off the due index), and readers
(dashboard, sweep) skip expired ones.

An erased contact keeps a tombstone view rather than none: a projector that read the stream
before the erasure and found no view would otherwise create one, personal data included; the
tombstone makes its conditional write fail.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.agenda import PlannedAction, agenda
from chalicelib.domain.reminder_time import send_time
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.domain.vocabulary import Status
from chalicelib.projections import keys
from chalicelib.projections.counters import FUNNEL_STAGES, Contribution
from chalicelib.service.presenter import contact_public
from chalicelib.timefmt import iso

Item = dict[str, dict[str, Any]]


def settings_fingerprint(settings: UserSettings) -> str:
    """Names the settings a view was computed with: a change re-projects the user's views."""
    return _digest(settings.model_dump_json())


@dataclass(frozen=True)
class Projection:
    """The view (a tombstone once the contact is gone) and its agenda items, keyed by SK."""

    tenant_id: str
    user_id: str
    contact_id: str
    version: int
    fingerprint: str
    view: Item
    reminders: dict[str, Item] = field(default_factory=dict)
    contribution: Contribution = field(default_factory=Contribution)

    @property
    def key(self) -> Item:
        return {"PK": self.view["PK"], "SK": self.view["SK"]}


def project(
    tenant_id: str, state: ContactState, settings: UserSettings, due_shards: int
) -> Projection:
    """The items for a contact's state; an erased (or never added) contact leaves a tombstone."""
    pk = keys.user_pk(tenant_id, state.owner_id)
    view: Item = {
        "PK": _s(pk),
        "SK": _s(keys.contact_sk(state.contact_id)),
        "kind": _s("contact"),
        "tenant_id": _s(tenant_id),
        "user_id": _s(state.owner_id),
        "contact_id": _s(state.contact_id),
        "version": {"N": str(state.version)},
    }
    if not state.exists:
        # No settings fingerprint: a tombstone reads the same whatever the settings.
        view |= {"erased": {"BOOL": True}, "settings": _s(""), "reminders": _s("{}")}
        return Projection(tenant_id, state.owner_id, state.contact_id, state.version, "", view)
    fingerprint = settings_fingerprint(settings)
    planned = agenda(state, settings)
    reminders = {
        item["SK"]["S"]: item
        for item in (_reminder(tenant_id, state, p, settings, due_shards) for p in planned)
    }
    view |= _view_attributes(tenant_id, state, settings, planned, pk)
    view["settings"] = _s(fingerprint)
    view["reminders"] = _s(_json({sk: _digest(_json(item)) for sk, item in reminders.items()}))
    return Projection(
        tenant_id,
        state.owner_id,
        state.contact_id,
        state.version,
        fingerprint,
        view,
        reminders,
        Contribution.of(state),
    )


def _view_attributes(
    tenant_id: str,
    state: ContactState,
    settings: UserSettings,
    planned: tuple[PlannedAction, ...],
    pk: str,
) -> Item:
    assert state.status is not None
    assert state.updated_at is not None
    public = contact_public(state, settings, state.updated_at)
    del public["next_action"]  # depends on the reader's "now": see agenda
    contribution = Contribution.of(state)
    updated = keys.updated_sk(keys.sortable_time(state.updated_at), state.contact_id)
    attributes: Item = {
        "status": _s(state.status.value),
        "funnel": _s(_json([s for s in FUNNEL_STAGES if getattr(contribution, s)])),
        "name": _s(state.name or ""),
        "public": _s(_json(public)),
        "agenda": _s(_json([_planned(p) for p in planned])),
        "gsi1pk": _s(pk),
        "gsi1sk": _s(updated),
        "gsi2pk": _s(keys.status_pk(tenant_id, state.owner_id, state.status.value)),
        "gsi2sk": _s(updated),
    }
    if state.status is Status.SCHEDULED and state.interview is not None:
        starts = keys.interview_sk(keys.sortable_time(state.interview.starts_at), state.contact_id)
        attributes |= {
            "starts_at": _s(iso(state.interview.starts_at)),
            "iv_pk": _s(pk),
            "iv_sk": _s(starts),
            "tiv_pk": _s(keys.tenant_pk(tenant_id)),
            "tiv_sk": _s(starts),
        }
    return attributes


def _reminder(
    tenant_id: str,
    state: ContactState,
    planned: PlannedAction,
    settings: UserSettings,
    due_shards: int,
) -> Item:
    """One open action: on the dashboards' agenda always, on the due index until reminded."""
    send_at = send_time(planned, settings)
    on_agenda = keys.agenda_sk(keys.sortable_time(planned.due_at), state.contact_id, planned.action)
    item: Item = {
        "PK": _s(keys.user_pk(tenant_id, state.owner_id)),
        # `iso` here, as the sweep's contract says (chalicelib/reminders/due_items.py).
        "SK": _s(keys.reminder_sk(state.contact_id, planned.action, iso(planned.due_at))),
        "kind": _s("reminder"),
        "tenant_id": _s(tenant_id),
        "user_id": _s(state.owner_id),
        "contact_id": _s(state.contact_id),
        "name": _s(state.name or ""),
        "action": _s(planned.action.value),
        "due_at": _s(iso(planned.due_at)),
        "send_at": _s(iso(send_at)),
        "agenda_pk": _s(keys.user_pk(tenant_id, state.owner_id)),
        "agenda_sk": _s(on_agenda),
        "tagenda_pk": _s(keys.tenant_pk(tenant_id)),
        "tagenda_sk": _s(on_agenda),
    }
    if planned.expires_at is not None:
        item["expires_at"] = _s(iso(planned.expires_at))
    reminded = (planned.action, planned.due_at) in state.reminders_sent
    if settings.reminders_enabled and not reminded:
        shard = keys.due_shard(tenant_id, state.contact_id, due_shards)
        item["due_pk"] = _s(keys.due_pk(shard))
        # Send times fall on the reminder hour, so `iso` is whole seconds and sorts in order.
        item["due_sk"] = _s(keys.due_sk(iso(send_at), tenant_id, state.contact_id, planned.action))
    return item


def _planned(planned: PlannedAction) -> dict[str, str | None]:
    return {
        "action": planned.action.value,
        "due_at": iso(planned.due_at),
        "expires_at": iso(planned.expires_at) if planned.expires_at else None,
    }


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
