"""`create-tables`: creates Rapport's DynamoDB tables where missing (AWS_ENDPOINT_URL honoured)."""

from __future__ import annotations

import argparse
import sys

from chalicelib.cli.commands import Subparsers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "create-tables",
        help="create the tables, idempotently",
        description="Creates the events and views tables named by EVENTS_TABLE and VIEWS_TABLE, "
        "with their indexes, stream and TTL; existing tables are left alone.",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.adapters import aws
    from chalicelib.adapters.table_setup import create_tables
    from chalicelib.settings import Settings
    from chalicelib.tables import ALL_TABLES, table_name

    settings = Settings.from_env()
    try:
        created = create_tables(aws.client("dynamodb", settings), settings)
    except (BotoCoreError, ClientError) as error:
        print(f"create-tables: {error}", file=sys.stderr)
        return 1
    for name in created:
        print(f"created {name}")
    if not created:
        names = ", ".join(table_name(spec, settings) for spec in ALL_TABLES)
        print(f"all tables exist: {names}")
    return 0
