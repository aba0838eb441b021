#!/usr/bin/env bash
# Installs the pinned checkov into .venv/checkov (inside the ignored .venv), once per pin.
set -euo pipefail
cd "$(dirname "$0")/../.."

python_bin="${PYTHON:-python3}"
venv=.venv/checkov
if [ ! -x "$venv/bin/python" ]; then
  "$python_bin" -m venv "$venv"
fi
stamp="$venv/.requirements.sha256"
wanted=$(sha256sum infra/checkov/requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "checkov: installing the pinned checkov into $venv (first run only)…" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r infra/checkov/requirements.txt
  echo "$wanted" > "$stamp"
fi
