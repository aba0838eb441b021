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
    # Encrypts webhook subscriptions' signing secrets at rest (the coming webhooks).
    webhook_secrets_key: str | None = None
    # Deployed, secrets stay out of the environment: it names them in Secrets Manager, and
    # bootstrap.services() reads them once per cold start into the fields of SECRET_FIELDS.
    unsubscribe_secret_arn: str | None = None
    cursor_secret_arn: str | None = None
    webhook_secrets_key_arn: str | None = None
    reminder_from: str = "reminders@rapport.example"
    ses_configuration_set: str | None = None
    app_base_url: str = "http://127.0.0.1:8000"
    # Deployed: the Cognito hosted UI the dashboard signs in with (absent locally: token mode).
    cognito_domain: str | None = None
    cognito_client_id: str | None = None
    due_shards: int = 4
    # Per-tenant request rate on the API (a token bucket in `limits_table`): requests per
    # second sustained, and how many may come at once. Unset (locally, in tests): no limit.
    limits_table: str = "rapport-limits"
    tenant_rate_limit: float | None = None
    tenant_burst_limit: int = 100
    # Deployed on Cognito: a coach's token must show MFA (`amr`), see chalicelib/auth/mfa.py.
    coach_mfa_required: bool = False
    # The email interface: replies to reminders and Bcc logging arrive at `reply+…@` and
    # `log+…@` this domain (unset: reminders carry no Reply-To and no log address is shown).
    inbound_domain: str | None = None
    # Deployed, SES stores received mail in this bucket and an S3 event hands it over.
    inbound_bucket: str | None = None
    # Deployed: mail whose SES SPF or DKIM verdict is not PASS records nothing. Locally there
    # is no SES to judge, so the dev stack's SMTP server leaves it off.
    inbound_require_ses_verdicts: bool = False
    # The dev stack only: `POST /join?token=…` mints a token for the new member (deployed,
    # Cognito's sign-up does the joining). Needs AUTH_JWT_SECRET, which only local stages have.
    local_join: bool = False

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

    def secret_arns(self) -> dict[str, str]:
        """The secrets this environment names, as {field to fill: ARN}."""
        return {
            field: arn
            for arn_field, field in SECRET_FIELDS.items()
            if (arn := getattr(self, arn_field)) is not None
        }

    def with_secrets(self, values: Mapping[str, str]) -> Settings:
        """These settings with secret values filled in ({field: value}, from secret_arns)."""
        unknown = set(values) - set(SECRET_FIELDS.values())
        if unknown:
            raise ValueError(f"not secret settings: {sorted(unknown)}")
        return self.model_copy(update=dict(values))


# Which setting holds the ARN of which secret setting.
SECRET_FIELDS = {
    "unsubscribe_secret_arn": "unsubscribe_secret",
    "cursor_secret_arn": "cursor_secret",
    "webhook_secrets_key_arn": "webhook_secrets_key",
}
