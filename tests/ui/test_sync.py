"""The sync page and status bar against a real registry process on loopback."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from nwrc_desktop.domain.assessments import Assessment
from nwrc_desktop.store.queries import queue_state
from nwrc_desktop.store.scores import ScoreEntry, record_scores
from nwrc_desktop.store.site_settings import set_registry_url

from .conftest import ADMIN, add_learner, sign_in


def enrol(qtbot, window, registry):
    code = registry.enrolment_code("TX014", "Pecos County Workforce Center")
    window.go_to(window.admin)
    tab = window.admin.registry
    window.admin.tabs.setCurrentWidget(tab)
    qtbot.keyClicks(tab.url, registry.url)
    qtbot.keyClicks(tab.code, code)
    with qtbot.waitSignal(tab.enrolled, timeout=20_000):
        qtbot.mouseClick(tab.button, Qt.MouseButton.LeftButton)


def test_status_bar_before_enrolment(qtbot, window, db):
    add_learner(db, "Rosa", "Okafor", "05/19/1958")
    sign_in(qtbot, window, "staff1")
    qtbot.waitUntil(lambda: "Not enrolled" in window.connection_label.text(), timeout=10_000)
    qtbot.waitUntil(lambda: "1 change waiting" in window.queue_label.text(), timeout=5_000)
    assert "never" in window.last_sync_label.text()


def test_enrol_and_sync_now(qtbot, window, db, registry):
    learner = add_learner(db, "Rosa", "Okafor", "05/19/1958")
    sign_in(qtbot, window, "admin")
    enrol(qtbot, window, registry)
    assert "Enrolled with" in window.admin.registry.message.text()
    qtbot.waitUntil(lambda: "Online" in window.connection_label.text(), timeout=10_000)
    window.go_to(window.sync_page)
    page = window.sync_page
    qtbot.waitUntil(lambda: page.pending.rowCount() == 1, timeout=5_000)
    with qtbot.waitSignal(window.sync.sync_finished, timeout=30_000) as finished:
        qtbot.keyClick(window, Qt.Key.Key_F5)
    report = finished.args[0]
    assert report.error is None
    assert report.delivered >= 1
    qtbot.waitUntil(lambda: page.pending.rowCount() == 0, timeout=5_000)
    qtbot.waitUntil(lambda: "0 changes waiting" in window.queue_label.text(), timeout=5_000)
    assert "never" not in window.last_sync_label.text()
    assert queue_state(db).pending == 0
    # A score for the learner queues one more change; the next sync sends it too.
    record_scores(db, ADMIN, [ScoreEntry(learner.id, Assessment.SOFT_SKILLS, dt.date.today(), passed=True)])
    window.sync.refresh_queue()
    qtbot.waitUntil(lambda: "waiting" in window.queue_label.text() and
                    not window.queue_label.text().startswith("0 "), timeout=5_000)
    with qtbot.waitSignal(window.sync.sync_finished, timeout=30_000):
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.queue_label.text().startswith("0 changes"), timeout=5_000)


def test_offline_registry_keeps_changes(qtbot, window, db, registry):
    add_learner(db, "Rosa", "Okafor", "05/19/1958")
    sign_in(qtbot, window, "admin")
    enrol(qtbot, window, registry)
    registry.process.terminate()
    registry.process.wait(timeout=10)
    window.sync.check_online()
    qtbot.waitUntil(lambda: "Offline" in window.connection_label.text(), timeout=20_000)
    assert not window.sync.sync_now(scheduled=True)
    assert queue_state(db).pending == 1


def test_rejected_change_shows_reason(qtbot, window, db):
    from nwrc_desktop.store.models import Outbox

    add_learner(db, "Rosa", "Okafor", "05/19/1958")
    set_registry_url(db, "http://127.0.0.1:9")
    with db.session() as session:
        row = session.query(Outbox).one()
        row.state = "rejected"
        row.reason = "unknown learner number format"
    sign_in(qtbot, window, "admin")
    window.go_to(window.sync_page)
    page = window.sync_page
    qtbot.waitUntil(lambda: page.rejected.rowCount() == 1, timeout=5_000)
    reason_column = 3
    assert page.rejected.data(page.rejected.index(0, reason_column)) == "unknown learner number format"
    page.rejected_table.selectRow(0)
    page.retry_selected()
    qtbot.waitUntil(lambda: page.rejected.rowCount() == 0 and page.pending.rowCount() == 1, timeout=5_000)
