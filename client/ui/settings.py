"""Settings: language (live switch) and the idle lock, never longer than the policy allows."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import BackendError, BackendEvent, SecurityChanged, SecurityNotice
from client.ui.config import UiSettings
from client.ui.page import Page, UiContext
from client.ui.rules import effective_idle_seconds
from client.ui.timeline import format_time

translate = QCoreApplication.translate


def security_kind_text(kind: str) -> str:
    """What a security event means, in the reader's language (unknown kinds as they are)."""
    return {
        "rejected-envelope": translate("Security", "Message rejected"),
        "forged-certificate": translate("Security", "Forged certificate refused"),
        "forged-membership": translate("Security", "Membership change refused"),
        "forked-membership": translate("Security", "Conflicting room history refused"),
        "swapped-key": translate("Security", "Swapped key refused"),
        "bad-key-delivery": translate("Security", "Key delivery refused"),
        "replayed-envelope": translate("Security", "Message delivered twice"),
        "replayed-sequence": translate("Security", "Sequence number reused"),
        "malformed-envelope": translate("Security", "Undecodable message refused"),
        "bad-revocation-list": translate("Security", "Revocation list refused"),
        "device-identity-conflict": translate("Security", "Device identity conflict"),
        "send-refused": translate("Security", "The server refused something we sent"),
    }.get(kind, kind)


def security_line(ev: SecurityNotice) -> str:
    return f"{format_time(ev.at_ms)}  {security_kind_text(ev.kind)} — {ev.detail}"

__all__ = ["SettingsPage"]


class SettingsPage(Page):
    key = "settings"
    language_chosen = Signal(str)  # "system" | "en" | "ja"
    idle_minutes_chosen = Signal(int)

    def __init__(self, ctx: UiContext, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.language = QComboBox(self)
        for choice in ("system", "en", "ja"):
            self.language.addItem("", choice)
        self.idle = QSpinBox(self)
        limit = max(1, ctx.policy.idle_lock_seconds // 60)
        self.idle.setRange(1, limit)
        self.idle.setValue(effective_idle_seconds(ctx.policy, settings.idle_minutes) // 60 or 1)
        self.idle_note = QLabel(self)
        self.idle_note.setWordWrap(True)
        self.lang_caption = QLabel(self)
        self.lang_caption.setBuddy(self.language)
        self.idle_caption = QLabel(self)
        self.idle_caption.setBuddy(self.idle)
        form = QFormLayout()
        form.addRow(self.lang_caption, self.language)
        form.addRow(self.idle_caption, self.idle)
        form.addRow(self.idle_note)
        self.account = QLabel(self)
        self.account.setWordWrap(True)
        self.security_box = QGroupBox(self)
        self.security_list = QListWidget(self.security_box)
        sl = QVBoxLayout(self.security_box)
        sl.addWidget(self.security_list)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.account)
        lay.addWidget(self.security_box, 1)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_chosen.emit(str(self.language.currentData())))
        self.idle.valueChanged.connect(self.idle_minutes_chosen)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Settings")

    def reload(self) -> None:
        self.security_list.clear()
        try:
            events = self.ctx.backend.security_events(200)
        except BackendError as exc:
            self.security_list.addItem(str(exc))
            return
        for ev in events:
            self.security_list.addItem(security_line(ev))
        if not events:
            self.security_list.addItem(self.tr("No security events: nothing was refused."))

    def clear(self) -> None:
        self.security_list.clear()

    def on_event(self, event: BackendEvent) -> None:
        if isinstance(event, SecurityChanged):
            self.reload()

    def retranslate(self) -> None:
        # Language names are shown in their own language, so anyone can find theirs.
        self.language.setItemText(0, self.tr("System default"))
        self.language.setItemText(1, "English")
        self.language.setItemText(2, "日本語")
        self.language.setAccessibleName(self.tr("Language"))
        self.lang_caption.setText(self.tr("&Language:"))
        self.idle_caption.setText(self.tr("&Lock after idle (minutes):"))
        self.idle.setAccessibleName(self.tr("Lock after idle, in minutes"))
        self.idle_note.setText(self.tr("The markings policy allows at most %1 minutes.")
                               .replace("%1", str(self.idle.maximum())))
        self.idle_note.setAccessibleName(self.tr("Idle lock limit"))
        me = self.ctx.identity
        self.account.setText(self.tr("Signed in as %1 (%2), device %3.").replace(
            "%1", me.display_name).replace("%2", me.org).replace("%3", me.device_id[:9]))
        self.security_box.setTitle(self.tr("Security events (newest first)"))
        self.security_list.setAccessibleName(self.tr("Security events"))
