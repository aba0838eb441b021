#!/usr/bin/env bash
# Runs `python -m chalicelib.cli <command> …` with the project's .venv, against the running
# dev stack when there is one (its dev.env: endpoint, table names, secrets), in .local/ or in
# $RAPPORT_STATE_DIR (the folder a stack started with --state-dir uses).
# Paths in the arguments are taken from the directory you call it from.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
state_dir="${RAPPORT_STATE_DIR:-$root/.local}"
"$root/scripts/bootstrap.sh" local
if [ -f "$state_dir/dev.env" ]; then
  set -a
  # shellcheck disable=SC1091
  . "$state_dir/dev.env"
  set +a
fi
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
exec "$root/.venv/bin/python" -m chalicelib.cli "$@"
