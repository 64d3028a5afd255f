#!/usr/bin/env bash
# Create .venv in the checkout and install NWRC Desktop with the registry and test extras.
# Usage: scripts/setup.sh            (safe to run again: it only installs what is missing)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[registry,test,headless]"
