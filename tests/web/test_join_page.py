"""The join page's template: what an invitation link shows, escaped, and nothing run inline."""

from __future__ import annotations

import re
from typing import Any

import jinja2
import pytest

from chalicelib.web_assets import WEB_DIR, load_asset

TEMPLATE = WEB_DIR / "pages" / "join.html"
_PAGE_REF = re.compile(r"""(?:src|href)="([^"#]+)\"""")
_DATA = re.compile(r"""data-([a-z-]+)="([^"]*)\"""")

VALID: dict[str, Any] = {
    "state": "valid",
    "reason": "",
    "tenant": "northfield-college",
    "inviter": "coach@northfield.example",
    "role": "student",
    "email": "ada@students.example",
    "expires_at": "2026-12-15T09:00:00Z",
    "token": "v1.payload.signature",
    "mode": "local",
    "cognito_region": "",
    "cognito_client_id": "",
}
COGNITO: dict[str, Any] = {
    **VALID,
    "mode": "cognito",
    "cognito_region": "eu-west-1",
    "cognito_client_id": "abc123",
}
INVALID: dict[str, Any] = {
    **dict.fromkeys(VALID, ""),
    "state": "invalid",
    "reason": "This invitation has expired. Ask whoever invited you for a new one.",
    "mode": "local",
}


def render(**variables: Any) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(TEMPLATE.read_text(encoding="utf-8")).render(**variables)


def test_a_valid_invitation_names_the_tenant_the_inviter_the_role_and_the_address() -> None:
    page = render(**VALID)

    assert "Join northfield-college on Rapport" in page
    assert "coach@northfield.example" in page
    assert "ada@students.example" in page
    assert 'data-testid="join-role">Student<' in page
    assert 'data-testid="join-button"' in page
    assert 'data-testid="join-invalid"' not in page


def test_a_valid_invitation_says_what_coaches_see_and_that_sharing_is_off_by_default() -> None:
    page = render(**VALID)

    assert "how many contacts you have at each step" in page
    assert "only if you turn on sharing in Settings" in page
    assert "Sharing is off unless you turn it on" in page


def test_the_script_gets_the_token_and_mode_through_data_attributes() -> None:
    page = render(**COGNITO)
    data = dict(_DATA.findall(page))

    assert data["mode"] == "cognito"
    assert data["token"] == "v1.payload.signature"
    assert data["email"] == "ada@students.example"
    assert data["cognito-region"] == "eu-west-1"
    assert data["cognito-client-id"] == "abc123"


def test_the_cognito_mode_offers_a_sign_up_form_with_the_address_fixed() -> None:
    page = render(**COGNITO)

    assert 'data-testid="signup-form"' in page
    email = re.search(r'<input id="signup-email"[^>]*>', page)
    assert email is not None
    assert 'value="ada@students.example"' in email[0]
    assert " readonly " in email[0]
    assert 'type="password"' in page
    assert 'data-testid="confirm-form"' in page


def test_the_local_mode_has_a_join_button_and_no_password() -> None:
    page = render(**VALID)

    assert 'id="join-button"' in page
    assert 'type="password"' not in page


@pytest.mark.parametrize(("role", "words"), [("coach", "as a coach"), ("admin", "as an admin")])
def test_the_invitation_says_the_role_with_its_article(role: str, words: str) -> None:
    page = render(**{**VALID, "role": role})

    assert words in page


def test_an_invalid_invitation_gives_the_reason_and_no_form() -> None:
    page = render(**INVALID)

    assert 'data-testid="join-invalid"' in page
    assert "This invitation has expired. Ask whoever invited you for a new one." in page
    assert "join-button" not in page
    assert "<form" not in page
    assert "data-token" not in page


def test_what_the_server_passes_is_escaped() -> None:
    hostile = '<script>alert(1)</script>" onmouseover="x'
    fields = ("tenant", "inviter", "email", "token")
    page = render(**{**VALID, **dict.fromkeys(fields, hostile)})

    assert "<script>alert" not in page
    assert '" onmouseover="x' not in page
    assert "&lt;script&gt;" in page


def test_a_missing_variable_is_an_error_not_an_empty_page() -> None:
    variables = dict(VALID)
    del variables["inviter"]

    with pytest.raises(jinja2.UndefinedError):
        render(**variables)


@pytest.mark.parametrize("variables", [VALID, INVALID])
def test_the_page_runs_no_inline_script_or_style_and_refers_only_to_served_assets(
    variables: dict[str, Any],
) -> None:
    page = render(**variables)

    assert "<script>" not in page
    assert "style=" not in page
    assert "<style" not in page
    assert re.search(r"\son[a-z]+=", page) is None
    refs = [ref for ref in _PAGE_REF.findall(page) if ref != "./"]
    assert refs == ["assets/icon.svg", "assets/app.css", "assets/join.js"]
    for ref in refs:
        assert load_asset(ref.removeprefix("assets/")) is not None


def test_the_template_itself_is_not_served_as_an_asset() -> None:
    assert load_asset("pages/join.html") is None
    assert load_asset("join.html") is None
