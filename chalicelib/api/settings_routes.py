"""`GET|PUT /me/settings`: the caller's reminder settings.

`email` is where reminders go now; `pending_email` is an address the user asked for that waits
for the click on the link emailed to it (null when none). A client that ignores
`pending_email` still reads the address reminders really go to.
"""

from __future__ import annotations

from chalicelib.api.body import json_object
from chalicelib.api.errors import ApiError, bad_field
from chalicelib.api.request import ApiRequest, caller_of
from chalicelib.api.responses import ApiResponse
from chalicelib.api.schemas import SettingsUpdate
from chalicelib.api.validation import validate_body
from chalicelib.auth.identity import Identity
from chalicelib.clock import Clock
from chalicelib.service.settings_changes import (
    ConfirmationNotSentError,
    EmailLinksNotConfiguredError,
    SettingsChanges,
    SettingsView,
)

# A minute: SES throttles by the second, and saving again then most likely works.
_RETRY_AFTER_SECONDS = "60"


def _public(view: SettingsView, token_email: str) -> dict[str, object]:
    public = view.settings.model_dump(mode="json")
    public["email"] = view.settings.email or token_email
    public["pending_email"] = view.pending.email if view.pending is not None else None
    return public


def get_settings(
    request: ApiRequest, *, settings_changes: SettingsChanges, clock: Clock
) -> ApiResponse:
    caller = caller_of(request, clock)
    view = settings_changes.current(caller.tenant_id, caller.user_id)
    return ApiResponse(200, _public(view, caller.email))


def put_settings(
    request: ApiRequest, *, settings_changes: SettingsChanges, clock: Clock
) -> ApiResponse:
    """Any subset of the settings; omitted ones keep their current value."""
    caller = caller_of(request, clock)
    update = validate_body(SettingsUpdate, json_object(request.raw_body))
    fields = update.model_dump(exclude_unset=True)
    view = _update(settings_changes, caller, fields, request.origin)
    return ApiResponse(200, _public(view, caller.email))


def _update(
    changes: SettingsChanges, caller: Identity, fields: dict[str, object], origin: str | None
) -> SettingsView:
    """The update, with a confirmation link that could not leave said as the API says it."""
    try:
        return changes.update(caller, fields, origin)
    except ConfirmationNotSentError as error:
        if error.refused:
            raise bad_field("email", "the mail service refuses this address; check it") from None
        raise ApiError(
            503,
            "mail_unavailable",
            "the confirmation email could not be sent now; nothing was saved, try again",
            headers={"Retry-After": _RETRY_AFTER_SECONDS},
        ) from None
    except EmailLinksNotConfiguredError:
        raise ApiError(
            500, "not_configured", "confirming a new address is not set up here"
        ) from None
