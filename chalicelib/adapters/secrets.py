"""Secrets from Secrets Manager, read once when a function's services are built.

Deployed, a function's environment names its secrets (`UNSUBSCRIBE_SECRET_ARN`, ...) and never
holds them; `bootstrap.services()` reads them here once per cold start, in one
BatchGetSecretValue, and the process keeps them for its lifetime.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# BatchGetSecretValue answers at most this many secrets per call.
_BATCH = 20


class SecretsUnavailableError(RuntimeError):
    """A named secret could not be read (missing, no permission, or no string value)."""


class SecretsManagerReader:
    """Reads secrets' current string values by ARN (or name)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def read(self, arns: Mapping[str, str]) -> dict[str, str]:
        """{name: value} for {name: ARN}; raises if any of them cannot be read."""
        wanted = sorted(set(arns.values()))
        values: dict[str, str] = {}
        for start in range(0, len(wanted), _BATCH):
            answer = self._client.batch_get_secret_value(
                SecretIdList=wanted[start : start + _BATCH]
            )
            for error in answer.get("Errors", []):
                raise SecretsUnavailableError(
                    f"secret {error.get('SecretId')}: {error.get('ErrorCode')}"
                )
            for secret in answer.get("SecretValues", []):
                if "SecretString" in secret:
                    # Asked for by ARN (what the stack hands over) or by name.
                    values[secret["ARN"]] = values[secret["Name"]] = secret["SecretString"]
        missing = [arn for arn in wanted if arn not in values]
        if missing:
            raise SecretsUnavailableError(f"no string value for {', '.join(missing)}")
        return {name: values[arn] for name, arn in arns.items()}
