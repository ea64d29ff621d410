"""File transfers off the GUI thread: progress relayed to the GUI, cancellation, and the
bar that shows both.

The backend calls a progress function on the worker thread; :class:`ProgressRelay` turns each
call into a queued signal for the GUI thread (at most one per percent, so a large file cannot
flood the event queue) and raises :class:`~client.ui.backend.Cancelled` in the worker once the
person pressed Cancel, which stops the transfer where it is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from client.ui.backend import Cancelled
from client.ui.presentation import format_size

__all__ = ["ProgressRelay", "TransferBar"]


class ProgressRelay(QObject):
    """Created on the GUI thread; ``callback()`` is handed to the worker."""

    progressed = Signal(int, int)  # bytes done, bytes in all (across every file)

    def __init__(self, total: int = 0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.total = total
        self.cancel_flag = threading.Event()
        self._base = 0  # bytes of the files already finished
        self._last = -1

    def cancel(self) -> None:
        self.cancel_flag.set()

    def next_file(self, size: int) -> None:
        """Called on the worker when a file is done: the next one adds to the total."""
        self._base += size

    def callback(self) -> Callable[[int, int], None]:
        def progress(done: int, total: int) -> None:
            if self.cancel_flag.is_set():
                raise Cancelled()
            whole = self.total or total
            at = self._base + done
            step = (at * 100 // whole) if whole else 100
            if step != self._last:
                self._last = step
                self.progressed.emit(at, whole)

        return progress


class TransferBar(QWidget):
    """What is being sent or saved, how far along, and a Cancel button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.cancel_button = QPushButton(self)
        self.relay: ProgressRelay | None = None
        self._what = ""
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.text)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel)
        self.retranslate()
        self.hide()

    def start(self, what: str, total: int) -> ProgressRelay:
        self.relay = ProgressRelay(total, self)
        self.relay.progressed.connect(self._on_progress)
        self._what = what
        self.bar.setValue(0)
        self.bar.setFormat("%p%")
        self.text.setText(what)
        self.cancel_button.setEnabled(True)
        self.show()
        return self.relay

    def _on_progress(self, done: int, total: int) -> None:
        self.bar.setValue(int(done * 1000 / total) if total else 1000)
        self.text.setText(f"{self._what} {format_size(done)} / {format_size(total)}")

    def cancel(self) -> None:
        if self.relay is not None:
            self.relay.cancel()
            self.cancel_button.setEnabled(False)
            self.text.setText(self.tr("Cancelling…"))

    def finish(self) -> None:
        self.relay = None
        self.hide()

    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the transfer"))
        self.bar.setAccessibleName(self.tr("Transfer progress"))
        self.text.setAccessibleName(self.tr("Transfer"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
