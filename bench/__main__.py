"""`python -m bench [--smoke] [--out docs/benchmarks.md]`: runs every measurement against an
embedded moto endpoint, prints the report, and writes it (Markdown) where `--out` says."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.report import render
from bench.run import FULL, SMOKE, run_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes: a seconds-long run that checks it works"
    )
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    run = run_all(SMOKE if args.smoke else FULL, lambda line: print(line, file=sys.stderr))
    report = render(run)
    print(report)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
