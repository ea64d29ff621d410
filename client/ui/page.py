"""What every main-window screen shares: the context it works in and the page contract."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QPoint, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QWidget

from client.ui.backend import Backend, BackendEvent, Identity
from client.ui.guard import CopyGuard
from client.ui.models import ValueRole
from client.ui.rules import ReadFilter
from client.ui.workers import TaskRunner
from intel.markings import Label, Policy

__all__ = ["Page", "UiContext", "visible_labels_of", "visible_rows"]


@dataclass
class UiContext:
    """Handed to every page: one backend, one reader, one copy guard, one worker."""

    backend: Backend
    policy: Policy
    identity: Identity
    read_filter: ReadFilter
    guard: CopyGuard
    runner: TaskRunner
    notify: Callable[[str], None]  # a short message in the status bar
    today: Callable[[], date]
    view: str = "analyst"  # the home view in use (presentation.available_views)

    @property
    def roles(self) -> frozenset[str]:
        return self.identity.clearance.roles

    def audit_open(self, item_id: str, label: Label) -> None:
        """Record that a restricted item was opened (an audit failure is shown, not
        raised: reading goes on, the status bar says the log could not be written)."""
        from client.ui.backend import BackendError
        from client.ui.rules import audit_on_open

        if not audit_on_open(self.policy, label):
            return
        try:
            self.backend.record_open(item_id, label)
        except BackendError as exc:
            self.notify(str(exc))


class Page(QWidget):
    """A main-window screen.

    ``labels_changed`` fires whenever what it shows changes, and ``visible_labels`` lists
    the labels of the content on screen, so the window's banners follow them.
    """

    labels_changed = Signal()
    navigate = Signal(str, str)  # page key, item id (open something on another page)

    key = ""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"page_{self.key}")
        self._label_timer = QTimer(self)
        self._label_timer.setSingleShot(True)
        self._label_timer.setInterval(0)
        self._label_timer.timeout.connect(self.labels_changed)

    def labels_moved(self) -> None:
        """What is on screen changed: tell the banners now, and again once the views have
        laid out new rows (item views lay out lazily, after the change itself)."""
        self.labels_changed.emit()
        self._label_timer.start()

    def title(self) -> str:
        return self.key

    def visible_labels(self) -> list[Label]:
        return []

    def reload(self) -> None:
        """Read everything afresh (first show, after unlock)."""

    def clear(self) -> None:
        """Forget all content (lock)."""

    def on_event(self, event: BackendEvent) -> None:
        """A backend event arrived (on the GUI thread)."""

    def open_item(self, item_id: str) -> None:
        """Show ``item_id`` (from search or a notification)."""

    def retranslate(self) -> None:
        """Re-read every user-visible string."""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def visible_rows(view: QAbstractItemView) -> list[int]:
    """Rows of ``view`` whose rectangles intersect its viewport (what a person can see)."""
    model = view.model()
    if model is None or model.rowCount() == 0 or not view.isVisible():
        return []
    vp = view.viewport().rect()
    top = view.indexAt(QPoint(1, vp.top() + 1))
    first = top.row() if top.isValid() else 0
    rows = []
    for r in range(first, model.rowCount()):
        rect = view.visualRect(model.index(r, 0))
        if rect.top() > vp.bottom():
            break
        if rect.intersects(vp):
            rows.append(r)
    return rows


def visible_labels_of(view: QAbstractItemView) -> list[Label]:
    """Labels of the values shown in the visible rows of a list or table of documents."""
    model = view.model()
    out: list[Label] = []
    for r in visible_rows(view):
        value = model.index(r, 0).data(ValueRole)
        label = getattr(value, "label", None)
        if isinstance(label, Label):
            out.append(label)
    return out
