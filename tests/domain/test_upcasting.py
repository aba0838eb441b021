"""Old stored data is lifted to today's schema on read; erased data is read without checks."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain import events as ev
from chalicelib.domain import upcasting
from chalicelib.domain.errors import UnknownEventTypeError
from chalicelib.domain.upcasting import parse_event, register_upcaster, upcast
from chalicelib.domain.vocabulary import Channel, ReplyOutcome


@pytest.fixture
def upcasters(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, int], upcasting.Upcaster]:
    """A private registry for the test, so registered upcasters never leak into others."""
    registry: dict[tuple[str, int], upcasting.Upcaster] = {}
    monkeypatch.setattr(upcasting, "UPCASTERS", registry)
    return registry


def _v0_reply(data: dict[str, Any]) -> dict[str, Any]:
    """Hypothetical v0: a reply was a boolean `accepted`; v1 has an `outcome`."""
    accepted = data.pop("accepted")
    return {**data, "outcome": "accepted" if accepted else "declined"}


def test_a_registered_upcaster_lifts_old_data_before_validation(
    upcasters: dict[tuple[str, int], upcasting.Upcaster],
) -> None:
    register_upcaster("reply_received", 0)(_v0_reply)

    event = parse_event("reply_received", 0, {"accepted": False})

    assert upcasters == {("reply_received", 0): _v0_reply}
    assert event == ev.ReplyReceived(outcome=ReplyOutcome.DECLINED)


def test_the_stored_data_is_not_changed_by_upcasting(
    upcasters: dict[tuple[str, int], upcasting.Upcaster],
) -> None:
    register_upcaster("reply_received", 0)(_v0_reply)
    stored = {"accepted": True}

    parse_event("reply_received", 0, stored)

    assert stored == {"accepted": True}


def test_current_data_passes_by_every_upcaster(
    upcasters: dict[tuple[str, int], upcasting.Upcaster],
) -> None:
    register_upcaster("reply_received", 0)(_v0_reply)

    assert parse_event("reply_received", 1, {"outcome": "accepted"}) == ev.ReplyReceived(
        outcome=ReplyOutcome.ACCEPTED
    )


def test_upcasters_run_one_version_at_a_time_in_order(
    upcasters: dict[tuple[str, int], upcasting.Upcaster], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ev.ThankYouSent, "schema_version", 3)
    seen: list[int] = []

    @register_upcaster("thank_you_sent", 1)
    def _v1(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(1)
        return {"medium": data.pop("via")}

    @register_upcaster("thank_you_sent", 2)
    def _v2(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(2)
        return {"channel": data.pop("medium")}

    assert upcast("thank_you_sent", 1, {"via": "linkedin"}) == {"channel": "linkedin"}
    assert seen == [1, 2]
    assert parse_event("thank_you_sent", 2, {"medium": "other"}) == ev.ThankYouSent(
        channel=Channel.OTHER
    )


def test_old_data_without_an_upcaster_is_an_error_not_a_guess(
    upcasters: dict[tuple[str, int], upcasting.Upcaster],
) -> None:
    with pytest.raises(LookupError, match="reply_received v0"):
        parse_event("reply_received", 0, {"accepted": True})


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(UnknownEventTypeError, match="party_thrown"):
        parse_event("party_thrown", 1, {})


def test_stored_data_is_validated_like_new_data() -> None:
    with pytest.raises(ValidationError):
        parse_event("interview_scheduled", 1, {"starts_at": "2026-03-12T15:00:00"})


def test_redacted_data_is_read_even_with_required_fields_missing() -> None:
    added = parse_event("contact_added", 1, {"source": "introduction"}, redacted=True)
    research = parse_event("research_noted", 1, {"subject": "person"}, redacted=True)
    questions = parse_event("questions_prepared", 1, {}, redacted=True)

    assert isinstance(added, ev.ContactAdded)
    assert isinstance(research, ev.ResearchNoted)
    assert isinstance(questions, ev.QuestionsPrepared)
    assert added.email is None


def test_redacted_data_is_upcast_too(
    upcasters: dict[tuple[str, int], upcasting.Upcaster],
) -> None:
    register_upcaster("reply_received", 0)(_v0_reply)

    event = parse_event("reply_received", 0, {"accepted": True}, redacted=True)

    assert isinstance(event, ev.ReplyReceived)
    assert event.outcome == ReplyOutcome.ACCEPTED
