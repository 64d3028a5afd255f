"""Run one sync on a data folder and exit with its exit code; the kill test runs this and SIGKILLs it.

Usage: python -m tests.sync.sync_worker DATA_DIR BATCH_SIZE
"""

from __future__ import annotations

import sys
from pathlib import Path

from nwrc_desktop.store.database import Database
from nwrc_desktop.sync.client import RetryPolicy
from nwrc_desktop.sync.commands import run_sync


def main() -> int:
    data_dir, batch_size = Path(sys.argv[1]), int(sys.argv[2])
    database = Database(data_dir)
    # Tells the kill test that start-up is over and the sync begins now.
    sys.stdout.write("syncing\n")
    sys.stdout.flush()
    try:
        policy = RetryPolicy(max_attempts=3, base_delay=0.05, max_delay=1.0, max_total_wait=5.0)
        report = run_sync(database, batch_size=batch_size, policy=policy)
    finally:
        database.close()
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
