"""What event data looks like once made: defaults, immutability, and what gets stored."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.domain import events as ev
from chalicelib.domain.vocabulary import Channel, ReplyOutcome, Source
from tests.domain.event_samples import WHEN, validate


def test_event_data_cannot_be_changed_once_made() -> None:
    data = ev.ThankYouSent()

    with pytest.raises(ValidationError):
        data.channel = Channel.LINKEDIN  # type: ignore[misc]


def test_defaults_are_the_documented_ones() -> None:
    assert ev.ContactAdded(name="Ada").source is Source.COLD_OUTREACH
    assert ev.OutreachSent().channel is Channel.EMAIL
    assert ev.ThankYouSent().channel is Channel.EMAIL
    assert ev.ReplyReceived(outcome=ReplyOutcome.DECLINED).outcome is ReplyOutcome.DECLINED


def test_partial_events_store_only_the_fields_they_name() -> None:
    update = ev.ContactUpdated.model_validate({"company": "Globex"})
    moved = ev.InterviewRescheduled.model_validate({"starts_at": WHEN})

    assert update.to_data() == {"company": "Globex"}
    assert moved.to_data() == {"starts_at": WHEN}


def test_whole_events_store_their_defaults_too() -> None:
    assert ev.OutreachSent().to_data() == {"channel": "email", "message": None}
    assert validate("interview_scheduled").to_data() == {
        "starts_at": WHEN,
        "duration_minutes": 30,
        "location": None,
    }


def test_redaction_removes_exactly_the_personal_fields() -> None:
    added = validate("contact_added", email="ada@example.com", role="CTO").to_data()

    assert ev.redacted(added, "contact_added") == {"source": "cold_outreach"}
    assert ev.redacted({"outcome": "accepted"}, "reply_received") == {"outcome": "accepted"}
    assert ev.redacted({"starts_at": WHEN, "location": "Cafe"}, "interview_scheduled") == {
        "starts_at": WHEN
    }


def test_clients_may_record_every_step_but_adding_reminding_and_erasing() -> None:
    assert set(ev.EVENT_TYPES) - set(ev.CLIENT_EVENT_TYPES) == {
        "contact_added",
        "reminder_sent",
        "contact_erased",
    }
