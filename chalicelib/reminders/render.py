"""Turns a digest into the words of one email: a subject, a plain-text part and an HTML part.

The copy lives in Jinja2 templates beside this module (`templates/`); the HTML templates are
autoescaped because names, notes and questions are user input. Times are shown in the user's
timezone, and relative words ("today", "tomorrow") are relative to when the digest was made.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from chalicelib.calendar_feed.ics import FeedInterview, interview_invite
from chalicelib.domain.vocabulary import Action
from chalicelib.reminders.digest import Digest, ReminderItem
from chalicelib.reminders.headers import body_text, header_text

TEMPLATES = Path(__file__).parent / "templates"
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Attachment:
    """A file the email carries (the interview's `.ics`)."""

    filename: str
    content_type: str  # "maintype/subtype"
    data: bytes
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RenderedEmail:
    """An email's content, ready for any mailer."""

    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()
    # Extra headers (`Reply-To`, and `In-Reply-To`/`References` on answers to replies), set
    # by Rapport's own code only: never user input.
    headers: tuple[tuple[str, str], ...] = ()


class _TwoModeLoader(FileSystemLoader):
    """Serves `x.jinja` also as `x.jinja.html`, so shared macros exist in both escaping modes.

    Jinja escapes a macro's interpolations by the mode of the template that defines it, yet
    trusts its result in the template that calls it: a plain-text macro called from HTML would
    let a contact named `<script>` through. Autoescape follows the name, so the HTML templates
    import `_lines.jinja.html` and get the same source compiled with escaping on.
    """

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source_name = (
            template.removesuffix(".html") if template.endswith(".jinja.html") else template
        )
        return super().get_source(environment, source_name)


@functools.cache
def _environment() -> Environment:
    # Built once per process: parsing the templates is the costly part of rendering.
    return Environment(
        loader=_TwoModeLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render_digest(digest: Digest) -> RenderedEmail:
    """Renders one email listing every due step of the digest. Names and notes are user
    input: the subject keeps no control or format character (a header is one line), and the
    parts none but line breaks and tabs."""
    env = _environment()
    context = _context(digest)
    subject = header_text(env.get_template("subject.txt").render(context))
    text = env.get_template("digest.txt").render(context)
    html = env.get_template("digest.html").render(context, subject=subject)
    email = _email(subject, text, html)
    return replace(email, attachments=interview_invites(digest))


def interview_invites(digest: Digest) -> tuple[Attachment, ...]:
    """The interview-day briefing carries each interview it is about as an `.ics` invite, so
    the student can put it in their calendar from the email (same UID as the feed's event:
    a calendar that has both keeps one)."""
    domain = urlparse(digest.app_base_url).hostname or "rapport.example"
    return tuple(
        Attachment(
            filename="interview.ics",
            content_type="text/calendar",
            data=interview_invite(
                FeedInterview(
                    contact_id=item.contact_id,
                    contact_name=item.contact_name,
                    starts_at=item.interview.starts_at,
                    duration_minutes=item.interview.duration_minutes,
                    location=item.interview.location,
                    questions=item.questions,
                    company=item.company,
                    sequence=item.version,
                ),
                now=digest.generated_at,
                domain=domain,
            ),
            params=(("method", "PUBLISH"),),
        )
        for item in digest.items
        if item.action is Action.ATTEND_INTERVIEW and item.interview is not None
    )


def render_confirmation(address: str, link: str, hours: int) -> RenderedEmail:
    """The email that asks whoever reads `address` to confirm it as the reminder address."""
    env = _environment()
    context = {"address": address, "link": link, "hours": hours}
    subject = header_text(env.get_template("confirm_email_subject.txt").render(context))
    text = env.get_template("confirm_email.txt").render(context)
    html = env.get_template("confirm_email.html").render(context, subject=subject)
    return _email(subject, text, html)


def render_invite(
    *, address: str, tenant: str, inviter: str, role: str, link: str, days: int
) -> RenderedEmail:
    """The invitation to join `tenant`'s cohort; `inviter` is an address, so user input."""
    env = _environment()
    context = {
        "address": address,
        "tenant": tenant,
        "inviter": inviter,
        "role": role,
        "link": link,
        "days": days,
    }
    subject = header_text(env.get_template("invite_subject.txt").render(context))
    text = env.get_template("invite.txt").render(context)
    html = env.get_template("invite.html").render(context, subject=subject)
    return _email(subject, text, html)


def render_export(*, address: str, tenant: str, erase_on: str, export: bytes) -> RenderedEmail:
    """The email that hands a removed member their data (`rapport-export.json`) and says when
    the rest goes."""
    env = _environment()
    context = {"address": address, "tenant": tenant, "erase_on": erase_on}
    subject = header_text(env.get_template("export_subject.txt").render(context))
    text = env.get_template("export.txt").render(context)
    html = env.get_template("export.html").render(context, subject=subject)
    attachment = Attachment("rapport-export.json", "application/json", export)
    return replace(_email(subject, text, html), attachments=(attachment,))


@dataclass(frozen=True)
class Recorded:
    """One step Rapport recorded from an email, and the link that takes it back."""

    text: str
    undo_url: str


@dataclass(frozen=True)
class InboundAnswer:
    """Rapport's answer to a reply or a Bcc'd email: what it recorded, what it could not."""

    subject: str
    recorded: tuple[Recorded, ...] = ()
    refused: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # The reply had no command Rapport understood: the answer lists them.
    show_help: bool = False
    app_base_url: str = ""


def render_inbound_answer(answer: InboundAnswer) -> RenderedEmail:
    """The short email that answers an accepted reply or Bcc'd email."""
    env = _environment()
    context = {"answer": answer}
    subject = header_text(answer.subject)
    text = env.get_template("inbound_answer.txt").render(context)
    html = env.get_template("inbound_answer.html").render(context, subject=subject)
    return _email(subject, text, html)


def _email(subject: str, text: str, html: str) -> RenderedEmail:
    return RenderedEmail(
        subject=subject, text=_tidy_text(body_text(text)), html=body_text(html).strip() + "\n"
    )


def _context(digest: Digest) -> dict[str, Any]:
    zone = ZoneInfo(digest.timezone)
    today = digest.generated_at.astimezone(zone).date()

    def local(moment: datetime) -> datetime:
        return moment.astimezone(zone)

    def date(moment: datetime) -> str:
        when = local(moment)
        text = f"{when:%a} {when.day} {when:%b}"
        return text if when.year == today.year else f"{text} {when.year}"

    def day(moment: datetime) -> str:
        offset = (local(moment).date() - today).days
        return {0: "today", 1: "tomorrow"}.get(offset, f"on {date(moment)}")

    def clock(moment: datetime) -> str:
        return f"{local(moment):%H:%M}"

    def date_time(moment: datetime) -> str:
        return f"{date(moment)}, {clock(moment)}"

    def add_hours(moment: datetime, hours: int) -> datetime:
        return moment + timedelta(hours=hours)

    def contact_url(item: ReminderItem) -> str:
        return f"{digest.app_base_url}/#/contacts/{quote(item.contact_id, safe='')}"

    helpers: dict[str, Callable[..., Any]] = {
        "date": date,
        "day": day,
        "clock": clock,
        "date_time": date_time,
        "add_hours": add_hours,
        "contact_url": contact_url,
    }
    return {"digest": digest, **helpers}


def _tidy_text(text: str) -> str:
    # Optional sections leave blank runs behind; one blank line between paragraphs reads best.
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)) + "\n"
