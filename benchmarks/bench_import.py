"""Importing a 10,000-row roster through the real importer, next to plain sqlite3 inserts of the same rows."""

from __future__ import annotations

import csv
import datetime as dt
import random
import sqlite3
import tempfile
import time
from pathlib import Path

import keyring

from nwrc_desktop.domain.roster import read_roster
from nwrc_desktop.secrets import MemoryKeyring
from nwrc_desktop.store.accounts import init_site
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.importing import import_learners
from nwrc_desktop.store.journal import Actor

ROWS = 10_000
FIRST = ["Siobhán", "Olivia", "Ethan", "Nguyễn Thị", "DeShawn", "Kiana", "Bao", "Renée", "Jürgen", "Łucja",
         "Ömer", "Ελένη", "Дмитрий", "Wyatt", "Maria"]
LAST = ["Wiśniewski", "McAllister", "O’Neal", "Garcia", "Yazzie", "Tran", "Benally", "Núñez", "Lê",
        "Åse", "Işık", "Παπαδόπουλος", "Иванов", "de la Cruz", "van der Berg"]


def write_roster(path: Path, rows: int = ROWS, seed: int = 7) -> None:
    """Write a roster of distinct, valid learners in the product's own column names."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "first_name", "middle_name", "last_name", "date_of_birth", "email", "phone"])
        for index in range(rows):
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
            writer.writerow([
                f"BM{index:08d}", rng.choice(FIRST), "", f"{rng.choice(LAST)}{index}",
                f"{born.month}/{born.day}/{born.year}", f"learner{index}@example.org", "(555) 010-0000",
            ])


def import_with_product(roster: Path, data_dir: Path) -> float:
    database = Database(data_dir)
    try:
        init_site(database, "BM01", "Benchmark Site", "admin", "benchmark-pass")
        start = time.perf_counter()
        result = read_roster(roster, today=dt.date.today())
        report = import_learners(database, Actor("admin", "admin"), result, source_name=roster.name)
        elapsed = time.perf_counter() - start
    finally:
        database.close()
    assert report.imported == ROWS, report.summary()
    return elapsed


def insert_with_sqlite(roster: Path, database_path: Path) -> float:
    """Insert the same rows with csv.reader and executemany into one table (WAL, synchronous=FULL): the baseline."""
    connection = sqlite3.connect(database_path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("CREATE TABLE learner (external_id TEXT UNIQUE, first_name TEXT, middle_name TEXT, "
                       "last_name TEXT, date_of_birth TEXT, email TEXT, phone TEXT)")
    start = time.perf_counter()
    with roster.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    with connection:
        connection.executemany("INSERT INTO learner VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def run() -> list[tuple[str, float, float, float]]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with tempfile.TemporaryDirectory() as folder:
            roster = Path(folder) / "roster.csv"
            write_roster(roster)
            ours = import_with_product(roster, Path(folder) / "site")
            baseline = insert_with_sqlite(roster, Path(folder) / "baseline.sqlite3")
    finally:
        keyring.set_keyring(previous)
    return [(f"import a {ROWS:,}-row roster vs sqlite3 executemany", ours, baseline, ours / baseline)]


if __name__ == "__main__":
    from benchmarks.run import print_table

    print_table(run())
