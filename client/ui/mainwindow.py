"""The main window: banners top and bottom, navigation, screens, status bar, lock screen."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from client.ui.advisories import AdvisoriesPage
from client.ui.backend import (
    AdvisoryArrived,
    Backend,
    BackendError,
    BackendEvent,
    SyncStatus,
)
from client.ui.briefs import BriefsPage
from client.ui.config import UiSettings, save_settings
from client.ui.directory import DirectoryPage
from client.ui.guard import CopyGuard, ItemViewCopyFilter
from client.ui.home import HomePage
from client.ui.i18n import apply_language, current_language
from client.ui.icon import app_icon
from client.ui.idle import IdleLock, LockScreen
from client.ui.kev import KevPage
from client.ui.marks import ClassificationBanner, PortionChip
from client.ui.models import ValueRole
from client.ui.notify import Notifier
from client.ui.page import Page, UiContext
from client.ui.presentation import available_views, primary_role
from client.ui.publish import PublishPage
from client.ui.reports import ReportsPage
from client.ui.rooms import RoomsPage, TimelineView
from client.ui.rules import CLIPBOARD_CLEAR_MS, ReadFilter, banner_label, effective_idle_seconds
from client.ui.search import SearchPage
from client.ui.settings import SettingsPage
from client.ui.workers import EventBridge, SyncController, TaskRunner
from intel.markings import Label

__all__ = ["MainWindow"]

PAGE_ORDER = ("home", "rooms", "briefs", "advisories", "kev", "reports", "publish", "search",
              "directory", "settings")


def initial_view(saved: str, roles: Iterable[str]) -> str:
    """The saved home view when the certificate still allows it, else the roles' own."""
    roles = list(roles)
    return saved if saved in available_views(roles) else primary_role(roles)


class NoticeBar(QFrame):
    """An in-app notice (urgent advisory) when no system tray is available."""

    def __init__(self, policy_chip: PortionChip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice_bar")
        self.setStyleSheet("#notice_bar { background: #fdecea; border: 1px solid #b71c1c; }"
                           " QLabel { color: #3e0000; }")
        self.label: Label | None = None
        self.chip = policy_chip
        self.chip.setParent(self)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.close_button = QPushButton(self)
        lay = QHBoxLayout(self)
        lay.addWidget(self.chip)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.close_button)
        self.hide()

    def show_notice(self, title: str, body: str, label: Label | None) -> None:
        self.label = label
        self.chip.set_label(label)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # advisory titles are not markup
        self.text.setText(f"{title} — {body}")
        self.show()

    def dismiss(self) -> None:
        self.label = None
        self.hide()


