"""Entry points for the scheduler: app.py hands each invocation here with the services."""

from __future__ import annotations

from typing import Any

from chalicelib.bootstrap import Services


def send_reminders(services: Services) -> dict[str, Any]:
    """The 15-minute sweep, as of now; its summary goes to the logs and the return value."""
    return services.reminder_sweep.run().summary()
