"""Owner tokens (hook ids, feed secrets) and the box that seals webhook secrets."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.integrations import owner_tokens
from chalicelib.integrations.owner_tokens import Owner, OwnerToken
from chalicelib.integrations.secret_box import SecretBox, SecretBoxError, derived_key, secrets_key
from chalicelib.settings import Settings

ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=64)


@given(ids, ids)
def test_a_token_names_its_owner_and_credential(tenant: str, user: str) -> None:
    token = OwnerToken(Owner(tenant, user), owner_tokens.random_credential())
    assert owner_tokens.parse(str(token)) == token


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no-dot",
        "abc.short",
        "!!!." + "A" * 43,
        "YWNtZQ." + "A" * 43,  # "acme" alone: no user
        "YWNtZR9hZGE=." + "A" * 43,  # padded: not the canonical spelling
        "YWNtZR9hZGE." + "A" * 43 + "/x",
        "YWNtZR9hZGE." + "A" * 600,
    ],
)
def test_anything_else_names_nobody(text: str) -> None:
    assert owner_tokens.parse(text) is None


def test_the_owner_part_is_canonical() -> None:
    token = owner_tokens.parse("YWNtZR9hZGE." + "A" * 43)
    assert token is not None
    assert token.owner == Owner("acme", "ada")


def box() -> SecretBox:
    return SecretBox(secrets_key(Settings(webhook_secrets_key="k" * 40)))


def test_a_sealed_secret_opens_only_for_its_owner_and_provider() -> None:
    sealed = box().seal("s3cret!", tenant_id="acme", user_id="ada", provider="calendly")
    assert "s3cret" not in sealed
    assert box().open(sealed, tenant_id="acme", user_id="ada", provider="calendly") == "s3cret!"
    for other in (
        {"tenant_id": "globex", "user_id": "ada", "provider": "calendly"},
        {"tenant_id": "acme", "user_id": "bea", "provider": "calendly"},
        {"tenant_id": "acme", "user_id": "ada", "provider": "calcom"},
    ):
        with pytest.raises(SecretBoxError):
            box().open(sealed, **other)
    other_key = SecretBox(secrets_key(Settings(webhook_secrets_key="z" * 40)))
    with pytest.raises(SecretBoxError):
        other_key.open(sealed, tenant_id="acme", user_id="ada", provider="calendly")
    raw = bytearray(base64.urlsafe_b64decode(sealed.removeprefix("v1.")))
    for index in (0, len(raw) // 2, len(raw) - 1):  # the nonce, the ciphertext, the tag
        flipped = bytearray(raw)
        flipped[index] ^= 0x01
        tampered = "v1." + base64.urlsafe_b64encode(bytes(flipped)).decode()
        with pytest.raises(SecretBoxError):
            box().open(tampered, tenant_id="acme", user_id="ada", provider="calendly")
    with pytest.raises(SecretBoxError):
        box().open("v0.abc", tenant_id="acme", user_id="ada", provider="calendly")


def test_a_sealed_secret_opens_only_in_its_canonical_spelling() -> None:
    """35 sealed bytes end in one `=` after a character with two unused bits: setting those bits
    spells the same bytes differently, and that spelling must not open."""
    sealed = box().seal("s3cret!", tenant_id="acme", user_id="ada", provider="calendly")
    assert sealed.endswith("=")
    assert not sealed.endswith("==")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(sealed[-2])
    twin = sealed[:-2] + alphabet[last ^ 0b01] + "="
    assert base64.urlsafe_b64decode(twin[3:]) == base64.urlsafe_b64decode(sealed[3:])
    with pytest.raises(SecretBoxError):
        box().open(twin, tenant_id="acme", user_id="ada", provider="calendly")


def test_each_seal_is_fresh_and_derived_keys_differ() -> None:
    first = box().seal("same", tenant_id="acme", user_id="ada", provider="calendly")
    second = box().seal("same", tenant_id="acme", user_id="ada", provider="calendly")
    assert first != second
    key = secrets_key(Settings(webhook_secrets_key="k" * 40))
    assert derived_key(key, "calendar feed") != derived_key(key, "imported contact ids") != key
    assert secrets_key(Settings(stage="a")) != secrets_key(Settings(stage="b"))
