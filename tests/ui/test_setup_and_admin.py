"""The set-up assistant on an empty data folder, and the admin pages: accounts, backup, restore, audit log."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from nwrc_desktop.store.accounts import authenticate, get_site, is_set_up, list_accounts
from nwrc_desktop.store.database import Database
from nwrc_desktop.store.learners import find_learners
from nwrc_desktop.ui.admin_page import NewAccountDialog
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.setup_wizard import SetupWizard
from nwrc_desktop.ui.workers import Runner

from .conftest import add_learner, sign_in, when_modal


def test_setup_wizard_creates_site(qtbot, tmp_path):
    database = Database(tmp_path / "empty")
    runner = Runner()
    try:
        wizard = SetupWizard(AppContext(database, runner, tmp_path))
        qtbot.addWidget(wizard)
        wizard.show()
        next_button = wizard.button(QWizard.WizardButton.NextButton)
        page = wizard.site_page
        assert not page.isComplete()
        qtbot.keyClicks(page.code, "tx 14")
        assert "2 to 12 letters" in page.problem.text()
        page.code.clear()
        qtbot.keyClicks(page.code, "tx014")
        qtbot.keyClicks(page.name, "Pecos County Workforce Center")
        assert page.isComplete()
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
        admin = wizard.admin_page
        qtbot.keyClicks(admin.username, "maria")
        qtbot.keyClicks(admin.display_name, "Maria Garcia")
        qtbot.keyClicks(admin.password, "long enough")
        qtbot.keyClicks(admin.confirm, "long enougg")
        assert "differ" in admin.problem.text()
        assert not admin.isComplete()
        admin.confirm.clear()
        qtbot.keyClicks(admin.confirm, "long enough")
        assert admin.isComplete()
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
        enrolment = wizard.enrolment_page
        qtbot.keyClicks(enrolment.registry_url, "http://127.0.0.1:9")
        assert not enrolment.isComplete()
        enrolment.registry_url.clear()
        assert enrolment.isComplete()
        with qtbot.waitSignal(wizard.completed, timeout=10_000):
            qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
        assert is_set_up(database)
        assert get_site(database).code == "TX014"
        assert authenticate(database, "maria", "long enough").role == "admin"
    finally:
        runner.wait_for_all(10_000)
        database.close()


def test_setup_wizard_enrols(qtbot, tmp_path, registry):
    database = Database(tmp_path / "empty")
    runner = Runner()
    code = registry.enrolment_code("TX014", "Pecos County Workforce Center")
    try:
        wizard = SetupWizard(AppContext(database, runner, tmp_path))
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.site_page.code.setText("TX014")
        wizard.site_page.name.setText("Pecos County Workforce Center")
        wizard.next()
        for edit, text in ((wizard.admin_page.username, "maria"), (wizard.admin_page.password, "long enough"),
                           (wizard.admin_page.confirm, "long enough")):
            edit.setText(text)
        wizard.next()
        wizard.enrolment_page.registry_url.setText(registry.url)
        wizard.enrolment_page.enrolment_code.setText(code)
        with qtbot.waitSignal(wizard.completed, timeout=20_000) as completed:
            wizard.accept()
        assert completed.args[0].startswith("Enrolled with")
        assert get_site(database).registry_url == registry.url
    finally:
        runner.wait_for_all(10_000)
        database.close()


def test_admin_creates_and_disables_account(qtbot, window, db):
    sign_in(qtbot, window, "admin")
    window.go_to(window.admin)
    tab = window.admin.accounts
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=5_000)
    tab.new_account()
    dialog = tab.findChild(NewAccountDialog)
    qtbot.keyClicks(dialog.username, "proctor2")
    qtbot.keyClicks(dialog.password, "short")
    dialog.save()
    qtbot.waitUntil(lambda: "too short" in dialog.problem.text(), timeout=5_000)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "proctor two pass")
    with qtbot.waitSignal(dialog.created, timeout=10_000):
        dialog.save()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=5_000)
    row = next(number for number in range(4) if tab.model.record(number).username == "proctor2")
    tab.table.selectRow(row)
    tab.toggle_selected()
    qtbot.waitUntil(lambda: not next(a for a in list_accounts(db) if a.username == "proctor2").active,
                    timeout=5_000)
    assert authenticate(db, "proctor2", "proctor two pass") is None


def test_audit_log_lists_changes(qtbot, window, db):
    add_learner(db, "Rosa", "Okafor", "05/19/1958")
    sign_in(qtbot, window, "admin")
    window.go_to(window.admin)
    audit = window.admin.audit
    qtbot.waitUntil(lambda: audit.model.rowCount() >= 4, timeout=5_000)
    audit.filter.setText("learner")
    audit.refresh()
    qtbot.waitUntil(lambda: audit.model.rowCount() == 1, timeout=5_000)
    assert audit.model.record(0).action == "learner.register"


def test_backup_and_restore(qtbot, window, db, tmp_path):
    add_learner(db, "Rosa", "Okafor", "05/19/1958")
    sign_in(qtbot, window, "admin")
    window.go_to(window.admin)
    backups = window.admin.backups
    folder = tmp_path / "copies"
    backups.back_up(folder)
    qtbot.waitUntil(lambda: "Backup written" in backups.output.toPlainText(), timeout=10_000)
    copy = next(folder.glob("*.sqlite3"))
    add_learner(db, "Kiana", "Jackson", "03/21/2001")
    assert len(find_learners(db, "")) == 2
    timer = when_modal(QMessageBox,
                       lambda box: next(button for button in box.buttons() if button.text() == "Restore").click())
    backups.choose_restore(copy)
    timer.stop()
    messages = []
    done = when_modal(QMessageBox, lambda box: (messages.append(box.text()), box.accept()))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in, timeout=10_000)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    done.stop()
    assert "restored" in messages[0]
    assert find_learners(db, "")[0].last_name == "Okafor"


def test_store_check(qtbot, window):
    sign_in(qtbot, window, "admin")
    window.go_to(window.admin)
    backups = window.admin.backups
    backups.check()
    qtbot.waitUntil(lambda: "audit log: hash chain intact" in backups.output.toPlainText(), timeout=10_000)
