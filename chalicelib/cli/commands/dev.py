"""`dev`: the whole system on this machine until Ctrl-C (see chalicelib/devstack/)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from chalicelib.cli.commands import Subparsers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "dev",
        help="run the whole system locally: AWS endpoint, API, projections, scheduler, demo data",
        description="Starts an embedded AWS endpoint (moto) on loopback, creates the tables, "
        "serves the API with Chalice's local server, pumps the events stream into the "
        "projections, sweeps reminders every minute, and writes every email to an outbox "
        "folder as .eml files. The events are kept in STATE_DIR/events.jsonl across restarts "
        "(the projections are rebuilt from them at start). Prints the URLs and a token; "
        "Ctrl-C stops it.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="API host")
    parser.add_argument("--port", type=int, default=8000, help="API port; 0 picks a free one")
    parser.add_argument(
        "--moto-port", type=int, default=0, help="AWS endpoint port; 0 picks a free one"
    )
    parser.add_argument(
        "--smtp-port",
        type=int,
        default=2525,
        help="port of the SMTP server that receives replies to reminders; 0 picks a free one",
    )
    parser.add_argument("--outbox", default=".local/outbox", help="folder for sent emails")
    parser.add_argument(
        "--state-dir",
        default=".local",
        help="folder for the kept events, the signing secret and dev.env",
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="no demo data, even in an empty stack"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="forget the events kept from earlier runs"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from chalicelib.devstack.api_server import ApiServerError
    from chalicelib.devstack.banner import banner
    from chalicelib.devstack.local_secret import LocalSecretError
    from chalicelib.devstack.moto_server import MotoServerError
    from chalicelib.devstack.stack import DevStack, DevStackError

    _log_what_the_stack_does()
    stack = DevStack(
        host=args.host,
        port=args.port,
        moto_port=args.moto_port,
        smtp_port=args.smtp_port,
        outbox=args.outbox,
        state_dir=args.state_dir,
        demo=not args.no_demo,
        fresh=args.fresh,
    )
    with _stop_requested() as stop:
        print("Starting Rapport's dev stack…", flush=True)
        try:
            stack.start()
        except (DevStackError, ApiServerError, MotoServerError, LocalSecretError) as error:
            print(f"dev: {error}", file=sys.stderr)
            return 1
        try:
            with _sweep_on_sigusr1(stack.request_sweep):
                print(banner(stack, pid=os.getpid()), flush=True)
                stop.wait()
            print("Stopping…", flush=True)
        finally:
            stack.stop()
    print("Stopped.", flush=True)
    return 0


def _log_what_the_stack_does() -> None:
    """Warnings and errors of everything, and one line per reminder sweep."""
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("chalicelib.reminders.sweep").setLevel(logging.INFO)


@contextmanager
def _stop_requested() -> Iterator[threading.Event]:
    """An event set by Ctrl-C or SIGTERM, so the stack is stopped in order, never killed."""
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in signals}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def _sweep_on_sigusr1(sweep: Callable[[], None]) -> Iterator[None]:
    """`kill -USR1 <pid>` fires the scheduler's sweep at once, while the stack runs (POSIX)."""
    if not hasattr(signal, "SIGUSR1"):
        yield
        return
    previous = signal.signal(signal.SIGUSR1, lambda *_: sweep())
    try:
        yield
    finally:
        signal.signal(signal.SIGUSR1, previous)
