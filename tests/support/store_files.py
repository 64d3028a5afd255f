"""Reading a site's SQLite file directly, without the program, to check what a command left in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def count_rows(database_path: Path, table: str) -> int:
    """Return the number of rows in `table`, read through a read-only connection."""
    connection = sqlite3.connect(f"file:{database_path}?mode=ro", uri=True)
    try:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        connection.close()
