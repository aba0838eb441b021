#!/usr/bin/env bash
# The whole check: lint, format, types, and every test (moto stands in for AWS).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# checkov (tests/infra/test_checkov.py) in a virtualenv of its own: its pins clash with ours.
infra/checkov/install.sh
# The browser tests drive Debian's chromium; a no-op once it is installed.
scripts/install-browser.sh
# aws-cdk-lib runs on node through jsii; node 20 works, its end-of-life banner is noise here.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy chalicelib app.py
.venv/bin/pytest "$@"
