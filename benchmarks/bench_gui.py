"""The GUI's search-as-you-type on a 100,000-learner site next to the bare SQL query, and the start-up time
to a usable sign-in window next to a bare PySide6 window.

Search: the time from the last keystroke (the debounce timer skipped) to the results shown in the real
LearnerSearch widget, through its worker and item model, against the same LIKE query run with sqlite3.
Start-up: the wall time from starting a Python process to its first event-loop pass with the window shown,
for the real program (`nwrc_desktop.app.main`) on a set-up data folder and for a bare QMainWindow.
Both run on the offscreen Qt platform. Usage: .venv/bin/python -m benchmarks.bench_gui
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LEARNERS = 100_000
QUERIES = ("okafor", "maria", "1958", "TX014-0500", "gar ma", "wf123")
STARTS = 5
FIRST = ["Rosa", "Maria", "Kiana", "DeShawn", "Jürgen", "Siobhán", "Bao", "Wyatt", "Renée", "Ömer", "Priya", "Mateo"]
LAST = ["Okafor", "Garcia", "Jackson", "Lopez", "Tran", "Benally", "Núñez", "Yazzie", "Martinez", "Begay"]

READY_PROBE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
application = QApplication(sys.argv)

def check():
    if any(type(w).__name__ == {window!r} and w.isVisible() for w in application.topLevelWidgets()):
        print("ready", flush=True)
        application.quit()
    else:
        QTimer.singleShot(1, check)

QTimer.singleShot(0, check)
"""
PRODUCT_START = READY_PROBE.format(window="MainWindow") + """
from nwrc_desktop import app
app.main(["--data-dir", sys.argv[1]])
"""
BARE_START = READY_PROBE.format(window="QMainWindow") + """
from PySide6.QtWidgets import QLabel, QMainWindow
window = QMainWindow()
window.setCentralWidget(QLabel("Sign in"))
window.show()
application.exec()
"""


def build_site(data_dir: Path, learners: int = LEARNERS, seed: int = 11) -> Path:
    """Create a store with the real migrations and site set-up, then insert `learners` rows directly."""
    import keyring

    from nwrc_desktop.secrets import MemoryKeyring
    from nwrc_desktop.store.accounts import init_site
    from nwrc_desktop.store.database import Database
    from nwrc_desktop.store.learners import build_search_text, duplicate_key
    from nwrc_desktop.store.models import new_id

    keyring.set_keyring(MemoryKeyring())
    database = Database(data_dir)
    init_site(database, "TX014", "Benchmark Site", "admin", "benchmark-pass")
    path = database.path
    database.close()
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    rows = []
    for index in range(learners):
        first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{index % 997 or ''}"
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
        values = {"first_name": first, "middle_name": "", "last_name": last, "preferred_name": None,
                  "learner_number": f"TX014-{index + 1:06d}", "external_id": f"WF{index:08d}", "date_of_birth": born}
        rows.append((new_id(), values["learner_number"], values["external_id"], first, "", last, born.isoformat(),
                     duplicate_key(first, last), build_search_text(values), now, now, "admin"))
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO learner (id, learner_number, external_id, first_name, middle_name, last_name, "
            "date_of_birth, name_key, search_text, created_at, updated_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        connection.execute("UPDATE site SET next_learner_serial = ?", (learners + 1,))
    connection.close()
    return path


def bare_search(path: Path, query: str, limit: int = 200) -> float:
    """Time the baseline: the same LIKE conditions and ordering in one sqlite3 query, rows fetched as tuples."""
    from nwrc_desktop.domain.names import search_key

    words = search_key(query).split()
    where = " AND ".join("search_text LIKE ?" for _ in words)
    connection = sqlite3.connect(path)
    try:
        start = time.perf_counter()
        connection.execute(
            f"SELECT * FROM learner WHERE {where} ORDER BY last_name, first_name, learner_number LIMIT ?",
            [f"%{word}%" for word in words] + [limit]).fetchall()
        return time.perf_counter() - start
    finally:
        connection.close()


def gui_search(data_dir: Path, queries: tuple[str, ...]) -> dict[str, float]:
    """Time each query in the real search widget, from the keystroke to the model showing the results."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from nwrc_desktop.store.database import Database
    from nwrc_desktop.ui.context import AppContext
    from nwrc_desktop.ui.learners_page import LearnerSearch
    from nwrc_desktop.ui.workers import Runner

    application = QApplication.instance() or QApplication([])
    database = Database(data_dir)
    runner = Runner()
    widget = LearnerSearch(AppContext(database, runner, data_dir))
    widget.show()
    timings = {}
    try:
        for query in ("warm-up", *queries):
            loop = QEventLoop()
            widget.results_shown.connect(loop.quit)
            QTimer.singleShot(60_000, loop.quit)
            widget.query.setText(query)
            start = time.perf_counter()
            widget.search_now()
            loop.exec()
            application.processEvents()
            timings[query] = time.perf_counter() - start
            widget.results_shown.disconnect(loop.quit)
    finally:
        runner.wait_for_all(60_000)
        widget.close()
        database.close()
    timings.pop("warm-up")
    return timings


def time_start(script: str, *arguments: str) -> float:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", script, *arguments], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    line = process.stdout.readline()
    elapsed = time.perf_counter() - start
    process.wait(timeout=60)
    if line.strip() != "ready":
        raise RuntimeError(f"the start-up probe ended without a window (exit status {process.returncode})")
    return elapsed


def run() -> list[tuple[str, float, float, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "site"
        path = build_site(data_dir)
        gui = gui_search(data_dir, QUERIES)
        for query in QUERIES:
            baseline = statistics.median(bare_search(path, query) for _ in range(3))
            rows.append((f"gui search {query!r} ({LEARNERS:,} learners)", gui[query], baseline, gui[query] / baseline))
        # The first start makes the day's backup; time the ones after it, as a user's later starts.
        time_start(PRODUCT_START, str(data_dir))
        ours = statistics.median(time_start(PRODUCT_START, str(data_dir)) for _ in range(STARTS))
        bare = statistics.median(time_start(BARE_START) for _ in range(STARTS))
        rows.append(("gui start to sign-in window", ours, bare, ours / bare))
    return rows


if __name__ == "__main__":
    from benchmarks.run import print_table

    print_table(run())
