"""API Gateway's own refusals (no token, too large, …) carry the API's error body."""

from __future__ import annotations

import json

from .synth import Synthesized


def _responses(prod: Synthesized) -> dict[str, dict]:
    resources = prod.resources("AWS::ApiGateway::GatewayResponse")
    return {r["Properties"]["ResponseType"]: r["Properties"] for r in resources.values()}


def test_a_call_without_a_token_gets_a_401_in_the_apis_error_shape(prod: Synthesized) -> None:
    unauthorized = _responses(prod)["UNAUTHORIZED"]

    body = json.loads(unauthorized["ResponseTemplates"]["application/json"])

    assert unauthorized["StatusCode"] == "401"
    assert body["error"]["code"] == "unauthorized"
    assert body["error"]["message"]


def test_every_other_gateway_error_is_mapped_to_the_error_shape(prod: Synthesized) -> None:
    responses = _responses(prod)

    assert {"ACCESS_DENIED", "REQUEST_TOO_LARGE", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for properties in responses.values():
        assert '"error"' in properties["ResponseTemplates"]["application/json"]
        assert properties["RestApiId"] == {"Ref": "RestAPI"}


def test_a_throttled_call_gets_a_429_in_the_apis_shape_with_retry_after(
    prod: Synthesized,
) -> None:
    throttled = _responses(prod)["THROTTLED"]

    body = json.loads(throttled["ResponseTemplates"]["application/json"])

    assert throttled["StatusCode"] == "429"
    assert body["error"]["code"] == "too_many_requests"
    assert throttled["ResponseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"


def test_a_call_the_firewall_refuses_gets_a_403_in_the_apis_shape(prod: Synthesized) -> None:
    refused = _responses(prod)["WAF_FILTERED"]

    assert refused["StatusCode"] == "403"
    assert json.loads(refused["ResponseTemplates"]["application/json"])["error"]["code"] == (
        "forbidden"
    )
