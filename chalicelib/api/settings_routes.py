"""`GET|PUT /me/settings`: the caller's reminder settings."""

from __future__ import annotations

from chalicelib.api.body import json_object
from chalicelib.api.request import ApiRequest, caller_of
from chalicelib.api.responses import ApiResponse
from chalicelib.api.schemas import SettingsUpdate
from chalicelib.api.validation import validate_body
from chalicelib.clock import Clock
from chalicelib.domain.user_settings import UserSettings
from chalicelib.service.user_settings_port import SettingsRepository


def _public(settings: UserSettings, token_email: str) -> dict[str, object]:
    public = settings.model_dump(mode="json")
    public["email"] = settings.email or token_email
    return public


def get_settings(
    request: ApiRequest, *, settings_repository: SettingsRepository, clock: Clock
) -> ApiResponse:
    caller = caller_of(request, clock)
    saved = settings_repository.get(caller.tenant_id, caller.user_id)
    return ApiResponse(200, _public(saved or UserSettings(), caller.email))


def put_settings(
    request: ApiRequest, *, settings_repository: SettingsRepository, clock: Clock
) -> ApiResponse:
    """Any subset of the settings; omitted ones keep their current value."""
    caller = caller_of(request, clock)
    update = validate_body(SettingsUpdate, json_object(request.raw_body))
    current = settings_repository.get(caller.tenant_id, caller.user_id) or UserSettings()
    merged = UserSettings.model_validate(
        current.model_dump() | update.model_dump(exclude_unset=True)
    )
    if merged.email is None:
        # Reminders outlive the token: keep the address it proves unless the user gave another.
        merged = merged.model_copy(update={"email": caller.email})
    settings_repository.put(caller.tenant_id, caller.user_id, merged)
    return ApiResponse(200, _public(merged, caller.email))
