"""Lets `python -m chalicelib.cli` run the CLI."""

from chalicelib.cli import main

raise SystemExit(main())
