#!/usr/bin/env bash
# Create .venv in the checkout and install NWRC Desktop with the registry, test, headless and build extras.
# Usage: scripts/setup.sh   (safe to run again: it reinstalls only when pyproject.toml changed)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [[ ! -e "$stamp" ]]; then
    echo "installing NWRC Desktop and its dependencies into .venv (log: .venv/install.log)"
    if ! { .venv/bin/python -m pip install --upgrade pip &&
           .venv/bin/python -m pip install -e ".[registry,test,headless,build]"; } >.venv/install.log 2>&1; then
        tail -n 30 .venv/install.log
        echo "error: installing into .venv failed; the whole log is .venv/install.log" >&2
        exit 1
    fi
    rm -f .venv/.installed-*
    touch "$stamp"
fi
