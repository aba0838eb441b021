"""The dev stack's secret file: made once, private, reused, and split per purpose."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from chalicelib.devstack.local_secret import LocalSecretError, derive, load_or_create


def test_a_missing_secret_is_created_private_and_long_enough(tmp_path: Path) -> None:
    path = tmp_path / "state" / "dev-secret"

    secret = load_or_create(path)

    assert len(secret.encode()) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_same_secret_comes_back_on_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "dev-secret"

    assert load_or_create(path) == load_or_create(path)


def test_a_secret_file_too_short_to_sign_with_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dev-secret"
    path.write_text("short\n")

    with pytest.raises(LocalSecretError, match="fewer than 32 bytes"):
        load_or_create(path)


def test_each_purpose_gets_its_own_stable_secret() -> None:
    master = "m" * 48

    assert derive(master, "auth-jwt") == derive(master, "auth-jwt")
    assert derive(master, "auth-jwt") != derive(master, "unsubscribe")
    assert len(derive(master, "auth-jwt").encode()) >= 32
