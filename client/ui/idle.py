"""Idle auto-lock and the lock screen.

:class:`IdleLock` watches user input application-wide (an event filter on the
QApplication) and emits ``lock_requested`` once nobody has touched the keyboard, mouse or
screen for the timeout. The clock is injectable and :meth:`IdleLock.check` can be called
directly, so tests need neither sleeping nor real timers.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["IdleLock", "LockScreen"]

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress,
    QEvent.Type.InputMethod,
})


class IdleLock(QObject):
    lock_requested = Signal()

    def __init__(
        self,
        timeout_s: int,
        clock: Callable[[], float] = time.monotonic,
        check_interval_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._timeout_s = timeout_s
        self._clock = clock
        self._last = clock()
        self._armed = False
        self._timer = QTimer(self)
        self._timer.setInterval(check_interval_ms)
        self._timer.timeout.connect(self.check)
        self._filtering = False

    @property
    def timeout_s(self) -> int:
        return self._timeout_s

    def set_timeout(self, seconds: int) -> None:
        self._timeout_s = max(1, seconds)

    def start(self) -> None:
        """Arm the lock and start watching input (again, after an unlock)."""
        app = QCoreApplication.instance()
        if app is not None and not self._filtering:
            app.installEventFilter(self)
            self._filtering = True
        self._last = self._clock()
        self._armed = True
        self._timer.start()

    def stop(self) -> None:
        self._armed = False
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None and self._filtering:
            app.removeEventFilter(self)
            self._filtering = False

    def armed(self) -> bool:
        return self._armed

    def touch(self) -> None:
        self._last = self._clock()

    def idle_for(self) -> float:
        return self._clock() - self._last

    def check(self) -> bool:
        """Request a lock if idle too long; returns whether it did."""
        if self._armed and self.idle_for() >= self._timeout_s:
            self._armed = False
            self._timer.stop()
            self.lock_requested.emit()
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self._armed and event.type() in _INPUT_EVENTS:
            self._last = self._clock()
        return False


class LockScreen(QWidget):
    """Shown instead of every screen while locked: no content, only the way back in."""

    unlock_requested = Signal(object)  # str passphrase, or None for the OS keyring

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        self._title = QLabel(self)
        font = QFont(self._title.font())
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self._title.setFont(font)
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._info = QLabel(self)
        self._info.setWordWrap(True)
        self._info.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.unlock_button = QPushButton(self)
        self.unlock_button.setDefault(True)
        self.keyring_button = QPushButton(self)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)

        row = QHBoxLayout()
        row.addWidget(self.passphrase, 1)
        row.addWidget(self.unlock_button)
        box = QVBoxLayout()
        box.addStretch(1)
        box.addWidget(self._title)
        box.addWidget(self._info)
        box.addLayout(row)
        box.addWidget(self.keyring_button)
        box.addWidget(self.error)
        box.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(box, 2)
        outer.addStretch(1)

        self.methods: tuple[str, ...] = ("passphrase", "keyring")
        self.unlock_button.clicked.connect(self._submit)
        self.passphrase.returnPressed.connect(self._submit)
        self.keyring_button.clicked.connect(lambda: self._emit(None))
        self._retranslate()

    def set_methods(self, methods: tuple[str, ...]) -> None:
        """Offer only the ways this account unlocks ("passphrase", "keyring")."""
        self.methods = tuple(methods) or ("passphrase", "keyring")
        passphrase = "passphrase" in self.methods
        self.passphrase.setVisible(passphrase)
        self.unlock_button.setVisible(passphrase)
        self.keyring_button.setVisible("keyring" in self.methods)
        if not passphrase:
            self.keyring_button.setDefault(True)

    def _submit(self) -> None:
        if "passphrase" not in self.methods:
            self._emit(None)
            return
        text = self.passphrase.text()
        if not text:
            self.error.setText(self.tr("Enter your passphrase, or unlock with the system "
                                       "keyring."))
            return
        self._emit(text)

    def _emit(self, passphrase: str | None) -> None:
        self.passphrase.clear()
        self.set_busy(True)
        self.unlock_requested.emit(passphrase)

    def set_busy(self, busy: bool) -> None:
        for w in (self.passphrase, self.unlock_button, self.keyring_button):
            w.setEnabled(not busy)
        if busy:
            self.error.setText(self.tr("Unlocking…"))
        elif "passphrase" in self.methods:
            self.passphrase.setFocus()
        else:
            self.keyring_button.setFocus()

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error.setText(message)


    def reset(self) -> None:
        self.passphrase.clear()
        self.set_busy(False)
        self.error.clear()

    def _retranslate(self) -> None:
        self._title.setText(self.tr("Renkei is locked"))
        self._info.setText(self.tr("Content is hidden and the vault key has been dropped from "
                                   "memory. Unlock to continue."))
        self.passphrase.setPlaceholderText(self.tr("Passphrase"))
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.unlock_button.setText(self.tr("&Unlock"))
        self.unlock_button.setAccessibleName(self.tr("Unlock"))
        self.keyring_button.setText(self.tr("Unlock with the system &keyring"))
        self.keyring_button.setAccessibleName(self.tr("Unlock with the system keyring"))
        self.error.setAccessibleName(self.tr("Unlock error"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
