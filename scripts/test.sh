#!/usr/bin/env bash
# The whole test suite: unit, integration (real server + Socket.IO clients), browser (chromium), install.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
exec "$PY" -m pytest -q -n 2 --dist loadfile "$@"
