"""The dashboard page and its assets, and the page's runtime configuration."""

from __future__ import annotations

from chalicelib.api.errors import not_found
from chalicelib.api.request import ApiRequest
from chalicelib.api.responses import ApiResponse
from chalicelib.settings import Settings
from chalicelib.web_assets import load_asset

CONFIG = "config.json"


def page(request: ApiRequest) -> ApiResponse:
    return _asset("")


def asset(request: ApiRequest, *, settings: Settings) -> ApiResponse:
    name = request.path_params.get("name", "")
    if name == CONFIG:
        return _config(settings)
    return _asset(name)


def _asset(name: str) -> ApiResponse:
    found = load_asset(name)
    if found is None:
        raise not_found("file")
    headers = {k: v for k, v in found.headers.items() if k != "Content-Type"}
    return ApiResponse(200, found.text, headers, content_type=found.content_type)


def _config(settings: Settings) -> ApiResponse:
    """Token sign-in locally; the Cognito hosted UI when the stage has a user pool."""
    if not (settings.cognito_domain and settings.cognito_client_id):
        return ApiResponse(200, {}, {"Cache-Control": "no-cache"})
    cognito = {
        "domain": settings.cognito_domain,
        "client_id": settings.cognito_client_id,
        "redirect_uri": f"{settings.app_base_url.rstrip('/')}/",
    }
    return ApiResponse(200, {"cognito": cognito}, {"Cache-Control": "no-cache"})
