"""`GET /me/export`: the caller's settings and contacts with their events, as a download."""

from __future__ import annotations

from chalicelib.api.errors import bad_field
from chalicelib.api.request import ApiRequest, caller_of
from chalicelib.api.responses import ApiResponse
from chalicelib.clock import Clock
from chalicelib.service.export import ExportService, as_csv

FORMATS = ("json", "csv")


def export_me(request: ApiRequest, *, exports: ExportService, clock: Clock) -> ApiResponse:
    caller = caller_of(request, clock)
    kind = request.query.get("format") or "json"
    if kind not in FORMATS:
        raise bad_field("format", f"must be one of {', '.join(FORMATS)}")
    export = exports.export(caller)
    day = clock.now().date().isoformat()
    headers = {"Content-Disposition": f'attachment; filename="rapport-export-{day}.{kind}"'}
    if kind == "csv":
        return ApiResponse(200, as_csv(export), headers, "text/csv; charset=utf-8")
    return ApiResponse(200, export, headers)
