"""Directory and device verification: who is who, their clearance, and their fingerprints
in groups people can read aloud to each other."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import BackendEvent, Device, KeyChanged, KeyChangeNotice, Member
from client.ui.models import ValueRole, ValuesTableModel, clearance_text
from client.ui.page import Page, UiContext
from client.ui.presentation import fingerprint_rows
from client.ui.rules import ReadFilter

__all__ = ["DirectoryModel", "DirectoryPage", "fingerprint_text"]


def fingerprint_text(fingerprint: str) -> str:
    return "\n".join("  ".join(row) for row in fingerprint_rows(fingerprint))


class DirectoryModel(ValuesTableModel):
    def __init__(self, read_filter: ReadFilter, parent: QObject | None = None) -> None:
        super().__init__(read_filter, parent)

    def _headers(self) -> list[str]:
        return [self.tr("Name"), self.tr("Organisation"), self.tr("Clearance"), self.tr("Roles"),
                self.tr("Verified devices")]

    def _data(self, m: Member, column: int, role: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            verified = sum(1 for d in m.devices if d.verified)
            return [m.display_name, m.org, clearance_text(self._filter.policy, m.clearance),
                    ", ".join(sorted(m.clearance.roles)),
                    f"{verified}/{len(m.devices)}"][column]
        return None


class DirectoryPage(Page):
    key = "directory"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = DirectoryModel(ctx.read_filter, self)
        self.member: Member | None = None
        self.key_changes: list[KeyChangeNotice] = []
        self.device_buttons: dict[str, QPushButton] = {}

        self.own = QLabel(self)
        self.own.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.changes = QLabel(self)
        self.changes.setWordWrap(True)
        self.accept_button = QPushButton(self)
        self.devices_box = QWidget(self)
        self.devices_layout = QVBoxLayout(self.devices_box)
        self.devices_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.devices_box)

        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.addWidget(self.own)
        ll.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.changes, 1)
        row.addWidget(self.accept_button)
        ll.addLayout(row)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        self.table.selectionModel().currentChanged.connect(self._on_selected)
        self.accept_button.clicked.connect(self.accept_first_change)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Directory")

    def reload(self) -> None:
        keep = self.member.user_id if self.member else None
        self.model.set_values(self.ctx.backend.directory())
        self.key_changes = self.ctx.backend.pending_key_changes(None)
        self._show_changes()
        rows = [i for i, m in enumerate(self.model.values()) if m.user_id == keep]
        if rows:
            self.table.setCurrentIndex(self.model.index(rows[0], 0))
        else:
            self._show_member(None)

    def clear(self) -> None:
        self.model.clear()
        self.key_changes = []
        self._show_changes()
        self._show_member(None)

    def on_event(self, event: BackendEvent) -> None:
        if isinstance(event, KeyChanged):
            self.reload()

    def _on_selected(self, current: QModelIndex, _prev: QModelIndex) -> None:
        m = current.data(ValueRole) if current.isValid() else None
        self._show_member(m if isinstance(m, Member) else None)

    def _show_member(self, member: Member | None) -> None:
        self.member = member
        while self.devices_layout.count() > 1:
            item = self.devices_layout.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.device_buttons = {}
        if member is None:
            return
        for i, dev in enumerate(member.devices):
            self.devices_layout.insertWidget(i, self._device_box(member, dev))

    def _device_box(self, member: Member, dev: Device) -> QGroupBox:
        box = QGroupBox(self.tr("%1 — device %2").replace("%1", member.display_name)
                        .replace("%2", dev.device_id[:9]), self.devices_box)
        fp = QLabel(fingerprint_text(dev.fingerprint), box)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(font.pointSize() + 3)
        fp.setFont(QFont(font))
        fp.setAccessibleName(self.tr("Fingerprint"))
        fp.setAccessibleDescription(dev.fingerprint)
        fp.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        state = QLabel(self.tr("✔ Verified") if dev.verified else self.tr("Not verified"), box)
        state.setAccessibleName(self.tr("Verification state"))
        button = QPushButton(self.tr("Unmark verified") if dev.verified
                             else self.tr("Mark as &verified"), box)
        button.setAccessibleName(button.text().replace("&", ""))
        button.clicked.connect(lambda: self.set_verified(dev.device_id, not dev.verified))
        self.device_buttons[dev.device_id] = button
        lay = QVBoxLayout(box)
        lay.addWidget(QLabel(self.tr("Compare these numbers with %1 in person or by "
                                     "phone:").replace("%1", member.display_name), box))
        lay.addWidget(fp)
        row = QHBoxLayout()
        row.addWidget(state, 1)
        row.addWidget(button)
        lay.addLayout(row)
        return box

    def set_verified(self, device_id: str, verified: bool) -> None:
        backend = self.ctx.backend
        self.ctx.runner.submit(lambda: backend.set_verified(device_id, verified),
                               lambda _r: self.reload(), lambda err: self.ctx.notify(str(err)))

    def _show_changes(self) -> None:
        if not self.key_changes:
            self.changes.setText(self.tr("No key changes to review."))
            self.accept_button.hide()
            return
        n = self.key_changes[0]
        self.changes.setText(self.tr("%n key change(s) to review. %1 has a new key: %2", "",
                                     len(self.key_changes))
                             .replace("%1", n.display_name).replace("%2", n.new_fingerprint))
        self.accept_button.show()

    def accept_first_change(self) -> None:
        if not self.key_changes:
            return
        change_id = self.key_changes[0].change_id
        backend = self.ctx.backend
        self.ctx.runner.submit(lambda: backend.accept_key_change(change_id),
                               lambda _r: self.reload(), lambda err: self.ctx.notify(str(err)))

    def retranslate(self) -> None:
        me = self.ctx.identity
        self.own.setText(self.tr("Your device's fingerprint:") + "\n"
                         + fingerprint_text(me.fingerprint))
        self.own.setAccessibleName(self.tr("Your device's fingerprint"))
        self.table.setAccessibleName(self.tr("People"))
        self.changes.setAccessibleName(self.tr("Key changes"))
        self.accept_button.setText(self.tr("Accept new key"))
        self.accept_button.setAccessibleName(self.tr("Accept new key"))
        self.model.retranslate()
        self._show_changes()
        self._show_member(self.member)
