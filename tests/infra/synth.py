"""A synthesized stack as the tests read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Every function of the app, by the logical id `chalice package` gives it, with its Chalice name.
FUNCTIONS = {
    "APIHandler": "api_handler",
    "JwtAuth": "jwt_auth",
    "ProjectEvents": "project_events",
    "SendReminders": "send_reminders",
    "ReceiveEmail": "receive_email",
    "CognitoPreSignUp": "cognito_pre_sign_up",
    "CognitoPostConfirmation": "cognito_post_confirmation",
    "EraseOffboarded": "erase_offboarded",
}
# Cognito's triggers: the user pool references them, so they may not reference it.
TRIGGERS = ("CognitoPreSignUp", "CognitoPostConfirmation")


@dataclass(frozen=True)
class Synthesized:
    """One stage's synthesized stack: the assertions view, its JSON, and how long it took."""

    template: Any  # aws_cdk.assertions.Template
    json: dict[str, Any]
    seconds: float
    path: Path

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.json["Resources"].items()
            if resource["Type"] == resource_type
        }

    def resource(self, logical_id: str) -> dict[str, Any]:
        return self.json["Resources"][logical_id]
