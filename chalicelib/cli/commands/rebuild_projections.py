"""`rebuild-projections`: replays the events table into the read models."""

from __future__ import annotations

import argparse
import sys

from chalicelib.cli.commands import Subparsers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "rebuild-projections",
        help="rebuild read models from the events",
        description="Deletes the contact views, reminders and dashboards (of one tenant, or "
        "all) and projects every contact stream again. Scans both tables: an operator's "
        "command. Run it while the projector is paused, then verify-projections.",
    )
    parser.add_argument("--tenant", metavar="T", help="only this tenant (default: every tenant)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.bootstrap import services
    from chalicelib.projections.projector import ProjectorError
    from chalicelib.projections.rebuild import rebuild

    built = services()
    try:
        events = built.adapters.events_snapshot(args.tenant)
        report = rebuild(events, built.view_store, built.projector, args.tenant)
    except (BotoCoreError, ClientError, ProjectorError) as error:
        print(f"rebuild-projections: {error}", file=sys.stderr)
        return 1
    scope = f"tenant {args.tenant}" if args.tenant else "every tenant"
    projected = report.contacts - len(report.skipped)
    print(f"{scope}: deleted {report.deleted} items, projected {projected} contacts")
    for stream in report.skipped:
        print(f"rebuild-projections: skipped {stream}, which cannot be projected", file=sys.stderr)
    # Every other contact was rebuilt; a skipped one has no read models until it is repaired.
    return 1 if report.skipped else 0
