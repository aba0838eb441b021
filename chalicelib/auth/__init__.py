"""Authentication: bearer JWTs in, a verified Identity (or a short refusal) out."""

from chalicelib.auth.identity import (
    AuthError,
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
)
from chalicelib.auth.jwks import HttpJwksSource, JwksCache, JwksSource
from chalicelib.auth.minting import LOCAL_AUDIENCE, LOCAL_ISSUER, mint_token
from chalicelib.auth.verifier import TokenVerifier

__all__ = [
    "LOCAL_AUDIENCE",
    "LOCAL_ISSUER",
    "AuthError",
    "BadSignatureError",
    "ExpiredTokenError",
    "HttpJwksSource",
    "Identity",
    "InvalidClaimError",
    "JwksCache",
    "JwksSource",
    "MalformedTokenError",
    "MissingClaimError",
    "MissingTokenError",
    "SigningKeysUnavailableError",
    "TokenNotYetValidError",
    "TokenVerifier",
    "UnknownSigningKeyError",
    "UnsupportedAlgorithmError",
    "WrongAudienceError",
    "WrongIssuerError",
    "mint_token",
]
