#!/usr/bin/env bash
# Install the Python packages and the front-end libraries (pinned by package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check -r requirements.txt
npm ci --silent --no-audit --no-fund
