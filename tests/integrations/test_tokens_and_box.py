"""Owner tokens (hook ids, feed secrets) and the box that seals webhook secrets."""

from __future__ import annotations

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
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(SecretBoxError):
        box().open(tampered, tenant_id="acme", user_id="ada", provider="calendly")
    with pytest.raises(SecretBoxError):
        box().open("v0.abc", tenant_id="acme", user_id="ada", provider="calendly")


def test_each_seal_is_fresh_and_derived_keys_differ() -> None:
    first = box().seal("same", tenant_id="acme", user_id="ada", provider="calendly")
    second = box().seal("same", tenant_id="acme", user_id="ada", provider="calendly")
    assert first != second
    key = secrets_key(Settings(webhook_secrets_key="k" * 40))
    assert derived_key(key, "calendar feed") != derived_key(key, "imported contact ids") != key
    assert secrets_key(Settings(stage="a")) != secrets_key(Settings(stage="b"))
