#!/usr/bin/env bash
# Set up the virtual environment, then run the whole test suite (pytest) and the linter.
# Needs PostgreSQL on 127.0.0.1:5432 with trust authentication (each run makes its own database);
# set NWRC_TEST_POSTGRES_URL to use another server. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check nwrc_desktop nwrc_registry tests benchmarks
.venv/bin/python -m pytest -p no:cacheprovider "$@"
