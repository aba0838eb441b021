"""The Cognito user pool whose ID tokens the API's authorizer verifies.

Tenants run themselves: an operator creates a tenant's first admin, and everyone else signs up
with an invitation. Self sign-up is on, gated by two triggers the Chalice app provides:
PreSignUp refuses a sign-up without a valid invitation, and PostConfirmation (once the address
is verified by code) sets the user's `custom:member_tenant` and group from that invitation.
(`custom:tenant_id` is immutable, so only an operator's AdminCreateUser can set it: it stays for
the admins operators create.) The app client can write neither, so no one chooses their own.
"""

from __future__ import annotations

from aws_cdk import Aws, CfnResource, Duration, RemovalPolicy, Token
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from chalicelib.auth.identity import ADMIN_ROLE, COACH_ROLE
from rapport_infra.stage import StageConfig

# The API reads the tenant from `custom:tenant_id` or else `custom:member_tenant` (a token naming
# two different tenants is refused; chalicelib/auth/verifier.py, API.md "Tokens").
# Set by an operator's AdminCreateUser; immutable, so it can be set at creation only.
TENANT_ATTRIBUTE = "tenant_id"
# Set by the PostConfirmation trigger (AdminUpdateUserAttributes, after sign-up), hence mutable;
# only admin calls can change it, as the app client may not write it.
MEMBER_TENANT_ATTRIBUTE = "member_tenant"
# With no app_base_url, the hosted UI can still send people to the local dashboard (`cli dev`).
LOCAL_DASHBOARD_URL = "http://localhost:8000/"
# Threat protection needs the Plus plan; without it, Essentials (whose tokens carry `amr`).
_THREAT_PROTECTION = {
    "off": (cognito.FeaturePlan.ESSENTIALS, None),
    "audit": (cognito.FeaturePlan.PLUS, cognito.StandardThreatProtectionMode.AUDIT_ONLY),
    "enforced": (cognito.FeaturePlan.PLUS, cognito.StandardThreatProtectionMode.FULL_FUNCTION),
}
_Risk = cognito.CfnUserPoolRiskConfigurationAttachment


