"""RS256 signing keys from a JSON Web Key Set, cached by key id and refetched on rotation."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from jwt import PyJWK
from jwt.exceptions import PyJWTError

from chalicelib.clock import Clock

ALGORITHM = "RS256"
_MAX_JWKS_BYTES = 256 * 1024
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class JwksError(Exception):
    """The key set cannot provide the key a token asks for."""


class JwksUnavailableError(JwksError):
    """The key set could not be fetched or parsed."""


class UnknownKeyError(JwksError):
    """No key in the key set has the token's key id."""


class JwksSource(Protocol):
    """Where a JSON Web Key Set comes from (HTTPS in production, a dict in tests).

    `fetch` raises `JwksUnavailableError` when the set cannot be had.
    """

    def fetch(self) -> Mapping[str, Any]: ...


class HttpJwksSource:
    """Fetches the key set over HTTPS (plain HTTP only on loopback, for local stand-ins)."""

    def __init__(self, url: str, *, timeout_seconds: float = 5.0) -> None:
        parts = urlsplit(url)
        secure = parts.scheme == "https"
        local = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
        if not (secure or local):
            raise ValueError(f"a JWKS URL must be https: {url!r}")
        self._url = url
        self._timeout = timeout_seconds

    def fetch(self) -> Mapping[str, Any]:
        # S310 guards against file:// and friends; __init__ already allows only http(s).
        request = urllib.request.Request(self._url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                body = response.read(_MAX_JWKS_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise JwksUnavailableError(f"cannot fetch JWKS: {error}") from error
        if len(body) > _MAX_JWKS_BYTES:
            raise JwksUnavailableError("JWKS response too large")
        try:
            document = json.loads(body)
        except ValueError as error:
            raise JwksUnavailableError("JWKS response is not JSON") from error
        if not isinstance(document, dict):
            raise JwksUnavailableError("JWKS response is not an object")
        return document


def parse_jwks(document: Mapping[str, Any]) -> dict[str, Any]:
    """RS256 verification keys by kid; keys of other kinds or that fail to parse are skipped."""
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise JwksUnavailableError("JWKS has no key list")
    parsed: dict[str, Any] = {}
    for jwk in keys:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
            continue
        if jwk.get("alg", ALGORITHM) != ALGORITHM:
            continue
        try:
            parsed[jwk["kid"]] = PyJWK(jwk, algorithm=ALGORITHM).key
        except PyJWTError:
            continue
    return parsed


class JwksCache:
    """Keys kept for `ttl`; an unknown kid forces one early refetch, at most every `min_refetch`.

    The rate limit matters because the kid comes from an unverified header: without it, a flood
    of tokens with made-up kids would turn into a flood of requests to the identity provider.
    """

    def __init__(
        self,
        source: JwksSource,
        clock: Clock,
        *,
        ttl: timedelta = timedelta(hours=1),
        min_refetch: timedelta = timedelta(seconds=30),
    ) -> None:
        self._source = source
        self._clock = clock
        self._ttl = ttl
        self._min_refetch = min_refetch
        self._keys: dict[str, Any] = {}
        self._fetched_at: datetime | None = None
        self._attempted_at: datetime | None = None
        self._lock = threading.Lock()

    def key_for(self, kid: str) -> Any:
        """The public key with id `kid`, fetching the key set when stale or on rotation."""
        with self._lock:
            now = self._clock.now()
            if self._fetched_at is None or now - self._fetched_at >= self._ttl:
                self._refresh(now)
            if kid not in self._keys and self._may_refetch(now):
                self._refresh(now)
            if self._fetched_at is None:
                raise JwksUnavailableError("no key set fetched yet")
            if kid not in self._keys:
                raise UnknownKeyError(f"no key with kid {kid!r}")
            return self._keys[kid]

    def _may_refetch(self, now: datetime) -> bool:
        return self._attempted_at is None or now - self._attempted_at >= self._min_refetch

    def _refresh(self, now: datetime) -> None:
        if not self._may_refetch(now):
            return
        self._attempted_at = now
        try:
            keys = parse_jwks(self._source.fetch())
        except JwksUnavailableError:
            # Stale keys beat no keys: an identity-provider blip must not log everyone out.
            if self._keys:
                return
            raise
        self._keys = keys
        self._fetched_at = now
