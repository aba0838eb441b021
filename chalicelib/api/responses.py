"""Answers: a status, a JSON body and headers, and the mapping of every known error to one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.api.errors import ApiError, not_found
from chalicelib.auth.identity import AuthError
from chalicelib.domain.errors import StepNotAllowedError, UnknownEventTypeError
from chalicelib.service.errors import (
    ContactNotFoundError,
    IdempotencyKeyReusedError,
    VersionMismatchError,
    WriteConflictError,
)
from chalicelib.service.tenancy_errors import (
    ForbiddenError,
    InviteNotFoundError,
    InvitesNotConfiguredError,
    MemberNotFoundError,
    MemberRemovedError,
    RemovingSelfError,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


def as_api_error(error: Exception) -> ApiError:
    """The API's answer to an exception raised below the edge."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, ContactNotFoundError):
        return not_found()
    if isinstance(error, StepNotAllowedError):
        return ApiError(422, "step_not_allowed", str(error))
    if isinstance(error, VersionMismatchError):
        return ApiError(412, "version_mismatch", str(error), headers={"ETag": f'"{error.current}"'})
    if isinstance(error, IdempotencyKeyReusedError):
        return ApiError(409, "idempotency_key_reused", str(error))
    if isinstance(error, WriteConflictError):
        return ApiError(409, "write_conflict", str(error))
    if isinstance(error, UnknownEventTypeError):
        return ApiError(400, "unknown_event_type", str(error))
    if isinstance(error, ForbiddenError):
        return ApiError(403, "forbidden", str(error))
    if isinstance(error, InviteNotFoundError):
        return not_found("pending invitation")
    if isinstance(error, MemberNotFoundError):
        return not_found("member")
    if isinstance(error, RemovingSelfError):
        return ApiError(409, "cannot_remove_self", "an admin cannot remove themselves")
    if isinstance(error, InvitesNotConfiguredError):
        return ApiError(500, "not_configured", "invitations are not set up here")
    if isinstance(error, MemberRemovedError):
        return ApiError(401, "unauthorized", "sign in again: membership ended")
    if isinstance(error, AuthError):
        return ApiError(401, "unauthorized", f"sign in again: {error.reason}")
    logger.exception("unhandled error", exc_info=error)
    return ApiError(500, "internal_error", "something went wrong on our side; please retry")


def answer(handler: Callable[[], ApiResponse]) -> ApiResponse:
    """Runs a handler and turns any error into the API's error body."""
    try:
        return handler()
    except Exception as error:
        api_error = as_api_error(error)
        return ApiResponse(api_error.status, api_error.body(), dict(api_error.headers))
