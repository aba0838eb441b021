"""The read models as typed values: what the projector writes and the API and the sweep read.

Plain frozen dataclasses over the domain's vocabulary, with no storage format: the DynamoDB
adapter alone knows how each is laid out in items, so projections and the sweep are pure
functions over these values and are tested on the in-memory adapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from chalicelib.domain.vocabulary import Action, Status
from chalicelib.timefmt import iso

FUNNEL_STAGES = ("reached_out", "replied", "interviewed")


@dataclass(frozen=True, order=True)
class AgendaEntry:
    """One open action of a contact, as projected: when it is due, when its email goes out,
    when it stops making sense, and whether the email is still to be sent (the due index)."""

    due_at: datetime
    action: Action
    send_at: datetime
    expires_at: datetime | None = None
    remind: bool = True


@dataclass(frozen=True)
class ContactView:
    """One contact's read model; an erased (or never added) contact is a bare tombstone.

    `public` is the contact as clients see it without `next_action`, which depends on the
    reader's "now" and is picked from `agenda` when read. `fingerprint` names the settings
    the view was computed with ("" for a tombstone, which reads the same whatever they are).
    """

    tenant_id: str
    user_id: str
    contact_id: str
    version: int
    fingerprint: str = ""
    erased: bool = False
    status: Status | None = None
    funnel: frozenset[str] = frozenset()
    name: str = ""
    public: Mapping[str, Any] = field(default_factory=dict)
    agenda: tuple[AgendaEntry, ...] = ()
    updated_at: datetime | None = None
    interview_starts_at: datetime | None = None
    # Name, company and role, normalized for `GET /contacts?q=` (projections.search).
    search: str = ""

    @property
    def contribution(self) -> Contribution:
        if self.erased or self.status is None:
            return Contribution()
        return Contribution(self.status.value, frozenset(self.funnel))

    def is_current(self, version: int, fingerprint: str) -> bool:
        """Already projected from at least `version` with these settings (a tombstone has none)."""
        return self.version >= version and (self.erased or self.fingerprint == fingerprint)


@dataclass(frozen=True)
class Contribution:
    """One contact's share of its dashboards' counters; an absent contact contributes nothing."""

    status: str | None = None
    funnel: frozenset[str] = frozenset()

    def counters(self) -> dict[str, int]:
        if self.status is None:
            return {}
        values = {f"n_{self.status}": 1}
        values.update({f"f_{stage}": 1 for stage in FUNNEL_STAGES if stage in self.funnel})
        return values


@dataclass(frozen=True)
class ReminderKey:
    """What "never twice" is about: one action of one contact at one due time."""

    tenant_id: str
    user_id: str
    contact_id: str
    action: Action
    due_at: datetime


@dataclass(frozen=True)
class Reminder:
    """An open agenda action as the sweep sees it; `due_shard` is None once it is off the due
    index (reminded already, or the user turned reminders off)."""

    key: ReminderKey
    send_at: datetime
    name: str = ""
    expires_at: datetime | None = None
    due_shard: int | None = None

    @property
    def tenant_id(self) -> str:
        return self.key.tenant_id

    @property
    def user_id(self) -> str:
        return self.key.user_id

    @property
    def contact_id(self) -> str:
        return self.key.contact_id

    @property
    def action(self) -> Action:
        return self.key.action

    @property
    def due_at(self) -> datetime:
        return self.key.due_at

    @property
    def user(self) -> tuple[str, str]:
        return (self.key.tenant_id, self.key.user_id)

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """(tenant, contact, action, due time as stored), for logs and reports."""
        return (self.tenant_id, self.contact_id, self.action.value, iso(self.due_at))


@dataclass(frozen=True, order=True)
class DueEntry:
    """A line of a dashboard's "due actions" (sorted by due time, then contact and action)."""

    due_at: datetime
    contact_id: str
    action: Action
    name: str = ""
    user_id: str = ""
    expires_at: datetime | None = None


@dataclass(frozen=True, order=True)
class InterviewEntry:
    """A line of a dashboard's "upcoming interviews" (sorted by start, then contact)."""

    starts_at: datetime
    contact_id: str
    name: str = ""
    user_id: str = ""


@dataclass(frozen=True)
class DashboardKey:
    """A user's dashboard item, or one of the fixed shards of a tenant's (user_id None)."""

    tenant_id: str
    user_id: str | None = None
    shard: int = 0


@dataclass(frozen=True)
class Dashboard:
    """Counters and the earliest due actions and interviews of a user or a tenant shard.

    The lists are bounded: each is a prefix of everything open, sorted; `more_*` says that
    entries were left out after it. `revision` moves with every write, so a projector writes
    a dashboard only over the exact revision it read.
    """

    key: DashboardKey
    revision: int = field(default=0, compare=False)
    counters: Mapping[str, int] = field(default_factory=dict)
    due: tuple[DueEntry, ...] = ()
    interviews: tuple[InterviewEntry, ...] = ()
    more_due: bool = False
    more_interviews: bool = False


class ClaimState(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"


@dataclass(frozen=True)
class Claim:
    """A claim on one reminder that a sweep (or an earlier run) already holds."""

    state: ClaimState
    claimed_at: datetime
    sweep_id: str
    message_id: str | None = None


@dataclass(frozen=True)
class ContactsPage:
    """A page of a user's contact list and where the next one starts (None at the end).

    The position is the store's own, opaque to callers, who sign it into a cursor.
    """

    views: tuple[ContactView, ...]
    next_position: Mapping[str, str] | None = None
