"""Twenty writers race for one contact over HTTP: the optimistic lock lets exactly one win each
version, `If-Match` losers get 412, and the stream never gets a gap or a duplicate version.
A gate holds each writer after its first read until all twenty have read, so every one of them
decides at the same version and only the conditional write can tell them apart. The last tests
pin down the `If-Match` forms one client sends alone.

Lambda runs one request per process; these threads share one. Two pieces of Chalice's local
stack are process-global and would mix the threads' requests up, so the test replaces them
with what separate Lambda containers would have: `app.current_request` becomes per-thread, and
requests go straight to the local gateway instead of through the test client, which swaps
`os.environ` around every call (the services are already built, so no call needs it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from chalice.app import Chalice
from chalice.config import Config
from chalice.local import LocalGateway

from app import app
from chalicelib import bootstrap
from chalicelib.eventstore.port import (
    EventStore,
    KeyClaim,
    LoadedStream,
    NewEvent,
    StoredEvent,
    StreamId,
)
from tests.api.conftest import Api, body_of

WRITERS = 20
Answer = tuple[int, dict[str, Any]]


class _PerThreadRequests(Chalice):
    """The app with `current_request` kept per thread, as one Lambda container per request has."""

    _local = threading.local()

    @property  # type: ignore[override]
    def current_request(self) -> Any:
        return getattr(self._local, "request", None)

    @current_request.setter
    def current_request(self, request: Any) -> None:
        self._local.request = request


class _LoadGate:
    """An event store that holds every writer's first load until all have loaded, so all of
    them decide at the same version and the race is decided by the conditional write alone."""

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._barrier: threading.Barrier | None = None
        self._passed = threading.local()

    @contextmanager
    def armed(self, parties: int) -> Iterator[None]:
        self._barrier = threading.Barrier(parties, timeout=30)
        self._passed = threading.local()
        try:
            yield
        finally:
            self._barrier = None

    def load(self, stream: StreamId) -> LoadedStream:
        loaded = self._store.load(stream)
        if self._barrier is not None and not getattr(self._passed, "done", False):
            self._passed.done = True
            self._barrier.wait()
        return loaded

    def read(self, stream: StreamId, after_version: int = 0) -> list[StoredEvent]:
        return self._store.read(stream, after_version)

    def append(self, stream: StreamId, events: Sequence[NewEvent], **kwargs: Any) -> Any:
        return self._store.append(stream, events, **kwargs)

    def key_claim(self, tenant_id: str, user_id: str, key: str) -> KeyClaim | None:
        return self._store.key_claim(tenant_id, user_id, key)

    def redact(self, stream: StreamId, replacements: dict[int, dict[str, Any]]) -> None:
        self._store.redact(stream, replacements)


@pytest.fixture
def gate(services: bootstrap.Services, monkeypatch: pytest.MonkeyPatch) -> _LoadGate:
    """The services' store behind a gate, installed before any handler is built."""
    gated = _LoadGate(services.event_store)
    monkeypatch.setattr(services.adapters, "event_store", gated)
    return gated


@pytest.fixture
def race(api: Api, gate: _LoadGate, monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[Answer]]:
    """Sends the same request from WRITERS threads at once (or one per path, given WRITERS
    paths); returns each (status, body)."""
    monkeypatch.setattr(app, "__class__", _PerThreadRequests)
    gateway = LocalGateway(app, Config.create())

    def send(path: str, body: dict[str, Any], headers: dict[str, str]) -> Answer:
        payload = json.dumps(body).encode()
        response = gateway.handle_request("POST", path, headers, payload)
        return response["statusCode"], json.loads(response["body"])

    def run(
        path: str | Sequence[str], body: dict[str, Any], headers: dict[str, str]
    ) -> list[Answer]:
        paths = [path] * WRITERS if isinstance(path, str) else list(path)
        # The pool starts one thread per request: none finishes before all pass the gate.
        with gate.armed(len(paths)), ThreadPoolExecutor(max_workers=len(paths)) as pool:
            futures = [pool.submit(send, each, body, headers) for each in paths]
            return [future.result() for future in futures]

    return run


def _new_contact(api: Api, token: str) -> str:
    created = api.call("POST", "/contacts", {"name": "Ada Park"}, token=token)
    assert created.status_code == 201
    return str(body_of(created)["contact_id"])


