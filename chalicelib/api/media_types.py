"""Media types routes accept; a module of its own so app.py can name them without loading
the handlers (see app.py on cold starts)."""

# What an unsubscribe POST may come as: RFC 8058 one-click requests and the page send forms.
UNSUBSCRIBE_POST = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "application/json",
]

# What a confirmation link's page posts (its form), or a client with no body at all (Chalice
# takes a request without `Content-Type` as JSON).
CONFIRM_EMAIL_POST = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/json",
]

# What a snooze link's page posts (its form), or a client with no body at all, as above.
SNOOZE_POST = CONFIRM_EMAIL_POST

# What an undo link's page posts, as the snooze link's.
UNDO_POST = CONFIRM_EMAIL_POST

# What the join page's script posts (nothing, or a form), as the snooze link's.
JOIN_POST = CONFIRM_EMAIL_POST

# What `POST /contacts/import` takes: a CSV file, as `text/csv` (API.md), or as
# `application/octet-stream`, which API Gateway (and Chalice, by default) treats as binary: a
# file in Windows-1252 then reaches the parser as its own bytes. `text/csv` is not made binary,
# since `GET /me/export?format=csv` answers it and a binary answer needs a matching `Accept`.
CSV_IMPORT = ["text/csv", "application/octet-stream"]


# The media types each route that takes more than JSON accepts, by (route template, method):
# a 415 names them (every other route takes JSON).
ACCEPTED_BY_ROUTE: dict[tuple[str, str], list[str]] = {
    ("/contacts/import", "POST"): CSV_IMPORT,
    ("/unsubscribe", "POST"): UNSUBSCRIBE_POST,
    ("/snooze", "POST"): SNOOZE_POST,
    ("/undo", "POST"): UNDO_POST,
    ("/join", "POST"): JOIN_POST,
    ("/settings/confirm-email", "POST"): CONFIRM_EMAIL_POST,
}


def accepted_media_types(route: str, method: str) -> list[str]:
    return ACCEPTED_BY_ROUTE.get((route, method.upper()), ["application/json"])
