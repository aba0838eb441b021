"""How read models are laid out in the views table: keys, and typed value <-> item.

Every partition key starts with `T#{tenant}`: `T#{t}#U#{u}` holds a user's contact views
(`C#{contact}`), reminders (`R#{contact}#{action}#{due_at}`), dashboard (`DASH`), and the
sweep's claims and lease (dynamodb_claims.py); `T#{t}` holds the tenant dashboard's
shards (`DASH#{shard}`) and their members (`MEMBER#{shard}#{user}`). Ids never contain `#`.

Times are `timefmt.iso` except in the list indexes' sort keys, which are read by range and
need fixed width (`iso` drops zero milliseconds, so `...:00Z` would sort after `...:00.5Z`).
Send times fall on whole minutes, so the due index's `iso` sort keys still sort in time order.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.domain.vocabulary import Action, Status
from chalicelib.timefmt import iso, iso_or_none, parse_iso, sortable
from chalicelib.viewstore.model import (
    FUNNEL_STAGES,
    AgendaEntry,
    ContactView,
    Dashboard,
    DashboardKey,
    DueEntry,
    InterviewEntry,
    Reminder,
    ReminderKey,
)

Item = dict[str, dict[str, Any]]

CONTACT_PREFIX = "C#"
REMINDER_PREFIX = "R#"
MEMBER_PREFIX = "MEMBER#"
DASHBOARD_SK = "DASH"
DUE_PREFIX = "DUE#"
# Sorts after every ISO timestamp with the same prefix: `due_sk <= f"{now}{HIGH}"`.
HIGH = "~"


class ItemError(ValueError):
    """A views item that is not the well-formed read model its key says it is."""


# -- keys -------------------------------------------------------------------------------


def user_pk(tenant_id: str, user_id: str) -> str:
    return f"T#{tenant_id}#U#{user_id}"


def tenant_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}"


def key(pk: str, sk: str) -> Item:
    return {"PK": _s(pk), "SK": _s(sk)}


def view_key(tenant_id: str, user_id: str, contact_id: str) -> Item:
    return key(user_pk(tenant_id, user_id), f"{CONTACT_PREFIX}{contact_id}")


def reminder_key(reminder: ReminderKey) -> Item:
    sk = f"{REMINDER_PREFIX}{reminder.contact_id}#{reminder.action.value}#{iso(reminder.due_at)}"
    return key(user_pk(reminder.tenant_id, reminder.user_id), sk)


def dashboard_key(dashboard: DashboardKey) -> Item:
    if dashboard.user_id is None:
        return key(tenant_pk(dashboard.tenant_id), f"{DASHBOARD_SK}#{dashboard.shard}")
    if dashboard.shard:
        raise ValueError("a user's dashboard has no shards")
    return key(user_pk(dashboard.tenant_id, dashboard.user_id), DASHBOARD_SK)


def member_prefix(shard: int) -> str:
    return f"{MEMBER_PREFIX}{shard}#"


def due_sk(reminder: Reminder) -> str:
    send_at, action = iso(reminder.send_at), reminder.action.value
    return f"{send_at}#{reminder.tenant_id}#{reminder.contact_id}#{action}"


def item_kind(item: Item) -> str | None:
    """What a views item is, by its sort key; None for the sweep's claims and leases."""
    sk: str = item["SK"]["S"]
    if sk == DASHBOARD_SK or sk.startswith(f"{DASHBOARD_SK}#"):
        return "dashboard"
    kinds = {CONTACT_PREFIX: "contact", REMINDER_PREFIX: "reminder", MEMBER_PREFIX: "member"}
    return next((kind for prefix, kind in kinds.items() if sk.startswith(prefix)), None)


# -- contact views ----------------------------------------------------------------------


def stored_fingerprint(view: ContactView) -> str:
    """The `settings` attribute a view is stored with: none for a tombstone."""
    return "" if view.erased else view.fingerprint


