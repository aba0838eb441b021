"""Streams that cannot be projected: an event that no longer parses, or anything else that
makes folding or projecting a contact raise.

Folding and projecting are pure functions of the events and the settings, so whatever they
raise they raise again on every retry. Such a stream is reported by its key and skipped, never
retried: retrying would only hold up the other contacts and users behind it.
"""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.domain.user_settings import UserSettings
from chalicelib.eventstore.port import StoredEvent, StreamId
from chalicelib.projections.projection import project
from chalicelib.service.history import state_of
from chalicelib.viewstore.model import ContactView

_LONGEST_REASON = 300


class UnprojectableStreamError(Exception):
    """The contact's events cannot be folded or projected; retrying cannot change that."""

    def __init__(self, stream: StreamId, reason: str) -> None:
        super().__init__(f"{stream} cannot be projected: {reason}")
        self.stream = stream
        self.reason = reason


def projected(
    stream: StreamId, events: Sequence[StoredEvent], settings: UserSettings
) -> ContactView:
    """The contact's view from its events, or UnprojectableStreamError naming why not."""
    try:
        return project(stream.tenant_id, state_of(stream.contact_id, events), settings)
    except Exception as error:
        raise UnprojectableStreamError(stream, reason_of(error)) from error


def reason_of(error: Exception) -> str:
    """An error on one line, short enough for a log line or a verify report."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= _LONGEST_REASON else f"{text[:_LONGEST_REASON]}…"
