"""The projector's failures are partial: a poison record or a contact that cannot be projected
fails its own records only, as `batchItemFailures`, and the rest of the batch goes through."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.auth.identity import Identity
from chalicelib.bootstrap import Services
from chalicelib.eventstore.port import NewEvent, StreamId
from chalicelib.projections.projector import Projector
from chalicelib.retry import RetryPolicy
from tests.projections.support import add, saved_settings, views

EVENTS = Path(__file__).parent.parent / "events"


def test_the_lambda_handler_reports_only_the_poison_record_as_failed(
    services: Services, ada: Identity
) -> None:
    from app import project_events

    batch = json.loads((EVENTS / "dynamodb_stream_batch.json").read_text())
    poison = json.loads((EVENTS / "dynamodb_stream_poison.json").read_text())
    contact = batch["Records"][0]["dynamodb"]["NewImage"]["contact_id"]["S"]
    now = services.clock.now()
    added = NewEvent("contact_added", {"name": "Grace Hopper"}, now)
    stream = StreamId("acme", contact)
    store = services.event_store
    store.append(stream, [added], expected_version=0, owner_id="ada", recorded_at=now)

    answer = project_events({"Records": poison["Records"] + batch["Records"]}, None)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "111100000000000000000005"}]}
    assert ("acme", "ada", contact) in views(services).views


class _BrokenFor:
    """An event store whose reads of one contact fail, as a throttled partition would."""

    def __init__(self, services: Services, contact_id: str) -> None:
        self._store, self._contact = services.event_store, contact_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def read(self, stream: StreamId, after_version: int = 0) -> Any:
        if stream.contact_id == self._contact:
            raise RuntimeError("throttled")
        return self._store.read(stream, after_version)


def test_a_contact_that_cannot_be_projected_fails_its_own_records_only(
    services: Services, pump: StreamPump, ada: Identity
) -> None:
    broken, fine = add(services, ada), add(services, ada, name="Alan Kay")
    records = pump.fetch()
    projector = Projector(
        _BrokenFor(services, broken),  # type: ignore[arg-type]
        services.view_store,
        saved_settings(services),
        4,
        RetryPolicy(max_attempts=6),
    )
    random.Random(7).shuffle(records)

    answer = projector.handle({"Records": records})

    failed = {f["itemIdentifier"] for f in answer["batchItemFailures"]}
    expected = {
        r["dynamodb"]["SequenceNumber"]
        for r in records
        if r["dynamodb"]["Keys"]["PK"]["S"].endswith(broken)
        and r["dynamodb"]["Keys"]["SK"]["S"].startswith("E#")
    }
    assert failed == expected
    assert ("acme", "ada", fine) in views(services).views
