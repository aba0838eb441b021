"""Contact search text: case- and accent-insensitive, the same on both sides of a match.

Both the text a view is stored with and the caller's `q` go through `normalize`: Unicode NFKD,
combining marks dropped, then casefolded, so "José" is found by "jose" and "Zoë" by "ZOE".
"""

from __future__ import annotations

import unicodedata

from chalicelib.domain.state import ContactState


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_text(state: ContactState) -> str:
    """The normalized name, company and role, one per line (a match never spans two)."""
    return "\n".join(normalize(part) for part in (state.name, state.company, state.role) if part)