def _versions(api: Api, token: str, contact_id: str) -> list[int]:
    response = api.call("GET", f"/contacts/{contact_id}/events", token=token)
    return [event["version"] for event in body_of(response)["items"]]


NOTE = {"type": "research_noted", "subject": "company", "text": "Acme builds payment rails."}


def test_with_if_match_exactly_one_writer_wins_and_the_rest_get_412(
    api: Api, race: Callable[..., list[Answer]]
) -> None:
    token = api.token()
    contact_id = _new_contact(api, token)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "If-Match": '"1"',
    }

    answers = race(f"/contacts/{contact_id}/events", NOTE, headers)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [412] * (WRITERS - 1)
    for status, body in answers:
        if status == 412:
            assert body["error"]["code"] == "version_mismatch"
    assert _versions(api, token, contact_id) == [1, 2]


def test_without_if_match_losers_retry_and_the_stream_has_no_gap_or_duplicate(
    api: Api, race: Callable[..., list[Answer]]
) -> None:
    token = api.token()
    contact_id = _new_contact(api, token)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    answers = race(f"/contacts/{contact_id}/events", NOTE, headers)

    won = [body for status, body in answers if status == 201]
    lost = [body for status, body in answers if status != 201]
    assert all(body["error"]["code"] == "write_conflict" for body in lost), lost
    assert {status for status, _ in answers} <= {201, 409}
    assert won, "every writer gave up: retries are not happening"
    versions = _versions(api, token, contact_id)
    assert versions == list(range(1, len(won) + 2))
    assert sorted(body["event"]["version"] for body in won) == versions[1:]
    contact = body_of(api.call("GET", f"/contacts/{contact_id}", token=token))
    assert len(contact["research"]) == len(won)


def test_twenty_copies_of_one_keyed_request_write_once_and_the_copies_replay_it(
    api: Api, race: Callable[..., list[Answer]]
) -> None:
    """A client retrying one request while the first try is still running, with If-Match: the
    losers must find the winner's answer (it is their own request), not a 412."""
    token = api.token()
    contact_id = _new_contact(api, token)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "If-Match": '"1"',
        "Idempotency-Key": "note-1",
    }

    answers = race(f"/contacts/{contact_id}/events", NOTE, headers)

    assert [status for status, _ in answers] == [201] * WRITERS
    assert all(body == answers[0][1] for _, body in answers)
    assert _versions(api, token, contact_id) == [1, 2]


def test_twenty_requests_with_one_key_on_twenty_contacts_write_once_and_the_rest_get_409(
    api: Api, race: Callable[..., list[Answer]]
) -> None:
    """A key is the user's: the claim written with the first event refuses every other request
    that raced it with the key, though each decided on a contact of its own."""
    token = api.token()
    contacts = [_new_contact(api, token) for _ in range(WRITERS)]
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": "one-key",
    }

    answers = race([f"/contacts/{c}/events" for c in contacts], NOTE, headers)

    assert sorted(status for status, _ in answers) == [201] + [409] * (WRITERS - 1)
    for status, body in answers:
        if status == 409:
            assert body["error"]["code"] == "idempotency_key_reused"
            assert "'one-key'" in body["error"]["message"]
    assert sorted(len(_versions(api, token, c)) for c in contacts) == [1] * (WRITERS - 1) + [2]


def test_if_match_star_or_a_weak_etag_match_the_current_version(api: Api) -> None:
    token = api.token()
    contact_id = _new_contact(api, token)
    path = f"/contacts/{contact_id}/events"

    star = api.call("POST", path, NOTE, token=token, headers={"If-Match": "*"})
    weak = api.call("POST", path, NOTE, token=token, headers={"If-Match": 'W/"2"'})

    assert (star.status_code, weak.status_code) == (201, 201)
    assert _versions(api, token, contact_id) == [1, 2, 3]


def test_a_stale_if_match_gets_412_with_the_current_etag(api: Api) -> None:
    token = api.token()
    contact_id = _new_contact(api, token)
    path = f"/contacts/{contact_id}/events"
    assert api.call("POST", path, NOTE, token=token).status_code == 201

    stale = api.call("POST", path, NOTE, token=token, headers={"If-Match": '"1"'})

    assert stale.status_code == 412
    assert body_of(stale)["error"]["code"] == "version_mismatch"
    assert stale.headers["ETag"] == '"2"'
    assert _versions(api, token, contact_id) == [1, 2]
