"""`/me/integrations`: the webhook URLs, their write-only secrets, the calendar feed's URL.

Each user has one record (`integrations.port`), made on first use. The calendar feed's secret is
never stored: the record holds a random nonce and the SHA-256 of the secret, and the secret is
an HMAC of the nonce under the server's key, so `GET /me/integrations` can show the URL again
while a copy of the table alone opens no feed. Rotating draws a new nonce: the old URL's hash
no longer matches, and it is a 404 from then on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.integrations import owner_tokens
from chalicelib.integrations.owner_tokens import Owner, OwnerToken
from chalicelib.integrations.port import PROVIDERS, IntegrationsRecord, IntegrationsStore
from chalicelib.integrations.secret_box import SecretBox, SecretBoxError
from chalicelib.telemetry import logger

CALENDAR_SUFFIX = ".ics"


@dataclass(frozen=True)
class HookOwner:
    """Whose webhook a delivery came to, and the secret that must have signed it (None while
    the user has not set one: every delivery is then refused)."""

    owner: Owner
    secret: str | None


class IntegrationsService:
    def __init__(
        self,
        store: IntegrationsStore,
        box: SecretBox,
        calendar_key: bytes,
        base_url: str,
        log_address: Callable[[Owner], str] | None = None,
        *,
        ended: Callable[[str, str], bool] | None = None,
    ) -> None:
        self._store = store
        self._box = box
        self._calendar_key = calendar_key
        self._base_url = base_url.rstrip("/")
        # The Bcc logging address (the email interface); None without an inbound domain.
        self._log_address = log_address
        # Whether a user was removed from their tenant (`Membership.ended`): their URLs end
        # with their membership. None: no membership is checked (unit tests of this service).
        self._ended = ended

    def overview(self, tenant_id: str, user_id: str) -> dict[str, Any]:
        """What `GET /me/integrations` answers (and every change to them)."""
        owner = Owner(tenant_id, user_id)
        record = self._record(owner)
        return {
            "calendar_feed_url": self._calendar_url(owner, record.calendar_nonce),
            **{
                provider: {
                    "webhook_url": f"{self._base_url}/webhooks/{provider}/{record.hook_id}",
                    "configured": record.configured(provider),
                }
                for provider in PROVIDERS
            },
            "inbound": {
                "log_address": self._log_address(owner) if self._log_address else None,
            },
        }

    def set_secret(self, tenant_id: str, user_id: str, provider: str, secret: str) -> None:
        owner = Owner(tenant_id, user_id)
        self._record(owner)
        sealed = self._box.seal(secret, tenant_id=tenant_id, user_id=user_id, provider=provider)
        self._store.set_secret(tenant_id, user_id, provider, sealed)

    def rotate_calendar(self, tenant_id: str, user_id: str) -> None:
        owner = Owner(tenant_id, user_id)
        self._record(owner)
        nonce = owner_tokens.random_credential()
        self._store.set_calendar(tenant_id, user_id, nonce, self._digest(owner, nonce))

    def hook_owner(self, provider: str, hook_id: str) -> HookOwner | None:
        """The owner of a webhook URL; None when no user has this hook id (a 404)."""
        token = owner_tokens.parse(hook_id)
        if token is None:
            return None
        record = self._store.get(token.owner.tenant_id, token.owner.user_id)
        if record is None or not hmac.compare_digest(record.hook_id, str(token)):
            return None
        if self._removed(token.owner):
            return None
        sealed = record.sealed_secrets.get(provider)
        if sealed is None:
            return HookOwner(token.owner, None)
        try:
            secret = self._box.open(
                sealed,
                tenant_id=token.owner.tenant_id,
                user_id=token.owner.user_id,
                provider=provider,
            )
        except SecretBoxError:
            # A changed WEBHOOK_SECRETS_KEY: the user must set the secret again.
            logger.warning("a webhook secret no longer opens", extra={"provider": provider})
            return HookOwner(token.owner, None)
        return HookOwner(token.owner, secret)

    def calendar_owner(self, file_name: str) -> Owner | None:
        """The owner of a feed URL's last segment (`<secret>.ics`); None for any other."""
        if not file_name.endswith(CALENDAR_SUFFIX):
            return None
        token = owner_tokens.parse(file_name.removesuffix(CALENDAR_SUFFIX))
        if token is None:
            return None
        record = self._store.get(token.owner.tenant_id, token.owner.user_id)
        if record is None:
            return None
        given = hashlib.sha256(str(token).encode()).hexdigest()
        if not hmac.compare_digest(given, record.calendar_hash) or self._removed(token.owner):
            return None
        return token.owner

    def _removed(self, owner: Owner) -> bool:
        # Asked only of a genuine URL, so a forged one costs no membership read.
        return self._ended is not None and self._ended(owner.tenant_id, owner.user_id)

    def _record(self, owner: Owner) -> IntegrationsRecord:
        saved = self._store.get(owner.tenant_id, owner.user_id)
        if saved is not None:
            return saved
        nonce = owner_tokens.random_credential()
        fresh = IntegrationsRecord(
            hook_id=str(OwnerToken(owner, owner_tokens.random_credential())),
            calendar_nonce=nonce,
            calendar_hash=self._digest(owner, nonce),
        )
        return self._store.get_or_create(owner.tenant_id, owner.user_id, fresh)

    def _secret(self, owner: Owner, nonce: str) -> str:
        message = f"{owner.tenant_id}\x1f{owner.user_id}\x1f{nonce}".encode()
        mac = hmac.new(self._calendar_key, message, hashlib.sha256).digest()
        credential = base64.urlsafe_b64encode(mac).decode().rstrip("=")
        return str(OwnerToken(owner, credential))

    def _digest(self, owner: Owner, nonce: str) -> str:
        return hashlib.sha256(self._secret(owner, nonce).encode()).hexdigest()

    def _calendar_url(self, owner: Owner, nonce: str) -> str:
        return f"{self._base_url}/calendar/{self._secret(owner, nonce)}{CALENDAR_SUFFIX}"
