"""The emails of tenancy: an invitation's link, and a removed member's export. Sent through
the same mailer port as reminders (SES deployed, the outbox locally, memory in tests)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.clock import Clock
from chalicelib.reminders.mailer import Mailer, MailError
from chalicelib.reminders.render import render_export, render_invite
from chalicelib.service.invitations import expires_in_days
from chalicelib.service.tenancy_errors import ExportNotSentError, InviteNotSentError
from chalicelib.tenancy.model import Invite, Member


class InviteMail:
    def __init__(self, mailer: Mailer, clock: Clock) -> None:
        self._mailer = mailer
        self._clock = clock

    def send(self, invite: Invite, link: str) -> None:
        rendered = render_invite(
            address=invite.email,
            tenant=invite.tenant_id,
            inviter=invite.inviter_email,
            role=invite.role.value,
            link=link,
            days=expires_in_days(invite, self._clock.now()),
        )
        try:
            # No unsubscribe link: one email, sent because a person asked for it.
            self._mailer.send(invite.email, rendered, None)
        except MailError as error:
            raise InviteNotSentError(str(error)) from error


class ExportMail:
    def __init__(self, mailer: Mailer) -> None:
        self._mailer = mailer

    def send(self, member: Member, export: dict[str, Any]) -> None:
        """`member` as removed: its `erase_at` is the day the email names."""
        if member.erase_at is None:
            raise ValueError("an export goes to a removed member, who has an erase_at")
        erase_on = f"{member.erase_at:%-d %B %Y}"
        rendered = render_export(
            address=member.email,
            tenant=member.tenant_id,
            erase_on=erase_on,
            export=json.dumps(export, indent=2, ensure_ascii=False).encode("utf-8"),
        )
        try:
            self._mailer.send(member.email, rendered, None)
        except MailError as error:
            raise ExportNotSentError(str(error)) from error
