#!/usr/bin/env bash
# The whole test suite: unit, integration (real server + Socket.IO clients), browser (chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 -m pytest -q -n 2 --dist loadfile "$@"
