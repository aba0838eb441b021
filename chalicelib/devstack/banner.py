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

    @property
    def dashboard_url(self) -> str: ...

    @property
    def env_file(self) -> Path: ...


def banner(stack: RunningStack, *, pid: int | None = None, cwd: Path | None = None) -> str:
    """Labelled lines (`Label: value`), easy to read and for scripts to pick apart."""
    here = cwd or Path.cwd()
    env_file = _relative(stack.env_file, here)
    demo = (
        f"{DEMO_USER.user_id} of tenant {DEMO_USER.tenant_id} ({DEMO_USER.email}), "
        f"{len(stack.demo_contact_ids)} contacts"
        if stack.demo_contact_ids
        else "none (--no-demo); the token is still the demo user's"
    )
    lines = [
        "Rapport is running on this machine.",
        "",
        f"  API:           {stack.api_url}",
        f"  Dashboard:     {stack.dashboard_url}",
        f"  AWS endpoint:  {stack.aws_endpoint_url}  (moto: DynamoDB, Streams, SES)",
        f"  Outbox:        {_relative(stack.outbox, here)}  (every email sent, as .eml)",
        f"  Demo data:     {demo}",
        f"  Token:         {stack.token}",
        "",
        "Call the API:",
        "  TOKEN=<the token above>",
        f'  curl -H "Authorization: Bearer $TOKEN" {stack.api_url}/dashboard',
        "Run other commands against this stack (the file sets AWS_ENDPOINT_URL, fake",
        "credentials, the table names and the secrets):",
        f"  set -a; . {env_file}; set +a",
        "  python -m chalicelib.cli verify-projections",
        "  python -m chalicelib.cli remind --dry-run",
        "Reminders are swept every minute; `remind` sweeps at once (its emails land in the",
        "outbox too)" + (f", and so does `kill -USR1 {pid}`." if pid else "."),
        "",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def _relative(path: Path, cwd: Path) -> str:
    # Short paths inside the project (`.local/outbox`), absolute ones elsewhere.
    return os.path.relpath(path, cwd) if path.is_relative_to(cwd) else str(path)
