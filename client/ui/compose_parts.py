"""Parts of the compose box: the files to send with the message, and the named recipients a
TLP:RED message needs.

Files are only listed here; nothing leaves the computer until Send, when they are encrypted
and uploaded on the worker thread and then travel inside the message, at its label.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import Member
from client.ui.presentation import format_size

__all__ = ["AttachmentList", "RecipientsBox", "choose_files"]

translate = QCoreApplication.translate
MAX_FILES = 20  # what one message may carry (sync.content.Content)


def choose_files(parent: QWidget) -> list[str]:
    paths, _filter = QFileDialog.getOpenFileNames(
        parent, translate("ComposePanel", "Attach files"))
    return list(paths)


class AttachmentList(QWidget):
    """The files chosen for the next message, each with its size and a way to drop it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths: list[str] = []
        self._icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        self.list = QListWidget(self)
        self.list.setMaximumHeight(64)
        self.remove_button = QPushButton(self)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        self.remove_button.clicked.connect(self.remove_selected)
        self.retranslate()
        self._refresh()

    def add(self, paths: Iterable[str]) -> list[str]:
        """Add files (duplicates and non-files are skipped); returns those refused."""
        refused = []
        for p in paths:
            if p in self.paths or not os.path.isfile(p) or len(self.paths) >= MAX_FILES:
                refused.append(p)
                continue
            self.paths.append(p)
        self._refresh()
        return refused

    def clear(self) -> None:
        self.paths = []
        self._refresh()

    def total_size(self) -> int:
        total = 0
        for p in self.paths:
            try:
                total += os.path.getsize(p)
            except OSError:
                continue
        return total

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.list.selectedIndexes()}, reverse=True)
        if not rows and self.paths:
            rows = [len(self.paths) - 1]
        for r in rows:
            del self.paths[r]
        self._refresh()

    def _refresh(self) -> None:
        self.list.clear()
        for p in self.paths:
            try:
                size = format_size(os.path.getsize(p))
            except OSError:
                size = "?"
            item = QListWidgetItem(self._icon, f"{os.path.basename(p)}  ({size})")
            item.setToolTip(p)
            self.list.addItem(item)
        self.setVisible(bool(self.paths))
        self.changed.emit()

    def retranslate(self) -> None:
        self.list.setAccessibleName(self.tr("Files to send"))
        self.remove_button.setText(self.tr("Remove file"))
        self.remove_button.setAccessibleName(self.tr("Remove the chosen file"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class RecipientsBox(QGroupBox):
    """Who a TLP:RED message is addressed to: the room members cleared for its label, none
    ticked but the writer. The message goes to exactly those ticked."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.me = ""
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setMaximumHeight(90)
        lay = QVBoxLayout(self)
        lay.addWidget(self.note)
        lay.addWidget(self.list)
        self.list.itemChanged.connect(lambda _i: self.changed.emit())
        self.retranslate()
        self.hide()

    def set_candidates(self, members: Sequence[Member], me: str) -> None:
        """Offer ``members``; keep the ticks of those still offered (the writer stays)."""
        keep = set(self.chosen()) | {me}
        self.me = me
        self.list.blockSignals(True)
        self.list.clear()
        for m in members:
            you = self.tr(" (you)") if m.user_id == me else ""
            item = QListWidgetItem(f"{m.display_name}{you} — {m.org}")
            item.setData(Qt.ItemDataRole.UserRole, m.user_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if m.user_id in keep
                               else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, item.text())
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.changed.emit()

    def reset(self) -> None:
        """A new message: nobody named but the writer."""
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            mine = item.data(Qt.ItemDataRole.UserRole) == self.me
            item.setCheckState(Qt.CheckState.Checked if mine else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.changed.emit()

    def chosen(self) -> list[str]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_checked(self, user_id: str, checked: bool) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == user_id:
                item.setCheckState(Qt.CheckState.Checked if checked
                                   else Qt.CheckState.Unchecked)

    def retranslate(self) -> None:
        self.setTitle(self.tr("TLP:RED recipients"))
        self.note.setText(self.tr("TLP:RED goes to the people you name only. Tick each "
                                  "recipient; only members cleared for this marking are "
                                  "listed."))
        self.list.setAccessibleName(self.tr("Named recipients"))
        self.note.setAccessibleName(self.tr("About named recipients"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
