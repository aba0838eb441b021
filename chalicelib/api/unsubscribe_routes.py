"""`GET|POST /unsubscribe?token=…`: the link in every reminder email, without a session.

GET only shows a confirmation (mail scanners follow links, and must not unsubscribe anyone);
POST turns reminders off at once: the form on that page, or a mail client's RFC 8058 one-click
request (body `List-Unsubscribe=One-Click`). The signed token is the only proof of who asks.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from chalicelib.api.errors import ApiError
from chalicelib.api.link_pages import link_token, page
from chalicelib.api.request import ApiRequest
from chalicelib.api.responses import ApiResponse
from chalicelib.domain.user_settings import UserSettings
from chalicelib.reminders.unsubscribe import (
    UnsubscribeSecretError,
    UnsubscribeTokenError,
    accepted_secrets,
    verify_unsubscribe_token,
)
from chalicelib.service.settings_writes import change_settings_safely
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.settings import Settings

# Relative, so it reaches the dashboard beside this page wherever the API is served (the
# dashboard opens its settings at `#/settings`); the user signs in there as usual.
SETTINGS_LINK = (
    '<p><a href="./#/settings">Choose when and how often Rapport reminds you instead</a></p>'
)


def confirm_page(request: ApiRequest, *, settings: Settings) -> ApiResponse:
    """GET: a page whose one button posts the same token back."""
    token = link_token(request)
    try:
        _identity(settings, token)
    except ApiError as error:
        return page(error.status, "This link does not work", error.message)
    action = escape(f"unsubscribe?{urlencode({'token': token})}", quote=True)
    form = (
        f'<form method="post" action="{action}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit">Turn off reminder emails</button></form>'
        f"{SETTINGS_LINK}"
    )
    return page(
        200,
        "Stop reminder emails?",
        "Rapport will stop emailing you reminders. You can turn them on again in your settings.",
        form,
    )


def unsubscribe(
    request: ApiRequest, *, settings: Settings, settings_repository: SettingsRepository
) -> ApiResponse:
    """POST: reminders off now; a bad token is a 400 with the API's JSON error body."""
    tenant_id, user_id = _identity(settings, link_token(request))
    change_settings_safely(settings_repository, tenant_id, user_id, _reminders_off)
    return page(
        200,
        "You're unsubscribed",
        "Rapport will not email you reminders any more. "
        "You can turn them on again in your settings.",
        SETTINGS_LINK,
    )


def _reminders_off(saved: UserSettings | None) -> UserSettings | None:
    """Reminders off, everything else as saved now; nothing to write when already off."""
    current = saved or UserSettings()
    if not current.reminders_enabled:
        return None
    return current.model_copy(update={"reminders_enabled": False})


def _identity(settings: Settings, token: str) -> tuple[str, str]:
    try:
        secrets = accepted_secrets(settings.unsubscribe_secret)
    except UnsubscribeSecretError:
        raise ApiError(500, "not_configured", "unsubscribe links are not set up here") from None
    if not token:
        raise ApiError(400, "invalid_token", "the unsubscribe link has no token")
    try:
        return verify_unsubscribe_token(secrets, token)
    except UnsubscribeTokenError:
        raise ApiError(
            400, "invalid_token", "this unsubscribe link is not valid; use the one in your email"
        ) from None
