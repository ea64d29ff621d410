"""Widgets of the joint-rooms screen: the timeline list (copying through the copy guard) and
the warning strip for a changed key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QWidget,
)

from client.ui.backend import Entry, KeyChangeNotice
from client.ui.guard import CopyGuard
from client.ui.i18n import current_language
from client.ui.page import visible_rows
from client.ui.rules import banner_label, portion_mark
from client.ui.timeline import TimelineModel
from intel.markings import Label

__all__ = ["KeyChangeBar", "TimelineView"]


class TimelineView(QListView):
    """The timeline list; copying goes through the copy guard."""

    def __init__(self, guard: CopyGuard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._guard = guard
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(100)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def timeline(self) -> TimelineModel:
        model = self.model()
        assert isinstance(model, TimelineModel)
        return model

    def selected_entries(self) -> list[Entry]:
        rows = sorted(i.row() for i in self.selectionModel().selectedIndexes())
        model = self.timeline()
        return [e for e in (model.entry(r) for r in rows) if e is not None]

    def visible_labels(self) -> list[Label]:
        model = self.timeline()
        out = []
        for r in visible_rows(self):
            e = model.entry(r)
            if e is not None and e.state == "ok" and e.label is not None:
                out.append(e.label)
        return out

    def copy_selection(self) -> bool:
        entries = [e for e in self.selected_entries() if e.state == "ok" and e.label]
        if not entries:
            return False
        policy = self.timeline()._filter.policy
        label = banner_label(policy, [e.label for e in entries])
        text = "\n".join(f"{portion_mark(policy, e.label, current_language())} "  # type: ignore[arg-type]
                         f"{e.sender_name}: {e.body}" for e in entries)
        return self._guard.copy(text, label)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)


class KeyChangeBar(QFrame):
    """A warning strip: a known person's key changed, sending is blocked until accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("key_change_bar")
        self.setStyleSheet("#key_change_bar { background: #fff3cd; border: 1px solid #b26a00; }"
                           " QLabel { color: #3e2723; }")
        self.notices: list[KeyChangeNotice] = []
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.accept_button = QPushButton(self)
        lay = QHBoxLayout(self)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.accept_button)
        self.hide()

    def set_notices(self, notices: list[KeyChangeNotice]) -> None:
        self.notices = list(notices)
        self.retranslate()
        self.setVisible(bool(notices))

    def retranslate(self) -> None:
        self.accept_button.setText(self.tr("&Accept new key"))
        self.accept_button.setAccessibleName(self.tr("Accept new key"))
        self.text.setAccessibleName(self.tr("Key change warning"))
        if not self.notices:
            self.text.clear()
            return
        n = self.notices[0]
        msg = self.tr("The key of %1 changed. Sending in this room is blocked until you accept "
                      "it. Compare the new fingerprint with them first: %2")
        self.text.setText(msg.replace("%1", n.display_name).replace("%2", n.new_fingerprint))
