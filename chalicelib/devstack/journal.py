"""The dev stack's memory across restarts: the events table, kept in `.local/` as it changes.

The events table is the source of truth (events, idempotency records, settings); every read
model is rebuilt from it. So the stack keeps only that table, as an append-only journal of JSON
lines fed from the table's own stream: `{"put": item}` for an item written, `{"delete": key}`
for one removed. At start the journal is compacted (one line per live item) and written back
into the fresh table, whose stream then rebuilds the projections.

Erasure rewrites events without their personal data (a MODIFY of an event) and deletes
idempotency records: either compacts the journal at once, so the erased data does not survive
in the file. A write is in the journal once the pump has carried it, normally well under a
second after the API answered (the API wakes the pump after every write); `kill -9` can lose
that much, Ctrl-C nothing.

The journal holds no copy of the table in memory (moto holds the table already, and a second
copy grew the stack by kilobytes a step): only a digest of each live item, to skip the records
of a restore and redeliveries, which it already holds. Compacting reads the file back.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from chalicelib.eventstore.codec import EVENT_PREFIX

Item = dict[str, Any]
Key = tuple[str, str]
BATCH_WRITE = 25


class JournalError(Exception):
    """The journal file cannot be read or written."""


def _key(item: Mapping[str, Any]) -> Key:
    return (str(item["PK"]["S"]), str(item["SK"]["S"]))


class EventsJournal:
    """The events table as a file; thread-safe, since the pump and a restore may both write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._digests: dict[Key, bytes] = {}
        self._lock = threading.Lock()

    def load(self) -> int:
        """Reads the journal (a missing one is empty) and rewrites it compacted; returns the
        number of items it holds."""
        with self._lock:
            items = self._read()
            self._write(items)
            self._digests = {key: _digest(item) for key, item in items.items()}
        return len(items)

    def restore(self, client: Any, table: str) -> int:
        """Writes every item back into `table` (fresh at start); returns how many."""
        with self._lock:
            items = list(self._read().values())
        for start in range(0, len(items), BATCH_WRITE):
            request: dict[str, Any] = {
                table: [
                    {"PutRequest": {"Item": item}} for item in items[start : start + BATCH_WRITE]
                ]
            }
            while request:
                request = (
                    client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
                )
        return len(items)

    def record(self, event: Mapping[str, Any]) -> None:
        """Takes a Lambda-shaped batch of the events table's stream records into the journal."""
        lines: list[str] = []
        rewrite = False
        with self._lock:
            for record in event.get("Records", []):
                change = record.get("dynamodb") or {}
                name = record.get("eventName")
                if name in ("INSERT", "MODIFY") and "NewImage" in change:
                    image = change["NewImage"]
                    key, digest = _key(image), _digest(image)
                    if self._digests.get(key) == digest:
                        continue  # a restore's own records, or a redelivery
                    # A rewritten event is an erasure's redaction: the old image must go.
                    rewrite |= name == "MODIFY" and key[1].startswith(EVENT_PREFIX)
                    self._digests[key] = digest
                    lines.append(json.dumps({"put": image}, separators=(",", ":")))
                elif name == "REMOVE" and "Keys" in change:
                    key = _key(change["Keys"])
                    if self._digests.pop(key, None) is not None:
                        rewrite = True
                        lines.append(json.dumps({"delete": change["Keys"]}))
            if rewrite:
                items = self._read()
                for line in lines:
                    _apply(items, line)
                self._write(items)
            elif lines:
                self._append(lines)

    def __len__(self) -> int:
        with self._lock:
            return len(self._digests)

    def _read(self) -> dict[Key, Item]:
        """The live items the file holds, in the order they were first written."""
        items: dict[Key, Item] = {}
        try:
            with self.path.open(encoding="utf-8") as file:
                for line in file:
                    _apply(items, line)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise JournalError(f"cannot read {self.path}: {error}") from error
        return items

    def _append(self, lines: Iterable[str]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write("".join(f"{line}\n" for line in lines))
                file.flush()
                os.fsync(file.fileno())
        except OSError as error:
            raise JournalError(f"cannot write {self.path}: {error}") from error

    def _write(self, items: Mapping[Key, Item]) -> None:
        """Replaces the file with one line per live item, atomically: a crash mid-way leaves
        the old file, never half of a new one, and no old line survives the rename."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".part")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                for item in items.values():
                    file.write(json.dumps({"put": item}, separators=(",", ":")) + "\n")
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except OSError as error:
            raise JournalError(f"cannot write {self.path}: {error}") from error


def _digest(item: Mapping[str, Any]) -> bytes:
    # Attribute order differs between a stream's image and a line read back: sort the keys.
    canonical = json.dumps(item, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode(), digest_size=16).digest()


def _apply(items: dict[Key, Item], line: str) -> None:
    if not line.strip():
        return
    try:
        entry = json.loads(line)
        if "put" in entry:
            items[_key(entry["put"])] = entry["put"]
        elif "delete" in entry:
            items.pop(_key(entry["delete"]), None)
    except (ValueError, KeyError, TypeError):
        # A line cut short by kill -9 is the last one: what it held is the lost second.
        return
