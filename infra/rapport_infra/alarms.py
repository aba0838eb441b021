"""The alarms that say the read side, the reminders, received mail, sign-ups or erasure are in
trouble, sent to one SNS topic."""

from __future__ import annotations

from aws_cdk import Duration, Fn
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from rapport_infra.alarm_metrics import APP_METRICS, DIMENSIONS, NAMESPACE, AppMetric
from rapport_infra.gateway import REST_API
from rapport_infra.stage import StageConfig

# SES puts an account under review at a 5% bounce rate or a 0.1% complaint rate; these fire
# earlier, while there is still time to find the cause.
BOUNCE_RATE_THRESHOLD = 0.04
COMPLAINT_RATE_THRESHOLD = 0.0008
# Projections are "normally well under a second" behind: a minute of stream backlog is an outage.
ITERATOR_AGE_THRESHOLD = Duration.minutes(1)
# A twentieth of the API's answers being 5xx over five minutes (the gateway's own included).
SERVER_ERROR_RATE_THRESHOLD = 0.05
# PreSignUp refuses a sign-up by failing (Cognito's only way to say no), so an expired or used
# invitation is an error too. Five in five minutes is a broken trigger meeting a cohort that
# signs up together, or someone trying forged links.
PRE_SIGN_UP_ERRORS_THRESHOLD = 5


def _lambda_metric(function_name: str, metric: str, statistic: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/Lambda",
        metric_name=metric,
        dimensions_map={"FunctionName": function_name},
        statistic=statistic,
        period=Duration.minutes(5),
    )


def _queue_depth(queue: sqs.IQueue) -> cloudwatch.Metric:
    return queue.metric_approximate_number_of_messages_visible(
        period=Duration.minutes(5), statistic="Maximum"
    )


def _app_metric(metric: AppMetric) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=NAMESPACE,
        metric_name=metric.metric,
        dimensions_map=DIMENSIONS,
        statistic=metric.statistic,
        period=Duration.minutes(5),
    )


def _api_server_error_rate(api_name: str) -> cloudwatch.Metric:
    # 5XXError's Average is the share of requests answered 5xx, whoever answered them.
    return cloudwatch.Metric(
        namespace="AWS/ApiGateway",
        metric_name="5XXError",
        dimensions_map={"ApiName": api_name, "Stage": Fn.sub(f"${{{REST_API}.Stage}}")},
        statistic="Average",
        period=Duration.minutes(5),
    )


def _ses_metric(metric: str) -> cloudwatch.Metric:
    # Account-level reputation: the figure SES itself acts on.
    return cloudwatch.Metric(
        namespace="AWS/SES", metric_name=metric, statistic="Maximum", period=Duration.hours(1)
    )


class OperationalAlarms(Construct):
    """Projector errors and lag, its failure queue, records set aside, sweep errors and
    failures, received mail's errors and failure queue, the sign-up triggers' and the erasure
    job's errors, the API's 5xx rate, and SES reputation."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        projector_name: str,
        sweep_name: str,
        inbound_name: str,
        pre_sign_up_name: str,
        post_confirmation_name: str,
        eraser_name: str,
        api_name: str,
        projector_failures: sqs.IQueue,
        inbound_failures: sqs.IQueue,
        topic_key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(
            self,
            "Topic",
            topic_name=config.name("alarms"),
            enforce_ssl=True,
            master_key=topic_key,
        )
        if config.alarm_email:
            sns.Subscription(
                self,
                "Email",
                topic=self.topic,
                protocol=sns.SubscriptionProtocol.EMAIL,
                endpoint=config.alarm_email,
            )
        self._config = config
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self._add("projector-errors", _lambda_metric(projector_name, "Errors", "Sum"), 1)
        self._add(
            "projector-iterator-age",
            _lambda_metric(projector_name, "IteratorAge", "Maximum"),
            ITERATOR_AGE_THRESHOLD.to_milliseconds(),
            evaluation_periods=3,
        )
        self._add(
            "projector-failures-queued",
            _queue_depth(projector_failures),
            1,
        )
        self._add("sweep-errors", _lambda_metric(sweep_name, "Errors", "Sum"), 1)
        # Received mail: an error is retried twice by Lambda; an event that still fails is
        # parked, with its bucket and key (the message stays in S3 for a week).
        self._add("inbound-errors", _lambda_metric(inbound_name, "Errors", "Sum"), 1)
        self._add("inbound-failures-queued", _queue_depth(inbound_failures), 1)
        self._add(
            "pre-sign-up-errors",
            _lambda_metric(pre_sign_up_name, "Errors", "Sum"),
            PRE_SIGN_UP_ERRORS_THRESHOLD,
        )
        # A failed PostConfirmation leaves a confirmed user without a tenant or group, whom
        # the API refuses until an operator mends them: each one matters.
        self._add(
            "post-confirmation-errors", _lambda_metric(post_confirmation_name, "Errors", "Sum"), 1
        )
        # The job retries every hour, but a member's data must not outlive its 30 days long.
        self._add("erasure-errors", _lambda_metric(eraser_name, "Errors", "Sum"), 1)
        for metric in APP_METRICS:
            self._add(
                metric.alarm,
                _app_metric(metric),
                metric.threshold,
                evaluation_periods=metric.evaluation_periods,
            )
        self._add("api-5xx-rate", _api_server_error_rate(api_name), SERVER_ERROR_RATE_THRESHOLD)
        self._add("ses-bounce-rate", _ses_metric("Reputation.BounceRate"), BOUNCE_RATE_THRESHOLD)
        self._add(
            "ses-complaint-rate", _ses_metric("Reputation.ComplaintRate"), COMPLAINT_RATE_THRESHOLD
        )

    def _add(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        *,
        evaluation_periods: int = 1,
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_name=self._config.name(name),
            metric=metric,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            # No invocations, no mail, no queue traffic: quiet is healthy, not unknown.
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms[name] = alarm
