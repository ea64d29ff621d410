"""Item models for rooms, members, briefs, advisories and search results.

Every model passes what it is given through the reader's :class:`ReadFilter` before it
becomes a row, so a bug in the backend's filtering cannot put restricted content in a view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from client.ui.backend import Advisory, Brief, Member, RoomSummary, SearchResult
from client.ui.i18n import current_language
from client.ui.rules import ReadFilter, portion_mark
from client.ui.timeline import format_time
from intel.markings import Clearance, Label, Policy

__all__ = [
    "AdvisoryListModel",
    "BriefListModel",
    "MembersModel",
    "RoomListModel",
    "SearchResultsModel",
    "ValueRole",
    "clearance_text",
    "severity_colour",
    "severity_text",
]

ValueRole = Qt.ItemDataRole.UserRole + 10
Index = QModelIndex | QPersistentModelIndex
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)

_SEVERITY_COLOURS = {"critical": "#b71c1c", "high": "#e65100", "medium": "#f9a825",
                     "low": "#2e7d32", "info": "#546e7a"}


def severity_text(severity: str) -> str:
    translate = QCoreApplication.translate
    return {
        "critical": translate("Severity", "Critical"),
        "high": translate("Severity", "High"),
        "medium": translate("Severity", "Medium"),
        "low": translate("Severity", "Low"),
        "info": translate("Severity", "Informational"),
    }.get(severity, severity)


def severity_colour(severity: str) -> str:
    return _SEVERITY_COLOURS.get(severity, "#546e7a")


def clearance_text(policy: Policy, clearance: Clearance) -> str:
    try:
        text = policy.level(clearance.level).display(current_language())
    except Exception:  # noqa: BLE001 - an unknown level is shown as its key
        text = clearance.level
    if clearance.compartments:
        text += " / " + ", ".join(sorted(clearance.compartments))
    return text


class ValuesModel(QAbstractListModel):
    """A list of immutable values, replaced as a whole (small lists: rooms, briefs...)."""

    def __init__(self, read_filter: ReadFilter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = read_filter
        self._rows: list[Any] = []

    def _admit(self, value: Any) -> Any | None:
        return value

    def set_values(self, values: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = [v for v in (self._admit(x) for x in values) if v is not None]
        self.endResetModel()

    def clear(self) -> None:
        self.set_values([])

    def value(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def values(self) -> tuple[Any, ...]:
        return tuple(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        v = self.value(index.row()) if index.isValid() else None
        if v is None:
            return None
        if role == ValueRole:
            return v
        return self._data(v, role)

    def _data(self, value: Any, role: int) -> object:
        return None

    def retranslate(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def _mark(self, label: Label) -> str:
        return portion_mark(self._filter.policy, label, current_language())


class RoomListModel(ValuesModel):
    def _data(self, room: RoomSummary, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{room.name}  ({room.unread})" if room.unread else room.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.tr("%1, %2 unread").replace("%1", room.name).replace(
                "%2", str(room.unread))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tr("Room ceiling: %1").replace("%1", self._mark(room.ceiling))
        if role == Qt.ItemDataRole.FontRole and room.unread:
            from PySide6.QtGui import QFont

            f = QFont()
            f.setBold(True)
            return f
        return None

    def row_of(self, room_id: str) -> int | None:
        for i, r in enumerate(self._rows):
            if r.room_id == room_id:
                return i
        return None


class BriefListModel(ValuesModel):
    def _admit(self, value: Brief) -> Brief | None:
        return self._filter.brief(value)

    def _data(self, b: Brief, role: int) -> object:
        if role in _TEXT_ROLES:
            ack = self.tr("acknowledged") if b.acknowledged_ms else self.tr("not acknowledged")
            return f"{self._mark(b.label)} {b.title} · {b.author} · " \
                   f"{format_time(b.published_ms)} · {ack}"
        return None


class SearchResultsModel(ValuesModel):
    def _admit(self, value: SearchResult) -> SearchResult | None:
        return self._filter.result(value)

    def _data(self, r: SearchResult, role: int) -> object:
        if role in _TEXT_ROLES:
            return f"{self._mark(r.label)} {r.title or r.kind} — {r.snippet}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return format_time(r.created_ms)
        return None


class ValuesTableModel(QAbstractTableModel):
    def __init__(self, read_filter: ReadFilter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = read_filter
        self._rows: list[Any] = []

    def _admit(self, value: Any) -> Any | None:
        return value

    def set_values(self, values: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = [v for v in (self._admit(x) for x in values) if v is not None]
        self.endResetModel()

    def clear(self) -> None:
        self.set_values([])

    def value(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def values(self) -> tuple[Any, ...]:
        return tuple(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._headers())

    def _headers(self) -> list[str]:
        return []

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            heads = self._headers()
            return heads[section] if 0 <= section < len(heads) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        v = self.value(index.row()) if index.isValid() else None
        if v is None:
            return None
        if role == ValueRole:
            return v
        return self._data(v, index.column(), role)

    def _data(self, value: Any, column: int, role: int) -> object:
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self._headers()) - 1))
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self._headers()) - 1))

    def _mark(self, label: Label) -> str:
        return portion_mark(self._filter.policy, label, current_language())


class MembersModel(ValuesTableModel):
    """Room members with organisation and clearance, and whether each may read ``label``."""

    def __init__(self, read_filter: ReadFilter, parent: QObject | None = None) -> None:
        super().__init__(read_filter, parent)
        self.label: Label | None = None

    def set_label(self, label: Label | None) -> None:
        self.label = label
        if self._rows:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self._rows) - 1, 3))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 3, 3)

    def can_read(self, member: Member) -> bool | None:
        if self.label is None:
            return None
        rf = ReadFilter(self._filter.policy, member.clearance)
        return rf.may_read(self.label, [member.clearance.user_id])

    def _headers(self) -> list[str]:
        read = (self.tr("Can read %1").replace("%1", self._mark(self.label)) if self.label
                else self.tr("Can read"))
        return [self.tr("Name"), self.tr("Organisation"), self.tr("Clearance"), read]

    def _data(self, m: Member, column: int, role: int) -> object:
        if role in _TEXT_ROLES:
            if column == 0:
                return m.display_name
            if column == 1:
                return m.org
            if column == 2:
                return clearance_text(self._filter.policy, m.clearance)
            if column == 3:
                ok = self.can_read(m)
                return "" if ok is None else (self.tr("Yes") if ok else self.tr("No"))
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            ok = self.can_read(m)
            if ok is not None:
                return QColor("#1b5e20" if ok else "#b71c1c")
        return None


class AdvisoryListModel(ValuesTableModel):
    def _admit(self, value: Advisory) -> Advisory | None:
        return self._filter.advisory(value)

    def _headers(self) -> list[str]:
        return [self.tr("Severity"), self.tr("Title"), self.tr("Marking"), self.tr("Published"),
                self.tr("Official")]

    def _data(self, a: Advisory, column: int, role: int) -> object:
        if role in _TEXT_ROLES:
            return [
                severity_text(a.severity),
                a.title,
                self._mark(a.label),
                format_time(a.published_ms),
                self.tr("Signed by the publisher") if a.official else self.tr("Not verified"),
            ][column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor(severity_colour(a.severity))
        return None

    def row_of(self, advisory_id: str) -> int | None:
        for i, a in enumerate(self._rows):
            if a.advisory_id == advisory_id:
                return i
        return None
