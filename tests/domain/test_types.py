"""The shared value types: one rule each for an email address, a time zone and a timestamp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from chalicelib.domain.types import Email, Timestamp, TimeZoneName, is_email, is_time_zone

EMAIL = TypeAdapter(Email)
ZONE = TypeAdapter(TimeZoneName)
TIMESTAMP = TypeAdapter(Timestamp)


@pytest.mark.parametrize(
    "address", ["ada@example.com", "ada.park+rapport@mail.example.co.uk", "a@b.c"]
)
def test_ordinary_addresses_are_emails(address: str) -> None:
    assert is_email(address)
    assert EMAIL.validate_python(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "ada@localhost",
        "ada park@example.com",
        "a@b@c.d",
        "ada@example.com\n",
        " ada@example.com",
        "",
    ],
)
def test_what_is_plainly_not_an_address_is_refused_everywhere(address: str) -> None:
    assert not is_email(address)
    with pytest.raises(ValidationError, match=r"must be an email address like ada@example\.com"):
        EMAIL.validate_python(address)


def test_an_address_may_be_320_characters_long_but_not_321() -> None:
    longest = "a" * 64 + "@" + "b" * 251 + ".com"

    assert len(longest) == 320
    assert is_email(longest)
    assert not is_email("a" + longest)
    with pytest.raises(ValidationError, match="at most 320 characters"):
        EMAIL.validate_python("a" + longest)


@pytest.mark.parametrize("value", [None, 42, b"ada@example.com"])
def test_only_text_can_be_an_email(value: object) -> None:
    assert not is_email(value)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo", "Europe/Berlin", "UTC"])
def test_iana_zones_are_time_zones(zone: str) -> None:
    assert is_time_zone(zone)
    assert ZONE.validate_python(zone) == zone


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "/etc/localtime", "posixrules", "utc"]
)
def test_anything_else_is_refused_with_advice(zone: str) -> None:
    assert not is_time_zone(zone)
    with pytest.raises(ValidationError, match="must be an IANA timezone like America/New_York"):
        ZONE.validate_python(zone)


def test_a_timestamp_is_the_same_instant_in_utc() -> None:
    paris = datetime(2026, 12, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))

    moment = TIMESTAMP.validate_python(paris)

    assert moment == paris
    assert moment.tzinfo is UTC
    assert moment.hour == 9


def test_a_timestamp_keeps_its_microseconds() -> None:
    precise = datetime(2026, 12, 1, 9, 0, 0, 250, tzinfo=UTC)

    assert TIMESTAMP.validate_python(precise).microsecond == 250


def test_a_timestamp_without_a_zone_is_refused() -> None:
    with pytest.raises(ValidationError):
        TIMESTAMP.validate_python(datetime(2026, 12, 1, 9, 0))


def test_a_timestamp_reads_iso_text_with_an_offset() -> None:
    moment = TIMESTAMP.validate_json('"2026-12-01T18:00:00+09:00"')

    assert moment == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert moment.tzinfo is UTC
