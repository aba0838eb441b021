#!/usr/bin/env bash
# The whole check: lint, format, types of the domain, and every test (moto stands in for AWS).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/pytest "$@"
