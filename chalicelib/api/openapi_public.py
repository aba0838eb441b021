"""The operations that need no token: the unsubscribe and snooze links, the dashboard page,
liveness and this description."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class _EmailLink:
    """What sets one email link's route apart; the rest of its two operations is shared."""

    links: str  # "snooze": the 500s' words
    tag: str
    token: str  # the token parameter's description
    get_id: str
    get_summary: str
    get_200: str
    get_409: str
    post_id: str
    post_summary: str
    post_200: str
    post_409: str


def _email_link_paths(link: _EmailLink) -> Schema:
    """GET shows what the link would do (mail scanners follow links: it changes nothing); POST
    does it once. Both take the signed `token`; a bad one writes nothing."""
    unset, page_500 = _not_configured(link.links)
    return {
        "get": p.operation(
            link.get_id,
            link.tag,
            link.get_summary,
            {
                "200": p.page(link.get_200),
                "400": p.page("The link has no token, or a forged, altered or expired one"),
                "404": p.page("The link's contact is gone (erased)"),
                "409": p.page(link.get_409),
                "500": page_500,
            },
            secured=False,
            parameters=(token_parameter(True, link.token),),
        ),
        "post": p.operation(
            link.post_id,
            link.tag,
            link.post_summary,
            {
                "200": p.page(link.post_200),
                "400": p.error(
                    "`invalid_token`: no token, or a forged, altered or expired one; nothing "
                    "was written"
                ),
                "404": p.error("`not_found`: the link's contact is gone; nothing was written"),
                "409": p.error(
                    f"{link.post_409}; or `write_conflict`: the contact kept changing, retry; "
                    "nothing was written"
                ),
                "500": unset,
            },
            secured=False,
            parameters=(token_parameter(False, link.token),),
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


# `/snooze`: the "snooze 3 days" link of each reminder item.
_SNOOZE = _EmailLink(
    links="snooze",
    tag="snooze",
    token="The signed token of a reminder item's link; it expires 30 days after the email was sent",
    get_id="showSnoozePage",
    get_summary="Confirmation page for a reminder's snooze (mail scanners follow links: a GET "
    "changes nothing)",
    get_200="The page: its button posts the token back (or: the step is snoozed already, or "
    "not due before the snooze would end)",
    get_409="The link's step was done or has changed: nothing to snooze",
    post_id="snoozeFromEmail",
    post_summary="Put the link's step off 3 days (`reminder_snoozed`); a second POST writes "
    "nothing",
    post_200="Snoozed (now, or already), or not due before the snooze would end; the page says "
    "until when",
    post_409="`nothing_to_snooze`: the link's step was done or has changed",
)

# `/undo`: the undo link in Rapport's answer to a reply or a Bcc'd email.
_UNDO = _EmailLink(
    links="undo",
    tag="email",
    token="The signed token of the undo link in Rapport's answer to an email; it expires 30 "
    "days after the answer was sent",
    get_id="showUndoPage",
    get_summary="Confirmation page for taking back a step recorded from an email (mail "
    "scanners follow links: a GET changes nothing)",
    get_200="The page: its button posts the token back (or: the step is taken back already)",
    get_409="A step came after the link's step: this link cannot undo it",
    post_id="undoFromEmail",
    post_summary="Take back the link's step (`step_retracted`) while it is the contact's "
    "latest; a second POST writes nothing",
    post_200="Taken back (now, or already)",
    post_409="`nothing_to_undo`: a step came after the link's step",
)


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
        "/snooze": _email_link_paths(_SNOOZE),
        "/undo": _email_link_paths(_UNDO),
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