def view_item(view: ContactView) -> Item:
    pk = user_pk(view.tenant_id, view.user_id)
    item: Item = {
        **view_key(view.tenant_id, view.user_id, view.contact_id),
        "kind": _s("contact"),
        "tenant_id": _s(view.tenant_id),
        "user_id": _s(view.user_id),
        "contact_id": _s(view.contact_id),
        "version": {"N": str(view.version)},
        "settings": _s(stored_fingerprint(view)),
    }
    if view.erased:
        return item | {"erased": {"BOOL": True}}
    rank = {stage: n for n, stage in enumerate(FUNNEL_STAGES)}
    funnel = sorted(view.funnel, key=lambda stage: (rank.get(stage, len(rank)), stage))
    item |= {
        "funnel": _s(_json(funnel)),
        "name": _s(view.name),
        "public": _s(_json(dict(view.public))),
        "agenda": _s(_json([_agenda_entry(entry) for entry in view.agenda])),
    }
    if view.status is not None:
        item["status"] = _s(view.status.value)
    if view.updated_at is not None:
        item["updated_at"] = _s(iso(view.updated_at))
    if view.status is not None and view.updated_at is not None:
        # Sparse list indexes: a view is listed once it has both a status and a time.
        listed = _s(f"{sortable(view.updated_at)}#{view.contact_id}")
        item |= {"gsi1pk": _s(pk), "gsi1sk": listed}
        item |= {"gsi2pk": _s(f"{pk}#S#{view.status.value}"), "gsi2sk": listed}
    if view.interview_starts_at is not None:
        item["starts_at"] = _s(iso(view.interview_starts_at))
    if view.search:  # for `contains(search, :q)` on the list's Query
        item["search"] = _s(view.search)
    return item


def view_of(item: Item) -> ContactView:
    ids = (_text(item, "tenant_id"), _text(item, "user_id"), _text(item, "contact_id"))
    version = int(item["version"]["N"])
    if item.get("erased", {}).get("BOOL", False):
        return ContactView(*ids, version, erased=True)
    return ContactView(
        *ids,
        version,
        fingerprint=item["settings"]["S"],
        status=Status(item["status"]["S"]) if "status" in item else None,
        funnel=frozenset(json.loads(item["funnel"]["S"])),
        name=item["name"]["S"],
        public=json.loads(item["public"]["S"]),
        agenda=tuple(_agenda_entry_of(entry) for entry in json.loads(item["agenda"]["S"])),
        updated_at=_time(item, "updated_at"),
        interview_starts_at=_time(item, "starts_at"),
        search=item.get("search", {}).get("S", ""),
    )


def _agenda_entry(entry: AgendaEntry) -> dict[str, Any]:
    return {
        "action": entry.action.value,
        "due_at": iso(entry.due_at),
        "expires_at": iso_or_none(entry.expires_at),
        "send_at": iso(entry.send_at),
        "remind": entry.remind,
    }


def _agenda_entry_of(entry: dict[str, Any]) -> AgendaEntry:
    return AgendaEntry(
        due_at=parse_iso(entry["due_at"]),
        action=Action(entry["action"]),
        send_at=parse_iso(entry["send_at"]),
        expires_at=_parse_or_none(entry["expires_at"]),
        remind=bool(entry["remind"]),
    )


# -- reminders --------------------------------------------------------------------------


def reminder_item(reminder: Reminder) -> Item:
    item: Item = {
        **reminder_key(reminder.key),
        "kind": _s("reminder"),
        "tenant_id": _s(reminder.tenant_id),
        "user_id": _s(reminder.user_id),
        "contact_id": _s(reminder.contact_id),
        "name": _s(reminder.name),
        "action": _s(reminder.action.value),
        "due_at": _s(iso(reminder.due_at)),
        "send_at": _s(iso(reminder.send_at)),
    }
    if reminder.expires_at is not None:
        item["expires_at"] = _s(iso(reminder.expires_at))
    if reminder.due_shard is not None:
        # On the sparse due index only while its email may still go out.
        item["due_pk"] = _s(f"{DUE_PREFIX}{reminder.due_shard}")
        item["due_sk"] = _s(due_sk(reminder))
    return item


