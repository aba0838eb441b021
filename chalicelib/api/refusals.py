"""Chalice's own refusals, said in the API's error body like every other error.

Chalice answers some requests itself, before any route runs: a method the path does not
have (405), a `Content-Type` the route does not take (415), and its own 500. (What API
Gateway refuses before the app runs is mapped by infra/ deployed, and by the dev stack's
server locally.)
"""

from __future__ import annotations

from chalicelib.api.errors import ApiError

INTERNAL = ApiError(500, "internal_error", "something went wrong on our side; please retry")


def is_chalice_refusal(body: object) -> bool:
    """Whether a response body is Chalice's own error shape, `{"Code", "Message"}`."""
    return isinstance(body, dict) and set(body) == {"Code", "Message"}


def chalice_refusal(
    status: int, message: str, allow: str = "", accepted: tuple[str, ...] = ("application/json",)
) -> ApiError:
    """The API's error for one of Chalice's own `{"Code", "Message"}` answers."""
    if status >= 500:
        return INTERNAL
    if status == 405:
        method = message.removeprefix("Unsupported method: ")
        return ApiError(405, "method_not_allowed", f"{method} is not allowed here; use {allow}")
    if status == 415:
        given = message.removeprefix("Unsupported media type: ")
        return ApiError(
            415,
            "unsupported_media_type",
            f"send the body as {' or '.join(accepted)}, not {given}",
        )
    # Its only other one: a binary answer to a request that does not accept it (we send none).
    return ApiError(status, "bad_request", message)
