"""The CLI's commands, one module each.

A command module exposes `register(subparsers)`, which adds its subparser and sets
`handler=<function(args) -> exit code>` as a default. To add a command, write the module and
add its name to COMMAND_MODULES. Modules import their heavy dependencies (boto3, Chalice)
inside the handler, so building the parser, or running `token`, stays cheap.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import Protocol, cast

COMMAND_MODULES: tuple[str, ...] = (
    "token",
    "create_tables",
    "dev",
    "remind",
    "pump",
    "import_contacts",
    "rebuild_projections",
    "verify_projections",
)

Subparsers = argparse._SubParsersAction  # argparse exposes no public name for this type
Handler = Callable[[argparse.Namespace], int]


class Command(Protocol):
    """A command module."""

    def register(self, subparsers: Subparsers) -> None: ...


def load_commands() -> list[Command]:
    """The command modules, in the order `--help` lists them."""
    return [
        cast(Command, importlib.import_module(f"{__name__}.{name}")) for name in COMMAND_MODULES
    ]
