"""The public shape of a contact, as API.md describes it, from its folded state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.agenda import next_action
from chalicelib.domain.rules import allowed_steps
from chalicelib.domain.state import ContactState
from chalicelib.domain.user_settings import UserSettings
from chalicelib.timefmt import iso, iso_or_none


def contact_public(
    state: ContactState, settings: UserSettings, now: datetime | None
) -> dict[str, Any]:
    """The contact as clients see it; `next_action` and `allowed_steps` are computed for
    `now`. Without `now` (a read model, which must not depend on when it was projected) there
    is no `next_action`, and `allowed_steps` leaves out no step for its time: the reader
    applies the rules of time (`rules.started`) when it reads."""
    planned = next_action(state, settings, now) if now is not None else None
    interview = state.interview
    return {
        "contact_id": state.contact_id,
        "version": state.version,
        "name": state.name,
        "email": state.email,
        "company": state.company,
        "role": state.role,
        "linkedin_url": state.linkedin_url,
        "source": state.source.value,
        "introduced_by": state.introduced_by,
        "notes": state.notes,
        "status": state.status.value if state.status else None,
        "next_action": (
            {"action": planned.action.value, "due_at": iso(planned.due_at)} if planned else None
        ),
        "interview": (
            {
                "starts_at": iso(interview.starts_at),
                "duration_minutes": interview.duration_minutes,
                "location": interview.location,
            }
            if interview
            else None
        ),
        "prepared": state.prepared,
        "questions": list(state.questions),
        "research": [
            {"subject": note.subject.value, "text": note.text, "noted_at": iso(note.noted_at)}
            for note in state.research
        ],
        "follow_ups_sent": state.follow_ups_sent,
        "reply": state.reply.value if state.reply else None,
        "thank_you_sent_at": iso_or_none(state.thank_you_sent_at),
        "linkedin_connected_at": iso_or_none(state.linkedin_connected_at),
        "reflection": (
            {
                "career_path": state.reflection.career_path,
                "obstacles": state.reflection.obstacles,
                "lessons": state.reflection.lessons,
            }
            if state.reflection
            else None
        ),
        "created_at": iso_or_none(state.created_at),
        "updated_at": iso_or_none(state.updated_at),
        "allowed_steps": allowed_steps(state, settings, now),
    }
