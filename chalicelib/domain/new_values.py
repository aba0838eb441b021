"""What a new value must be to be believable: a time a clock could show, a name a person can
read, a LinkedIn profile on LinkedIn.

These rules are for input, applied by the edge's request models (`api.schemas`). The event
models stay as loose as they were, so an event stored before a rule existed still parses and
its contact still folds: a stored stream is history, and history is never refused.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

from chalicelib.domain.moments import time_problem

VISIBLE_MESSAGE = "must contain a letter, digit or symbol, not only spaces or invisible characters"
LINKEDIN_MESSAGE = (
    "must be an https:// address on linkedin.com, like https://www.linkedin.com/in/ada"
)
# https, then a host that ends in linkedin.com (any case, as hosts are), right before the
# path, query or fragment: no `user@`, no `:port`, nothing after the host but `/`, `?` or `#`.
# The rest holds no space or control character.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
LINKEDIN_PATTERN = (
    rf"^https://(?:{_LABEL}\.)*[Ll][Ii][Nn][Kk][Ee][Dd][Ii][Nn]\.[Cc][Oo][Mm]"
    r"(?:[/?#][^\s\u0000-\u001f\u007f-\u009f\ufeff]*)?$"
)
_LINKEDIN = re.compile(LINKEDIN_PATTERN)
# Letters, numbers, punctuation and symbols show; marks (accents) show only on a letter, and
# separators, controls and format characters (zero-width ones among them) never do.
_VISIBLE_CATEGORIES = frozenset("LNPS")
# Letters and symbols drawn as blank space (Hangul fillers, the blank Braille pattern).
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_visible(text: str) -> bool:
    """Whether `text` shows anything: a letter, digit, punctuation or symbol, not only
    whitespace, zero-width characters (U+200B…), controls or lone accents."""
    return any(
        unicodedata.category(char)[0] in _VISIBLE_CATEGORIES and char not in _BLANK for char in text
    )


def is_linkedin_url(text: str) -> bool:
    """An https URL whose host is linkedin.com or one of its subdomains, with no userinfo and
    no port (`https://linkedin.com@evil.example/` is a link to evil.example): the rule is the
    pattern the OpenAPI document states, so a client can check it before sending."""
    return _LINKEDIN.fullmatch(text) is not None


def _visible(text: str) -> str:
    if not is_visible(text):
        raise ValueError(VISIBLE_MESSAGE)
    return text


def _linkedin(text: str) -> str:
    if not is_linkedin_url(text):
        raise ValueError(LINKEDIN_MESSAGE)
    return text


def _bounded(moment: datetime) -> datetime:
    # The bound relative to now needs the clock, which a model has not: the edge checks it
    # with `moments.time_problem(moment, now)` once the body is read.
    problem = time_problem(moment)
    if problem is not None:
        raise ValueError(problem)
    return moment


# No pattern can say "shows something" without Unicode categories, which neither Python's `re`
# nor hypothesis knows, so the document names the rule as a format of its own (and the tests'
# fuzzer is told how to make such names: tests/contract/fuzz_hooks.py).
PERSON_NAME_FORMAT = "person-name"
PersonName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        json_schema_extra={
            "format": PERSON_NAME_FORMAT,
            "description": "A name a person can read: at least one letter, digit, punctuation "
            "mark or symbol (not only spaces, zero-width or other invisible characters); "
            "surrounding space is trimmed",
        },
    ),
    AfterValidator(_visible),
]
LinkedinUrl = Annotated[
    str,
    Field(max_length=500, json_schema_extra={"pattern": LINKEDIN_PATTERN}),
    AfterValidator(_linkedin),
]
NewTime = Annotated[AwareDatetime, AfterValidator(_bounded)]
