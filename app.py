"""Rapport's AWS Lambda entry points. Wiring only: each route hands its request to a handler.

The same package runs as four functions (API, authorizer, projector, sweep), so each entry
point imports what it uses when first called: importing this module loads Chalice and
Powertools' logger and metrics (the middleware) alone, and
a cold authorizer never pays for pydantic, Jinja2 or the projections. Python caches modules,
so a warm function pays nothing more.
"""

from __future__ import annotations

import os
from typing import Any

from chalice.app import (
    AuthRequest,
    AuthResponse,
    Chalice,
    DynamoDBEvent,
    Rate,
    Response,
    S3Event,
)

from chalicelib.api.chalice_glue import api_shaped_refusals, correlated, powertools, respond
from chalicelib.api.media_types import (
    CONFIRM_EMAIL_POST,
    CSV_IMPORT,
    JOIN_POST,
    SNOOZE_POST,
    UNDO_POST,
    UNSUBSCRIBE_POST,
)
from chalicelib.telemetry import logger, metrics

app = Chalice(app_name="rapport")
# Powertools on every function but the authorizer (Chalice runs no middleware there): JSON
# logs with the function and cold start, and the invocation's metrics flushed as EMF.
app.register_middleware(powertools(logger.inject_lambda_context(clear_state=True)))
app.register_middleware(powertools(metrics.log_metrics(capture_cold_start_metric=True)))
app.register_middleware(correlated, "http")
# Chalice's own refusals (405, 415) get the API's error body, like the handlers' answers.
app.register_middleware(api_shaped_refusals, "http")

# Chalice needs a literal ARN when packaging; infra/ overrides it with the table's stream ARN.
EVENTS_STREAM_ARN = os.environ.get(
    "EVENTS_STREAM_ARN",
    "arn:aws:dynamodb:us-east-1:123456789012:table/rapport-events/stream/placeholder",
)

# Where SES stores received mail (infra/ owns the bucket and its notification; Chalice's SAM
# packaging cannot, see infra/rapport_infra/chalice_app.py); a literal name locally.
INBOUND_BUCKET = os.environ.get("INBOUND_BUCKET", "rapport-local-inbound")
INBOUND_PREFIX = "inbound/"


# API Gateway caches each answer for 240 s, the membership check a further 60 s at most: a
# removed member's access ends within five minutes (API.md).
@app.authorizer(ttl_seconds=240)
def jwt_auth(auth_request: AuthRequest) -> AuthResponse:
    from chalicelib.api.authorizer import authorizer_context
    from chalicelib.bootstrap import services

    built = services()
    context = authorizer_context(built.verifier, auth_request.token, built.membership)
    return AuthResponse(
        routes=["*"], principal_id=context.get("user_id", "anonymous"), context=context
    )


