"""`GET|POST /settings/confirm-email?token=…`: the link emailed to a new reminder address.

GET only shows a page (mail scanners follow links, and must not confirm anything for anyone);
its button POSTs the token back, which makes the address the reminder address if it is still
the one waiting. The signed token is the only proof of who asks; a forged, altered or expired
one is a 400 that writes nothing, one whose address was replaced since is a 409.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from chalicelib.api.errors import ApiError
from chalicelib.api.link_pages import link_token, page
from chalicelib.api.request import ApiRequest
from chalicelib.api.responses import ApiResponse
from chalicelib.domain.user_settings import LinkState
from chalicelib.service.email_links import EmailLinkError
from chalicelib.service.settings_changes import (
    EmailLinksNotConfiguredError,
    EmailLinkSupersededError,
    LinkCheck,
    SettingsChanges,
)

_REPLACED = (
    "this link is for an address change that was replaced or has lapsed; "
    "use the link in the newest email, or ask again in your settings"
)
_REPLACED_PAGE = (
    "This link is for an address change that was replaced or has lapsed. "
    "Use the link in the newest email, or ask again in your settings."
)


def confirm_page(request: ApiRequest, *, settings_changes: SettingsChanges) -> ApiResponse:
    """GET: what the link would do, and a button that posts the token back; changes nothing."""
    token = link_token(request)
    try:
        checked = _checked(settings_changes, token)
    except ApiError as error:
        return page(error.status, "This link does not work", error.message)
    address = checked.link.email
    if checked.state is LinkState.SUPERSEDED:
        return page(409, "This link was replaced", _REPLACED_PAGE)
    if checked.state is LinkState.CONFIRMED:
        return page(200, "Address confirmed", f"Reminder emails go to {address}.")
    action = escape(f"confirm-email?{urlencode({'token': token})}", quote=True)
    form = (
        f'<form method="post" action="{action}">'
        f'<button type="submit">Send my reminders to {escape(address)}</button></form>'
    )
    return page(
        200,
        "Confirm your reminder address?",
        f"Rapport will send your reminder emails to {address} from now on.",
        form,
    )


def confirm_email(request: ApiRequest, *, settings_changes: SettingsChanges) -> ApiResponse:
    """POST: the address becomes the reminder address; a bad token is the API's JSON error."""
    token = link_token(request)
    try:
        confirmed = settings_changes.confirm(token)
    except EmailLinkSupersededError:
        raise ApiError(409, "email_change_superseded", _REPLACED) from None
    except EmailLinkError:
        raise _invalid() from None
    except EmailLinksNotConfiguredError:
        raise _not_configured() from None
    return page(200, "Address confirmed", f"Reminder emails go to {confirmed.link.email}.")


def _checked(settings_changes: SettingsChanges, token: str) -> LinkCheck:
    try:
        return settings_changes.check(token)
    except EmailLinkError:
        raise _invalid() from None
    except EmailLinksNotConfiguredError:
        raise _not_configured() from None


def _invalid() -> ApiError:
    return ApiError(
        400,
        "invalid_token",
        "this confirmation link is not valid or has expired; ask again in your settings",
    )


def _not_configured() -> ApiError:
    return ApiError(500, "not_configured", "confirmation links are not set up here")
