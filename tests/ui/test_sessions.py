"""Proctored sessions: create, check in with the ID check, keyboard entry in the grid, submit, void and correct."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog

from nwrc_desktop.domain.assessments import Assessment
from nwrc_desktop.store.credentials import list_credentials
from nwrc_desktop.store.scores import ScoreEntry, checked_in_learners, learner_scores, list_sessions, record_scores
from nwrc_desktop.ui.learner_view import LearnerView
from nwrc_desktop.ui.score_correction import ScoreCorrection
from nwrc_desktop.ui.sessions_page import NewSessionDialog

from .conftest import ADMIN, add_learner, sign_in, when_modal


def go_to_sessions(qtbot, window):
    window.go_to(window.sessions)
    qtbot.waitUntil(lambda: window.page_stack.currentWidget() is window.sessions)


def create_session(qtbot, window, room: str, assessments: list[Assessment]):
    window.sessions.new_session()
    dialog = window.findChild(NewSessionDialog)
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.room, room)
    for assessment in assessments:
        dialog.assessment_boxes[assessment].setChecked(True)
    with qtbot.waitSignal(dialog.created, timeout=10_000):
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sessions.panel.session is not None)


def check_in(qtbot, panel, query: str, id_seen: bool = True):
    panel.search.query.clear()
    with qtbot.waitSignal(panel.search.results_shown, timeout=5_000):
        qtbot.keyClicks(panel.search.query, query)
    panel.search.table.selectRow(0)
    panel.id_seen.setChecked(id_seen)
    if id_seen:
        with qtbot.waitSignal(panel.roster_loaded, timeout=10_000):
            qtbot.mouseClick(panel.check_in_button, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(panel.check_in_button, Qt.MouseButton.LeftButton)


def test_session_check_in_and_grid_entry(qtbot, window, db):
    rosa = add_learner(db, "Rosa", "Okafor", "05/19/1958")
    kiana = add_learner(db, "Kiana", "Jackson", "03/21/2001")
    sign_in(qtbot, window, "proctor1")
    go_to_sessions(qtbot, window)
    create_session(qtbot, window, "Room 2", [Assessment.MATH, Assessment.READING, Assessment.DATA,
                                             Assessment.SOFT_SKILLS])
    panel = window.sessions.panel
    session = list_sessions(db)[0]
    assert session.room == "Room 2"

    check_in(qtbot, panel, "okafor", id_seen=False)
    assert "Photo ID" in panel.message.text()
    assert checked_in_learners(db, session.id) == []
    check_in(qtbot, panel, "okafor")
    check_in(qtbot, panel, "jackson")
    assert checked_in_learners(db, session.id) == [rosa.id, kiana.id]
    assert panel.grid_model.rowCount() == 8

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel.grid.start()
    # Rosa's Math, Reading and Data levels go down the Result column, Enter moving to the next row.
    for result in ("4", "3", "5", "p"):
        type_keys(qtbot, result)
        press(qtbot, Qt.Key.Key_Return)
    # Then the scale scores: back to the first row's Scale score cell, typed the same way.
    panel.grid.setCurrentIndex(panel.grid_model.index(0, 3))
    for scale in ("82", "79", "88"):
        type_keys(qtbot, scale)
        press(qtbot, Qt.Key.Key_Return)
    rows = panel.grid_model.rows()
    assert [row.result for row in rows[:4]] == ["4", "3", "5", "p"]
    assert [row.scale for row in rows[:3]] == ["82", "79", "88"]
    # An invalid level stops the submit and marks the cell.
    panel.grid_model.setData(panel.grid_model.index(4, 2), "7")
    panel.submit()
    assert "marked in red" in panel.message.text()
    assert learner_scores(db, kiana.id) == []
    panel.grid_model.setData(panel.grid_model.index(4, 2), "2")
    with qtbot.waitSignal(panel.submitted, timeout=10_000):
        qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    scores = {score.assessment: score for score in learner_scores(db, rosa.id)}
    assert scores[Assessment.MATH].level == 4
    assert scores[Assessment.MATH].scale_score == 82
    assert scores[Assessment.SOFT_SKILLS].passed is True
    assert scores[Assessment.MATH].session_id == session.id
    assert [score.level for score in learner_scores(db, kiana.id)] == [2]
    titles = sorted(credential.title for credential in list_credentials(db, learner_id=rosa.id))
    assert titles == ["Academic Skills, level 3", "Soft Skills"]
    assert "Recorded 5 results" in panel.message.text()
    assert all(not row.result for row in panel.grid_model.rows())


def type_keys(qtbot, text: str) -> None:
    """Type `text` into whichever widget has the keyboard focus, as a user would."""
    for char in text:
        qtbot.keyClick(QApplication.focusWidget(), char)


def press(qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key)


def test_staff_cannot_open_sessions(qtbot, window):
    sign_in(qtbot, window, "staff1")
    assert window.navigation.item(1).isHidden()
    assert not window.sessions.new_button.isVisibleTo(window)


def record_academic(db, learner_id: str, levels=(3, 3, 3)):
    academic = (Assessment.MATH, Assessment.READING, Assessment.DATA)
    entries = [ScoreEntry(learner_id, assessment, dt.date.today(), level=level, scale_score=80)
               for assessment, level in zip(academic, levels, strict=True)]
    return record_scores(db, ADMIN, entries)


def open_learner(qtbot, window, query: str) -> LearnerView:
    search = window.learners.search
    with qtbot.waitSignal(search.results_shown, timeout=5_000):
        search.query.setText(query)
    search.table.selectRow(0)
    window.learners.open_selected()
    view = window.findChild(LearnerView)
    qtbot.waitUntil(lambda: view.loaded, timeout=5_000)
    return view


def test_void_score_with_reason(qtbot, window, db):
    learner = add_learner(db, "Rosa", "Okafor", "05/19/1958")
    record_academic(db, learner.id)
    sign_in(qtbot, window, "proctor1")
    window.go_to(window.learners)
    view = open_learner(qtbot, window, "okafor")
    assert view.scores.rowCount() == 3
    assert view.credentials.rowCount() == 1
    view.score_table.selectRow(0)

    def answer(dialog):
        dialog.setTextValue("entered for the wrong learner")
        dialog.accept()

    timer = when_modal(QInputDialog, answer)
    view.void_selected()
    timer.stop()
    qtbot.waitUntil(lambda: view.scores.rowCount() == 4, timeout=10_000)
    kinds = sorted(score.kind for score in learner_scores(db, learner.id))
    assert kinds == ["recorded", "recorded", "recorded", "void"]
    assert list_credentials(db, learner_id=learner.id) == []


def test_correct_score_with_reason(qtbot, window, db):
    learner = add_learner(db, "Rosa", "Okafor", "05/19/1958")
    record_academic(db, learner.id, levels=(3, 3, 1))
    sign_in(qtbot, window, "proctor1")
    view = open_learner(qtbot, window, "okafor")
    data_row = next(row for row in range(view.scores.rowCount())
                    if view.scores.record(row).assessment is Assessment.DATA)
    view.score_table.selectRow(data_row)
    view.correct_selected()
    dialog = view.findChild(ScoreCorrection)
    qtbot.waitUntil(dialog.isVisible)
    dialog.result.setText("4")
    dialog.save()
    assert "Say why" in dialog.problem.text()
    qtbot.keyClicks(dialog.reason, "level typed wrong")
    with qtbot.waitSignal(dialog.corrected, timeout=10_000):
        dialog.save()
    data_scores = [score for score in learner_scores(db, learner.id) if score.assessment is Assessment.DATA]
    assert [score.kind for score in data_scores] == ["recorded", "correction"]
    assert data_scores[1].level == 4
    assert data_scores[1].reason == "level typed wrong"
    assert [credential.title for credential in list_credentials(db, learner_id=learner.id)] == [
        "Academic Skills, level 3"]


def test_grid_tab_moves_to_scale_score(qtbot):
    from nwrc_desktop.store.learners import LearnerSummary
    from nwrc_desktop.ui.score_grid import ScoreGridModel, ScoreGridView

    learner = LearnerSummary("id-1", "TX014-000001", None, "Rosa", "", "Okafor", None, dt.date(1958, 5, 19),
                             None, None)
    model = ScoreGridModel()
    model.set_rows([learner], (Assessment.MATH, Assessment.SOFT_SKILLS))
    view = ScoreGridView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.start()
    type_keys(qtbot, "3")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "81")
    press(qtbot, Qt.Key.Key_Tab)
    type_keys(qtbot, "A1")
    press(qtbot, Qt.Key.Key_Return)
    row = model.rows()[0]
    assert (row.result, row.scale, row.form) == ("3", "81", "A1")
    assert view.currentIndex().row() == 1
    assert model.problems() == []
    entries = model.entries("session-1", dt.date(2026, 12, 4), "proctor1")
    assert len(entries) == 1
    assert entries[0].level == 3
    assert entries[0].scale_score == 81
    assert entries[0].form == "A1"
