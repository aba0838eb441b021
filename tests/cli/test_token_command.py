"""`token` prints a token the API's verifier accepts, or explains why it cannot."""

from __future__ import annotations

import jwt
import pytest

from chalicelib.auth import TokenVerifier
from chalicelib.cli import main
from chalicelib.clock import SystemClock
from chalicelib.settings import Settings


def test_the_printed_token_verifies_as_the_named_user(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["token", "--tenant", "acme", "--user", "u-ada", "--email", "ada@example.com"])

    out = capsys.readouterr().out
    assert status == 0
    # The CLI stamps tokens with the wall clock, so the verifier reads the same clock here.
    identity = TokenVerifier.from_settings(settings, clock=SystemClock()).verify(out.strip())
    assert (identity.tenant_id, identity.user_id, identity.email) == (
        "acme",
        "u-ada",
        "ada@example.com",
    )
    assert not identity.is_coach


def test_roles_and_lifetime_are_taken_from_the_options(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["token", "--tenant", "acme", "--user", "u-lee", "--email", "lee@example.com"]
    status = main([*argv, "--roles", "coach,mentor", "--roles", "admin", "--ttl", "120"])

    claims = jwt.decode(capsys.readouterr().out.strip(), options={"verify_signature": False})
    assert status == 0
    assert claims["roles"] == ["admin", "coach", "mentor"]
    assert claims["exp"] - claims["iat"] == 120


def test_issuer_and_audience_follow_the_environment(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUTH_ISSUER", "rapport-staging")
    monkeypatch.delenv("AUTH_AUDIENCE")

    main(["token", "--tenant", "acme", "--user", "u-ada", "--email", "ada@example.com"])

    claims = jwt.decode(capsys.readouterr().out.strip(), options={"verify_signature": False})
    assert (claims["iss"], claims["aud"]) == ("rapport-staging", "rapport")


def test_without_a_secret_it_prints_nothing_and_exits_2(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AUTH_JWT_SECRET")

    status = main(["token", "--tenant", "acme", "--user", "u-ada", "--email", "ada@example.com"])

    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert "AUTH_JWT_SECRET is not set" in captured.err


def test_a_tenant_the_api_would_refuse_is_a_usage_error(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["token", "--tenant", "acme#U#bob", "--user", "u-1", "--email", "a@example.com"])

    assert status == 2
    assert "invalid tenant id" in capsys.readouterr().err


def test_a_missing_option_or_command_is_a_usage_error(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "--tenant", "acme"]) == 2
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err
