"""A Chalice app with the real app's shape (name, functions, triggers), so the stack synthesizes
without depending on the real app's code. `chalice package` imports this module at synth time."""

from __future__ import annotations

import os
from typing import Any

from chalice import AuthResponse, Chalice, Rate
from chalice.app import S3Event

app = Chalice(app_name="rapport")

# `on_dynamodb_record` needs a literal ARN at import; the stack replaces it with the table's.
_STREAM_PLACEHOLDER = (
    "arn:aws:dynamodb:us-east-1:000000000000:table/rapport-events/stream/1970-01-01T00:00:00.000"
)

# `on_s3_event` needs a bucket name at import; the stack owns the bucket and its notification.
INBOUND_BUCKET = os.environ.get("INBOUND_BUCKET", "rapport-local-inbound")
INBOUND_PREFIX = "inbound/"


# As the real app: the gateway caches an answer 240 s, the authorizer its membership check 60 s,
# so a removed member's access ends within 5 minutes.
@app.authorizer(ttl_seconds=240)
def jwt_auth(auth_request: Any) -> AuthResponse:
    return AuthResponse(routes=[], principal_id="nobody")


@app.route("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.route("/contacts", methods=["GET"], authorizer=jwt_auth)
def list_contacts() -> dict[str, list[str]]:
    return {"contacts": []}


@app.on_dynamodb_record(stream_arn=_STREAM_PLACEHOLDER)
def project_events(event: Any) -> dict[str, list[str]]:
    return {"batchItemFailures": []}


@app.schedule(Rate(15, unit=Rate.MINUTES))
def send_reminders(event: Any) -> None:
    return None


@app.on_s3_event(bucket=INBOUND_BUCKET, events=["s3:ObjectCreated:*"], prefix=INBOUND_PREFIX)
def receive_email(event: S3Event) -> None:
    return None


# Cognito's triggers: `chalice package` makes them plain functions; the stack wires them to the
# user pool (rapport_infra/auth.py).
@app.lambda_function(name="cognito_pre_sign_up")
def cognito_pre_sign_up(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return event


@app.lambda_function(name="cognito_post_confirmation")
def cognito_post_confirmation(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return event


@app.schedule(Rate(1, unit=Rate.HOURS))
def erase_offboarded(event: Any) -> None:
    return None
