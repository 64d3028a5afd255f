"""Searching, registering (with field validation and the duplicate question), editing and opening learners."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nwrc_desktop.store.learners import find_learners
from nwrc_desktop.ui.learner_form import DuplicateDialog, LearnerForm
from nwrc_desktop.ui.learner_view import LearnerView

from .conftest import add_learner, sign_in, when_modal


def open_form(qtbot, window) -> LearnerForm:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(LearnerForm) is not None and window.findChild(LearnerForm).isVisible())
    return window.findChild(LearnerForm)


def test_search_as_you_type(qtbot, window, db):
    add_learner(db, "Rosa", "Okafor", "05/19/1958", "WF40301752")
    add_learner(db, "Kiana", "Jackson", "03/21/2001")
    add_learner(db, "Jürgen", "Lopez", "10/18/2004")
    sign_in(qtbot, window, "staff1")
    search = window.learners.search
    qtbot.waitUntil(lambda: search.model.rowCount() == 3)
    with qtbot.waitSignal(search.results_shown, timeout=5_000):
        qtbot.keyClicks(search.query, "okaf")
    assert search.model.rowCount() == 1
    assert search.model.record(0).last_name == "Okafor"
    search.query.clear()
    with qtbot.waitSignal(search.results_shown, timeout=5_000):
        qtbot.keyClicks(search.query, "jurgen")
    assert [learner.last_name for learner in search.model.records()] == ["Lopez"]
    search.query.clear()
    with qtbot.waitSignal(search.results_shown, timeout=5_000):
        qtbot.keyClicks(search.query, "3/21/2001")
    assert [learner.last_name for learner in search.model.records()] == ["Jackson"]


def test_search_shows_only_newest_result(qtbot, window, db):
    for number in range(30):
        add_learner(db, f"Ann{number}", "Smith", "01/02/1990")
    sign_in(qtbot, window, "staff1")
    search = window.learners.search
    search.query.setText("zzz")
    search.search_now()
    search.query.setText("ann1")
    with qtbot.waitSignal(search.results_shown, timeout=5_000):
        search.search_now()
    qtbot.wait(200)
    names = sorted(learner.first_name for learner in search.model.records())
    assert names == sorted(["Ann1", *(f"Ann1{n}" for n in range(10))])


def test_find_shortcut_focuses_search(qtbot, window):
    sign_in(qtbot, window, "staff1")
    window.find_action.trigger()
    qtbot.waitUntil(lambda: window.learners.search.query.hasFocus() or
                    QApplication.focusWidget() is window.learners.search.query)


def test_form_shows_field_problems_while_typing(qtbot, window, db):
    sign_in(qtbot, window, "staff1")
    form = open_form(qtbot, window)
    qtbot.keyClicks(form.inputs["first_name"], "Maria")
    qtbot.keyClicks(form.inputs["last_name"], "Garcia")
    qtbot.keyClicks(form.inputs["date_of_birth"], "13/45/1990")
    error = form.errors["date_of_birth"]
    assert error.isVisibleTo(form)
    assert error.text()
    assert not form.errors["first_name"].isVisibleTo(form)
    form.inputs["date_of_birth"].clear()
    qtbot.keyClicks(form.inputs["date_of_birth"], "04/12/1990")
    assert not error.isVisibleTo(form)
    qtbot.keyClicks(form.inputs["email"], "maria@")
    assert form.errors["email"].isVisibleTo(form)
    form.inputs["email"].clear()
    qtbot.keyClicks(form.inputs["email"], "maria@example.org")
    assert not form.errors["email"].isVisibleTo(form)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    found = find_learners(db, "garcia")
    assert len(found) == 1
    assert found[0].email == "maria@example.org"
    qtbot.waitUntil(lambda: window.learners.search.model.rowCount() == 1)


def test_form_refuses_empty_save(qtbot, window, db):
    sign_in(qtbot, window, "staff1")
    form = open_form(qtbot, window)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.errors["last_name"].isVisibleTo(form)
    assert form.errors["date_of_birth"].isVisibleTo(form)
    assert "Fix the fields" in form.status.text()
    assert find_learners(db, "") == []


def test_tab_order_follows_form(qtbot, window):
    sign_in(qtbot, window, "staff1")
    form = open_form(qtbot, window)
    order = [form.inputs[name] for name in ("first_name", "middle_name", "last_name", "preferred_name",
                                            "date_of_birth", "external_id", "email", "phone")]
    for current, following in zip(order, order[1:], strict=False):
        assert next_tab_stop(current) is following


def next_tab_stop(widget):
    """Return the widget Tab moves to from `widget`: the next one in the focus chain that takes Tab focus."""
    candidate = widget.nextInFocusChain()
    while not (candidate.focusPolicy() & Qt.FocusPolicy.TabFocus) or not candidate.isVisibleTo(widget.window()):
        candidate = candidate.nextInFocusChain()
    return candidate


def test_possible_duplicate_asks_first(qtbot, window, db):
    add_learner(db, "Rosa", "Okafor", "05/19/1958")
    sign_in(qtbot, window, "staff1")
    form = open_form(qtbot, window)
    qtbot.keyClicks(form.inputs["first_name"], "ROSA")
    qtbot.keyClicks(form.inputs["last_name"], "okafor")
    qtbot.keyClicks(form.inputs["date_of_birth"], "5/19/1958")
    shown = []

    def answer(dialog):
        shown.append(dialog.list.item(0).text())
        assert isinstance(dialog, DuplicateDialog)
        dialog.register_button.click()

    timer = when_modal(DuplicateDialog, answer)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    timer.stop()
    assert "TX014-000001" in shown[0]
    assert len(find_learners(db, "okafor")) == 2


def test_duplicate_open_existing(qtbot, window, db):
    add_learner(db, "Rosa", "Okafor", "05/19/1958")
    sign_in(qtbot, window, "staff1")
    form = open_form(qtbot, window)
    for name, text in (("first_name", "Rosa"), ("last_name", "Okafor"), ("date_of_birth", "05/19/1958")):
        qtbot.keyClicks(form.inputs[name], text)
    timer = when_modal(DuplicateDialog, lambda dialog: dialog.open_button.click())
    with qtbot.waitSignal(form.open_existing, timeout=10_000):
        form.save()
    timer.stop()
    qtbot.waitUntil(lambda: window.findChild(LearnerView) is not None)
    assert len(find_learners(db, "okafor")) == 1


def test_edit_learner(qtbot, window, db):
    add_learner(db, "Kiana", "Jackson", "03/21/2001")
    sign_in(qtbot, window, "staff1")
    search = window.learners.search
    qtbot.waitUntil(lambda: search.model.rowCount() == 1)
    search.table.selectRow(0)
    window.learners.edit_selected()
    form = window.findChild(LearnerForm)
    form.inputs["last_name"].selectAll()
    qtbot.keyClicks(form.inputs["last_name"], "Jackson-Lee")
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    assert find_learners(db, "jackson-lee")[0].first_name == "Kiana"


def test_learner_view_lists_record(qtbot, window, db):
    add_learner(db, "Kiana", "Jackson", "03/21/2001")
    sign_in(qtbot, window, "staff1")
    search = window.learners.search
    qtbot.waitUntil(lambda: search.model.rowCount() == 1)
    search.table.selectRow(0)
    window.learners.open_selected()
    view = window.findChild(LearnerView)
    qtbot.waitUntil(lambda: view.loaded)
    assert view.scores.rowCount() == 0
    assert not view.void_button.isVisibleTo(view)
