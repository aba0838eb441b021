"""`POST /contacts/import`: a CSV of contacts (LinkedIn's `Connections.csv` or any with a
header), previewed with `?dry_run=true`, imported without it."""

from __future__ import annotations

from chalicelib.api.errors import ApiError, bad_field
from chalicelib.api.request import ApiRequest, caller_of
from chalicelib.api.responses import ApiResponse
from chalicelib.clock import Clock
from chalicelib.contact_import.csv_rows import MAX_BYTES, ImportFileError
from chalicelib.service.contact_import import ContactImport

_FLAGS = {"true": True, "false": False}


def import_contacts(
    request: ApiRequest, *, contact_import: ContactImport, clock: Clock
) -> ApiResponse:
    caller = caller_of(request, clock)
    dry_run = _FLAGS.get(request.query.get("dry_run", "false").lower())
    if dry_run is None:
        raise bad_field("dry_run", "must be true or false")
    if len(request.raw_body) > MAX_BYTES:
        raise ApiError(
            413, "payload_too_large", f"body: the file is over {MAX_BYTES // 1024 // 1024} MB"
        )
    try:
        report = contact_import.run(caller, request.raw_body, dry_run=dry_run)
    except ImportFileError as error:
        raise bad_field("body", str(error)) from None
    if dry_run:
        return ApiResponse(200, report.body())
    return ApiResponse(201, report.body())
