"""Settings: language (live switch) and the idle lock, never longer than the policy allows."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from client.ui.config import UiSettings
from client.ui.page import Page, UiContext
from client.ui.rules import effective_idle_seconds

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
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addStretch(1)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.language.currentIndexChanged.connect(
            lambda _i: self.language_chosen.emit(str(self.language.currentData())))
        self.idle.valueChanged.connect(self.idle_minutes_chosen)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Settings")

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
