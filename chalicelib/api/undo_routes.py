"""`GET|POST /undo?token=…`: the undo link in Rapport's answer to a reply or a Bcc'd email.

GET only shows a page (mail scanners follow links, and must not undo anything): what the link
would take back, and a button that POSTs the token back. POST records `step_retracted` for the
link's step, once, and only while it is still the contact's latest step. A forged, altered or
expired token is a 400 that writes nothing.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from chalicelib.api.errors import ApiError
from chalicelib.api.link_pages import link_token, page
from chalicelib.api.request import ApiRequest
from chalicelib.api.responses import ApiResponse
from chalicelib.service.email_undos import (
    EmailUndos,
    Standing,
    UndoCheck,
    UndoContactGoneError,
    UndoLinksNotConfiguredError,
    step_words,
)
from chalicelib.service.undo_links import UndoLinkError

_INVALID = "this undo link is not valid or has expired; open the contact in Rapport instead"
_GONE = "the contact this link is about is no longer in Rapport"
_CHANGED = (
    "something was recorded for this contact after that step, so this link can no longer "
    "undo it; open the contact in Rapport to correct it"
)


def confirm_page(request: ApiRequest, *, email_undos: EmailUndos) -> ApiResponse:
    """GET: what the link would undo, and a button that posts the token back."""
    token = link_token(request)
    try:
        checked = email_undos.check(token)
    except UndoLinkError:
        return page(400, "This link does not work", _sentence(_INVALID))
    except UndoLinksNotConfiguredError:
        return page(500, "This link does not work", _sentence(_not_configured().message))
    except UndoContactGoneError:
        return page(404, "This contact is gone", _sentence(_GONE))
    if checked.standing is not Standing.OPEN:
        return _answer(checked)
    action = escape(f"undo?{urlencode({'token': token})}", quote=True)
    form = (
        f'<form method="post" action="{action}"><button type="submit">Undo</button></form>'
        f"{_contact_link(checked)}"
    )
    text = f"Rapport will take back “{step_words(checked.step)}” for {checked.contact_name}."
    return page(200, "Undo this step?", text, form)


def undo(request: ApiRequest, *, email_undos: EmailUndos) -> ApiResponse:
    """POST: the step taken back (once); a bad token is the API's JSON error body."""
    try:
        checked = email_undos.undo(link_token(request))
    except UndoLinkError:
        raise ApiError(400, "invalid_token", _INVALID) from None
    except UndoLinksNotConfiguredError:
        raise _not_configured() from None
    except UndoContactGoneError:
        raise ApiError(404, "not_found", _GONE) from None
    if checked.standing is Standing.CHANGED:
        raise ApiError(409, "nothing_to_undo", _CHANGED)
    return _answer(checked)


def _answer(checked: UndoCheck) -> ApiResponse:
    link = _contact_link(checked)
    if checked.standing is Standing.CHANGED:
        return page(409, "Nothing to undo", _sentence(_CHANGED), link)
    text = f"“{step_words(checked.step)}” for {checked.contact_name} is taken back."
    return page(200, "Undone", text, link)


def _contact_link(checked: UndoCheck) -> str:
    href = escape(f"./#/contacts/{quote(checked.link.contact_id, safe='')}", quote=True)
    return f'<p><a href="{href}">Open {escape(checked.contact_name)} in Rapport</a></p>'


def _sentence(message: str) -> str:
    return message[0].upper() + message[1:] + "."


def _not_configured() -> ApiError:
    return ApiError(500, "not_configured", "undo links are not set up here")
