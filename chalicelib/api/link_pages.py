"""The small pages that links in emails open (unsubscribe, confirm an address): one look, and
headers that keep the link's token out of caches and Referer headers."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from chalicelib.api.request import ApiRequest
from chalicelib.api.responses import ApiResponse

HTML = "text/html; charset=utf-8"
# The token is in the URL: keep it out of caches and Referer headers, and let the page do
# nothing but show itself and post its own form.
_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}
_STYLE = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}"


def page(status: int, title: str, text: str, extra_html: str = "") -> ApiResponse:
    """A page of a title, a sentence and (already escaped) extra HTML such as a form."""
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Rapport</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1><p>{escape(text)}</p>{extra_html}</body></html>"
    )
    return ApiResponse(status, body, dict(_HEADERS), content_type=HTML)


def link_token(request: ApiRequest) -> str:
    """The link's `token`: from the URL, or from a form's body ("" when neither has one)."""
    token = request.query.get("token")
    if token is None:
        form = parse_qs(request.raw_body.decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0]
    return token
