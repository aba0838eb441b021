"""The operations that need no token: the unsubscribe link, the dashboard page, liveness and
this description."""

from __future__ import annotations

from chalicelib.api import openapi_parts as p
from chalicelib.api import schemas as s
from chalicelib.api.openapi_parts import Schema
from chalicelib.web_assets import CONTENT_TYPES

_ASSET = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
_UNSUBSCRIBE_FORM = {
    "type": "object",
    "properties": {
        "List-Unsubscribe": {"type": "string", "enum": ["One-Click"]},
        "token": {"type": "string", "description": "When the URL has none"},
    },
}


def _assets() -> Schema:
    files = {
        kind.partition(";")[0]: {"schema": {"type": "string"}} for kind in CONTENT_TYPES.values()
    }
    return {"description": "The file", "content": files}


def _unsubscribe_token(required: bool) -> Schema:
    return {
        "name": "token",
        "in": "query",
        "required": required,
        "description": "The signed token of the email's link",
        "schema": {"type": "string"},
    }


def public_paths() -> Schema:
    """The paths of the operations without a token, and their answers."""
    unset = p.error("`not_configured`: unsubscribe links are not set up here, or a bug")
    page_500 = p.page("Unsubscribe links are not set up here (a page), or a bug (JSON)")
    page_500["content"].update(unset["content"])
    return {
        "/unsubscribe": {
            "get": p.operation(
                "showUnsubscribePage",
                "unsubscribe",
                "Confirmation page (mail scanners follow links: a GET changes nothing)",
                {
                    "200": p.page("The page, whose button posts the token back"),
                    "400": p.page("The link has no token, or a forged or altered one"),
                    "500": page_500,
                },
                secured=False,
                parameters=(_unsubscribe_token(True),),
            ),
            "post": p.operation(
                "unsubscribe",
                "unsubscribe",
                "One-click unsubscribe (RFC 8058): reminders off",
                {
                    "200": p.page("Reminders are off"),
                    "400": p.error("`invalid_token`: no token, or a forged or altered one"),
                    "500": unset,
                },
                secured=False,
                parameters=(_unsubscribe_token(False),),
                body={
                    "required": False,
                    "description": "RFC 8058's `List-Unsubscribe=One-Click`, as either form "
                    "type; `text/plain` and `application/json` bodies are accepted too, and "
                    "ignored",
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": _UNSUBSCRIBE_FORM},
                        "multipart/form-data": {"schema": _UNSUBSCRIBE_FORM},
                    },
                },
            ),
        },
        "/": {
            "get": p.operation(
                "getDashboardPage",
                "web",
                "The dashboard page",
                {"200": p.page("The page"), "404": p.error("`not_found`: not in this package")},
                secured=False,
            )
        },
        "/assets/{name}": {
            "get": p.operation(
                "getDashboardAsset",
                "web",
                "A file of the dashboard (`config.json`: its sign-in settings)",
                {"200": _assets(), "404": p.error("`not_found`: no such file")},
                secured=False,
                parameters=(_ASSET,),
            )
        },
        "/health": {
            "get": p.operation(
                "getHealth", "meta", "Liveness", {"200": p.answer("OK", s.Health)}, secured=False
            )
        },
        "/openapi.json": {
            "get": p.operation(
                "getOpenApiDocument",
                "meta",
                "This description",
                {"200": p.answer("OpenAPI 3.1", {"type": "object"})},
                secured=False,
            )
        },
    }
