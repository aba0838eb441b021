"""The stream pump hands records over as Lambda does, remembers where it stopped, retries what
failed from the failed record on, and sets a record aside after bounded attempts."""

from __future__ import annotations

from typing import Any

from chalice.app import DynamoDBEvent

from chalicelib.adapters.stream_pump import StreamPump
from chalicelib.auth.identity import Identity
from chalicelib.bootstrap import Services
from chalicelib.domain import events as ev
from tests.projections.support import add, step


class Recorder:
    """A handler that keeps every batch and fails the records it is told to fail."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.fail = fail or set()

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        self.batches.append(event["Records"])
        seqs = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        return {"batchItemFailures": [{"itemIdentifier": s} for s in seqs if s in self.fail]}

    def sequence_numbers(self) -> list[str]:
        return [r["dynamodb"]["SequenceNumber"] for batch in self.batches for r in batch]


def _pump(services: Services, handler: Recorder, **options: Any) -> StreamPump:
    return services.adapters.stream_pump(handler, **options)


def test_records_arrive_in_the_shape_lambda_gives_a_chalice_handler(
    services: Services, ada: Identity
) -> None:
    add(services, ada)
    handler = Recorder()

    _pump(services, handler).drain()

    record = handler.batches[0][0]
    assert record["eventSourceARN"].startswith("arn:aws:dynamodb:us-east-1:")
    assert "/stream/" in record["eventSourceARN"]
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    (parsed,) = list(DynamoDBEvent({"Records": [record]}, None))
    assert parsed.table_name == services.settings.events_table
    assert parsed.event_name == "INSERT"


def test_the_pump_resumes_after_the_last_record_it_delivered(
    services: Services, ada: Identity
) -> None:
    contact = add(services, ada)
    handler = Recorder()
    pump = _pump(services, handler)
    first = pump.drain()
    step(services, ada, contact, ev.OutreachSent())

    second = pump.drain()

    seqs = handler.sequence_numbers()
    assert (first, second) == (len(seqs) - 1, 1)
    assert len(set(seqs)) == len(seqs)
    assert pump.drain() == 0


def test_a_failed_record_is_redelivered_with_those_after_it_then_set_aside(
    services: Services, ada: Identity
) -> None:
    for name in ("One", "Two", "Three"):
        add(services, ada, name=name)
    everything = Recorder()
    _pump(services, everything).drain()
    seqs = everything.sequence_numbers()
    poison = seqs[1]
    handler = Recorder(fail={poison})
    pump = _pump(services, handler, batch_size=100, max_attempts=3)

    pump.drain()

    delivered = handler.sequence_numbers()
    assert delivered.count(seqs[0]) == 1
    assert delivered.count(poison) == 3
    # With each failed batch (Lambda retries from the failed record on), then once more alone.
    assert delivered.count(seqs[-1]) == 4
    assert [r["dynamodb"]["SequenceNumber"] for r in pump.set_aside] == [poison]
    assert pump.drain() == 0
