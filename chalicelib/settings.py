"""One typed view of the environment, read when asked for (never at import).

Chalice's test client applies a stage's environment variables only during a call, and Lambda
may reuse a process across configuration changes in tests, so nothing here is cached globally.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

LOCAL_REGION = "us-east-1"


class Settings(BaseModel):
    """Everything the service reads from its environment."""

    model_config = ConfigDict(frozen=True)

    stage: str = "local"
    region: str = LOCAL_REGION
    aws_endpoint_url: str | None = None
    events_table: str = "rapport-events"
    views_table: str = "rapport-views"
    events_stream_arn: str | None = None
    # Local and tests: HS256 with a shared secret. Deployed: RS256 from a Cognito pool's JWKS.
    auth_jwt_secret: str | None = None
    auth_issuer: str | None = None
    auth_audience: str | None = None
    auth_jwks_url: str | None = None
    unsubscribe_secret: str | None = None
    # Signs list cursors; unset, a key is derived (see chalicelib/projections/cursor.py).
    cursor_secret: str | None = None
    reminder_from: str = "reminders@rapport.example"
    ses_configuration_set: str | None = None
    app_base_url: str = "http://127.0.0.1:8000"
    # Deployed: the Cognito hosted UI the dashboard signs in with (absent locally: token mode).
    cognito_domain: str | None = None
    cognito_client_id: str | None = None
    due_shards: int = 4

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name in cls.model_fields:
            raw = env.get(name.upper())
            if raw not in (None, ""):
                values[name] = raw
        if "region" not in values and env.get("AWS_DEFAULT_REGION"):
            values["region"] = env["AWS_DEFAULT_REGION"]
        return cls.model_validate(values)
