"""The whole deployed system for one stage: tables, functions, auth, mail (out and in), the
API's edge (access logs, throttling, WAF, tracing), secrets, alarms, outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack, Token
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.tables import EVENTS, LIMITS, VIEWS
from rapport_infra import edge, inbound, permissions, wiring
from rapport_infra.alarms import OperationalAlarms
from rapport_infra.auth import UserDirectory
from rapport_infra.chalice_app import (
    API,
    API_URL_OUTPUT,
    AUTHORIZER,
    ERASER,
    INBOUND,
    POST_CONFIRMATION,
    PRE_SIGN_UP,
    PROJECTOR,
    SWEEP,
    configured_environment,
    package_chalice_app,
)
from rapport_infra.encryption import topic_key
from rapport_infra.gateway import add_error_responses
from rapport_infra.mail import ReminderMail
from rapport_infra.secrets import SigningSecrets
from rapport_infra.stage import StageConfig
from rapport_infra.tables import stream_arn, table_from_spec
from rapport_infra.waf import ApiFirewall

REPO_ROOT = Path(__file__).resolve().parents[2]
# Synthesis fails on any finding of CDK's built-in CloudFormation validation, not just warns.
APP_CONTEXT = {"@aws-cdk/core:validateAgainstDefaultRules": True}


class RapportStack(Stack):
    """Rapport for one stage. Its construct id is the stage name, which the Chalice construct
    takes as its Chalice stage; the CloudFormation stack is named `rapport-{stage}`."""

    def __init__(
        self,
        scope: Construct,
        *,
        config: StageConfig,
        source_dir: Path = REPO_ROOT,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, config.stage, stack_name=config.stack_name, **kwargs)
        self.config = config
        self.events = table_from_spec(
            self,
            "EventsTable",
            EVENTS,
            table_name=config.name("events"),
            point_in_time_recovery=True,
            protect=config.is_prod,
        )
        # Views are rebuilt from events (`rebuild-projections`), so no backups to pay for.
        self.views = table_from_spec(
            self,
            "ViewsTable",
            VIEWS,
            table_name=config.name("views"),
            point_in_time_recovery=False,
            protect=False,
        )
        # Tenants' token buckets: a few bytes each, worthless a second after they are written.
        self.limits = table_from_spec(
            self,
            "LimitsTable",
            LIMITS,
            table_name=config.name("limits"),
            point_in_time_recovery=False,
            protect=False,
        )
        self.projector_failures = sqs.Queue(
            self,
            "ProjectorFailures",
            queue_name=config.name("projector-failures"),
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        self.users = UserDirectory(self, "Users", config=config)
        self.topic_key = topic_key(self, "TopicsKey", config=config)
        self.mail = ReminderMail(self, "Mail", config=config, topic_key=self.topic_key)
        # Replies and Bcc'd emails: SES -> S3 -> ReceiveEmail (inbound.py).
        self.inbound = inbound.InboundMail(self, "Inbound", config=config)
        # Signing keys, generated here and never seen by anyone; see README (Secrets).
        self.secrets = SigningSecrets.create(self, config)
        self.source_dir = source_dir
        self.chalice = package_chalice_app(self, "Api", source_dir)
        self._wire_functions()
        self.inbound.invoke(self.chalice.get_resource(INBOUND.logical_id))
        self._wire_sign_up()
        add_error_responses(self, self.chalice)
        self.access_logs = edge.configure_stage(self, self.chalice, config)
        self.firewall = ApiFirewall(self, "Firewall", config=config, stage_arn=edge.stage_arn())
        self.alarms = OperationalAlarms(
            self,
            "Alarms",
            config=config,
            projector_name=wiring.function_name(config, PROJECTOR),
            sweep_name=wiring.function_name(config, SWEEP),
            inbound_name=wiring.function_name(config, INBOUND),
            pre_sign_up_name=wiring.function_name(config, PRE_SIGN_UP),
            post_confirmation_name=wiring.function_name(config, POST_CONFIRMATION),
            eraser_name=wiring.function_name(config, ERASER),
            api_name=edge.api_name(config),
            projector_failures=self.projector_failures,
            inbound_failures=self.inbound.failures,
            topic_key=self.topic_key,
        )
        self._add_outputs()

    @property
    def api_url(self) -> str:
        return Token.as_string(self.chalice.sam_template.get_output(API_URL_OUTPUT).value)

    def _environment(self) -> dict[str, str]:
        """What every function reads (chalicelib/settings.py)."""
        return {
            "STAGE": self.config.stage,
            "EVENTS_TABLE": self.events.table_name,
            "VIEWS_TABLE": self.views.table_name,
            "EVENTS_STREAM_ARN": stream_arn(self.events),
            "AUTH_JWKS_URL": self.users.jwks_url,
            "AUTH_ISSUER": self.users.issuer,
            "AUTH_AUDIENCE": self.users.audience,
            "REMINDER_FROM": self.config.reminder_from,
            "SES_CONFIGURATION_SET": self.mail.configuration_set_name,
            "DUE_SHARDS": str(self.config.due_shards),
        }

    def _wire_functions(self) -> None:
        resources = permissions.Resources(
            events=self.events,
            views=self.views,
            limits=self.limits,
            projector_failures=self.projector_failures,
            mail=self.mail,
            secrets=self.secrets,
            inbound_mail_objects_arn=inbound.mail_objects_arn(self.config),
            inbound_failures=self.inbound.failures,
        )
        # Secrets by ARN only: the functions read them once per cold start.
        unsubscribe = {"UNSUBSCRIBE_SECRET_ARN": self.secrets.unsubscribe.secret_arn}
        api_secrets = {
            **unsubscribe,
            "CURSOR_SECRET_ARN": self.secrets.cursor.secret_arn,
            "WEBHOOK_SECRETS_KEY_ARN": self.secrets.webhook_key.secret_arn,
        }
        # Each tenant's share of the stage's rate, taken on every request (chalicelib/api/
        # throttling.py): not in the authorizer, whose answers API Gateway caches for minutes.
        tenant_rate = {
            "LIMITS_TABLE": self.limits.table_name,
            "TENANT_RATE_LIMIT": str(self.config.tenant_rate_limit),
            "TENANT_BURST_LIMIT": str(self.config.tenant_burst_limit),
        }
        coach_mfa = {"COACH_MFA_REQUIRED": "true"}
        # The API cannot be given its own URL (the REST API already depends on the function),
        # so only an explicit app_base_url reaches it; emails fall back to the API's URL.
        own_url = {"APP_BASE_URL": self.config.app_base_url} if self.config.app_base_url else {}
        # The dashboard's sign-in (`/assets/config.json`) sends people to the hosted UI.
        sign_in = {
            "COGNITO_DOMAIN": self.users.hosted_ui_url,
            "COGNITO_CLIENT_ID": self.users.client.user_pool_client_id,
        }
        mail_url = {"APP_BASE_URL": self.config.app_base_url or self.api_url}
        # The sweep puts `Reply-To: reply+…@` this domain on reminders; the API shows each
        # user their `log+…@` address at it.
        inbound_domain = {"INBOUND_DOMAIN": self.inbound.domain}
        # The bucket by its fixed name, not a reference: its notification names the function.
        # Deployed, a message whose SES SPF or DKIM verdict is not PASS records nothing.
        receiving = {
            **inbound_domain,
            "INBOUND_BUCKET": inbound.bucket_name(self.config),
            "INBOUND_REQUIRE_SES_VERDICTS": "true",
        }
        common = self._environment()
        # Cognito's triggers: the pool references them, so nothing of theirs may reference the
        # pool (no AUTH_* settings; each event names its pool). Invite links are signed with
        # the unsubscribe key.
        trigger_env = {
            "STAGE": self.config.stage,
            "EVENTS_TABLE": self.events.table_name,
            **unsubscribe,
        }
        plan = (
            (
                API,
                permissions.api_statements(resources),
                {**common, **own_url, **api_secrets, **sign_in, **tenant_rate, **inbound_domain},
            ),
            (
                AUTHORIZER,
                permissions.authorizer_statements(resources),
                {**common, **own_url, **coach_mfa},
            ),
            (PROJECTOR, permissions.projector_statements(resources), {**common, **mail_url}),
            (
                SWEEP,
                permissions.sweep_statements(resources),
                {**common, **mail_url, **unsubscribe, **inbound_domain},
            ),
            (
                INBOUND,
                permissions.inbound_statements(resources),
                {**common, **mail_url, **unsubscribe, **receiving},
            ),
            (PRE_SIGN_UP, permissions.pre_sign_up_statements(resources), trigger_env),
            (POST_CONFIRMATION, permissions.post_confirmation_statements(resources), trigger_env),
            # It re-projects erased contacts, so it reads what the projector reads.
            (ERASER, permissions.eraser_statements(resources), {**common, **mail_url}),
        )
        for function, statements, env in plan:
            log_group = wiring.name_and_log(self, self.chalice, self.config, function)
            configured = configured_environment(self.source_dir, self.config.stage, function)
            wiring.set_environment(self.chalice, function, env, configured)
            wiring.grant(self.chalice, function, log_group, statements)
        wiring.wire_projector_stream(self.chalice, self.events, self.projector_failures)
        wiring.size_function(
            self.chalice, INBOUND, inbound.RECEIVE_TIMEOUT, inbound.RECEIVE_MEMORY_MB
        )

    def _wire_sign_up(self) -> None:
        """Self sign-up through the pool's triggers; PostConfirmation's rights on the pool."""
        self.users.add_sign_up_triggers(
            pre_sign_up=self.chalice.get_resource(PRE_SIGN_UP.logical_id),
            post_confirmation=self.chalice.get_resource(POST_CONFIRMATION.logical_id),
        )
        wiring.grant_apart(
            self,
            self.chalice,
            POST_CONFIRMATION,
            permissions.user_pool_statements(self.users.pool),
        )

    def _add_outputs(self) -> None:
        outputs = {
            "ApiUrl": self.api_url,
            "EventsTableName": self.events.table_name,
            "ViewsTableName": self.views.table_name,
            "LimitsTableName": self.limits.table_name,
            "ApiAccessLogGroup": self.access_logs.log_group_name,
            "WebAclArn": self.firewall.web_acl.attr_arn,
            "UserPoolId": self.users.pool.user_pool_id,
            "UserPoolClientId": self.users.client.user_pool_client_id,
            "HostedUiUrl": self.users.hosted_ui_url,
            "SesConfigurationSet": self.mail.configuration_set_name,
            "ProjectorFailureQueueUrl": self.projector_failures.queue_url,
            "AlarmTopicArn": self.alarms.topic.topic_arn,
        }
        # Easy DKIM: publish these three CNAMEs in the sender domain's DNS to verify it.
        for n, record in enumerate(self.mail.identity.dkim_records, start=1):
            outputs[f"DkimCname{n}"] = f"{record.name} CNAME {record.value}"
        for key, value in outputs.items():
            CfnOutput(self, key, value=value)
        # The inbound domain's MX (and DKIM CNAMEs, when it is not the sender domain).
        self.inbound.add_outputs(self)
