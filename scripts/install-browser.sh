#!/usr/bin/env bash
# Installs the browser the browser tests drive: Debian's chromium at /usr/bin/chromium.
# Playwright (a pip package) only brings its driver; it never downloads a browser here.
# Quick and silent when chromium is already there, so every test run may call it.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: /usr/bin/chromium is missing and installing it needs root." >&2
  echo "  Run: sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: no apt-get here; install Chromium so that /usr/bin/chromium runs it." >&2
  exit 1
fi

echo "install-browser: installing Debian's chromium…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
/usr/bin/chromium --version
