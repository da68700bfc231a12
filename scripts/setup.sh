#!/usr/bin/env bash
# Install the Python packages and the front-end libraries (pinned by package-lock.json).
# Where the system Python refuses a system-wide install (PEP 668: recent Debian/Ubuntu), the packages go to a
# virtual environment in .venv/, which run.py and scripts/test.sh then use by themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3
if [ -x .venv/bin/python ]; then
  PY=.venv/bin/python
elif python3 -c 'import os, sys, sysconfig; sys.exit(0 if sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'; then
  python3 -m venv .venv
  PY=.venv/bin/python
fi
"$PY" -m pip install -q --disable-pip-version-check -r requirements.txt
npm ci --silent --no-audit --no-fund