class MainWindow(QMainWindow):
    def __init__(
        self,
        backend: Backend,
        settings: UiSettings | None = None,
        settings_path: Path | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
        clipboard_clear_ms: int = CLIPBOARD_CLEAR_MS,
        start_sync: bool = True,
        use_tray: bool | None = None,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.settings = settings or UiSettings()
        self.settings_path = settings_path
        self.policy = backend.policy()
        identity = backend.identity()
        self.read_filter = ReadFilter(self.policy, identity.clearance)
        self.guard = CopyGuard(self.policy, clear_after_ms=clipboard_clear_ms, parent=self)
        self.runner = TaskRunner(self)
        self.ctx = UiContext(backend, self.policy, identity, self.read_filter, self.guard,
                             self.runner, self.notify, today,
                             initial_view(self.settings.home_view, identity.clearance.roles))
        self.locked = False
        self.setWindowIcon(app_icon())

        self.banner_top = ClassificationBanner(self.policy, "top", self)
        self.banner_bottom = ClassificationBanner(self.policy, "bottom", self)
        self.notice = NoticeBar(PortionChip(self.policy), self)
        self.nav = QListWidget(self)
        self.nav.setMaximumWidth(190)
        self.nav.setMinimumWidth(140)
        self.pages_stack = QStackedWidget(self)
        self.pages: dict[str, Page] = {}
        self.settings_page = SettingsPage(self.ctx, self.settings, self)
        self.home_page = HomePage(self.ctx, self)
        for page in (self.home_page, RoomsPage(self.ctx, self), BriefsPage(self.ctx, self),
                     AdvisoriesPage(self.ctx, self), KevPage(self.ctx, self),
                     ReportsPage(self.ctx, self), PublishPage(self.ctx, self),
                     SearchPage(self.ctx, self), DirectoryPage(self.ctx, self),
                     self.settings_page):
            self.pages[page.key] = page
            self.pages_stack.addWidget(page)
            self.nav.addItem(QListWidgetItem())
            page.labels_changed.connect(self.update_banners)
            page.navigate.connect(self.show_page)
        self.main_area = QWidget(self)
        ml = QHBoxLayout(self.main_area)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.nav)
        ml.addWidget(self.pages_stack, 1)
        self.lock_screen = LockScreen(self)
        self.lock_screen.set_methods(backend.unlock_methods())
        self.screens = QStackedWidget(self)
        self.screens.addWidget(self.main_area)
        self.screens.addWidget(self.lock_screen)
        central = QWidget(self)
        cl = QVBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(self.banner_top)
        cl.addWidget(self.notice)
        cl.addWidget(self.screens, 1)
        cl.addWidget(self.banner_bottom)
        self.setCentralWidget(central)

        self.sync_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.lock_button = QPushButton(self)
        self.statusBar().addWidget(self.sync_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.lock_button)

        self.idle = IdleLock(effective_idle_seconds(self.policy, self.settings.idle_minutes),
                             clock, parent=self)
        self.idle.lock_requested.connect(self.lock)
        self.notifier = Notifier(self.policy, app_icon(), self, use_tray)
        self.notifier.in_app.connect(self._show_notice)
        self.bridge = EventBridge(backend, self)
        self.bridge.received.connect(self.on_backend_event)
        self.sync = SyncController(backend, self)
        self.sync.status.connect(self._show_sync)
        self._start_sync = start_sync

        self.nav.currentRowChanged.connect(self._on_nav)
        self.lock_button.clicked.connect(self.lock)
        self.lock_screen.unlock_requested.connect(self.unlock)
        self.notice.close_button.clicked.connect(self._dismiss_notice)
        self.guard.blocked.connect(self.notify)
        self.guard.copied.connect(self.notify)
        self.settings_page.language_chosen.connect(self.set_language)
        self.settings_page.idle_minutes_chosen.connect(self.set_idle_minutes)
        self.home_page.view_chosen.connect(self.set_home_view)
        for i in range(len(PAGE_ORDER)):
            sc = QShortcut(QKeySequence(f"Alt+{(i + 1) % 10}"), self)
            sc.activated.connect(lambda i=i: self.nav.setCurrentRow(i))
        QShortcut(QKeySequence("Ctrl+L"), self).activated.connect(self.lock)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self).activated.connect(
            lambda: self.show_page("search"))

        # Every item view's own Copy key goes through the guard (the timeline has its own).
        self.view_copy = ItemViewCopyFilter(self.guard, ValueRole, self)
        for view in self.findChildren(QAbstractItemView):
            if not isinstance(view, TimelineView) and view.window() is self:
                self.view_copy.watch(view)

        self.retranslate()
        self.resize(1200, 780)
        if backend.is_locked():
            self._enter_locked()
        else:
            self._enter_unlocked()

    # -- pages and banners --------------------------------------------------------------
    def current_page(self) -> Page:
        w = self.pages_stack.currentWidget()
        assert isinstance(w, Page)
        return w

    def show_page(self, key: str, item_id: str = "") -> None:
        if key not in self.pages or self.locked:
            return
        self.nav.setCurrentRow(PAGE_ORDER.index(key))
        if item_id:
            self.pages[key].open_item(item_id)
        self.update_banners()

    def _on_nav(self, row: int) -> None:
        if 0 <= row < len(PAGE_ORDER):
            self.pages_stack.setCurrentWidget(self.pages[PAGE_ORDER[row]])
            self.update_banners()

    def labels_on_screen(self) -> list[Label]:
        if self.locked:
            return []
        labels = self.current_page().visible_labels()
        if self.notice.isVisible() and self.notice.label is not None:
            labels.append(self.notice.label)
        return labels

    def update_banners(self) -> None:
        label = banner_label(self.policy, self.labels_on_screen())
        self.banner_top.set_label(label)
        self.banner_bottom.set_label(label)

    def notify(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    # -- locking ------------------------------------------------------------------------
    def lock(self) -> None:
        if self.locked:
            return
        self._enter_locked()
        self.backend.lock()

    def _enter_locked(self) -> None:
        self.locked = True
        self.idle.stop()
        self.sync.stop()
        self.runner.forget_all()
        self.guard.expire()
        for page in self.pages.values():
            page.clear()
        self._dismiss_notice()
        self.screens.setCurrentWidget(self.lock_screen)
        self.lock_screen.reset()
        self.lock_button.setEnabled(False)
        self._show_sync(SyncStatus("locked"))
        self.update_banners()

    def unlock(self, passphrase: str | None) -> None:
        backend = self.backend

        def job() -> None:
            backend.unlock(passphrase)

        self.runner.submit(job, lambda _r: self._enter_unlocked(), self._unlock_failed)

    def _unlock_failed(self, err: BackendError) -> None:
        self.lock_screen.show_error(err.message_ja if current_language() == "ja" else str(err))

    def _enter_unlocked(self) -> None:
        self.locked = False
        self.screens.setCurrentWidget(self.main_area)
        self.lock_button.setEnabled(True)
        for page in self.pages.values():
            page.reload()
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        self.idle.start()
        if self._start_sync:
            self.sync.start()
        self._show_sync(SyncStatus("connecting" if self._start_sync else "offline"))
        self.update_banners()

    # -- events -------------------------------------------------------------------------
    def on_backend_event(self, event: BackendEvent) -> None:
        if self.locked:
            return
        if isinstance(event, SyncStatus):
            self._show_sync(event)
            return
        if isinstance(event, AdvisoryArrived) and self.read_filter.may_read(event.label):
            self.notifier.advisory(event)
        for page in self.pages.values():
            page.on_event(event)
        self.update_banners()

    def _show_notice(self, title: str, body: str, label: Label | None) -> None:
        self.notice.show_notice(title, body, label)
        self.update_banners()

    def _dismiss_notice(self) -> None:
        self.notice.dismiss()
        self.update_banners()

    def _show_sync(self, status: SyncStatus) -> None:
        self._sync_status = status
        texts = {
            "offline": self.tr("Offline"),
            "connecting": self.tr("Connecting…"),
            "syncing": self.tr("Syncing"),
            "idle": self.tr("Up to date"),
            "error": self.tr("Sync problem: %1").replace("%1", status.message),
            "locked": self.tr("Locked"),
        }
        text = texts.get(status.state, status.state)
        if status.state == "syncing" and status.total:
            text = self.tr("Syncing %1 of %2").replace("%1", str(status.done)).replace(
                "%2", str(status.total))
        self.sync_label.setText(text)
        self.progress.setVisible(status.state == "syncing" and status.total > 0)
        if status.total:
            self.progress.setRange(0, status.total)
            self.progress.setValue(min(status.done, status.total))

    # -- settings -----------------------------------------------------------------------
    def set_language(self, choice: str) -> None:
        apply_language(choice)
        self._save(replace(self.settings, language=choice))

    def set_idle_minutes(self, minutes: int) -> None:
        self.idle.set_timeout(effective_idle_seconds(self.policy, minutes))
        self._save(replace(self.settings, idle_minutes=minutes))

    def set_home_view(self, view: str) -> None:
        self._save(replace(self.settings, home_view=view))

    def _save(self, settings: UiSettings) -> None:
        self.settings = settings
        if self.settings_path is not None:
            save_settings(self.settings_path, settings)

    # -- language -----------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Renkei"))
        for i, key in enumerate(PAGE_ORDER):
            item = self.nav.item(i)
            item.setText(f"{self.pages[key].title()}")
            item.setToolTip(self.tr("Alt+%1").replace("%1", str((i + 1) % 10)))
        self.nav.setAccessibleName(self.tr("Navigation"))
        self.pages_stack.setAccessibleName(self.tr("Screens"))
        self.sync_label.setAccessibleName(self.tr("Sync status"))
        self.progress.setAccessibleName(self.tr("Sync progress"))
        self.lock_button.setText(self.tr("Lock"))
        self.lock_button.setAccessibleName(self.tr("Lock now"))
        self.notice.close_button.setText(self.tr("Dismiss"))
        self.notice.close_button.setAccessibleName(self.tr("Dismiss notice"))
        self.notice.text.setAccessibleName(self.tr("Notice"))
        if hasattr(self, "_sync_status"):
            self._show_sync(self._sync_status)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.update_banners()
            # Documents carry section titles in the reader's language: read them again.
            QTimer.singleShot(0, self._reload_documents)
        super().changeEvent(event)

    def _reload_documents(self) -> None:
        if self.locked or self.backend.is_locked() or not self.isVisible():
            return
        try:
            for key in ("briefs", "advisories"):
                self.pages[key].reload()
        except BackendError as exc:
            self.notify(str(exc))
        self.update_banners()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # A long-poll in flight ends on its own; the application waits for it at exit
        # (workers.wait_for_threads), so closing never freezes another window.
        self.shutdown(wait=False)
        super().closeEvent(event)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop the threads and forget the clipboard content we placed."""
        self.idle.stop()
        self.sync.shutdown(wait=wait)
        self.runner.shutdown()
        self.bridge.close()
        self.guard.expire()
        self.notifier.close()
