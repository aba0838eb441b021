"""Reply and log addresses: signed, bound to their owner (and email), one spelling each."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.inbound.addresses import AddressKind, InboundAddresses, new_mail_id

DOMAIN = "in.rapport.example"


@pytest.fixture
def addresses() -> InboundAddresses:
    return InboundAddresses(("the-secret",), DOMAIN)


def test_a_reply_address_names_its_owner_and_email(addresses: InboundAddresses) -> None:
    mail_id = new_mail_id()
    address = addresses.reply_address("acme", "0b5c8f3e-6a1d-4c1b-9f0e-2d3c4b5a6978", mail_id)

    read = addresses.read(address)

    assert address.startswith("reply+")
    assert address.endswith("@" + DOMAIN)
    assert read is not None
    assert (read.kind, read.tenant_id, read.user_id, read.mail_id) == (
        AddressKind.REPLY,
        "acme",
        "0b5c8f3e-6a1d-4c1b-9f0e-2d3c4b5a6978",
        mail_id,
    )


def test_a_log_address_is_the_same_for_one_user_and_differs_between_users(
    addresses: InboundAddresses,
) -> None:
    ada = addresses.log_address("acme", "ada")

    assert ada == addresses.log_address("acme", "ada")
    assert ada != addresses.log_address("acme", "ben")
    assert ada != addresses.log_address("globex", "ada")
    read = addresses.read(ada)
    assert read is not None
    assert (read.kind, read.tenant_id, read.user_id) == (
        AddressKind.LOG,
        "acme",
        "ada",
    )


def test_mail_systems_may_change_the_case_of_the_address(addresses: InboundAddresses) -> None:
    address = addresses.reply_address("acme", "ada", new_mail_id())

    assert addresses.read(address.upper()) == addresses.read(address)


def test_every_altered_character_makes_it_no_address(addresses: InboundAddresses) -> None:
    address = addresses.reply_address("acme", "ada", new_mail_id())
    local, _, _ = address.partition("@")
    token = local.removeprefix("reply+")
    for index in range(len(token)):
        changed = "a" if token[index] != "a" else "b"
        tampered = token[:index] + changed + token[index + 1 :]
        assert addresses.read(f"reply+{tampered}@{DOMAIN}") is None, index


def test_a_token_of_one_kind_never_reads_as_the_other(addresses: InboundAddresses) -> None:
    reply = addresses.reply_address("acme", "ada", new_mail_id())
    log = addresses.log_address("acme", "ada")

    assert addresses.read(reply.replace("reply+", "log+", 1)) is None
    assert addresses.read(log.replace("log+", "reply+", 1)) is None


def test_another_domain_or_secret_reads_nothing(addresses: InboundAddresses) -> None:
    address = addresses.log_address("acme", "ada")

    assert addresses.read(address.replace(DOMAIN, "evil.example")) is None
    assert InboundAddresses(("another-secret",), DOMAIN).read(address) is None
    # Rotation: a new secret first, the old one still accepted.
    assert InboundAddresses(("new", "the-secret"), DOMAIN).read(address) is not None


def test_invalid_ids_cannot_be_made_into_an_address(addresses: InboundAddresses) -> None:
    with pytest.raises(ValueError, match="valid tenant and user ids"):
        addresses.log_address("acme#U#other", "ada")


@given(st.text(max_size=300))
def test_no_text_breaks_reading(text: str) -> None:
    assert InboundAddresses(("the-secret",), DOMAIN).read(text) is None
