"""What the Lambda package leaves out: the modules only the dev stack, the CLI and the tests run.

`chalice package` copies `chalicelib/` whole and has no exclude option, so the stack rewrites
its `deployment.zip` without these before CDK makes it an asset (`chalice_app.py`). No function
imports them: the dev stack and CLI are entry points of their own, and `bootstrap.py` imports the
stream pump, the outbox and the in-memory fakes only in the branches that build them
(`tests/infra/test_real_app_package.py` checks that no packaged module imports one at load).
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

DEV_ONLY = (
    "chalicelib/devstack/",  # `cli dev`: moto's server, the local API, pump and scheduler
    "chalicelib/cli/",  # operators' commands, run from a shell
    "chalicelib/adapters/stream_pump.py",  # the stream where no Lambda runs it
    "chalicelib/adapters/outbox_mailer.py",  # `.eml` files instead of SES
    "chalicelib/adapters/memory_mailer.py",  # the fakes
    "chalicelib/adapters/memory_rate_limits.py",
    "chalicelib/eventstore/memory.py",
    "chalicelib/viewstore/memory.py",
)


def is_dev_only(name: str) -> bool:
    return name.startswith(DEV_ONLY)


def slim(package: Path) -> None:
    """Rewrites the zip at `package` without the dev-only modules, the rest as it was."""
    slimmed = package.with_suffix(".slim.zip")
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(slimmed, "w") as target:
        for entry in source.infolist():
            if not is_dev_only(entry.filename):
                target.writestr(entry, source.read(entry), compress_type=zipfile.ZIP_DEFLATED)
    shutil.move(slimmed, package)
