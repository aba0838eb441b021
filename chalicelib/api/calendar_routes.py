"""`GET /calendar/{secret}.ics`: the calendar feed, with the secret in the URL as the credential
(calendar apps send no bearer token). API Gateway cannot match `{secret}.ics`, so the route
takes the whole last segment and the service checks its suffix."""

from __future__ import annotations

from chalicelib.api.errors import not_found
from chalicelib.api.request import ApiRequest
from chalicelib.api.responses import ApiResponse
from chalicelib.service.calendar_feeds import CalendarFeeds

# Calendar apps poll: let them revalidate hourly, never let a shared cache keep it.
_HEADERS = {"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"}


def get_calendar(request: ApiRequest, *, calendar_feeds: CalendarFeeds) -> ApiResponse:
    feed = calendar_feeds.feed(request.path_params.get("file", ""))
    if feed is None:
        raise not_found("calendar")
    return ApiResponse(
        200,
        feed.decode(),
        {**_HEADERS, "Content-Disposition": 'inline; filename="rapport.ics"'},
        content_type="text/calendar; charset=utf-8",
    )
