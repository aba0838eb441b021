"""The confirmation link emailed to a new reminder address: its page and its POST (no token:
the signed link is the credential)."""

from __future__ import annotations

from chalicelib.api import openapi_parts as p
from chalicelib.api.openapi_parts import Schema
from chalicelib.api.openapi_public import token_parameter

# The body is read only for a `token` when the URL has none, and never checked otherwise, so
# its schema lists nothing a server would then seem to enforce (as unsubscribe's form).
_FORM: Schema = {"description": "`token`, when the URL has none; nothing else is read"}


def _token(required: bool) -> Schema:
    return token_parameter(
        required,
        "The signed token of the emailed link; it expires 24 hours after the address was asked for",
    )


def confirm_email_paths() -> Schema:
    """`/settings/confirm-email`: GET shows, POST confirms."""
    unset = p.error("`not_configured`: confirmation links are not set up here, or a bug")
    page_500 = p.page("Confirmation links are not set up here (a page), or a bug (JSON)")
    page_500["content"].update(unset["content"])
    return {
        "/settings/confirm-email": {
            "get": p.operation(
                "showConfirmEmailPage",
                "settings",
                "Confirmation page for a new reminder address (mail scanners follow links: a "
                "GET changes nothing)",
                {
                    "200": p.page(
                        "The page: its button posts the token back (or: already confirmed)"
                    ),
                    "400": p.page("The link has no token, or a forged, altered or expired one"),
                    "409": p.page("Another address was asked for since, or the request lapsed"),
                    "500": page_500,
                },
                secured=False,
                parameters=(_token(True),),
            ),
            "post": p.operation(
                "confirmEmail",
                "settings",
                "Make the link's address the reminder address (a second POST changes nothing)",
                {
                    "200": p.page("Reminders go to the address now"),
                    "400": p.error(
                        "`invalid_token`: no token, or a forged, altered or expired one; "
                        "nothing was written"
                    ),
                    "409": p.error(
                        "`email_change_superseded`: another address was asked for since, the "
                        "token's own was chosen, or the request lapsed; nothing was written"
                    ),
                    "500": unset,
                },
                secured=False,
                parameters=(_token(False),),
                body={
                    "required": False,
                    "description": "The page's form; a JSON body is accepted too, and ignored",
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": _FORM},
                        "multipart/form-data": {"schema": _FORM},
                    },
                },
            ),
        }
    }
