"""Sign-in, roles, the idle lock, the menus and the About box."""

from __future__ import annotations

from PySide6.QtCore import Qt

from nwrc_desktop import __version__
from nwrc_desktop.store.migrate import current_revision
from nwrc_desktop.ui.idle_lock import IdleLock

from .conftest import sign_in


def test_wrong_password_rejected(qtbot, window):
    panel = window.sign_in
    qtbot.keyClicks(panel.username, "admin")
    qtbot.keyClicks(panel.password, "not the password")
    qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Wrong username or password" in panel.problem.text(), timeout=10_000)
    assert window.stack.currentWidget() is panel
    assert window.context.actor is None


def test_admin_sees_every_page(qtbot, window):
    sign_in(qtbot, window, "admin")
    hidden = [window.navigation.item(row).isHidden() for row in range(window.navigation.count())]
    assert hidden == [False] * 5
    assert "admin" in window.user_label.text()


def test_staff_sees_no_sessions_or_admin(qtbot, window):
    sign_in(qtbot, window, "staff1")
    titles = {window.navigation.item(row).text(): window.navigation.item(row).isHidden()
              for row in range(window.navigation.count())}
    assert titles["Sessions"] is True
    assert titles["Administration"] is True
    assert titles["Learners"] is False
    assert window.learners.new_button.isVisibleTo(window)
    assert window.print_action.isEnabled()


def test_proctor_cannot_register_or_print(qtbot, window):
    sign_in(qtbot, window, "proctor1")
    assert not window.learners.new_button.isVisibleTo(window)
    assert not window.new_learner_action.isEnabled()
    assert not window.print_action.isEnabled()
    assert not window.certificates.print_button.isVisibleTo(window)


def test_idle_lock_shows_sign_in(qtbot, window):
    sign_in(qtbot, window, "staff1")
    window.idle_lock.set_minutes(0.002)
    window.idle_lock.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.sign_in, timeout=5_000)
    assert window.context.actor is None
    assert "locked" in window.sign_in.note.text()
    assert window.sign_in.username.text() == "staff1"
    qtbot.keyClicks(window.sign_in.password, "staff pass")
    with qtbot.waitSignal(window.workspace_ready, timeout=10_000):
        qtbot.keyClick(window.sign_in.password, Qt.Key.Key_Return)
    assert window.context.actor.username == "staff1"


def test_idle_lock_restarts_on_input(qtbot):
    lock = IdleLock(1)
    lock.start()
    assert lock._timer.isActive()


def test_about_shows_version_and_revision(qtbot, window):
    sign_in(qtbot, window, "admin")
    box = window.about()
    qtbot.waitUntil(box.isVisible)
    assert __version__ in box.text()
    assert current_revision(window.context.db.path) in box.text()
    box.close()


def test_standard_shortcuts(qtbot, window):
    assert window.new_learner_action.shortcut().toString() == "Ctrl+N"
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    assert window.sync_action.shortcut().toString() == "F5"


def test_layout_remembered(qtbot, context, tmp_path):
    from PySide6.QtCore import QSettings

    from nwrc_desktop.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    first = MainWindow(context, "Site", settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(700, 500)
    first.close()
    second = MainWindow(context, "Site", settings)
    qtbot.addWidget(second)
    second.show()
    assert second.size().width() == 700
    assert second.size().height() == 500
