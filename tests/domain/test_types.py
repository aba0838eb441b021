"""The shared value types: one rule each for an email address, a time zone and a timestamp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from chalicelib.domain.types import (
    EMAIL_PATTERN,
    Email,
    Timestamp,
    TimeZoneName,
    is_email,
    is_time_zone,
)

EMAIL = TypeAdapter(Email)
ZONE = TypeAdapter(TimeZoneName)
TIMESTAMP = TypeAdapter(Timestamp)


@pytest.mark.parametrize(
    "address",
    [
        "ada@example.com",
        "ada.park+rapport@mail.example.co.uk",
        "a@b.c",
        "o'brien@example.ie",
        "{}|~!#$%&'*+/=?^_`@x.io",
        "ada@xn--bcher-kva.example",
        "ada@EXAMPLE.com",
    ],
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
        # What the mailer could not put in a To header as exactly this one address (issue 14)
        "a@[x.y",
        "evil@q.r,x",
        "ada@[127.0.0.1]",
        "Ada Park <ada@example.com>",
        "<ada@example.com>",
        "ada@example.com, bo@example.com",
        "ada@example.com;bo@example.com",
        '"ada"@example.com',
        '"ada park"@example.com',
        "ada(comment)@example.com",
        "ada@example.com\r\nBcc: victim@example.com",
        "ada\x00@example.com",
        "ada@exa\x1bmple.com",
        "ada\u200b@example.com",
        "zoë@example.com",
        "ada@bücher.example",
        "a..b@example.com",
        ".ada@example.com",
        "ada.@example.com",
        "ada@example.com.",
        "ada@.example.com",
        "ada@-example.com",
        "ada@example-.com",
        "ada@exa_mple.com",
        "ada@example..com",
        "ada@1.2.3.4",
        "ada@example.123",
        "ada@" + "b" * 64 + ".com",
        # (A 65-character local part is the mail service's to refuse: the pattern the OpenAPI
        # document states cannot count it, see domain/types.py.)
    ],
)
def test_what_is_plainly_not_an_address_is_refused_everywhere(address: str) -> None:
    assert not is_email(address)
    with pytest.raises(ValidationError, match=r"must be an email address like ada@example\.com"):
        EMAIL.validate_python(address)


def test_an_address_may_be_320_characters_long_but_not_321() -> None:
    # 64 for the local part, an "@", and a 255-character domain of four 63-character labels.
    longest = "a" * 64 + "@" + ".".join(["b" * 63] * 3 + ["c" * 63])

    assert len(longest) == 320
    assert is_email(longest)
    assert not is_email("a" + longest)
    with pytest.raises(ValidationError, match="at most 320 characters"):
        EMAIL.validate_python("a" + longest)


@pytest.mark.parametrize("value", [None, 42, b"ada@example.com"])
def test_only_text_can_be_an_email(value: object) -> None:
    assert not is_email(value)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.from_regex(EMAIL_PATTERN, fullmatch=True), st.text(max_size=40)))
def test_every_address_the_rule_accepts_the_mailer_writes_as_that_one_address(
    candidate: str,
) -> None:
    if not is_email(candidate):
        return
    message = EmailMessage(policy=policy.SMTP)
    message["To"] = Address(addr_spec=candidate)
    message.set_content("x")

    read = message_from_bytes(message.as_bytes(), policy=policy.default)

    assert [address.addr_spec for address in read["To"].addresses] == [candidate]
    assert not read["To"].defects


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
