"""The goals a run missed, each with the measured reason and what would fix it.

Only measured misses are listed: a goal that is met produces nothing here. The explanations
come from reading the code paths the counts point at; a miss nobody has analysed says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.cold_start import GOAL_RATIO, ColdStart
from bench.flatness import TIME_TOLERANCE, Flatness
from bench.results import Row

_ROW_FIXES = {
    "create a contact (a user's first)": (
        "a user's first command also remembers their email for reminders "
        "(`ContactCommands._remember_email`): a GetItem of the settings item, a PutItem of "
        "defaults, then the event's PutItem",
        "create the defaults and read them back in one request: `UpdateItem` with "
        "`SET settings = if_not_exists(settings, :defaults)` and `ReturnValues=ALL_NEW` "
        "(the response needs the settings for `next_action`), making it 2 requests; or save "
        "the settings at sign-up / the first `GET /me/settings`, off the command path",
    ),
}
_MOTO_QUERY = (
    "moto's `Table.query` walks every item of the table and sorts the matches "
    "(moto/dynamodb/models/table.py), so on moto each Query costs time in proportion to the "
    "whole table, while DynamoDB reads only the key range asked for"
)


@dataclass(frozen=True)
class Missed:
    goal: str
    measured: str
    reason: str
    fix: str


def missed_rows(rows: list[Row]) -> list[Missed]:
    found = []
    for row in rows:
        if row.met:
            continue
        reason, fix = _ROW_FIXES.get(row.name, (row.miss_reason, "not analysed yet"))
        found.append(Missed(f"{row.name}: {row.goal}", row.miss_reason, reason, fix))
    return found


def missed_cold_start(cold: ColdStart) -> list[Missed]:
    if cold.met:
        return []
    heaviest = ", ".join(
        f"{name} {seconds * 1000:.0f} ms" for name, seconds in cold.extra_packages[:6]
    )
    return [
        Missed(
            f"cold start: import of `app` <= {GOAL_RATIO} x `import boto3`",
            f"{cold.ratio:.2f} x ({_ms(cold.app_median)} vs {_ms(cold.boto3_median)})",
            "`app` imports every route module and `chalicelib.bootstrap`, which imports every "
            f"adapter at once; largest imports beyond boto3's own (self time): {heaviest}",
            "import lazily: the reminder sweep (Jinja2 templates) and the projector only in "
            "their handlers, PyJWT's `cryptography` backend only for RS256/JWKS, the adapters "
            "inside the `Services` properties that build them, so an API cold start loads only "
            "the routes, the domain and the pydantic models it needs",
        )
    ]


def missed_scaling(flat: list[Flatness]) -> list[Missed]:
    found = []
    for measure in flat:
        if not measure.requests_flat:
            found.append(
                Missed(
                    f"{measure.name}: requests flat in the number of contacts",
                    f"requests x{measure.requests:.2f}, items read x{measure.items_read:.2f}",
                    "not analysed yet",
                    "not analysed yet",
                )
            )
        if not measure.wall_flat:
            own = f"Rapport's own time x{measure.outside_endpoint:.2f}"
            found.append(
                Missed(
                    f"{measure.name}: time flat (<= {TIME_TOLERANCE} x the smallest size)",
                    f"wall time x{measure.wall:.2f}; {own}",
                    _time_reason(measure),
                    "nothing in Rapport while requests and items read stay flat: measure wall "
                    "time against DynamoDB itself (or DynamoDB Local), where a Query's cost "
                    "follows the items it returns"
                    if "Query" in measure.operations
                    else "not analysed yet",
                )
            )
    return found


def _time_reason(measure: Flatness) -> str:
    if "Query" not in measure.operations:
        made = ", ".join(sorted(measure.operations))
        return f"it makes no Query ({made}): not analysed yet"
    if measure.own_time_flat:
        return _MOTO_QUERY
    return f"{_MOTO_QUERY}; Rapport's own time grew too: not analysed yet"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"
