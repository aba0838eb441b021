"""A change to a user's settings, saved only on top of what it was computed from.

Settings are written from several places: `PUT /me/settings`, the confirmation link, the
one-click unsubscribe (a Lambda of its own), operators. A write that merged onto an earlier or
cached read could undo one of them, e.g. turn reminders back on a second after the user
unsubscribed. So every change is read, applied and saved with `replace`, conditional on the
revision it read; when another write came first, it is read and applied again.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.domain.user_settings import UserSettings
from chalicelib.service.errors import WriteConflictError
from chalicelib.service.user_settings_port import Revision, SettingsRepository

# Settings change at human speed: a few rounds settle any honest race; more means a runaway.
ATTEMPTS = 5

# From the settings as saved (None: none saved yet) to the settings to save, or None to save
# nothing (nothing changes). It may run more than once, so it must not act on the world.
Change = Callable[[UserSettings | None], UserSettings | None]


def change_settings_safely(
    repository: SettingsRepository,
    tenant_id: str,
    user_id: str,
    change: Change,
    *,
    first: tuple[UserSettings | None, Revision] | None = None,
) -> UserSettings | None:
    """Applies `change` to the latest saved settings and saves the result conditionally;
    returns what is saved now. `first`: a `read` the caller just made, used for the first
    round. WriteConflictError when other writes kept winning."""
    for attempt in range(ATTEMPTS):
        read = first if attempt == 0 and first is not None else None
        current, revision = read or repository.read(tenant_id, user_id)
        changed = change(current)
        if changed is None or changed == current:
            return current
        if repository.replace(tenant_id, user_id, changed, revision):
            return changed
    raise WriteConflictError("the settings kept changing while they were saved; try again")
