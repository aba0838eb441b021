"""`verify-projections`: compares every read model with a fresh fold of its events."""

from __future__ import annotations

import argparse
import sys

from chalicelib.cli.commands import Subparsers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "verify-projections",
        help="compare every read model with a fold of its events; exit 1 on a mismatch",
        description="Folds every contact stream and compares the views, reminders (the due "
        "index among them) and dashboards it implies with the views table. Prints each "
        "difference and exits 1 if there is any. Scans both tables: an operator's command.",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.bootstrap import services
    from chalicelib.projections.rebuild import verify

    built = services()
    try:
        events = built.adapters.events_snapshot()
        lines = verify(events, built.view_store, built.settings.due_shards)
    except (BotoCoreError, ClientError) as error:
        print(f"verify-projections: {error}", file=sys.stderr)
        return 1
    if lines:
        print("\n".join(lines))
        print(f"verify-projections: {_count(lines)} read models differ from the events")
        return 1
    print("verify-projections: every read model matches its events")
    return 0


def _count(lines: list[str]) -> int:
    return sum(1 for line in lines if not line.startswith(" "))
