"""`GET /calendar/{secret}.ics`: a user's interviews and due steps as a calendar to subscribe to.

Read from the projected views only (one Query of the user's views, one GetItem each for the
integrations record and the settings): a calendar app polls every hour or so, and must never
cost a fold per contact.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.calendar_feed.ics import FeedDueStep, FeedInterview, calendar_feed
from chalicelib.clock import Clock
from chalicelib.domain.agenda import first_open
from chalicelib.domain.vocabulary import ACTION_TITLES, Action
from chalicelib.service.integrations import IntegrationsService
from chalicelib.service.user_settings_port import SettingsRepository
from chalicelib.viewstore.model import ContactView
from chalicelib.viewstore.port import ViewStore

# API.md: the interviews of the last 30 days and the future.
PAST_INTERVIEWS = timedelta(days=30)


class CalendarFeeds:
    def __init__(
        self,
        integrations: IntegrationsService,
        views: ViewStore,
        settings: SettingsRepository,
        clock: Clock,
        *,
        domain: str,
        dashboard_url: str,
    ) -> None:
        self._integrations = integrations
        self._views = views
        self._settings = settings
        self._clock = clock
        self._domain = domain
        self._dashboard_url = dashboard_url.rstrip("/") + "/"

    def feed(self, file_name: str) -> bytes | None:
        """The feed's bytes; None when the secret names no feed (wrong, or rotated away)."""
        owner = self._integrations.calendar_owner(file_name)
        if owner is None:
            return None
        now = self._clock.now()
        saved = self._settings.get(owner.tenant_id, owner.user_id)
        zone = ZoneInfo(saved.timezone if saved else "UTC")
        views = self._views.user_views(owner.tenant_id, owner.user_id).values()
        live = [view for view in views if not view.erased and view.status is not None]
        return calendar_feed(
            interviews=[i for view in live if (i := _interview(view, now)) is not None],
            due_steps=[step for view in live if (step := _due_step(view, now, zone)) is not None],
            now=now,
            domain=self._domain,
            dashboard_url=self._dashboard_url,
        )


def _interview(view: ContactView, now: datetime) -> FeedInterview | None:
    interview = view.public.get("interview")
    starts_at = view.interview_starts_at
    if not interview or starts_at is None or starts_at < now - PAST_INTERVIEWS:
        return None
    return FeedInterview(
        contact_id=view.contact_id,
        contact_name=view.name or "your contact",
        starts_at=starts_at,
        duration_minutes=int(interview.get("duration_minutes") or 30),
        location=interview.get("location"),
        questions=tuple(view.public.get("questions") or ()),
        company=view.public.get("company"),
        sequence=view.version,
    )


def _due_step(view: ContactView, now: datetime, zone: ZoneInfo) -> FeedDueStep | None:
    entry = first_open(view.agenda, now)
    # The interview itself is a timed event of the feed: no all-day copy of it.
    if entry is None or entry.action is Action.ATTEND_INTERVIEW:
        return None
    return FeedDueStep(
        contact_id=view.contact_id,
        contact_name=view.name or "your contact",
        action=entry.action.value,
        label=ACTION_TITLES[entry.action],
        due_on=entry.due_at.astimezone(zone).date(),
    )
