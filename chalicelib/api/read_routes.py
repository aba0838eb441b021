"""Handlers of the read side (`GET /contacts`, its `?q=` search, the dashboards) and of
erasure (`DELETE`)."""

from __future__ import annotations

from chalicelib.api.body import integer_parameter
from chalicelib.api.errors import ApiError, FieldProblem, bad_field
from chalicelib.api.request import ApiRequest, caller_of, require_coach
from chalicelib.api.responses import ApiResponse
from chalicelib.clock import Clock
from chalicelib.domain.vocabulary import Status
from chalicelib.projections.cursor import InvalidCursorError
from chalicelib.projections.read_models import ReadModels
from chalicelib.projections.search import normalize
from chalicelib.service.cohort import Cohort
from chalicelib.service.erasure import ErasureService

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_QUERY = 100


def list_contacts(request: ApiRequest, *, read_models: ReadModels, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    status = _status(request.query.get("status"))
    limit = _limit(request.query.get("limit"))
    search = _search(request.query.get("q"))
    try:
        page = read_models.contacts(
            caller.tenant_id,
            caller.user_id,
            status,
            limit,
            request.query.get("cursor") or None,
            search,
        )
    except InvalidCursorError as error:
        problem = FieldProblem("cursor", "use the next_cursor of the previous page, unchanged")
        raise ApiError(400, "invalid_cursor", str(error), (problem,)) from None
    return ApiResponse(200, page)


def dashboard(request: ApiRequest, *, read_models: ReadModels, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    return ApiResponse(200, read_models.dashboard(caller.tenant_id, caller.user_id))


def tenant_dashboard(request: ApiRequest, *, cohort: Cohort, clock: Clock) -> ApiResponse:
    """Counts over every member; names and due actions only of members who share."""
    caller = caller_of(request, clock)
    require_coach(caller)
    return ApiResponse(200, cohort.dashboard(caller))


def delete_contact(request: ApiRequest, *, erasure: ErasureService, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    erasure.erase(caller, request.contact_id())
    return ApiResponse(204)


def _status(raw: str | None) -> Status | None:
    if raw is None or raw == "":
        return None
    try:
        return Status(raw)
    except ValueError:
        names = ", ".join(status.value for status in Status)
        raise bad_field("status", f"must be one of {names}") from None


def _search(raw: str | None) -> str | None:
    """`q`, normalized as the stored search text is; absent means no search."""
    if raw is None:
        return None
    if not 1 <= len(raw) <= MAX_QUERY:
        raise bad_field("q", f"must be 1 to {MAX_QUERY} characters")
    search = normalize(raw)
    if not search:
        raise bad_field("q", "must hold something to search for, not only accents")
    return search


def _limit(raw: str | None) -> int:
    return integer_parameter("limit", raw, default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
