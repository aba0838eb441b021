"""The confirmation link's base: the stage's configured URL, else the URL the request came
through (deployed, the API cannot be told its own URL), else the local default."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.api.chalice_glue import origin_of
from chalicelib.domain.user_settings import PendingEmail
from chalicelib.service.email_links import PATH, EmailLinks

PENDING = PendingEmail(
    email="ada@example.org", nonce="n1", requested_at=datetime(2026, 11, 26, tzinfo=UTC)
)


def _context(**fields: Any) -> dict[str, Any]:
    return {"resourcePath": "/me/settings", "path": "/api/me/settings", **fields}


def test_the_execute_api_domain_and_stage_make_theorigin_of() -> None:
    context = _context(domainName="abc123.execute-api.eu-west-1.amazonaws.com")

    assert origin_of(context, {}) == "https://abc123.execute-api.eu-west-1.amazonaws.com/api"


def test_a_custom_domain_without_a_prefix_is_its_ownorigin_of() -> None:
    context = _context(domainName="api.rapport.app", path="/me/settings")

    assert origin_of(context, {}) == "https://api.rapport.app"


def test_a_routes_parameters_are_filled_in_before_the_prefix_is_cut() -> None:
    context = {
        "domainName": "api.rapport.app",
        "resourcePath": "/contacts/{contact_id}",
        "path": "/v1/contacts/c1",
    }

    assert origin_of(context, {"contact_id": "c1"}) == "https://api.rapport.app/v1"


@pytest.mark.parametrize("domain", [None, "", "evil.example/path"])
def test_without_a_plain_domain_there_is_noorigin_of(domain: str | None) -> None:
    assert origin_of(_context(domainName=domain), {}) is None


def test_a_configured_base_wins_over_the_requestsorigin_of() -> None:
    links = EmailLinks(("secret",), "https://rapport.app/")

    url = links.url("acme", "ada", PENDING, "https://abc.execute-api.aws/api")

    assert url.startswith(f"https://rapport.app{PATH}?token=v1.")


def test_without_a_configured_base_the_link_points_where_the_request_came_in() -> None:
    links = EmailLinks(("secret",), "http://127.0.0.1:8000", base_url_configured=False)

    assert links.url("acme", "ada", PENDING, "https://abc.execute-api.aws/api").startswith(
        f"https://abc.execute-api.aws/api{PATH}?token=v1."
    )
    assert links.url("acme", "ada", PENDING).startswith(f"http://127.0.0.1:8000{PATH}?")
