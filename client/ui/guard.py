"""Copy guard: no copying at or above the policy's threshold; what we copy clears itself.

Every copy path of the reading views (keyboard, context menu, drag) goes through
:class:`CopyGuard`. The clipboard is cleared after a delay only if it still holds exactly
what we put there, so the user's own later clipboard content is left alone.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QClipboard, QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTextBrowser, QWidget

from client.ui.i18n import current_language
from client.ui.rules import CLIPBOARD_CLEAR_MS, copy_allowed
from intel.markings import Label, Policy

__all__ = ["CopyGuard", "GuardedTextView", "ItemViewCopyFilter"]


class CopyGuard(QObject):
    blocked = Signal(str)  # the message to show
    copied = Signal(str)  # the message to show
    cleared = Signal()

    def __init__(
        self,
        policy: Policy,
        clipboard: QClipboard | None = None,
        clear_after_ms: int = CLIPBOARD_CLEAR_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._policy = policy
        self._clipboard = clipboard or QGuiApplication.clipboard()
        self._last: tuple[str, Label] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self.expire)

    @property
    def clear_after_ms(self) -> int:
        return self._timer.interval()

    def timer_active(self) -> bool:
        return self._timer.isActive()

    def may_copy(self, label: Label | None) -> bool:
        return copy_allowed(self._policy, label)

    def refuse(self, label: Label | None) -> None:
        if label is None:
            self.blocked.emit(self.tr("Copying is blocked: this content carries no marking "
                                      "that would allow it."))
            return
        try:
            level = self._policy.level(label.level).display(current_language())
        except Exception:  # noqa: BLE001 - the message still makes sense without it
            level = label.level
        limit = self._policy.level(self._policy.copy_block_level).display(current_language())
        self.blocked.emit(
            self.tr("Copying is blocked: this content is marked %1, and content marked %2 or "
                    "higher may not be copied.").replace("%1", level).replace("%2", limit))

    def copy(self, text: str, label: Label | None) -> bool:
        """Put ``text`` on the clipboard if its label allows; returns whether it did."""
        if not self.may_copy(label):
            self.refuse(label)
            return False
        if not text:
            return False
        self._clipboard.setText(text, QClipboard.Mode.Clipboard)
        self.remember(text, label)
        return True

    def remember(self, text: str, label: Label | None) -> None:
        assert label is not None
        self._last = (text, label)
        self._timer.start()
        seconds = max(1, self._timer.interval() // 1000)
        self.copied.emit(self.tr("Copied. The clipboard will be cleared in %1 seconds.")
                         .replace("%1", str(seconds)))

    def source_label(self, text: str) -> Label | None:
        """The label of what we copied, if ``text`` is it (pasting derived content)."""
        if self._last is not None and text and text.strip() == self._last[0].strip():
            return self._last[1]
        return None

    def expire(self) -> None:
        """Clear the clipboard if it still holds what we put there."""
        self._timer.stop()
        if self._last is not None and self._clipboard.text() == self._last[0]:
            self._clipboard.clear(QClipboard.Mode.Clipboard)
            self.cleared.emit()
        self._last = None


class GuardedTextView(QTextBrowser):
    """A read-only rich-text view whose every copy path asks the guard first.

    ``content_label`` is the highest label of what the view shows; a selection is treated
    as carrying it (portions can be mixed within one selection).
    """

    def __init__(self, guard: CopyGuard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._guard = guard
        self.content_label: Label | None = None
        self.setOpenLinks(False)

    def set_content(self, html: str, label: Label | None) -> None:
        self.content_label = label
        self.setHtml(html)

    def clear_content(self) -> None:
        self.content_label = None
        self.clear()

    def copy_selection(self) -> bool:
        if not self._guard.may_copy(self.content_label):
            self._guard.refuse(self.content_label)
            return False
        text = self.textCursor().selection().toPlainText()
        return self._guard.copy(text, self.content_label)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        menu = QMenu(self)
        act = menu.addAction(self.tr("Copy"))
        act.setEnabled(self.textCursor().hasSelection())
        act.triggered.connect(self.copy_selection)
        menu.addAction(self.tr("Select all"), self.selectAll)
        menu.exec(event.globalPos())

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - drag, selection
        mime = QMimeData()
        text = self.textCursor().selection().toPlainText()
        # Silent here: X11 calls this on every mouse selection; the keyboard and menu paths
        # above are where a person asks to copy, and they get the explanation.
        if not self._guard.may_copy(self.content_label):
            return mime
        mime.setText(text)
        return mime


class ItemViewCopyFilter(QObject):
    """Routes Ctrl+C in item views through the guard.

    Qt's item views copy the current cell's text on the Copy key by themselves; this filter
    takes that key first. The label is that of the row's value (``label_of``), so a row that
    carries no label is not copied at all.
    """

    def __init__(self, guard: CopyGuard, value_role: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._guard = guard
        self._role = value_role

    def watch(self, view: QAbstractItemView) -> None:
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.matches(QKeySequence.StandardKey.Copy)
                and isinstance(watched, QAbstractItemView)):
            index = watched.currentIndex()
            if index.isValid():
                value = index.data(self._role)
                label = getattr(value, "label", None)
                text = index.data(Qt.ItemDataRole.DisplayRole)
                self._guard.copy(str(text or ""), label if isinstance(label, Label) else None)
            return True
        return False
