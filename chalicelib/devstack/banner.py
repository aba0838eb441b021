"""What `cli dev` prints once the stack is up: where everything is and how to use it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from chalicelib.devstack.demo_data import DEMO_USER


class RunningStack(Protocol):
    api_url: str
    aws_endpoint_url: str
    token: str
    outbox: Path
    demo_contact_ids: list[str]
    restored: int
    jwt_secret_source: str

    @property
    def journal_file(self) -> Path: ...

    @property
    def dashboard_url(self) -> str: ...

    @property
    def smtp_address(self) -> str: ...

    @property
    def env_file(self) -> Path: ...


def banner(stack: RunningStack, *, pid: int | None = None, cwd: Path | None = None) -> str:
    """Labelled lines (`Label: value`), easy to read and for scripts to pick apart."""
    here = cwd or Path.cwd()
    journal = _relative(stack.journal_file, here)
    if stack.demo_contact_ids:
        demo = (
            f"{DEMO_USER.user_id} of tenant {DEMO_USER.tenant_id} ({DEMO_USER.email}), "
            f"{len(stack.demo_contact_ids)} contacts"
        )
    elif stack.restored:
        demo = "kept from the last run (the demo goes only into an empty stack)"
    else:
        demo = "none (--no-demo); the token is still the demo user's"
    data = (
        f"{journal}, {stack.restored} items restored (--fresh starts empty)"
        if stack.restored
        else f"{journal}, new (kept across restarts; --fresh starts empty)"
    )
    lines = [
        "Rapport is running on this machine.",
        "",
        f"  API:           {stack.api_url}",
        f"  Dashboard:     {stack.dashboard_url}",
        f"  AWS endpoint:  {stack.aws_endpoint_url}  (moto: DynamoDB, Streams, SES)",
        f"  Outbox:        {_relative(stack.outbox, here)}  (every email sent, as .eml)",
        # Exactly `SMTP: host:port`, as API.md promises scripts.
        f"  SMTP: {stack.smtp_address}  (reply to a reminder from the outbox: see the README)",
        f"  Data:          {data}",
        f"  Demo data:     {demo}",
        f"  Token:         {stack.token}",
        f"  Token secret:  {stack.jwt_secret_source}",
        "",
        "Call the API:",
        "  TOKEN=<the token above>",
        f'  curl -H "Authorization: Bearer $TOKEN" {stack.api_url}/dashboard',
        "Run other commands against this stack, from another shell (scripts/cli.sh uses",
        f"the project's .venv and {_relative(stack.env_file, here)}):",
        "  scripts/cli.sh verify-projections",
        "  scripts/cli.sh remind --dry-run",
        "Reminders are swept every minute; `remind` sweeps at once (its emails land in the",
        "outbox too)" + (f", and so does `kill -USR1 {pid}`." if pid else "."),
        "",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def _relative(path: Path, cwd: Path) -> str:
    # Short paths inside the project (`.local/outbox`), absolute ones elsewhere.
    return os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)