def reminder_of(item: Item) -> Reminder:
    """The reminder an item describes; ItemError for anything else."""
    try:
        shard = item["due_pk"]["S"].removeprefix(DUE_PREFIX) if "due_pk" in item else None
        key = ReminderKey(
            tenant_id=_text(item, "tenant_id"),
            user_id=_text(item, "user_id"),
            contact_id=_text(item, "contact_id"),
            action=Action(_text(item, "action")),
            due_at=parse_iso(_text(item, "due_at")),
        )
        return Reminder(
            key=key,
            send_at=parse_iso(_text(item, "send_at")),
            name=item["name"]["S"] if "name" in item else "",
            expires_at=_time(item, "expires_at"),
            due_shard=int(shard) if shard is not None else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ItemError(f"not a reminder item: {error!r}") from error


# -- dashboards and their members -------------------------------------------------------


def dashboard_item(dashboard: Dashboard) -> Item:
    due = [
        [iso(e.due_at), e.contact_id, e.action.value, e.name, e.user_id, iso_or_none(e.expires_at)]
        for e in dashboard.due
    ]
    interviews = [[iso(e.starts_at), e.contact_id, e.name, e.user_id] for e in dashboard.interviews]
    body = {
        "counters": dict(dashboard.counters),
        "due": due,
        "interviews": interviews,
        "more_due": dashboard.more_due,
        "more_interviews": dashboard.more_interviews,
    }
    return {
        **dashboard_key(dashboard.key),
        "kind": _s("dashboard"),
        "revision": {"N": str(dashboard.revision)},
        "dashboard": _s(_json(body)),
    }


def dashboard_of(item: Item) -> Dashboard:
    body = json.loads(item["dashboard"]["S"])
    return Dashboard(
        key=dashboard_key_of(item),
        revision=int(item["revision"]["N"]),
        counters={name: int(value) for name, value in body["counters"].items()},
        due=tuple(
            DueEntry(parse_iso(at), contact, Action(action), name, user, _parse_or_none(expires))
            for at, contact, action, name, user, expires in body["due"]
        ),
        interviews=tuple(
            InterviewEntry(parse_iso(at), contact, name, user)
            for at, contact, name, user in body["interviews"]
        ),
        more_due=bool(body["more_due"]),
        more_interviews=bool(body["more_interviews"]),
    )


def dashboard_key_of(item: Item) -> DashboardKey:
    parts = item["PK"]["S"].split("#")
    if item["SK"]["S"] == DASHBOARD_SK:
        return DashboardKey(parts[1], parts[3])
    return DashboardKey(parts[1], None, int(item["SK"]["S"].removeprefix(f"{DASHBOARD_SK}#")))


def member_item(tenant_id: str, shard: int, user_id: str) -> Item:
    return {
        **key(tenant_pk(tenant_id), f"{member_prefix(shard)}{user_id}"),
        "kind": _s("member"),
        "user_id": _s(user_id),
    }


def member_of(item: Item) -> tuple[str, int, str]:
    """(tenant, shard, user) of a member item."""
    shard = item["SK"]["S"].removeprefix(MEMBER_PREFIX).partition("#")[0]
    return item["PK"]["S"].removeprefix("T#"), int(shard), item["user_id"]["S"]


# -- helpers ----------------------------------------------------------------------------


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _text(item: Item, name: str) -> str:
    value = item[name]["S"]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} is empty")
    return value


def _time(item: Item, name: str) -> datetime | None:
    return parse_iso(item[name]["S"]) if name in item else None


def _parse_or_none(text: str | None) -> datetime | None:
    return parse_iso(text) if text is not None else None


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
