"""SES for reminders: the sending identity, a configuration set, and where feedback goes."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from constructs import Construct

from rapport_infra.stage import StageConfig

# Bounces and complaints are what put an SES account under review; rejections and rendering
# failures are our own bugs. Deliveries and opens would only add cost and noise.
FEEDBACK_EVENTS = (
    ses.EmailSendingEvent.BOUNCE,
    ses.EmailSendingEvent.COMPLAINT,
    ses.EmailSendingEvent.REJECT,
    ses.EmailSendingEvent.RENDERING_FAILURE,
)


class ReminderMail(Construct):
    """The domain identity reminders are sent from, and the configuration set they use."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, topic_key: kms.IKey
    ) -> None:
        super().__init__(scope, construct_id)
        # Bounces and complaints carry users' addresses: encrypted with our own key.
        self.feedback_topic = sns.Topic(
            self,
            "Feedback",
            topic_name=config.name("ses-feedback"),
            enforce_ssl=True,
            master_key=topic_key,
        )
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            configuration_set_name=config.name("reminders"),
            reputation_metrics=True,
            sending_enabled=True,
            # An address that bounced or complained is never mailed again by this set.
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        self.configuration_set.add_event_destination(
            "FeedbackToSns",
            configuration_set_event_destination_name="feedback",
            destination=ses.EventDestination.sns_topic(self.feedback_topic),
            events=list(FEEDBACK_EVENTS),
        )
        # A domain identity with Easy DKIM: the stack outputs the three CNAMEs to publish.
        self.identity = ses.EmailIdentity(
            self,
            "Sender",
            identity=ses.Identity.domain(config.sender_domain),
            configuration_set=self.configuration_set,
        )
        self.reminder_from = config.reminder_from

    @property
    def configuration_set_name(self) -> str:
        return self.configuration_set.configuration_set_name

    @property
    def configuration_set_arn(self) -> str:
        return Stack.of(self).format_arn(
            service="ses",
            resource="configuration-set",
            resource_name=self.configuration_set.configuration_set_name,
        )

    @property
    def identity_arn(self) -> str:
        return self.identity.email_identity_arn
