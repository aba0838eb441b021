#!/usr/bin/env bash
# The whole system on this machine: embedded AWS endpoint, API, projections, scheduler, demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh local
exec .venv/bin/python -m chalicelib.cli dev "$@"
