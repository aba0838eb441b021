"""The dashboard's static files, looked up by the name a browser asks for.

Kept free of Chalice so the routes in app.py stay one-liners and the lookup can be tested alone.
Only plain names of files directly inside web/ with a known text type are served: no path
separators, no dot-files, no ``..``; anything else is "not found" rather than an error, so a
probe learns nothing about the file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent / "web"
INDEX = "index.html"

# Text types only: Chalice passes a str body through untouched, while bytes would need the type
# registered in app.api.binary_types. The dashboard has no images, so nothing binary is served.
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+")

# The page loads nothing from elsewhere; it talks to its own origin, and to a Cognito domain
# (https) for the token exchange when deployed. No inline script or style is ever needed.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


@dataclass(frozen=True)
class Asset:
    """One file of the dashboard, ready to be sent."""

    name: str
    content_type: str
    body: bytes = field(repr=False)

    @property
    def text(self) -> str:
        """The body as a str, the form a Chalice ``Response`` sends as is."""
        return self.body.decode("utf-8")

    @property
    def headers(self) -> dict[str, str]:
        """Response headers: the type, no sniffing, revalidate (files change with each deploy)."""
        headers = {
            "Content-Type": self.content_type,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
            "Referrer-Policy": "no-referrer",
        }
        if self.name == INDEX:
            headers["Content-Security-Policy"] = PAGE_CSP
        return headers


def load_asset(path: str) -> Asset | None:
    """The asset a request names (``""`` or ``"index.html"`` is the page), or None if none."""
    name = INDEX if path in ("", "/") else path
    if not _SAFE_NAME.fullmatch(name):
        return None
    content_type = CONTENT_TYPES.get(Path(name).suffix.lower())
    if content_type is None:
        return None
    body = _read(name)
    if body is None:
        return None
    return Asset(name=name, content_type=content_type, body=body)


def asset_names() -> list[str]:
    """Every file `GET /assets/{name}` serves, in order (the OpenAPI document lists them)."""
    return sorted(
        path.name
        for path in WEB_DIR.iterdir()
        if path.is_file()
        and _SAFE_NAME.fullmatch(path.name)
        and path.suffix.lower() in CONTENT_TYPES
    )


def _read(name: str) -> bytes | None:
    # Read on every request (the files are small): the dev runner then serves edits at once.
    candidate = (WEB_DIR / name).resolve()
    if candidate.parent != WEB_DIR or not candidate.is_file():
        return None
    return candidate.read_bytes()
