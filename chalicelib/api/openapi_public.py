"""The operations that need no token: the unsubscribe and snooze links, the dashboard page,
liveness and this description."""

from __future__ import annotations

from chalicelib.api import openapi_parts as p
from chalicelib.api import schemas as s
from chalicelib.api.openapi_parts import Schema
from chalicelib.web_assets import CONTENT_TYPES, asset_names

# The token of a link in an email: `v1.` and two base64url parts (chalicelib/signing.py).
TOKEN_PATTERN = r"^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"
# The body is never checked: RFC 8058 mail clients send `List-Unsubscribe=One-Click` in either
# form encoding, and the body is read only for a `token` when the URL has none. Any body goes,
# so the schema says so rather than list properties a server would then seem to enforce.
_UNSUBSCRIBE_FORM: Schema = {
    "description": "`List-Unsubscribe=One-Click` (RFC 8058), and `token` when the URL has none; "
    "nothing else is read",
}

# A link page's form: read only for a `token` when the URL has none, never checked otherwise.
_LINK_FORM: Schema = {"description": "`token`, when the URL has none; nothing else is read"}


def _asset_name() -> Schema:
    schema = {"type": "string", "enum": asset_names()}
    return {"name": "name", "in": "path", "required": True, "schema": schema}


def _assets() -> Schema:
    files = {
        kind.partition(";")[0]: {"schema": {"type": "string"}} for kind in CONTENT_TYPES.values()
    }
    return {"description": "The file", "content": files}


def token_parameter(required: bool, description: str) -> Schema:
    """The `token` query parameter of a link emailed by the API."""
    return {
        "name": "token",
        "in": "query",
        "required": required,
        "description": description,
        "schema": {"type": "string", "pattern": TOKEN_PATTERN},
    }


def _unsubscribe_token(required: bool) -> Schema:
    return token_parameter(required, "The signed token of the email's link")


def _not_configured(links: str) -> tuple[Schema, Schema]:
    """The 500s of a link route: JSON (the POST) and a page or JSON (the GET)."""
    unset = p.error(f"`not_configured`: {links} links are not set up here, or a bug")
    page_500 = p.page(f"{links.capitalize()} links are not set up here (a page), or a bug (JSON)")
    page_500["content"].update(unset["content"])
    return unset, page_500


def _snooze_token(required: bool) -> Schema:
    return token_parameter(
        required,
        "The signed token of a reminder item's link; it expires 30 days after the email was sent",
    )


def _snooze_paths() -> Schema:
    """`/snooze`: GET shows what the link would put off, POST puts it off 3 days (once)."""
    unset, page_500 = _not_configured("snooze")
    return {
        "get": p.operation(
            "showSnoozePage",
            "snooze",
            "Confirmation page for a reminder's snooze (mail scanners follow links: a GET "
            "changes nothing)",
            {
                "200": p.page(
                    "The page: its button posts the token back (or: the step is snoozed "
                    "already, or not due before the snooze would end)"
                ),
                "400": p.page("The link has no token, or a forged, altered or expired one"),
                "404": p.page("The link's contact is gone (erased)"),
                "409": p.page("The link's step was done or has changed: nothing to snooze"),
                "500": page_500,
            },
            secured=False,
            parameters=(_snooze_token(True),),
        ),
        "post": p.operation(
            "snoozeFromEmail",
            "snooze",
            "Put the link's step off 3 days (`reminder_snoozed`); a second POST writes nothing",
            {
                "200": p.page(
                    "Snoozed (now, or already), or not due before the snooze would end; the "
                    "page says until when"
                ),
                "400": p.error(
                    "`invalid_token`: no token, or a forged, altered or expired one; nothing "
                    "was written"
                ),
                "404": p.error("`not_found`: the link's contact is gone; nothing was written"),
                "409": p.error(
                    "`nothing_to_snooze`: the link's step was done or has changed; or "
                    "`write_conflict`: the contact kept changing, retry; nothing was written"
                ),
                "500": unset,
            },
            secured=False,
            parameters=(_snooze_token(False),),
            body={
                "required": False,
                "description": "The page's form; a JSON body is accepted too, and ignored",
                "content": {
                    "application/x-www-form-urlencoded": {"schema": _LINK_FORM},
                    "multipart/form-data": {"schema": _LINK_FORM},
                },
            },
        ),
    }


def _undo_token(required: bool) -> Schema:
    return token_parameter(
        required,
        "The signed token of the undo link in Rapport's answer to an email; it expires 30 days "
        "after the answer was sent",
    )


def _undo_paths() -> Schema:
    """`/undo`: GET shows what the link would take back, POST takes it back (once)."""
    unset, page_500 = _not_configured("undo")
    return {
        "get": p.operation(
            "showUndoPage",
            "email",
            "Confirmation page for taking back a step recorded from an email (mail scanners "
            "follow links: a GET changes nothing)",
            {
                "200": p.page(
                    "The page: its button posts the token back (or: the step is taken back already)"
                ),
                "400": p.page("The link has no token, or a forged, altered or expired one"),
                "404": p.page("The link's contact is gone (erased)"),
                "409": p.page("A step came after the link's step: this link cannot undo it"),
                "500": page_500,
            },
            secured=False,
            parameters=(_undo_token(True),),
        ),
        "post": p.operation(
            "undoFromEmail",
            "email",
            "Take back the link's step (`step_retracted`) while it is the contact's latest; a "
            "second POST writes nothing",
            {
                "200": p.page("Taken back (now, or already)"),
                "400": p.error(
                    "`invalid_token`: no token, or a forged, altered or expired one; nothing "
                    "was written"
                ),
                "404": p.error("`not_found`: the link's contact is gone; nothing was written"),
                "409": p.error(
                    "`nothing_to_undo`: a step came after the link's step; or "
                    "`write_conflict`: the contact kept changing, retry; nothing was written"
                ),
                "500": unset,
            },
            secured=False,
            parameters=(_undo_token(False),),
            body={
                "required": False,
                "description": "The page's form; a JSON body is accepted too, and ignored",
                "content": {
                    "application/x-www-form-urlencoded": {"schema": _LINK_FORM},
                    "multipart/form-data": {"schema": _LINK_FORM},
                },
            },
        ),
    }


def public_paths() -> Schema:
    """The paths of the operations without a token, and their answers."""
    unset, page_500 = _not_configured("unsubscribe")
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
                    "409": p.error(
                        "`write_conflict`: the settings kept changing while reminders were "
                        "turned off; nothing was saved, retry"
                    ),
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
        "/snooze": _snooze_paths(),
        "/undo": _undo_paths(),
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
                parameters=(_asset_name(),),
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
