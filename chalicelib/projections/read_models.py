"""The read side of the API: contact lists and dashboards, from the view store only.

Each answer costs one request whatever the number of contacts: a list page is one Query of a
sparse index, a user's dashboard one GetItem of the item the projector keeps, and a tenant's
one BatchGetItem of its fixed shards. Nothing here scans.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib.clock import Clock
from chalicelib.domain.agenda import expired, first_open
from chalicelib.domain.events import InterviewCompleted
from chalicelib.domain.rules import started
from chalicelib.domain.vocabulary import Status
from chalicelib.projections import dashboard as dash
from chalicelib.projections.cursor import CursorScope, CursorSigner, InvalidCursorError
from chalicelib.timefmt import iso, parse_iso
from chalicelib.viewstore.model import FUNNEL_STAGES, ContactView, Dashboard
from chalicelib.viewstore.port import InvalidPositionError, ViewStore

DUE_ACTIONS = 20
UPCOMING = 10
USER_DASHBOARDS_PER_READ = 100  # DynamoDB's BatchGetItem limit


class ReadModels:
    """Answers list and dashboard requests for one caller."""

    def __init__(self, views: ViewStore, signer: CursorSigner, clock: Clock) -> None:
        self._views = views
        self._signer = signer
        self._clock = clock

    def contacts(
        self,
        tenant_id: str,
        user_id: str,
        status: Status | None,
        limit: int,
        cursor: str | None,
        search: str | None = None,
    ) -> dict[str, Any]:
        """A page of the user's contacts, most recently updated first; with `search`
        (normalized), only those whose name, company or role contains it."""
        scope = CursorScope(tenant_id, user_id, status.value if status else "", search or "")
        after = self._signer.verify(scope, cursor) if cursor else None
        try:
            page = self._views.contacts_page(
                tenant_id, user_id, status, limit, after, search=search or None
            )
        except InvalidPositionError as error:
            raise InvalidCursorError(str(error)) from error
        now = self._clock.now()
        position = page.next_position
        return {
            "items": [contact_of(view, now) for view in page.views],
            "next_cursor": self._signer.sign(scope, dict(position)) if position else None,
        }

    def dashboard(self, tenant_id: str, user_id: str) -> dict[str, Any]:
        key = dash.user_key(tenant_id, user_id)
        found = self._views.get_dashboards([key], consistent=False)
        return answer([found.get(key) or Dashboard(key)], self._clock.now())

    def tenant_dashboard(self, tenant_id: str, sharing: Sequence[str] = ()) -> dict[str, Any]:
        """Counts and funnel over everyone (the tenant's fixed shards); due actions and
        upcoming interviews only from the users in `sharing` (their own dashboard items),
        each naming its `user_id`: a name never comes from a user who does not share."""
        keys = dash.tenant_keys(tenant_id)
        found = self._views.get_dashboards(keys, consistent=False)
        now = self._clock.now()
        whole = answer([found.get(key) or Dashboard(key) for key in keys], now)
        due: list[dict[str, Any]] = []
        interviews: list[dict[str, Any]] = []
        for user_id, part in self._user_dashboards(tenant_id, sharing).items():
            own = answer([part], now)
            due += [{**item, "user_id": user_id} for item in own["due_actions"]]
            interviews += [{**item, "user_id": user_id} for item in own["upcoming_interviews"]]
        due.sort(key=lambda item: (parse_iso(item["due_at"]), item["user_id"], item["contact_id"]))
        interviews.sort(
            key=lambda item: (parse_iso(item["starts_at"]), item["user_id"], item["contact_id"])
        )
        return {
            **whole,
            "due_actions": due[:DUE_ACTIONS],
            "upcoming_interviews": interviews[:UPCOMING],
        }

    def pipelines(self, tenant_id: str, user_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """Each user's contacts counted per status, from their dashboard items."""
        now = self._clock.now()
        return {
            user_id: answer([part], now)["counts"]
            for user_id, part in self._user_dashboards(tenant_id, user_ids).items()
        }

    def _user_dashboards(self, tenant_id: str, user_ids: Sequence[str]) -> dict[str, Dashboard]:
        """The users' own dashboard items, a BatchGetItem per 100 (none read for none)."""
        wanted = list(dict.fromkeys(user_ids))
        found: dict[str, Dashboard] = {}
        for start in range(0, len(wanted), USER_DASHBOARDS_PER_READ):
            chunk = wanted[start : start + USER_DASHBOARDS_PER_READ]
            keys = {dash.user_key(tenant_id, user_id): user_id for user_id in chunk}
            read = self._views.get_dashboards(list(keys), consistent=False)
            for key, user_id in keys.items():
                found[user_id] = read.get(key) or Dashboard(key)
        return found


def contact_of(view: ContactView, now: datetime) -> dict[str, Any]:
    """The stored public contact with `next_action` chosen for `now`, as `next_action` does,
    and `allowed_steps` less those the time rules out now, as `rules.refusal` does."""
    public = dict(view.public)
    entry = first_open(view.agenda, now)
    public["next_action"] = (
        {"action": entry.action.value, "due_at": iso(entry.due_at)} if entry else None
    )
    starts_at = view.interview_starts_at
    public["allowed_steps"] = [
        step
        for step in public.get("allowed_steps", [])
        if step != InterviewCompleted.event_type or starts_at is None or started(starts_at, now)
    ]
    return public


def answer(parts: Sequence[Dashboard], now: datetime) -> dict[str, Any]:
    """The dashboard's JSON from one dashboard item, or from the shards of a tenant's."""
    counters: dict[str, int] = {}
    for part in parts:
        for name, value in part.counters.items():
            counters[name] = counters.get(name, 0) + value
    due, _ = dash.merged_prefix([(p.due, p.more_due) for p in parts])
    interviews, _ = dash.merged_prefix([(p.interviews, p.more_interviews) for p in parts])
    open_due = [e for e in due if e.due_at <= now and not expired(e, now)]
    upcoming = [e for e in interviews if e.starts_at >= now]
    funnel: dict[str, Any] = {stage: counters.get(f"f_{stage}", 0) for stage in FUNNEL_STAGES}
    reached = funnel["reached_out"]
    funnel["reply_rate"] = round(funnel["replied"] / reached, 4) if reached else None
    return {
        "counts": {status.value: counters.get(f"n_{status.value}", 0) for status in Status},
        "due_actions": [
            {
                "contact_id": e.contact_id,
                "name": e.name,
                "action": e.action.value,
                "due_at": iso(e.due_at),
            }
            for e in open_due[:DUE_ACTIONS]
        ],
        "upcoming_interviews": [
            {"contact_id": e.contact_id, "name": e.name, "starts_at": iso(e.starts_at)}
            for e in upcoming[:UPCOMING]
        ],
        "funnel": funnel,
        "as_of": iso(now),
    }
