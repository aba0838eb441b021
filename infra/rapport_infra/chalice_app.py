"""Packages the Chalice app into the stack, and names what `chalice package` generates.

The construct runs `chalice package` while the stack is being built: it imports the project's
`app` module, needs a region for its service principals, and names its stage after its scope.

`chalice package` (SAM) cannot package `@app.on_s3_event`: it refuses, because CloudFormation
cannot add a notification to a bucket that already exists. Here the stack creates the bucket
itself, so packaging leaves the notification out (`_without_s3_notifications`) and the stack
configures it on the bucket it owns (inbound.py), from what the app declared.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalice.cdk import Chalice
from chalice.cli.factory import CLIFactory
from chalice.deploy.models import S3BucketNotification
from chalice.package import SAMTemplateGenerator
from constructs import Construct

from rapport_infra.lean_package import slim

# `autogen_policy: false` gives every function its own role, seeded from this file; the stack
# then replaces each role's policy with that function's own (see permissions.py).
ROLE_POLICY_FILE = Path(__file__).with_name("chalice_role_policy.json")
PACKAGING_REGION = "us-east-1"


class ChaliceAppError(RuntimeError):
    """The Chalice app lacks a function the stack wires."""


@dataclass(frozen=True)
class ChaliceFunction:
    """A function of the app: its name in Chalice (and `.chalice/config.json`), and the logical
    ids `chalice package` gives it and its role."""

    python_name: str
    logical_id: str
    role_logical_id: str


API = ChaliceFunction("api_handler", "APIHandler", "ApiHandlerRole")
AUTHORIZER = ChaliceFunction("jwt_auth", "JwtAuth", "JwtAuthRole")
PROJECTOR = ChaliceFunction("project_events", "ProjectEvents", "ProjectEventsRole")
SWEEP = ChaliceFunction("send_reminders", "SendReminders", "SendRemindersRole")
INBOUND = ChaliceFunction("receive_email", "ReceiveEmail", "ReceiveEmailRole")
# Cognito's sign-up triggers (`@app.lambda_function`): `chalice package` generates them as
# plain functions, and the stack makes them the user pool's triggers (auth.py).
PRE_SIGN_UP = ChaliceFunction("cognito_pre_sign_up", "CognitoPreSignUp", "CognitoPreSignUpRole")
POST_CONFIRMATION = ChaliceFunction(
    "cognito_post_confirmation", "CognitoPostConfirmation", "CognitoPostConfirmationRole"
)
# Hourly: erases what removed members left, 30 days after their removal.
ERASER = ChaliceFunction("erase_offboarded", "EraseOffboarded", "EraseOffboardedRole")
FUNCTIONS = (API, AUTHORIZER, PROJECTOR, SWEEP, INBOUND, PRE_SIGN_UP, POST_CONFIRMATION, ERASER)
# `@app.on_s3_event` on `receive_email`, as the stack wires it (inbound.py): SES stores each
# message under this prefix, and a new object invokes the function.
INBOUND_TRIGGER_EVENTS = ("s3:ObjectCreated:*",)
INBOUND_PREFIX = "inbound/"
# The SAM event Chalice generates for `@app.on_dynamodb_record` on `project_events`.
PROJECTOR_STREAM_EVENT = "ProjectEventsDynamodbEventSource"
API_URL_OUTPUT = "EndpointURL"


@dataclass(frozen=True)
class S3Trigger:
    """An `@app.on_s3_event` that packaging left out, for the stack to wire."""

    python_name: str
    events: tuple[str, ...]
    prefix: str | None
    suffix: str | None


@contextmanager
def _without_s3_notifications(skipped: list[S3Trigger]) -> Iterator[None]:
    # SAMTemplateGenerator raises NotImplementedError for an S3 notification ("CloudFormation
    # does not support modifying the event notifications of existing buckets"); the function
    # itself it generates like any other. For the duration of packaging only, the notification
    # is recorded instead of generated; the stack owns the bucket and configures it there.
    original = SAMTemplateGenerator.__dict__["_generate_s3bucketnotification"]

    def record(
        _: SAMTemplateGenerator, resource: S3BucketNotification, template: dict[str, Any]
    ) -> None:
        skipped.append(
            S3Trigger(
                python_name=resource.lambda_function.resource_name,
                events=tuple(resource.events),
                prefix=resource.prefix,
                suffix=resource.suffix,
            )
        )

    SAMTemplateGenerator._generate_s3bucketnotification = record  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        SAMTemplateGenerator._generate_s3bucketnotification = original  # type: ignore[method-assign]


class LeanChalice(Chalice):  # type: ignore[misc]
    """Chalice's construct, its package without the dev-only modules (`lean_package.py`), and
    without the S3 notifications SAM cannot express (`s3_triggers` lists them)."""

    s3_triggers: list[S3Trigger]

    def _package_app(self) -> None:
        self.s3_triggers = []
        with _without_s3_notifications(self.s3_triggers):
            super()._package_app()
        slim(Path(self._sam_package_dir) / "deployment.zip")


@contextmanager
def _importing_app_from(source_dir: Path) -> Iterator[None]:
    # Chalice imports the app as the top-level module `app` after putting the project first on
    # sys.path. In a process that already imported some other `app` (a test session), it would
    # package that one; and it would leave its own behind. Hide and restore both.
    saved_app = sys.modules.pop("app", None)
    saved_path = list(sys.path)
    region_was_set = "AWS_DEFAULT_REGION" in os.environ or "AWS_REGION" in os.environ
    if not region_was_set:
        # Only the service principals' DNS suffix depends on it, the same in all commercial regions.
        os.environ["AWS_DEFAULT_REGION"] = PACKAGING_REGION
    try:
        yield
    finally:
        sys.modules.pop("app", None)
        if saved_app is not None:
            sys.modules["app"] = saved_app
        sys.path[:] = saved_path
        if not region_was_set:
            del os.environ["AWS_DEFAULT_REGION"]


def stage_config() -> dict[str, object]:
    """Chalice settings the stack imposes on every stage (they outrank `.chalice/config.json`)."""
    return {
        "manage_iam_role": True,
        "autogen_policy": False,
        # An absolute path: Chalice joins it to `.chalice/`, and joining keeps absolute paths.
        "iam_policy_file": str(ROLE_POLICY_FILE),
    }


def configured_environment(source_dir: Path, stage: str, function: ChaliceFunction) -> set[str]:
    """The variables `.chalice/config.json` gives this function in this stage (global, stage and
    per-function), resolved by Chalice's own rules."""
    config = CLIFactory(str(source_dir)).create_config_obj(
        stage, user_provided_params=stage_config()
    )
    return set(config.scope(stage, function.python_name).environment_variables)


def package_chalice_app(scope: Construct, construct_id: str, source_dir: Path) -> LeanChalice:
    """The Chalice app as a construct, with one role per function and no generated policy.

    The Chalice stage is the name of `scope` (the stack's id), so stage settings in
    `.chalice/config.json` apply. The app's one S3 trigger must be the one the stack wires.
    """
    with _importing_app_from(source_dir):
        chalice = LeanChalice(
            scope, construct_id, source_dir=str(source_dir), stage_config=stage_config()
        )
    template = chalice.sam_template.node
    missing = [f.python_name for f in FUNCTIONS if template.try_find_child(f.logical_id) is None]
    if missing:
        raise ChaliceAppError(f"the Chalice app in {source_dir} has no {', '.join(missing)}")
    wired = [S3Trigger(INBOUND.python_name, INBOUND_TRIGGER_EVENTS, INBOUND_PREFIX, None)]
    if chalice.s3_triggers != wired:
        raise ChaliceAppError(
            f"the Chalice app in {source_dir} declares the S3 triggers {chalice.s3_triggers};"
            f" the stack wires exactly {wired} (rapport_infra/inbound.py)"
        )
    return chalice
