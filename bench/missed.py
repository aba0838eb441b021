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
    "the dashboard": (
        "three item collections: a GetItem of the `STATS` counters, a Query of the `agenda` "
        "index (due actions) and a Query of the `interviews` index (upcoming)",
        "have the projector keep one dashboard item per user in the same transaction as the "
        "view (the counters plus bounded lists of the next agenda entries and interviews; the "
        "reader filters by now), read with one GetItem; or restate the goal for dashboards "
        "as 3 requests flat in the number of contacts, which is met",
    ),
    "the tenant dashboard (coach)": (
        "as the dashboard, on the tenant's counters and the tenant-wide indexes",
        "as the dashboard, but a single per-tenant item becomes a write hot spot for every "
        "projector of the tenant: shard it (read N items with one BatchGetItem) or keep the "
        "3 requests, which stay flat in the number of contacts",
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
                    _MOTO_QUERY
                    if measure.own_time_flat
                    else f"{_MOTO_QUERY}; Rapport's own time grew too: not analysed yet",
                    "nothing in Rapport while requests and items read stay flat: measure wall "
                    "time against DynamoDB itself (or DynamoDB Local), where a Query's cost "
                    "follows the items it returns",
                )
            )
    return found


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"
