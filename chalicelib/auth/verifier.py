"""Turns a bearer JWT into an Identity, or says in a few words why it will not.

One verifier accepts exactly one algorithm: HS256 with a shared secret (local and tests) or RS256
with keys from a Cognito user pool's JWKS (deployed). The algorithm comes from configuration,
never from the token, so `alg: none` and HS256/RS256 confusion are refused before any key is used.
Time checks use the injected clock rather than PyJWT's, so tests move time instead of sleeping.

Each claim is held to the rule of the part that reads it (`auth/claims.py`), so a token the
system would refuse later is refused here, with a 401 naming the claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from jwt.exceptions import InvalidSignatureError, PyJWTError

from chalicelib.auth.claims import numeric_date, required_string, roles_of
from chalicelib.auth.identity import (
    BadSignatureError,
    ExpiredTokenError,
    Identity,
    InvalidClaimError,
    MalformedTokenError,
    MissingClaimError,
    MissingTokenError,
    SigningKeysUnavailableError,
    TokenNotYetValidError,
    UnknownSigningKeyError,
    UnsupportedAlgorithmError,
    WrongAudienceError,
    WrongIssuerError,
    is_valid_id,
)
from chalicelib.auth.jwks import (
    HttpJwksSource,
    JwksCache,
    JwksSource,
    JwksUnavailableError,
    UnknownKeyError,
)
from chalicelib.clock import Clock
from chalicelib.domain.types import is_email
from chalicelib.settings import Settings

DEFAULT_LEEWAY = timedelta(seconds=30)
MIN_SECRET_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash
MAX_TOKEN_CHARS = 8192
# PyJWT's own claim checks are off: ours report precise reasons and read the injected clock.
_CLAIM_CHECKS = ("exp", "nbf", "iat", "aud", "iss", "sub", "jti")
_DECODE_OPTIONS: Any = {f"verify_{claim}": False for claim in _CLAIM_CHECKS}


@dataclass(frozen=True)
class _Profile:
    """Where each kind of token keeps what we need."""

    algorithm: str
    # Where the tenant may be, in order; a token naming two different tenants is refused.
    tenant_claims: tuple[str, ...]
    role_claims: tuple[str, ...]
    token_use: str | None


_LOCAL = _Profile("HS256", ("tenant_id",), ("roles",), None)
# Cognito ID tokens (not access tokens: those carry no email and no `aud`). An operator sets
# `custom:tenant_id` (immutable: only at creation) for the users they create; a user who
# joined through an invitation gets `custom:member_tenant`, set by the PostConfirmation
# trigger, since an immutable attribute cannot be set after sign-up. The app client can write
# neither (infra/rapport_infra/auth.py), so no user chooses their tenant.
_COGNITO = _Profile(
    "RS256",
    ("custom:tenant_id", "custom:member_tenant"),
    ("roles", "cognito:groups"),
    "id",
)


@dataclass(frozen=True)
class VerifiedToken:
    """What a valid token proves: who is calling, until when, and the claims that said so.

    Callers take `expires_at` and any further claim from here, never by decoding the token again.
    """

    identity: Identity
    expires_at: int  # the `exp` claim, whole seconds since the epoch
    claims: Mapping[str, Any]


class TokenVerifier:
    """Verifies bearer JWTs; build once per process so the JWKS cache survives between calls."""

    def __init__(
        self,
        *,
        clock: Clock,
        secret: str | None = None,
        jwks: JwksCache | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        leeway: timedelta = DEFAULT_LEEWAY,
    ) -> None:
        if (secret is None) == (jwks is None):
            raise ValueError("give exactly one of secret (HS256) or jwks (RS256)")
        if secret is not None and len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"an HS256 secret needs at least {MIN_SECRET_BYTES} bytes")
        self._clock = clock
        self._secret = secret
        self._jwks = jwks
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway.total_seconds()
        self._profile = _LOCAL if secret is not None else _COGNITO

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        clock: Clock,
        jwks_source: JwksSource | None = None,
        leeway: timedelta = DEFAULT_LEEWAY,
    ) -> TokenVerifier:
        """RS256 from `AUTH_JWKS_URL` when set, else HS256 with `AUTH_JWT_SECRET`."""
        issuer, audience = settings.auth_issuer, settings.auth_audience
        if settings.auth_jwks_url:
            source = jwks_source or HttpJwksSource(settings.auth_jwks_url)
            jwks = JwksCache(source, clock)
            return cls(clock=clock, jwks=jwks, issuer=issuer, audience=audience, leeway=leeway)
        if not settings.auth_jwt_secret:
            raise ValueError("set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL (Cognito RS256)")
        secret = settings.auth_jwt_secret
        return cls(clock=clock, secret=secret, issuer=issuer, audience=audience, leeway=leeway)

    def verify_bearer(self, authorization: str | None) -> Identity:
        """Verifies an `Authorization` header value of the form `Bearer <jwt>`."""
        return self.verified_bearer(authorization).identity

    def verify(self, token: str) -> Identity:
        """The identity a valid token proves; raises an `AuthError` otherwise."""
        return self.verified(token).identity

    def verified_bearer(self, authorization: str | None) -> VerifiedToken:
        """`verified` for an `Authorization` header value of the form `Bearer <jwt>`."""
        if not authorization or not authorization.strip():
            raise MissingTokenError
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise MalformedTokenError("not a bearer token")
        return self.verified(token.strip())

    def verified(self, token: str) -> VerifiedToken:
        """Everything a valid token proves; raises an `AuthError` otherwise. Subclasses that
        demand more of a token extend this one method."""
        claims = self._signed_claims(token)
        expires_at = self._check_times(claims)
        self._check_issuer_and_audience(claims)
        return VerifiedToken(self._identity(claims), expires_at, claims)

    def _signed_claims(self, token: str) -> dict[str, Any]:
        if not token:
            raise MissingTokenError
        if len(token) > MAX_TOKEN_CHARS:
            raise MalformedTokenError("token too large")
        try:
            header = jwt.get_unverified_header(token)
        except PyJWTError as error:
            raise MalformedTokenError from error
        if header.get("alg") != self._profile.algorithm:
            raise UnsupportedAlgorithmError
        key = self._key(header)
        try:
            return jwt.decode(
                token, key, algorithms=[self._profile.algorithm], options=_DECODE_OPTIONS
            )
        except InvalidSignatureError as error:
            raise BadSignatureError from error
        except PyJWTError as error:
            raise MalformedTokenError from error

    def _key(self, header: Mapping[str, Any]) -> Any:
        if self._secret is not None:
            return self._secret
        assert self._jwks is not None
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise MalformedTokenError("token has no key id")
        try:
            return self._jwks.key_for(kid)
        except UnknownKeyError as error:
            raise UnknownSigningKeyError from error
        except JwksUnavailableError as error:
            raise SigningKeysUnavailableError from error

    def _check_times(self, claims: Mapping[str, Any]) -> int:
        """The token's `exp`, once every time claim is a sane NumericDate that holds now."""
        now = self._clock.now().timestamp()
        expires = numeric_date(claims, "exp")
        if expires is None:
            raise MissingClaimError("exp")
        if now >= expires + self._leeway:
            raise ExpiredTokenError
        not_before = numeric_date(claims, "nbf")
        if not_before is not None and now + self._leeway < not_before:
            raise TokenNotYetValidError
        issued = numeric_date(claims, "iat")
        if issued is not None and now + self._leeway < issued:
            raise TokenNotYetValidError("token issued in the future")
        return expires

    def _check_issuer_and_audience(self, claims: Mapping[str, Any]) -> None:
        if self._issuer is not None:
            if "iss" not in claims:
                raise MissingClaimError("iss")
            if claims["iss"] != self._issuer:
                raise WrongIssuerError
        if self._audience is not None:
            audience = claims.get("aud")
            if audience is None:
                raise MissingClaimError("aud")
            audiences = [audience] if isinstance(audience, str) else audience
            if not isinstance(audiences, list) or self._audience not in audiences:
                raise WrongAudienceError
        expected_use = self._profile.token_use
        if expected_use is not None and claims.get("token_use") != expected_use:
            raise InvalidClaimError("token_use")

    def _tenant(self, claims: Mapping[str, Any]) -> str:
        names = [name for name in self._profile.tenant_claims if claims.get(name) is not None]
        if not names:
            raise MissingClaimError(self._profile.tenant_claims[0])
        tenants = {required_string(claims, name, is_valid_id) for name in names}
        if len(tenants) > 1:
            raise InvalidClaimError(names[-1])
        return tenants.pop()

    def _identity(self, claims: Mapping[str, Any]) -> Identity:
        return Identity(
            user_id=required_string(claims, "sub", is_valid_id),
            tenant_id=self._tenant(claims),
            email=required_string(claims, "email", is_email),
            roles=roles_of(claims, self._profile.role_claims),
        )
