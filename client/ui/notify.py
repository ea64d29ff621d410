"""Desktop notifications for urgent advisories: the system tray when there is one, an
in-app notice otherwise (e.g. offscreen, or desktops without a tray).

A notification leaves the window (and its banners) for the desktop's notification area, so
it names the advisory only when its marking is low enough to be copied out of the
application; otherwise it says only that an urgent advisory arrived.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from client.ui.backend import AdvisoryArrived
from client.ui.models import severity_text
from client.ui.rules import copy_allowed
from intel.markings import Label, Policy

__all__ = ["Notifier", "notification_text", "should_notify"]


def should_notify(event: AdvisoryArrived) -> bool:
    return event.urgent or event.severity == "critical"


def notification_text(policy: Policy, event: AdvisoryArrived) -> tuple[str, str, Label | None]:
    """(title, body, label of the content shown or None when nothing marked is shown)."""
    translate = QCoreApplication.translate
    title = translate("Notifications", "Urgent advisory: %1").replace(
        "%1", severity_text(event.severity))
    if copy_allowed(policy, event.label):
        return title, event.title, event.label
    return title, translate("Notifications", "Open Renkei to read it."), None


class Notifier(QObject):
    in_app = Signal(str, str, object)  # title, body, Label | None

    def __init__(self, policy: Policy, icon: QIcon, parent: QObject | None = None,
                 use_tray: bool | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        if use_tray is None:
            use_tray = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        if use_tray:
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("Renkei")
            self.tray.show()
        self.history: list[tuple[str, str]] = []

    def advisory(self, event: AdvisoryArrived) -> bool:
        if not should_notify(event):
            return False
        title, body, label = notification_text(self._policy, event)
        self.history.append((title, body))
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Warning, 15_000)
        else:
            self.in_app.emit(title, body, label)
        return True

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
