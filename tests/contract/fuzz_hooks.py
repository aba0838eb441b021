"""Schemathesis hooks for the fuzz run (loaded through SCHEMATHESIS_HOOKS by fuzz.py): how to
make the values whose rules a JSON Schema cannot express, so that every request it calls valid
is valid. Each rule is stated in the document in words (the field's description or format);
only the generator is told here.

- `person-name`: a name that shows something (`domain.new_values.is_visible`), which needs
  Unicode categories no pattern here can name.
- `iana-time-zone`: a name of the tz database, too many (and too alike) for an enum.
- `date-time`: times from 1970 to a day before the server's clock, offsets within ±14:00. A
  schema cannot bound a time by "now", and a step's `at` may not be in the future.
- `contacts-csv`: the body of `POST /contacts/import`, a CSV with a header the import reads.
- `until` of `reminder_snoozed`: 1 hour to 90 days ahead of the server's clock, the other side
  of "now". Every phase sends it, the coverage phase's fixed times too, so `before_call` moves
  a well-formed `until` into that span, keeping its offset (a malformed one stays as it is).
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import strategies as st

from chalicelib.api.openapi_integrations import CONTACTS_CSV_FORMAT
from chalicelib.domain.new_values import PERSON_NAME_FORMAT, is_visible
from chalicelib.domain.types import TIME_ZONE_FORMAT, time_zone_names

NOW = datetime.fromisoformat(os.environ.get("RAPPORT_FUZZ_NOW", "2026-11-26T14:00:00+00:00"))
# Every offset a clock shows, in quarter hours (UTC-12:00 to UTC+14:00 and the ones between).
_OFFSETS = st.integers(min_value=-14 * 4, max_value=14 * 4).map(
    lambda quarters: timezone(timedelta(minutes=15 * quarters))
)


def _visible_name(text: str) -> bool:
    return is_visible(text.strip())


_NAMES = st.text(min_size=1, max_size=200).filter(_visible_name)
_TIMES = st.builds(
    lambda moment, offset: moment.replace(tzinfo=UTC).astimezone(offset).isoformat(),
    st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=(NOW - timedelta(days=1)).replace(tzinfo=None),
    ),
    _OFFSETS,
)

schemathesis.openapi.format(PERSON_NAME_FORMAT, _NAMES)
schemathesis.openapi.format(TIME_ZONE_FORMAT, st.sampled_from(time_zone_names()))
schemathesis.openapi.format("date-time", _TIMES)


# The span a snooze's `until` must fall in (chalicelib.api.schemas: 1 hour to 90 days ahead),
# a minute inside each end.
_SNOOZE_FROM = timedelta(hours=1, minutes=1)
_SNOOZE_SPAN = int((timedelta(days=90) - _SNOOZE_FROM - timedelta(minutes=1)).total_seconds())


def snooze_until(value: str) -> str:
    """`value` moved into the span ahead of NOW that a snooze accepts, deterministically."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    ahead = NOW + _SNOOZE_FROM + timedelta(seconds=int(moment.timestamp()) % _SNOOZE_SPAN)
    return ahead.astimezone(moment.tzinfo).isoformat()


# Joining uses an invitation up: a POST /join with the run's genuine token is given a fresh
# token of a pool of invitations instead (fuzz.py writes the file), so that every join the run
# calls valid is valid, and the genuine token stays unused for GET /join's page. Other tokens
# (made-up ones) are sent as generated.
_JOIN_TOKEN = os.environ.get("RAPPORT_FUZZ_INVITE_TOKEN", "")
_POOL_FILE = os.environ.get("RAPPORT_FUZZ_INVITE_POOL", "")
_POOL = Path(_POOL_FILE).read_text().split() if _POOL_FILE else []


def fresh_join_token() -> str:
    """The next unused token of the pool (the last one again once the pool is used up)."""
    return _POOL.pop(0) if len(_POOL) > 1 else (_POOL[0] if _POOL else _JOIN_TOKEN)


def _swap_join_token(case: Any, kwargs: dict[str, Any]) -> None:
    if case.method.upper() != "POST" or case.operation.path != "/join" or not _JOIN_TOKEN:
        return
    query = case.query if isinstance(case.query, dict) else None
    if query is None or query.get("token") != _JOIN_TOKEN:
        return
    token = fresh_join_token()
    query["token"] = token
    params = kwargs.get("params")
    if isinstance(params, dict) and "token" in params:
        params["token"] = token


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    _swap_join_token(case, kwargs)
    body = case.body
    if isinstance(body, dict) and body.get("type") == "reminder_snoozed":
        until = body.get("until")
        if isinstance(until, str):
            body["until"] = snooze_until(until)


# `contacts-csv`: a CSV file the import can read (a header naming `name`, or `first name` and
# `last name`; at least one row that is not blank), its cells any text but NUL. Its rows may
# still be refused one by one (`errors` of a 200 or 201), which is what the check should see.
def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


_CELLS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=80,
)
_HEADERS = st.sampled_from(
    [["Name"], ["First Name", "Last Name"], ["Name", "Email", "Company", "Position"]]
)
_FILES = _HEADERS.flatmap(
    lambda header: st.builds(
        _csv,
        st.just(header),
        st.lists(
            st.tuples(_NAMES.filter(lambda n: "\x00" not in n), *[_CELLS] * (len(header) - 1)).map(
                list
            ),
            min_size=1,
            max_size=20,
        ),
    )
)
schemathesis.openapi.format(CONTACTS_CSV_FORMAT, _FILES)
