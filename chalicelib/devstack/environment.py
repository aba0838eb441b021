"""The environment of a dev stack: what this process runs with, and the file other shells source.

Everything in Rapport reads its configuration from the environment (Settings.from_env, boto3's
credentials), so the stack sets it for this process while it runs, and puts it back on stop,
so a test process is left as it was.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path

from chalicelib.auth.minting import LOCAL_AUDIENCE, LOCAL_ISSUER
from chalicelib.settings import LOCAL_REGION, Settings

# moto accepts any credentials; fixed fake ones mean a real AWS profile is never used by mistake.
FAKE_ACCESS_KEY = "dev"
FAKE_SECRET_KEY = "dev-secret-key"
# Variables that would point the stack at real AWS (a profile, a session, Cognito) are removed.
_REMOVED = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AUTH_JWKS_URL",
    "COGNITO_DOMAIN",
    "COGNITO_CLIENT_ID",
)


# `.localhost` names nothing outside this machine (RFC 6761): no reply can leave it by mistake.
LOCAL_INBOUND_DOMAIN = "inbound.rapport.localhost"


def stack_environment(
    *,
    endpoint_url: str,
    app_base_url: str,
    jwt_secret: str,
    unsubscribe_secret: str,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The variables a dev stack and the commands run against it need; table names, region and
    sender come from `base` (the caller's environment) when set there, else the local defaults."""
    base = os.environ if base is None else base
    defaults = Settings()
    return {
        "STAGE": "local",
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": FAKE_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET_KEY,
        "AWS_DEFAULT_REGION": base.get("AWS_DEFAULT_REGION") or LOCAL_REGION,
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "EVENTS_TABLE": base.get("EVENTS_TABLE") or defaults.events_table,
        "VIEWS_TABLE": base.get("VIEWS_TABLE") or defaults.views_table,
        "AUTH_JWT_SECRET": jwt_secret,
        "AUTH_ISSUER": LOCAL_ISSUER,
        "AUTH_AUDIENCE": LOCAL_AUDIENCE,
        "UNSUBSCRIBE_SECRET": unsubscribe_secret,
        "REMINDER_FROM": base.get("REMINDER_FROM") or defaults.reminder_from,
        "APP_BASE_URL": app_base_url,
        # The SMTP server on loopback receives for this domain (`smtp_server.py`).
        "INBOUND_DOMAIN": base.get("INBOUND_DOMAIN") or LOCAL_INBOUND_DOMAIN,
        # Invitation links join through `POST /join`, which mints the new member's token.
        "LOCAL_JOIN": "true",
    }


class EnvironmentPatch:
    """Sets variables in os.environ and restores the earlier values, removed ones included."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def apply(self, values: Mapping[str, str]) -> None:
        for name in (*values, *_REMOVED):
            self._saved.setdefault(name, os.environ.get(name))
        for name in _REMOVED:
            os.environ.pop(name, None)
        os.environ.update(values)

    def restore(self) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved.clear()


def write_env_file(path: Path, values: Mapping[str, str]) -> None:
    """Writes `KEY=value` lines a POSIX shell can source (`set -a; . FILE; set +a`)."""
    lines = ["# The running dev stack's settings; written at each start of `cli dev`."]
    lines += [f"{name}={shlex.quote(value)}" for name, value in values.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
