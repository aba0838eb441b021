"""Rapport's command line: `python -m chalicelib.cli <command>` (see API.md, "CLI")."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from chalicelib.cli.commands import load_commands

PROG = "python -m chalicelib.cli"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Rapport's operator commands.")
    subparsers = parser.add_subparsers(dest="command", metavar="<command>", required=True)
    for command in load_commands():
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command and returns its exit code (argparse's usage errors give 2)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        # argparse exits on --help and on usage errors; returning the code keeps main()
        # callable in-process (tests, the dev runner) without catching SystemExit there.
        return exit_.code if isinstance(exit_.code, int) else 2
    return int(args.handler(args))
