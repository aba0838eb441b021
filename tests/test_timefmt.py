"""Every time format in one place: answers in UTC `Z` form, exact store times, sortable keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.timefmt import iso, iso_exact, iso_or_none, parse_iso, sortable

TOKYO = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 12, 1, 18, 0, tzinfo=TOKYO), "2026-12-01T09:00:00Z"),
        (datetime(2026, 12, 1, 9, 0, 0, 250_000, tzinfo=UTC), "2026-12-01T09:00:00.250Z"),
        (datetime(2026, 12, 1, 9, 0, 0, 250_999, tzinfo=UTC), "2026-12-01T09:00:00.250Z"),
    ],
)
def test_answers_are_utc_with_milliseconds_only_when_there_are_any(
    moment: datetime, text: str
) -> None:
    assert iso(moment) == text


def test_a_missing_time_stays_missing() -> None:
    assert iso_or_none(None) is None
    assert iso_or_none(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)) == "2026-12-01T09:00:00Z"


def test_the_stores_form_keeps_every_microsecond_and_reads_back_equal() -> None:
    moment = datetime(2026, 12, 1, 18, 0, 0, 5, tzinfo=TOKYO)

    assert iso_exact(moment) == "2026-12-01T09:00:00.000005Z"
    assert parse_iso(iso_exact(moment)) == moment


def test_sortable_keys_have_a_fixed_width_so_text_order_is_time_order() -> None:
    times = [datetime(2026, 12, 1, 9, 0, 0, us, tzinfo=UTC) for us in (0, 5, 500_000)]

    keys = [sortable(moment) for moment in times]

    assert keys[0] == "2026-12-01T09:00:00.000000Z"
    assert sorted(keys) == keys
    assert len(set(map(len, keys))) == 1


def test_parsing_needs_an_offset_and_gives_utc() -> None:
    assert parse_iso("2026-12-01T18:00:00+09:00") == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert parse_iso("2026-12-01T09:00:00Z").tzinfo is UTC
    with pytest.raises(ValueError, match="timezone offset"):
        parse_iso("2026-12-01T09:00:00")
