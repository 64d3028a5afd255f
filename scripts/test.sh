#!/usr/bin/env bash
# Set up the virtual environment, then run the whole test suite (pytest) and the linter (ruff).
# Needs PostgreSQL on 127.0.0.1:5432 with trust authentication (each run makes its own database);
# set NWRC_TEST_POSTGRES_URL to use another server. NWRC_SKIP_BUNDLE=1 skips building the PyInstaller
# bundle (about 2 minutes). Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || exit 1
export QT_QPA_PLATFORM=offscreen
.venv/bin/python -m pytest -p no:cacheprovider "$@"
tests=$?
.venv/bin/ruff check nwrc_desktop nwrc_registry tests benchmarks
lint=$?
if (( tests != 0 || lint != 0 )); then
    echo "failed: pytest exit status $tests, ruff exit status $lint" >&2
    exit 1
fi
