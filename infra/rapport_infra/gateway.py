"""API Gateway's own answers (no token, throttled, too large, …) in the API's error shape.

The authorizer lets every call with a token through to the handler, which answers refusals
itself; but a call with no `Authorization` header never reaches the authorizer, and API
Gateway answers it. These templates make those answers look like every other error.
"""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigateway
from aws_cdk.aws_sam import CfnApi
from chalice.cdk import Chalice
from constructs import Construct

REST_API = "RestAPI"
_BODY = '{"error": {"code": "%s", "message": %s}}'
# (response type, status, code, message as a template expression or JSON string)
RESPONSES = (
    ("UNAUTHORIZED", "401", "unauthorized", '"sign in again: no token"'),
    ("ACCESS_DENIED", "401", "unauthorized", '"sign in again: access denied"'),
    ("REQUEST_TOO_LARGE", "413", "payload_too_large", '"the body is too large"'),
    # The stage's own limits (see edge.py); the app answers tenants over their rate itself.
    ("THROTTLED", "429", "too_many_requests", '"too many requests; retry in a second"'),
    ("WAF_FILTERED", "403", "forbidden", '"the request was refused by the firewall"'),
    ("DEFAULT_4XX", None, "bad_request", "$context.error.messageString"),
    ("DEFAULT_5XX", None, "internal_error", '"something went wrong on our side; please retry"'),
)
# Headers beyond Content-Type, as gateway-response values (quoted literals). API Gateway cannot
# compute a wait, so a throttled client is told the smallest one: its bucket refills per second.
EXTRA_HEADERS = {"THROTTLED": {"Retry-After": "'1'"}}


def add_error_responses(scope: Construct, chalice: Chalice) -> list[apigateway.CfnGatewayResponse]:
    """One gateway response per type above, on the Chalice app's REST API."""
    rest_api = chalice.get_resource(REST_API)
    assert isinstance(rest_api, CfnApi)
    responses = []
    for response_type, status, code, message in RESPONSES:
        responses.append(
            apigateway.CfnGatewayResponse(
                scope,
                f"GatewayResponse{response_type.title().replace('_', '')}",
                rest_api_id=rest_api.ref,
                response_type=response_type,
                status_code=status,
                response_templates={"application/json": _BODY % (code, message)},
                response_parameters={
                    "gatewayresponse.header.Content-Type": "'application/json'",
                    **{
                        f"gatewayresponse.header.{name}": value
                        for name, value in EXTRA_HEADERS.get(response_type, {}).items()
                    },
                },
            )
        )
    return responses