@app.route("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.route("/")
def dashboard_page() -> Response:
    from chalicelib.api import web_routes

    return respond(web_routes.page, app.current_request)


@app.route("/assets/{name}")
def dashboard_asset(name: str) -> Response:
    from chalicelib.api import web_routes

    return respond(web_routes.asset, app.current_request)


@app.route("/openapi.json")
def openapi() -> Response:
    from chalicelib.api.openapi import openapi_document

    return Response(body=openapi_document(), headers={"Content-Type": "application/json"})


@app.route("/contacts", methods=["POST"], authorizer=jwt_auth)
def create_contact() -> Response:
    from chalicelib.api import contact_routes

    return respond(contact_routes.create_contact, app.current_request)


@app.route("/contacts", methods=["GET"], authorizer=jwt_auth)
def list_contacts() -> Response:
    from chalicelib.api import read_routes

    return respond(read_routes.list_contacts, app.current_request)


@app.route("/contacts/{contact_id}", methods=["GET"], authorizer=jwt_auth)
def get_contact(contact_id: str) -> Response:
    from chalicelib.api import contact_routes

    return respond(contact_routes.get_contact, app.current_request)


@app.route("/contacts/{contact_id}", methods=["DELETE"], authorizer=jwt_auth)
def delete_contact(contact_id: str) -> Response:
    from chalicelib.api import read_routes

    return respond(read_routes.delete_contact, app.current_request)


@app.route("/contacts/{contact_id}/events", methods=["GET"], authorizer=jwt_auth)
def list_events(contact_id: str) -> Response:
    from chalicelib.api import contact_routes

    return respond(contact_routes.list_events, app.current_request)


@app.route("/contacts/{contact_id}/events", methods=["POST"], authorizer=jwt_auth)
def record_step(contact_id: str) -> Response:
    from chalicelib.api import contact_routes

    return respond(contact_routes.record_step, app.current_request)


@app.route("/dashboard", methods=["GET"], authorizer=jwt_auth)
def dashboard() -> Response:
    from chalicelib.api import read_routes

    return respond(read_routes.dashboard, app.current_request)


@app.route("/tenant/dashboard", methods=["GET"], authorizer=jwt_auth)
def tenant_dashboard() -> Response:
    from chalicelib.api import read_routes

    return respond(read_routes.tenant_dashboard, app.current_request)


@app.route("/me/settings", methods=["GET"], authorizer=jwt_auth)
def get_settings() -> Response:
    from chalicelib.api import settings_routes

    return respond(settings_routes.get_settings, app.current_request)


@app.route("/me/settings", methods=["PUT"], authorizer=jwt_auth)
def put_settings() -> Response:
    from chalicelib.api import settings_routes

    return respond(settings_routes.put_settings, app.current_request)


@app.route("/me/sharing", methods=["GET"], authorizer=jwt_auth)
def get_sharing() -> Response:
    from chalicelib.api import tenancy_routes

    return respond(tenancy_routes.get_sharing, app.current_request)


@app.route("/me/sharing", methods=["PUT"], authorizer=jwt_auth)
def put_sharing() -> Response:
    from chalicelib.api import tenancy_routes

    return respond(tenancy_routes.put_sharing, app.current_request)


@app.route("/tenant/invites", methods=["POST"], authorizer=jwt_auth)
def create_invites() -> Response:
    from chalicelib.api import tenancy_routes

    return respond(tenancy_routes.create_invites, app.current_request)


@app.route("/tenant/invites", methods=["GET"], authorizer=jwt_auth)
def list_invites() -> Response:
    from chalicelib.api import tenancy_routes

    return respond(tenancy_routes.list_invites, app.current_request)


@app.route("/tenant/invites/{invite_id}", methods=["DELETE"], authorizer=jwt_auth)
def revoke_invite(invite_id: str) -> Response:
    from chalicelib.api import tenancy_routes

    return respond(tenancy_routes.revoke_invite, app.current_request)


@app.route("/tenant/members", methods=["GET"], authorizer=jwt_auth)
def list_members() -> Response:
    from chalicelib.api import tenancy_routes

    return respond(tenancy_routes.list_members, app.current_request)


@app.route("/tenant/members/{user_id}", methods=["DELETE"], authorizer=jwt_auth)
def remove_member(user_id: str) -> Response:
    from chalicelib.api import tenancy_routes

    return respond(tenancy_routes.remove_member, app.current_request)


@app.route("/join", methods=["GET"])
def join_page() -> Response:
    from chalicelib.api import join_routes

    return respond(join_routes.join_page, app.current_request)


@app.route("/join", methods=["POST"], content_types=JOIN_POST)
def join() -> Response:
    from chalicelib.api import join_routes

    return respond(join_routes.join, app.current_request)


@app.route("/me/export", methods=["GET"], authorizer=jwt_auth)
def export_me() -> Response:
    from chalicelib.api import export_routes

    return respond(export_routes.export_me, app.current_request)


@app.route("/me/integrations", methods=["GET"], authorizer=jwt_auth)
def get_integrations() -> Response:
    from chalicelib.api import integration_routes

    return respond(integration_routes.get_integrations, app.current_request)


@app.route("/me/integrations/calendly", methods=["PUT"], authorizer=jwt_auth)
def put_calendly() -> Response:
    from chalicelib.api import integration_routes

    return respond(integration_routes.put_calendly, app.current_request)


@app.route("/me/integrations/calcom", methods=["PUT"], authorizer=jwt_auth)
def put_calcom() -> Response:
    from chalicelib.api import integration_routes

    return respond(integration_routes.put_calcom, app.current_request)


@app.route("/me/integrations/calendar/rotate", methods=["POST"], authorizer=jwt_auth)
def rotate_calendar() -> Response:
    from chalicelib.api import integration_routes

    return respond(integration_routes.rotate_calendar, app.current_request)


@app.route("/calendar/{file}", methods=["GET"])
def calendar_feed(file: str) -> Response:
    from chalicelib.api import calendar_routes

    return respond(calendar_routes.get_calendar, app.current_request)


@app.route("/webhooks/calendly/{hook_id}", methods=["POST"])
def calendly_webhook(hook_id: str) -> Response:
    from chalicelib.api import webhook_routes

    return respond(webhook_routes.calendly, app.current_request)


@app.route("/webhooks/calcom/{hook_id}", methods=["POST"])
def calcom_webhook(hook_id: str) -> Response:
    from chalicelib.api import webhook_routes

    return respond(webhook_routes.calcom, app.current_request)


@app.route("/contacts/import", methods=["POST"], authorizer=jwt_auth, content_types=CSV_IMPORT)
def import_contacts() -> Response:
    from chalicelib.api import import_routes

    return respond(import_routes.import_contacts, app.current_request)


@app.route("/unsubscribe", methods=["GET"])
def unsubscribe_page() -> Response:
    from chalicelib.api import unsubscribe_routes

    return respond(unsubscribe_routes.confirm_page, app.current_request)


@app.route("/unsubscribe", methods=["POST"], content_types=UNSUBSCRIBE_POST)
def unsubscribe() -> Response:
    from chalicelib.api import unsubscribe_routes

    return respond(unsubscribe_routes.unsubscribe, app.current_request)


@app.route("/snooze", methods=["GET"])
def snooze_page() -> Response:
    from chalicelib.api import snooze_routes

    return respond(snooze_routes.confirm_page, app.current_request)


@app.route("/snooze", methods=["POST"], content_types=SNOOZE_POST)
def snooze() -> Response:
    from chalicelib.api import snooze_routes

    return respond(snooze_routes.snooze, app.current_request)


@app.route("/settings/confirm-email", methods=["GET"])
def confirm_email_page() -> Response:
    from chalicelib.api import confirm_email_routes

    return respond(confirm_email_routes.confirm_page, app.current_request)


@app.route("/settings/confirm-email", methods=["POST"], content_types=CONFIRM_EMAIL_POST)
def confirm_email() -> Response:
    from chalicelib.api import confirm_email_routes

    return respond(confirm_email_routes.confirm_email, app.current_request)


@app.route("/undo", methods=["GET"])
def undo_page() -> Response:
    from chalicelib.api import undo_routes

    return respond(undo_routes.confirm_page, app.current_request)


@app.route("/undo", methods=["POST"], content_types=UNDO_POST)
def undo() -> Response:
    from chalicelib.api import undo_routes

    return respond(undo_routes.undo, app.current_request)


@app.schedule(Rate(15, unit=Rate.MINUTES))
def send_reminders(event: object) -> None:
    from chalicelib.bootstrap import services

    services().reminder_sweep.run()


@app.schedule(Rate(1, unit=Rate.HOURS))
def erase_offboarded(event: object) -> None:
    """Removed members' exports that could not leave at their removal, and their data, 30
    days after it."""
    from chalicelib.bootstrap import services

    offboarding = services().offboarding
    offboarding.send_pending_exports()
    offboarding.erase_due()


@app.lambda_function(name="cognito_pre_sign_up")
def cognito_pre_sign_up(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Cognito's PreSignUp trigger: only an open invitation lets anyone sign up."""
    from chalicelib.bootstrap import services

    return services().cognito_triggers.pre_sign_up(event)


@app.lambda_function(name="cognito_post_confirmation")
def cognito_post_confirmation(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Cognito's PostConfirmation trigger: the new member's tenant and group, from the invite."""
    from chalicelib.bootstrap import services

    return services().cognito_triggers.post_confirmation(event)


@app.on_dynamodb_record(
    stream_arn=EVENTS_STREAM_ARN, batch_size=100, starting_position="TRIM_HORIZON"
)
def project_events(event: DynamoDBEvent) -> dict[str, Any]:
    from chalicelib.bootstrap import services

    return services().projector.handle(event.to_dict())


@app.on_s3_event(bucket=INBOUND_BUCKET, events=["s3:ObjectCreated:*"], prefix=INBOUND_PREFIX)
def receive_email(event: S3Event) -> None:
    """A reply to a reminder, or a Bcc'd email, that SES stored in S3."""
    from chalicelib.bootstrap import services

    services().inbound_mail.receive_stored(event.bucket, event.key)
