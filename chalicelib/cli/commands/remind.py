"""`remind`: runs the reminder sweep once, as of now or of a given time, for real or dry."""

from __future__ import annotations

import argparse
import json
import sys

from chalicelib.cli.commands import Subparsers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "remind",
        help="run the reminder sweep as of a time",
        description="Emails every reminder due by --now (default: the current time), once. "
        "With --dry-run, lists what would be sent and changes nothing.",
    )
    parser.add_argument(
        "--now", metavar="ISO", help="sweep as of this time, e.g. 2026-12-01T09:00:00Z"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be sent; claim and send nothing"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.bootstrap import services
    from chalicelib.reminders.sweep_report import SweepConfigError
    from chalicelib.timefmt import parse_iso

    try:
        now = parse_iso(args.now) if args.now else None
    except ValueError as error:
        print(f"remind: --now {args.now!r}: {error}", file=sys.stderr)
        return 2
    try:
        report = services().reminder_sweep.run(now, dry_run=args.dry_run)
    except SweepConfigError as error:
        print(f"remind: {error}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as error:
        print(f"remind: {error}", file=sys.stderr)
        return 1
    for candidate in report.planned:
        line = candidate.describe()
        print(
            f"{line['tenant_id']}/{line['user_id']}  {line['contact_id']} ({line['name']})  "
            f"{line['action']}  due {line['due_at']}  send {line['send_at']}"
        )
    print(json.dumps(report.summary()))
    return 1 if report.errors else 0
