"""`pump`: delivers the events table's stream to the projector where no Lambda does it."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from chalicelib.cli.commands import Subparsers

if TYPE_CHECKING:
    from chalicelib.adapters.stream_pump import StreamPump

DEFAULT_INTERVAL_SECONDS = 1.0


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "pump",
        help="deliver the event stream to the projections",
        description="Polls the events table's DynamoDB stream and hands each batch to the "
        "projector in the shape Lambda does (eventSourceARN, epoch times, batchItemFailures "
        "honoured, a failing record set aside after 3 attempts). Shard positions are kept in "
        "memory: a restart replays the stream from its oldest record, which changes nothing.",
    )
    parser.add_argument("--once", action="store_true", help="deliver what is there now, then exit")
    parser.add_argument(
        "--interval",
        type=float,
        default=DEFAULT_INTERVAL_SECONDS,
        metavar="S",
        help="seconds between polls (default 1)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.bootstrap import services

    pump = services().stream_pump()
    try:
        if args.once:
            delivered = pump.drain()
            print(f"delivered {delivered} records")
        else:
            _forever(pump, args.interval)
    except (BotoCoreError, ClientError) as error:
        print(f"pump: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    if pump.set_aside:
        print(f"pump: set aside {len(pump.set_aside)} failing records", file=sys.stderr)
        return 1
    return 0


def _forever(pump: StreamPump, interval: float) -> None:
    while True:
        delivered = pump.poll()
        if delivered:
            print(f"delivered {delivered} records", flush=True)
        else:
            time.sleep(interval)
