"""`import-contacts`: a CSV of contacts into one user's account, as `POST /contacts/import`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from chalicelib.cli.commands import Subparsers


@dataclass(frozen=True)
class _Caller:
    """The user imported for (an operator's shell has no token; `--email` may be empty)."""

    tenant_id: str
    user_id: str
    email: str


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "import-contacts",
        help="import contacts from a CSV (LinkedIn's Connections.csv or any with a header)",
        description="Imports the file's contacts for one user, skipping those the user has "
        "(same LinkedIn URL, else email, else name and company). With --dry-run, prints "
        "what would be imported and writes nothing. Prints the report as JSON.",
    )
    parser.add_argument("file", type=Path, help="the CSV file")
    parser.add_argument("--tenant", required=True, help="tenant id")
    parser.add_argument("--user", required=True, help="user id")
    parser.add_argument(
        "--email", default="", help="where the user's reminders go, if they have no settings yet"
    )
    parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.auth.identity import is_valid_id
    from chalicelib.bootstrap import services
    from chalicelib.contact_import.csv_rows import MAX_BYTES, ImportFileError

    try:
        data = args.file.read_bytes()
    except OSError as error:
        print(f"import-contacts: {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    if len(data) > MAX_BYTES:
        print(f"import-contacts: {args.file}: over {MAX_BYTES // 2**20} MB", file=sys.stderr)
        return 2
    for name, value in (("--tenant", args.tenant), ("--user", args.user)):
        if not is_valid_id(value):
            print(f"import-contacts: {name} {value!r} is not a valid id", file=sys.stderr)
            return 2
    caller = _Caller(tenant_id=args.tenant, user_id=args.user, email=args.email)
    try:
        report = services().contact_import.run(caller, data, dry_run=args.dry_run)
    except ImportFileError as error:
        print(f"import-contacts: {args.file}: {error}", file=sys.stderr)
        return 2
    except (BotoCoreError, ClientError) as error:
        print(f"import-contacts: {error}", file=sys.stderr)
        return 1
    print(json.dumps(report.body(), indent=2, ensure_ascii=False))
    return 0
