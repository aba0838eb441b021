"""List cursors: signed, bound to the query that issued them, keyed by a dedicated secret."""

from __future__ import annotations

import pytest

from chalicelib.projections.cursor import (
    CursorScope,
    CursorSigner,
    InvalidCursorError,
    signing_key,
)
from chalicelib.settings import Settings

SCOPE = CursorScope("acme", "ada", "")
START = {"PK": {"S": "T#acme#U#ada"}, "SK": {"S": "C#1"}}


def test_a_cursor_gives_back_its_start_key_to_the_same_query() -> None:
    signer = CursorSigner(b"k" * 32)

    assert signer.verify(SCOPE, signer.sign(SCOPE, START)) == START


@pytest.mark.parametrize(
    "other",
    [
        CursorScope("globex", "ada", ""),
        CursorScope("acme", "bob", ""),
        CursorScope("acme", "ada", "declined"),
    ],
)
def test_a_cursor_is_refused_for_another_tenant_user_or_filter(other: CursorScope) -> None:
    signer = CursorSigner(b"k" * 32)

    with pytest.raises(InvalidCursorError):
        signer.verify(other, signer.sign(SCOPE, START))


@pytest.mark.parametrize(
    "cursor", ["", ".", "e30", "e30.", "%%%.%%%", "eyJxIjpbXX0.AAAA", "W10.AAAA"]
)
def test_garbage_is_refused_as_invalid(cursor: str) -> None:
    with pytest.raises(InvalidCursorError):
        CursorSigner(b"k" * 32).verify(SCOPE, cursor)


def test_a_cursor_signed_with_another_key_is_refused() -> None:
    cursor = CursorSigner(b"a" * 32).sign(SCOPE, START)

    with pytest.raises(InvalidCursorError):
        CursorSigner(b"b" * 32).verify(SCOPE, cursor)


def test_the_key_is_the_cursor_secret_or_derived_never_a_secret_used_elsewhere() -> None:
    dedicated = Settings(cursor_secret="cursors", unsubscribe_secret="mail")
    derived = Settings(unsubscribe_secret="mail")
    local = Settings(stage="local")

    assert signing_key(dedicated) == b"cursors"
    assert signing_key(derived) not in (b"mail", signing_key(Settings(unsubscribe_secret="x")))
    assert signing_key(local) != signing_key(Settings(stage="other"))
