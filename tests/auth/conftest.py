"""RSA keys are slow to generate, so each test session makes its few once."""

from __future__ import annotations

import pytest

from .fakes import RsaKey, new_rsa_key


@pytest.fixture(scope="session")
def signing_key() -> RsaKey:
    return new_rsa_key("key-2026-01")


@pytest.fixture(scope="session")
def rotated_key() -> RsaKey:
    return new_rsa_key("key-2026-07")


@pytest.fixture(scope="session")
def impostor_key() -> RsaKey:
    """Claims the signing key's kid but holds a different private key."""
    return new_rsa_key("key-2026-01")
