"""The desktop client's own preferences (language, idle lock), kept in an INI file.

Nothing classified is stored here; the path is injectable so tests never touch a real
profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

__all__ = ["UiSettings", "default_settings_path", "load_settings", "save_settings"]

_LANG_CHOICES = ("system", "en", "ja")


@dataclass(frozen=True)
class UiSettings:
    language: str = "system"  # "system" | "en" | "ja"
    idle_minutes: int | None = None  # None: the policy's limit
    home_view: str = ""  # "": chosen from the certificate's roles


def default_settings_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(base or Path.home() / ".config" / "renkei") / "desktop.ini"


def load_settings(path: Path) -> UiSettings:
    qs = QSettings(str(path), QSettings.Format.IniFormat)
    lang = str(qs.value("ui/language", "system"))
    if lang not in _LANG_CHOICES:
        lang = "system"
    raw = qs.value("ui/idle_minutes", None)
    try:
        minutes = int(str(raw)) if raw not in (None, "") else None
    except ValueError:
        minutes = None
    if minutes is not None and minutes <= 0:
        minutes = None
    view = str(qs.value("ui/home_view", "") or "")
    return UiSettings(lang, minutes, view if view.isidentifier() else "")


def save_settings(path: Path, settings: UiSettings) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    qs = QSettings(str(path), QSettings.Format.IniFormat)
    qs.setValue("ui/language", settings.language)
    qs.setValue("ui/idle_minutes", settings.idle_minutes or "")
    qs.setValue("ui/home_view", settings.home_view)
    qs.sync()
