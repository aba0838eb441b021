"""What a command did, in the application's terms: the contact after its new event, that event,
and whether this is the replay of an earlier request. Status codes and headers are the HTTP
edge's business; the service never speaks HTTP.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class EventRef:
    """The event a command appended.

    `occurred_at` is ISO 8601 text, the form every answer shows: a replay rebuilt from a stored
    result then shows the very characters the first answer did (a time parsed back from text
    can lose its sub-millisecond part, which `timefmt.iso` shows as `.000`).
    """

    version: int
    type: str
    occurred_at: str


@dataclass(frozen=True)
class CommandResult:
    """A command's outcome: fresh, or the replay of the first one made with its key."""

    contact: dict[str, Any]  # the contact's public shape (`presenter.contact_public`)
    event: EventRef
    replayed: bool = False

    @property
    def contact_id(self) -> str:
        return str(self.contact["contact_id"])

    @property
    def version(self) -> int:
        return self.event.version

    def to_record(self) -> dict[str, Any]:
        """What an idempotency record keeps, to give back this very result later."""
        return {"contact": self.contact, "event": asdict(self.event)}

    @classmethod
    def replay_of(cls, record: dict[str, Any]) -> CommandResult:
        """The result a record kept (records written before results existed have this shape
        too), marked as a replay."""
        event = record["event"]
        return cls(
            contact=record["contact"],
            event=EventRef(int(event["version"]), str(event["type"]), str(event["occurred_at"])),
            replayed=True,
        )
