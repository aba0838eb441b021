"""A reminder item of the views table, as the projector writes it and the sweep reads it.

The contract with the projector (chalicelib.projections.projection): one item per open agenda
action of a contact, at PK `T#{t}#U#{u}` / SK `R#{contact}#{action}#{due_at}` (keys.py),
carrying the string attributes `tenant_id`, `user_id`, `contact_id`, `action`, `due_at` and
`send_at` and optionally `name`; every time in these keys and attributes is `timefmt.iso`.
It carries the sparse `due` index keys, `due_pk` = `DUE#{shard}` and `due_sk` =
`{send_at}#{tenant}#{contact}#{action}`, only while an email may still go out: the user has
reminders on (and an address) and the stream holds no `reminder_sent` for that (action, due
time). The sweep reads these attributes only, and only ever removes the two index keys, of an
expired reminder (see verdict.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.vocabulary import Action
from chalicelib.timefmt import iso, parse_iso

Item = dict[str, dict[str, Any]]


class DueItemError(Exception):
    """A views item that is not a well-formed reminder item."""


@dataclass(frozen=True)
class DueReminder:
    """One reminder found in the due index; `pk`/`sk`/`due_sk` are the item's own key values."""

    tenant_id: str
    user_id: str
    contact_id: str
    action: Action
    due_at: datetime
    send_at: datetime
    pk: str
    sk: str
    due_pk: str
    due_sk: str
    name: str | None = None

    @property
    def user(self) -> tuple[str, str]:
        return (self.tenant_id, self.user_id)

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """What "never twice" is about: (tenant, contact, action, due time to the millisecond).

        The projector writes times with `iso` (milliseconds), while folds keep microseconds, so
        times are always compared in that form.
        """
        return (self.tenant_id, self.contact_id, self.action.value, iso(self.due_at))


def parse_due_item(item: Item) -> DueReminder:
    """The reminder a views item describes; raises DueItemError for anything else."""
    try:
        return DueReminder(
            tenant_id=_text(item, "tenant_id"),
            user_id=_text(item, "user_id"),
            contact_id=_text(item, "contact_id"),
            action=Action(_text(item, "action")),
            due_at=parse_iso(_text(item, "due_at")),
            send_at=parse_iso(_text(item, "send_at")),
            pk=_text(item, "PK"),
            sk=_text(item, "SK"),
            due_pk=_text(item, "due_pk"),
            due_sk=_text(item, "due_sk"),
            name=item["name"]["S"] if "name" in item else None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise DueItemError(f"not a reminder item: {error}") from error


def _text(item: Item, name: str) -> str:
    value = item[name]["S"]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} is empty")
    return value