class UserDirectory(Construct):
    """A user pool with a tenant no user can write, an SPA client and a hosted-UI domain."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        plan, threat_protection = _THREAT_PROTECTION[config.threat_protection_mode]
        self.pool = cognito.UserPool(
            self,
            "Pool",
            user_pool_name=config.name("users"),
            # Anyone may try; PreSignUp lets through only holders of a valid invitation, and
            # the tenant comes from the invitation, never from the person signing up.
            self_sign_up_enabled=True,
            # The address an invitation went to must be proven: a code, not a link.
            user_verification=cognito.UserVerificationConfig(
                email_style=cognito.VerificationEmailStyle.CODE
            ),
            feature_plan=plan,
            # Compromised-credential checks and risk-based challenges (see _add_risk_actions).
            standard_threat_protection_mode=threat_protection,
            # MFA is pool-wide in Cognito: optional here (TOTP apps, no SMS to pay for or to
            # hijack), and the authorizer requires it of coaches (chalicelib/auth/mfa.py).
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False, email=False),
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                email=cognito.StandardAttribute(required=True, mutable=True)
            ),
            # Cognito lets a pool gain a custom attribute but never change or drop one: keep
            # `tenant_id` exactly as it is, and add any new one alongside.
            custom_attributes={
                TENANT_ATTRIBUTE: cognito.StringAttribute(min_len=1, max_len=64, mutable=False),
                MEMBER_TENANT_ATTRIBUTE: cognito.StringAttribute(
                    min_len=1, max_len=128, mutable=True
                ),
            },
            password_policy=cognito.PasswordPolicy(min_length=12),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            deletion_protection=config.is_prod,
            removal_policy=RemovalPolicy.RETAIN if config.is_prod else RemovalPolicy.DESTROY,
        )
        # Membership shows in ID tokens as `cognito:groups`, which the API reads as roles
        # (everyone is a student; no group says so). PostConfirmation adds an invited coach or
        # admin to theirs; an operator adds a tenant's first admin.
        self.coach_group = cognito.CfnUserPoolGroup(
            self,
            "Coaches",
            user_pool_id=self.pool.user_pool_id,
            group_name=COACH_ROLE,
            description="Follow their cohort (tenant dashboard, members); invite students.",
        )
        self.admin_group = cognito.CfnUserPoolGroup(
            self,
            "Admins",
            user_pool_id=self.pool.user_pool_id,
            group_name=ADMIN_ROLE,
            description="As coaches, and invite coaches and admins, and remove members.",
        )
        base_url = config.app_base_url or LOCAL_DASHBOARD_URL
        self.client = self.pool.add_client(
            "Dashboard",
            user_pool_client_name=config.name("dashboard"),
            # A browser app cannot keep a secret: authorization code flow with PKCE instead.
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                # COGNITO_ADMIN lets a signed-in user manage their own MFA (a coach enrolls an
                # authenticator app with their access token; see README, Users and tenants).
                scopes=[
                    cognito.OAuthScope.OPENID,
                    cognito.OAuthScope.EMAIL,
                    cognito.OAuthScope.COGNITO_ADMIN,
                ],
                callback_urls=[base_url],
                logout_urls=[base_url],
            ),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True)
            .with_custom_attributes(TENANT_ATTRIBUTE, MEMBER_TENANT_ATTRIBUTE),
            # Leaving both tenants out of the writable attributes keeps them out of users'
            # hands: a sign-up or UpdateUserAttributes that sends one is refused by Cognito.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(email=True),
            id_token_validity=Duration.hours(1),
            prevent_user_existence_errors=True,
        )
        self.domain = self.pool.add_domain(
            "HostedUi",
            cognito_domain=cognito.CognitoDomainOptions(
                # Prefixes are global per region; the account id keeps ours unique.
                domain_prefix=f"{config.name('auth')}-{Aws.ACCOUNT_ID}"
            ),
        )
        if config.threat_protection_mode == "enforced":
            self._add_risk_actions()

    def add_sign_up_triggers(
        self, pre_sign_up: CfnResource, post_confirmation: CfnResource
    ) -> None:
        """Makes two functions `chalice package` generated (their resources) the pool's
        PreSignUp and PostConfirmation triggers, each invocable by Cognito for this pool only.

        The pool then depends on the functions, so neither they nor their roles may name the
        pool: PostConfirmation's rights on it are a policy of their own
        (`permissions.user_pool_statements`), and Cognito tells it the pool in each event.
        """
        for construct_id, operation, function in (
            ("PreSignUpTrigger", cognito.UserPoolOperation.PRE_SIGN_UP, pre_sign_up),
            (
                "PostConfirmationTrigger",
                cognito.UserPoolOperation.POST_CONFIRMATION,
                post_confirmation,
            ),
        ):
            # An imported reference is enough: add_trigger then adds the invoke permission.
            trigger = lambda_.Function.from_function_attributes(
                self,
                construct_id,
                function_arn=Token.as_string(function.get_att("Arn")),
                same_environment=True,
            )
            self.pool.add_trigger(operation, trigger)

    def _add_risk_actions(self) -> None:
        """What enforced threat protection does: a leaked password cannot sign in or be set,
        and a risky sign-in must pass MFA (a high-risk one is blocked without MFA set up)."""

        def act(action: str) -> _Risk.AccountTakeoverActionTypeProperty:
            return _Risk.AccountTakeoverActionTypeProperty(event_action=action, notify=False)

        leaked = _Risk.CompromisedCredentialsRiskConfigurationTypeProperty(
            actions=_Risk.CompromisedCredentialsActionsTypeProperty(event_action="BLOCK"),
            event_filter=["SIGN_IN", "PASSWORD_CHANGE"],
        )
        takeover = _Risk.AccountTakeoverRiskConfigurationTypeProperty(
            actions=_Risk.AccountTakeoverActionsTypeProperty(
                low_action=act("NO_ACTION"),
                medium_action=act("MFA_IF_CONFIGURED"),
                high_action=act("MFA_REQUIRED"),
            )
        )
        _Risk(
            self,
            "RiskActions",
            user_pool_id=self.pool.user_pool_id,
            client_id="ALL",
            compromised_credentials_risk_configuration=leaked,
            account_takeover_risk_configuration=takeover,
        )

    @property
    def issuer(self) -> str:
        """The `iss` of the pool's tokens."""
        return f"https://{self.pool.user_pool_provider_url}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"

    @property
    def audience(self) -> str:
        """ID tokens carry the app client's id as `aud`."""
        return self.client.user_pool_client_id

    @property
    def hosted_ui_url(self) -> str:
        return self.domain.base_url()
