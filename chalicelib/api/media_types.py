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
