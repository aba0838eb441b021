#!/usr/bin/env bash
# Creates .venv with Python 3.11+ and installs a set of requirements, only when they changed:
#   scripts/bootstrap.sh local   what the local stack needs (requirements-local.txt)
#   scripts/bootstrap.sh         everything the tests need too (requirements-dev.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

set_name="${1:-dev}"
python_bin="${PYTHON:-python3}"
"$python_bin" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Rapport needs Python 3.11 or newer")'

if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv…" >&2
  "$python_bin" -m venv .venv
fi

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
local_hash=$(hash_of requirements.txt requirements-local.txt)
dev_hash=$(hash_of requirements.txt requirements-local.txt requirements-dev.txt \
  infra/requirements.txt bench/requirements.txt)
local_stamp=.venv/.requirements-local.sha256
dev_stamp=.venv/.requirements-dev.sha256
current() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

case "$set_name" in
  local)
    # The test set includes the local one: either stamp will do.
    if current "$local_stamp" "$local_hash" || current "$dev_stamp" "$dev_hash"; then exit 0; fi
    echo "bootstrap: installing Rapport's dependencies for the local stack (first run only)…" >&2
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements-local.txt
    echo "$local_hash" > "$local_stamp"
    ;;
  dev)
    if current "$dev_stamp" "$dev_hash"; then exit 0; fi
    echo "bootstrap: installing Rapport's test dependencies (CDK, Playwright, mypy, the" \
      "benchmark's peer; first run only)…" >&2
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements-dev.txt
    echo "$dev_hash" > "$dev_stamp"
    echo "$local_hash" > "$local_stamp"
    ;;
  *)
    echo "usage: scripts/bootstrap.sh [local|dev]" >&2
    exit 2
    ;;
esac
