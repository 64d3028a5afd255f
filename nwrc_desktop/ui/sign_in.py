"""The sign-in screen, also shown when the window locks after inactivity."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from nwrc_desktop.store.accounts import authenticate
from nwrc_desktop.store.journal import Actor
from nwrc_desktop.ui.context import AppContext
from nwrc_desktop.ui.learner_form import ERROR_STYLE


class SignInPanel(QWidget):
    signed_in = Signal(object)

    def __init__(self, context: AppContext, site_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("sign-in")
        # Two plain labels: a rich-text label with a heading and a line after it gets too little height.
        self.heading = QLabel("NWRC Desktop")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading_font = self.heading.font()
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.5)
        self.heading.setFont(heading_font)
        self.site_label = QLabel(site_name)
        self.site_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.site_label.setWordWrap(True)
        self.note = QLabel("Sign in with your site account.")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.button = QPushButton("&Sign in")
        self.button.setAccessibleName("Sign in")
        self.button.setDefault(True)
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Sign-in problem")
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)

        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        # A fixed width lets the word-wrapped labels get the height they need when an error appears.
        box.setFixedWidth(400)
        form = QFormLayout()
        user_label = QLabel("&Username")
        user_label.setBuddy(self.username)
        password_label = QLabel("&Password")
        password_label.setBuddy(self.password)
        form.addRow(user_label, self.username)
        form.addRow(password_label, self.password)
        inner = QVBoxLayout(box)
        inner.addWidget(self.heading)
        inner.addWidget(self.site_label)
        inner.addWidget(self.note)
        inner.addLayout(form)
        inner.addWidget(self.problem)
        inner.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def reset(self, locked_for: Actor | None = None) -> None:
        """Clear the form; with `locked_for`, say the window is locked and offer that account first."""
        self.password.clear()
        self.problem.clear()
        self.button.setEnabled(True)
        if locked_for is not None:
            self.note.setText(f"The window locked after a period without use. {locked_for.username}, enter your "
                              "password to go on, or sign in as someone else.")
            self.username.setText(locked_for.username)
            self.password.setFocus()
        else:
            self.note.setText("Sign in with your site account.")
            self.username.clear()
            self.username.setFocus()

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.problem.setText("Enter your username and password.")
            return
        self.button.setEnabled(False)
        self.problem.setText("Checking…")
        db = self.context.db
        self.context.runner.run("sign in", lambda: authenticate(db, username, password), owner=self,
                                on_done=self._checked, on_failed=self._failed)

    def _checked(self, actor: Actor | None) -> None:
        self.button.setEnabled(True)
        self.password.clear()
        if actor is None:
            self.problem.setText("Wrong username or password, or the account is disabled. Try again, or ask an "
                                 "admin to reset your password.")
            self.password.setFocus()
            return
        self.problem.clear()
        self.signed_in.emit(actor)

    def _failed(self, error: BaseException) -> None:
        from nwrc_desktop.ui.dialogs import show_error

        self.button.setEnabled(True)
        self.problem.clear()
        show_error(self, "Sign-in failed", error)
