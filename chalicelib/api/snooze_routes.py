"""`GET|POST /snooze?token=…`: the "snooze 3 days" link of each item of a reminder email.

GET only shows a page (mail scanners follow links, and must not snooze anything for anyone):
what the link would put off, and a button that POSTs the token back. POST records
`reminder_snoozed` (until now + 3 days) for the link's action, once; a second POST of the same
link writes nothing. The signed token is the only proof of who asks: a forged, altered or
expired one is a 400 that writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from chalicelib.api.errors import ApiError
from chalicelib.api.link_pages import link_token, page
from chalicelib.api.request import ApiRequest
from chalicelib.api.responses import ApiResponse
from chalicelib.service.email_snoozes import (
    EmailSnoozes,
    SnoozeCheck,
    SnoozeContactGoneError,
    SnoozeLinksNotConfiguredError,
    SnoozeOutdatedError,
    Standing,
    words,
)
from chalicelib.service.snooze_links import SnoozeLinkError

_INVALID = "this snooze link is not valid or has expired; open the contact in Rapport instead"
_GONE = "the contact this link is about is no longer in Rapport"
_OUTDATED = (
    "the step this link is about was done or has changed, so there is nothing to snooze; "
    "open the contact in Rapport to see what is next"
)


def confirm_page(request: ApiRequest, *, email_snoozes: EmailSnoozes) -> ApiResponse:
    """GET: what the link would do, and a button that posts the token back; changes nothing."""
    token = link_token(request)
    try:
        checked = email_snoozes.check(token)
    except SnoozeLinkError:
        return page(400, "This link does not work", _sentence(_INVALID))
    except SnoozeLinksNotConfiguredError:
        return page(500, "This link does not work", _sentence(_not_configured().message))
    except SnoozeContactGoneError:
        return page(404, "This contact is gone", _sentence(_GONE))
    except SnoozeOutdatedError:
        return page(409, "Nothing to snooze", _sentence(_OUTDATED))
    if checked.standing is not Standing.OPEN:
        return _answer(checked)
    step = _step(checked)
    action = escape(f"snooze?{urlencode({'token': token})}", quote=True)
    form = (
        f'<form method="post" action="{action}">'
        '<button type="submit">Snooze 3 days</button></form>'
        f"{_contact_link(checked)}"
    )
    return page(
        200,
        "Snooze this step?",
        f"Rapport will remind you to {step} again on {_when(checked)}, not before.",
        form,
    )


def snooze(request: ApiRequest, *, email_snoozes: EmailSnoozes) -> ApiResponse:
    """POST: the step put off 3 days (once); a bad token is the API's JSON error body."""
    try:
        snoozed = email_snoozes.snooze(link_token(request))
    except SnoozeLinkError:
        raise ApiError(400, "invalid_token", _INVALID) from None
    except SnoozeLinksNotConfiguredError:
        raise _not_configured() from None
    except SnoozeContactGoneError:
        raise ApiError(404, "not_found", _GONE) from None
    except SnoozeOutdatedError:
        raise ApiError(409, "nothing_to_snooze", _OUTDATED) from None
    return _answer(snoozed)


def _answer(checked: SnoozeCheck) -> ApiResponse:
    """The page for a step that is put off (just now, or already), or not due yet anyway."""
    step, when, link = _step(checked), _when(checked), _contact_link(checked)
    if checked.standing is Standing.LATER:
        text = f"There is nothing to snooze: you will be reminded to {step} on {when}."
        return page(200, "Not due yet", text, link)
    return page(200, "Snoozed", f"Rapport will remind you to {step} again on {when}.", link)


def _step(checked: SnoozeCheck) -> str:
    return f"{words(checked.link.action)} ({checked.contact_name})"


def _when(checked: SnoozeCheck) -> str:
    """`Sun 29 Nov at 14:00 (Europe/Paris)`: in the user's timezone."""
    local: datetime = checked.until.astimezone(ZoneInfo(checked.timezone))
    return f"{local:%a} {local.day} {local:%b} {local.year} at {local:%H:%M} ({checked.timezone})"


def _contact_link(checked: SnoozeCheck) -> str:
    # Relative, as the unsubscribe page's settings link: the dashboard beside this page.
    href = escape(f"./#/contacts/{quote(checked.link.contact_id, safe='')}", quote=True)
    name = escape(checked.contact_name)
    return f'<p><a href="{href}">Open {name} in Rapport</a></p>'


def _sentence(message: str) -> str:
    return message[0].upper() + message[1:] + "."


def _not_configured() -> ApiError:
    return ApiError(500, "not_configured", "snooze links are not set up here")
