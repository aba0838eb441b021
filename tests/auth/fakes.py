"""Signing keys made in the test process and a JWKS source that counts its fetches."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib.auth.jwks import JwksUnavailableError

COGNITO_ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool"
COGNITO_CLIENT_ID = "5ab1c2d3e4f5g6h7i8j9k0l1m2"


@dataclass(frozen=True)
class RsaKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    def jwk(self) -> dict[str, Any]:
        public = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def sign(self, claims: Mapping[str, Any], *, kid: str | None = None) -> str:
        return jwt.encode(
            dict(claims), self.private_key, algorithm="RS256", headers={"kid": kid or self.kid}
        )


def new_rsa_key(kid: str) -> RsaKey:
    return RsaKey(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))


class FakeJwksSource:
    """Serves whatever key set the test last published."""

    def __init__(self, *keys: RsaKey) -> None:
        self.fetches = 0
        self.failing = False
        self.publish(*keys)

    def publish(self, *keys: RsaKey) -> None:
        self._document = {"keys": [key.jwk() for key in keys]}

    def fetch(self) -> Mapping[str, Any]:
        self.fetches += 1
        if self.failing:
            raise JwksUnavailableError("identity provider down")
        return json.loads(json.dumps(self._document))


def cognito_claims(now: datetime, **overrides: Any) -> dict[str, Any]:
    """The claims of a Cognito ID token, as a user pool issues them."""
    issued = int(now.timestamp())
    claims: dict[str, Any] = {
        "sub": "0c6f4e5a-1b2c-4d3e-8f90-a1b2c3d4e5f6",
        "custom:tenant_id": "acme",
        "email": "ada@example.com",
        "email_verified": True,
        "cognito:groups": ["coach"],
        "cognito:username": "ada",
        "iss": COGNITO_ISSUER,
        "aud": COGNITO_CLIENT_ID,
        "token_use": "id",
        "auth_time": issued,
        "iat": issued,
        "exp": issued + int(timedelta(hours=1).total_seconds()),
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def base64url(value: Mapping[str, Any]) -> str:
    """One JWT segment: compact JSON, base64url without padding."""
    raw = json.dumps(dict(value), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned_token(claims: Mapping[str, Any]) -> str:
    """An `alg: none` token, built by hand because PyJWT rightly refuses to make one."""
    return f"{base64url({'alg': 'none', 'typ': 'JWT'})}.{base64url(claims)}."
