"""Home: a few tiles for the person's role, each leading to the screen that answers it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import BackendEvent
from client.ui.page import Page, UiContext
from client.ui.presentation import Tile, available_views, home_tiles

__all__ = ["HomePage", "role_text", "tile_text"]


def role_text(role: str) -> str:
    translate = QCoreApplication.translate
    return {
        "analyst": translate("Roles", "Analyst"),
        "responder": translate("Roles", "Incident responder"),
        "executive": translate("Roles", "Executive"),
        "operator": translate("Roles", "Reporting operator"),
        "publisher": translate("Roles", "Publisher"),
        "intake": translate("Roles", "Intake officer"),
    }.get(role, role)


def tile_text(key: str) -> str:
    translate = QCoreApplication.translate
    return {
        "severe_advisories": translate("Home", "Critical and high advisories (30 days)"),
        "affects_us": translate("Home", "Advisories that affect us"),
        "actions_overdue": translate("Home", "Actions overdue"),
        "actions_soon": translate("Home", "Actions due within 7 days"),
        "briefs_unacked": translate("Home", "Briefs to acknowledge"),
        "advisories_recent": translate("Home", "Advisories in the last 30 days"),
        "search": translate("Home", "Search everything you may read"),
        "rooms_unread": translate("Home", "Unread messages in joint rooms"),
        "report_incident": translate("Home", "Report an incident (quick report)"),
        "report_questions": translate("Home", "Questions from the centre to answer"),
        "reports_new": translate("Home", "New incident reports to triage"),
        "reports_waiting": translate("Home", "Reports waiting for information"),
        "compose_advisory": translate("Home", "Compose an advisory or brief"),
        "kev_catalog": translate("Home", "Exploited-vulnerability catalog"),
        "key_changes": translate("Home", "Key changes to review"),
    }.get(key, key)


class HomePage(Page):
    key = "home"
    view_chosen = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tiles: list[Tile] = []
        self.tile_buttons: list[QPushButton] = []
        self.greeting = QLabel(self)
        font = QFont(self.greeting.font())
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.greeting.setFont(font)
        self.role_box = QComboBox(self)
        for r in available_views(ctx.roles):
            self.role_box.addItem("", r)
        self.role_box.setCurrentIndex(max(0, self.role_box.findData(ctx.view)))
        self.role_caption = QLabel(self)
        self.role_caption.setBuddy(self.role_box)
        self.grid = QGridLayout()
        top = QHBoxLayout()
        top.addWidget(self.greeting, 1)
        top.addWidget(self.role_caption)
        top.addWidget(self.role_box)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(self.grid)
        lay.addStretch(1)
        self.role_box.currentIndexChanged.connect(self._on_view)
        # Events come in bursts during sync; count once they settle.
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(200)
        self._reload_timer.timeout.connect(self.reload)
        self._loaded = False
        self.retranslate()

    def title(self) -> str:
        return self.tr("Home")

    def role(self) -> str:
        return str(self.role_box.currentData())

    def _on_view(self, _index: int) -> None:
        self.ctx.view = self.role()
        self.view_chosen.emit(self.role())
        self.reload()

    def reload(self) -> None:
        b, rf = self.ctx.backend, self.ctx.read_filter
        briefs = [x for x in (rf.brief(y) for y in b.list_briefs()) if x is not None]
        advisories = [x for x in (rf.advisory(y) for y in b.list_advisories()) if x is not None]
        reports = b.list_reports() if self.role() in ("operator", "intake") else []
        self.tiles = home_tiles([self.role()], b.list_rooms(), briefs, advisories,
                                b.pending_key_changes(None), self.ctx.today(), reports)
        self._loaded = True
        self._build()

    def clear(self) -> None:
        self._reload_timer.stop()
        self._loaded = False
        self.tiles = []
        self._build()

    def on_event(self, event: BackendEvent) -> None:
        if self._loaded:
            self._reload_timer.start()

    def _build(self) -> None:
        for btn in self.tile_buttons:
            self.grid.removeWidget(btn)
            btn.deleteLater()
        self.tile_buttons = []
        for i, tile in enumerate(self.tiles):
            btn = QPushButton(self)
            btn.setMinimumHeight(72)
            btn.setEnabled(tile.enabled)
            if tile.urgent:
                btn.setStyleSheet("QPushButton { border: 2px solid #b71c1c; font-weight: bold; }")
            btn.clicked.connect(lambda _c=False, t=tile.target: self.navigate.emit(t, ""))
            self.grid.addWidget(btn, i // 2, i % 2)
            self.tile_buttons.append(btn)
        self._texts()

    def _texts(self) -> None:
        for btn, tile in zip(self.tile_buttons, self.tiles, strict=True):
            text = tile_text(tile.key)
            if tile.count is not None:
                text = f"{tile.count}\n{text}"
            btn.setText(text)
            btn.setAccessibleName(text.replace("\n", " "))

    def retranslate(self) -> None:
        me = self.ctx.identity
        self.greeting.setText(self.tr("Welcome, %1 (%2)").replace("%1", me.display_name)
                              .replace("%2", me.org))
        self.greeting.setAlignment(Qt.AlignmentFlag.AlignLeft)
        for i in range(self.role_box.count()):
            self.role_box.setItemText(i, role_text(str(self.role_box.itemData(i))))
        self.role_caption.setText(self.tr("&View as:"))
        self.role_box.setAccessibleName(self.tr("Home view for role"))
        self._texts()
