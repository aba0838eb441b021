"""What the email interface keeps: which items each reminder email listed (so that `2 done`
names the item the user saw), and which inbound messages were already handled (so that a
redelivered message changes nothing twice)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from chalicelib.domain.vocabulary import Action

# A reply to a reminder is read for as long as its snooze links work.
REPLIES_FOR = timedelta(days=30)
# A redelivery comes within hours (SES, Lambda's retries); a month is a wide margin.
HANDLED_FOR = timedelta(days=30)


@dataclass(frozen=True)
class MailItem:
    """One numbered item of a reminder email: its contact and the step it asked for."""

    contact_id: str
    action: Action
    due_at: datetime


@dataclass(frozen=True)
class SentMail:
    """A reminder email as the user saw it: its items in their order (item 1 first)."""

    tenant_id: str
    user_id: str
    mail_id: str
    items: tuple[MailItem, ...]
    sent_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.sent_at + REPLIES_FOR


class SentMails(Protocol):
    def put(self, mail: SentMail) -> None:
        """Keeps the record (written before the email leaves; kept `REPLIES_FOR`)."""
        ...

    def get(self, tenant_id: str, user_id: str, mail_id: str) -> SentMail | None:
        """The record, or None when there is none or it expired."""
        ...


class InboundLedger(Protocol):
    def handled(self, tenant_id: str, user_id: str, key: str) -> bool:
        """Whether a message with this key was handled already (a consistent read)."""
        ...

    def mark_handled(self, tenant_id: str, user_id: str, key: str, now: datetime) -> bool:
        """Marks it handled (one conditional write); False when another delivery of the same
        message marked it first: that one answers, this one stays silent."""
        ...


class InMemorySentMails:
    """Records in a dict (unit tests, the bench)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str, str], SentMail] = {}

    def put(self, mail: SentMail) -> None:
        self._items[(mail.tenant_id, mail.user_id, mail.mail_id)] = mail

    def get(self, tenant_id: str, user_id: str, mail_id: str) -> SentMail | None:
        return self._items.get((tenant_id, user_id, mail_id))


class InMemoryInboundLedger:
    def __init__(self) -> None:
        self._keys: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def handled(self, tenant_id: str, user_id: str, key: str) -> bool:
        return (tenant_id, user_id, key) in self._keys

    def mark_handled(self, tenant_id: str, user_id: str, key: str, now: datetime) -> bool:
        with self._lock:
            if (tenant_id, user_id, key) in self._keys:
                return False
            self._keys.add((tenant_id, user_id, key))
            return True
