"""Schemathesis hooks for the fuzz run (loaded through SCHEMATHESIS_HOOKS by fuzz.py): how to
make the values whose rules a JSON Schema cannot express, so that every request it calls valid
is valid. Each rule is stated in the document in words (the field's description or format);
only the generator is told here.

- `person-name`: a name that shows something (`domain.new_values.is_visible`), which needs
  Unicode categories no pattern here can name.
- `iana-time-zone`: a name of the tz database, too many (and too alike) for an enum.
- `date-time`: times from 1970 to a day before the server's clock, offsets within ±14:00. A
  schema cannot bound a time by "now", and a step's `at` may not be in the future.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone

import schemathesis
from hypothesis import strategies as st

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
