"""A room's timeline: a lazily paged item model and the delegate that draws its rows.

Newest first: Qt's ``canFetchMore``/``fetchMore`` extend a model at its end, and scrolling
down a newest-first timeline is scrolling into the past, so history loads page by page as the
reader goes back, and 100,000 messages never load at once. New arrivals are inserted at the
top. Each page passes the model's own read filter; entries the reader may not read never
become rows.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from client.ui.backend import Backend, Entry
from client.ui.i18n import current_language
from client.ui.marks import paint_chip
from client.ui.presentation import format_size
from client.ui.rules import ReadFilter, portion_mark

__all__ = ["EntryRole", "LabelRole", "TimelineDelegate", "TimelineModel", "attachment_lines",
           "format_time"]

EntryRole = Qt.ItemDataRole.UserRole + 1
LabelRole = Qt.ItemDataRole.UserRole + 2
_MAX_BODY_LINES = 20
_LIVE_BATCH = 500
_LIVE_RESET_AFTER = 5_000

Index = QModelIndex | QPersistentModelIndex


def format_time(ms: int) -> str:
    return QDateTime.fromMSecsSinceEpoch(ms).toString("yyyy-MM-dd HH:mm")


def attachment_lines(e: Entry) -> str:
    """One line per file the message carries: "File: name (size)"."""
    text = QCoreApplication.translate("TimelineModel", "File: %1 (%2)")
    return "\n".join(text.replace("%1", a.name).replace("%2", format_size(a.size))
                     for a in e.attachments)


class TimelineModel(QAbstractListModel):
    def __init__(
        self,
        backend: Backend,
        read_filter: ReadFilter,
        page_size: int = 200,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._filter = read_filter
        self.page_size = page_size
        self.room_id: str | None = None
        self._rows: list[Entry] = []
        self._oldest_pos: int | None = None  # keyset cursor for the next older page
        self._newest_pos = 0
        self._exhausted = True
        self.pages_fetched = 0
        self.entries_fetched = 0  # including those filtered out

    # -- loading ------------------------------------------------------------------------
    def set_room(self, room_id: str | None) -> None:
        self.beginResetModel()
        self.room_id = room_id
        self._rows = []
        self._oldest_pos = None
        self._newest_pos = 0
        self.pages_fetched = 0
        self.entries_fetched = 0
        self._exhausted = room_id is None or self._backend.count_items(room_id) == 0
        self.endResetModel()

    def clear(self) -> None:
        """Forget every row (the vault is being locked)."""
        self.set_room(None)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid() or self._exhausted or self.room_id is None:
            return
        page = self._backend.page_items(self.room_id, self._oldest_pos, self.page_size)
        self.pages_fetched += 1
        self.entries_fetched += len(page)
        if len(page) < self.page_size:
            self._exhausted = True
        if not page:
            return
        self._oldest_pos = min(e.pos for e in page)
        self._newest_pos = max(self._newest_pos, max(e.pos for e in page))
        visible = self._visible(sorted(page, key=lambda e: e.pos, reverse=True))
        if visible:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(visible) - 1)
            self._rows.extend(visible)
            self.endInsertRows()

    def load_new(self) -> int:
        """Insert entries that arrived since the newest one shown; returns how many rows."""
        if self.room_id is None:
            return 0
        if self.pages_fetched == 0:
            return 0  # nothing shown yet: the first fetchMore will bring them
        fresh: list[Entry] = []
        after = self._newest_pos
        while True:
            batch = self._backend.items_after(self.room_id, after, _LIVE_BATCH)
            fresh.extend(batch)
            if len(batch) < _LIVE_BATCH:
                break
            after = max(e.pos for e in batch)
            if len(fresh) >= _LIVE_RESET_AFTER:
                # A flood (e.g. catch-up): start again from the newest page instead.
                self.set_room(self.room_id)
                return 0
        if not fresh:
            return 0
        self._newest_pos = max(self._newest_pos, max(e.pos for e in fresh))
        self.entries_fetched += len(fresh)
        visible = self._visible(sorted(fresh, key=lambda e: e.pos, reverse=True))
        if visible:
            self.beginInsertRows(QModelIndex(), 0, len(visible) - 1)
            self._rows[0:0] = visible
            self.endInsertRows()
        return len(visible)

    def _visible(self, entries: list[Entry]) -> list[Entry]:
        out = []
        for e in entries:
            if e.room_id != self.room_id:
                continue  # an adapter bug must not leak one room into another
            shown = self._filter.entry(e)
            if shown is not None:
                out.append(shown)
        return out

    # -- reading ------------------------------------------------------------------------
    @property
    def newest_pos(self) -> int:
        return self._newest_pos

    def entry(self, row: int) -> Entry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._rows)

    def row_of(self, item_id: str) -> int | None:
        for i, e in enumerate(self._rows):
            if e.item_id == item_id:
                return i
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        e = self.entry(index.row()) if index.isValid() else None
        if e is None:
            return None
        if role == EntryRole:
            return e
        if role == LabelRole:
            return e.label
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            return self.describe(e)
        return None

    def describe(self, e: Entry) -> str:
        """One line of plain text per row, for screen readers and tooltips."""
        when = format_time(e.created_ms)
        if e.state == "gap":
            return self.tr("Warning: messages are missing (%1)").replace("%1", e.reason)
        if e.state == "rejected":
            return (self.tr("Warning: a message from %1 was rejected: %2")
                    .replace("%1", e.sender_name or e.sender_user or "?")
                    .replace("%2", e.reason))
        mark = portion_mark(self._filter.policy, e.label, current_language()) if e.label else ""
        text = f"{mark} {e.sender_name} ({e.sender_org}) {when}: {e.body}"
        if e.attachments:
            files = ", ".join(f"{a.name} ({format_size(a.size)})" for a in e.attachments)
            text += " " + self.tr("Attached files: %1").replace("%1", files)
        return text

    def warning_title(self, e: Entry) -> str:
        if e.state == "gap":
            return self.tr("Missing messages")
        return self.tr("Rejected message: it failed verification and is not shown")

    def retranslate(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))


class TimelineDelegate(QStyledItemDelegate):
    """Draws a row: portion-mark chip, sender and organisation, time, wrapped body.

    Warning rows (rejected envelopes, gaps) get a tinted background and say what happened.
    """

    PAD = 6

    def __init__(self, view: QAbstractItemView, read_filter: ReadFilter) -> None:
        super().__init__(view)
        self._view = view
        self._policy = read_filter.policy

    def _body_rect(self, width: int) -> QRect:
        return QRect(0, 0, max(50, width - 2 * self.PAD), 10_000)

    def _texts(self, e: Entry) -> tuple[str, str]:
        model = self._view.model()
        if e.state != "ok" and isinstance(model, TimelineModel):
            return "⚠ " + model.warning_title(e), model.describe(e)
        head = f"{e.sender_name}  ·  {e.sender_org}  ·  {format_time(e.created_ms)}"
        body = e.body
        if e.quote_of:
            body = "↪ " + body
        if e.attachments:
            body = (body + "\n" if body else "") + attachment_lines(e)
        return head, body

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        e = index.data(EntryRole)
        if not isinstance(e, Entry):
            return super().sizeHint(option, index)
        fm = QFontMetrics(option.font)
        width = self._view.viewport().width()
        _, body = self._texts(e)
        line_h = fm.lineSpacing()
        r = fm.boundingRect(self._body_rect(width), int(Qt.TextFlag.TextWordWrap), body)
        # Slack for glyphs from fallback fonts (Japanese), taller than the Latin font's lines.
        slack = (r.height() // max(line_h, 1)) * line_h // 5
        body_h = min(r.height() + slack, line_h * _MAX_BODY_LINES)
        return QSize(width, self.PAD * 3 + fm.height() + 4 + body_h)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        e = index.data(EntryRole)
        if not isinstance(e, Entry):
            super().paint(painter, option, index)
            return
        painter.save()
        rect = option.rect
        pal = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if e.state != "ok":
            painter.fillRect(rect, QColor("#fff3cd" if e.state == "gap" else "#f8d7da"))
        elif selected:
            painter.fillRect(rect, pal.color(QPalette.ColorRole.Highlight))
        text_colour = (QColor("#000000") if e.state != "ok" else
                       pal.color(QPalette.ColorRole.HighlightedText if selected
                                 else QPalette.ColorRole.Text))
        inner = rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        head, body = self._texts(e)
        x = inner.left()
        if e.label is not None and e.state == "ok":
            mark = portion_mark(self._policy, e.label, current_language())
            chip = paint_chip(painter, inner, self._policy, e.label, mark)
            x = chip.right() + self.PAD
        fm = QFontMetrics(option.font)
        painter.setPen(text_colour)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QRect(x, inner.top() + 2, inner.right() - x, fm.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), head)
        painter.setFont(option.font)
        body_top = inner.top() + fm.height() + 4 + self.PAD
        painter.drawText(QRect(inner.left(), body_top, inner.width(), inner.bottom() - body_top),
                         int(Qt.TextFlag.TextWordWrap), body)
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.restore()
