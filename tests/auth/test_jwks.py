"""Key sets: fetched once, kept for a while, refetched when a new kid appears, never flooded."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chalicelib.auth import (
    SigningKeysUnavailableError,
    TokenVerifier,
    UnknownSigningKeyError,
)
from chalicelib.auth.jwks import HttpJwksSource, JwksCache, JwksUnavailableError, parse_jwks
from chalicelib.clock import FixedClock

from .fakes import (
    COGNITO_CLIENT_ID,
    COGNITO_ISSUER,
    FakeJwksSource,
    RsaKey,
    cognito_claims,
)


def cognito_verifier(source: FakeJwksSource, clock: FixedClock) -> TokenVerifier:
    cache = JwksCache(source, clock, ttl=timedelta(hours=1), min_refetch=timedelta(seconds=30))
    return TokenVerifier(clock=clock, jwks=cache, issuer=COGNITO_ISSUER, audience=COGNITO_CLIENT_ID)


def test_keys_are_fetched_once_and_reused_until_the_ttl_runs_out(
    clock: FixedClock, signing_key: RsaKey
) -> None:
    source = FakeJwksSource(signing_key)
    verifier = cognito_verifier(source, clock)

    for _ in range(3):
        verifier.verify(signing_key.sign(cognito_claims(clock.now())))
    assert source.fetches == 1

    clock.advance(timedelta(hours=1))
    verifier.verify(signing_key.sign(cognito_claims(clock.now())))
    assert source.fetches == 2


def test_a_new_kid_after_rotation_triggers_exactly_one_refetch(
    clock: FixedClock, signing_key: RsaKey, rotated_key: RsaKey
) -> None:
    source = FakeJwksSource(signing_key)
    verifier = cognito_verifier(source, clock)
    verifier.verify(signing_key.sign(cognito_claims(clock.now())))

    # Given the pool rotated its keys a few minutes later
    clock.advance(timedelta(minutes=5))
    source.publish(signing_key, rotated_key)
    # When a token signed with the new key arrives, twice
    identity = verifier.verify(rotated_key.sign(cognito_claims(clock.now())))
    verifier.verify(rotated_key.sign(cognito_claims(clock.now())))

    # Then the set was fetched again once, and the old key still works
    assert identity.tenant_id == "acme"
    assert source.fetches == 2
    verifier.verify(signing_key.sign(cognito_claims(clock.now())))
    assert source.fetches == 2


def test_made_up_kids_cannot_make_the_verifier_flood_the_identity_provider(
    clock: FixedClock, signing_key: RsaKey
) -> None:
    source = FakeJwksSource(signing_key)
    verifier = cognito_verifier(source, clock)
    verifier.verify(signing_key.sign(cognito_claims(clock.now())))

    clock.advance(timedelta(minutes=5))
    for attempt in range(5):
        with pytest.raises(UnknownSigningKeyError, match="unknown signing key"):
            verifier.verify(signing_key.sign(cognito_claims(clock.now()), kid=f"bogus-{attempt}"))
    assert source.fetches == 2

    clock.advance(timedelta(seconds=30))
    with pytest.raises(UnknownSigningKeyError):
        verifier.verify(signing_key.sign(cognito_claims(clock.now()), kid="bogus-again"))
    assert source.fetches == 3


def test_an_unreachable_key_set_refuses_tokens_until_it_comes_back(
    clock: FixedClock, signing_key: RsaKey
) -> None:
    source = FakeJwksSource(signing_key)
    source.failing = True
    verifier = cognito_verifier(source, clock)

    with pytest.raises(SigningKeysUnavailableError, match="signing keys unavailable"):
        verifier.verify(signing_key.sign(cognito_claims(clock.now())))

    source.failing = False
    clock.advance(timedelta(seconds=30))
    assert verifier.verify(signing_key.sign(cognito_claims(clock.now()))).email


def test_stale_keys_keep_working_while_the_key_set_is_unreachable(
    clock: FixedClock, signing_key: RsaKey
) -> None:
    source = FakeJwksSource(signing_key)
    verifier = cognito_verifier(source, clock)
    verifier.verify(signing_key.sign(cognito_claims(clock.now())))

    source.failing = True
    clock.advance(timedelta(hours=2))

    assert verifier.verify(signing_key.sign(cognito_claims(clock.now()))).tenant_id == "acme"
    assert source.fetches == 2


def test_only_rs256_signing_keys_are_taken_from_a_key_set(
    signing_key: RsaKey, rotated_key: RsaKey
) -> None:
    document = {
        "keys": [
            signing_key.jwk(),
            {**rotated_key.jwk(), "use": "enc"},
            {"kty": "oct", "kid": "shared", "k": "c2VjcmV0"},
            {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
            {**signing_key.jwk(), "kid": "ps", "alg": "PS256"},
        ]
    }

    assert list(parse_jwks(document)) == [signing_key.kid]
    with pytest.raises(JwksUnavailableError):
        parse_jwks({"not": "a key set"})


@pytest.fixture
def jwks_server(signing_key: RsaKey) -> Iterator[str]:
    """A loopback HTTP server standing in for the pool's /.well-known/jwks.json."""
    body = json.dumps({"keys": [signing_key.jwk()]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = 200 if self.path == "/.well-known/jwks.json" else 404
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body if status == 200 else b"{}")

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_the_http_source_reads_a_key_set_and_reports_failures(
    jwks_server: str, signing_key: RsaKey
) -> None:
    document = HttpJwksSource(f"{jwks_server}/.well-known/jwks.json").fetch()

    assert list(parse_jwks(document)) == [signing_key.kid]
    with pytest.raises(JwksUnavailableError):
        HttpJwksSource(f"{jwks_server}/missing").fetch()


def test_the_http_source_insists_on_https_away_from_loopback() -> None:
    with pytest.raises(ValueError, match="https"):
        HttpJwksSource("http://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/jwks.json")
    with pytest.raises(ValueError, match="https"):
        HttpJwksSource("file:///etc/passwd")
