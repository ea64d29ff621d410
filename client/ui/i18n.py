"""Languages: English source strings, Japanese through Qt translations (client/i18n/*.qm).

The choice follows the system locale unless the user picks one in settings. Switching
installs the new translators at once; Qt then sends every widget a LanguageChange event and
each widget re-reads its texts (live retranslation, no restart).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

__all__ = [
    "LANGUAGES",
    "LanguageChoice",
    "apply_language",
    "current_language",
    "qm_path",
    "resolve_language",
]

LanguageChoice = Literal["system", "en", "ja"]
LANGUAGES: tuple[str, ...] = ("en", "ja")



class _State:
    lang = "en"
    translators: list[QTranslator] = []


_state = _State()


def qm_path(lang: str) -> Path:
    return Path(str(resources.files("client").joinpath("i18n", f"renkei_{lang}.qm")))


def resolve_language(choice: str, system: QLocale | None = None) -> str:
    """"system" becomes "ja" for a Japanese locale, else "en"; unknown choices are English."""
    if choice in LANGUAGES:
        return choice
    loc = system if system is not None else QLocale.system()
    return "ja" if loc.language() == QLocale.Language.Japanese else "en"


def current_language() -> str:
    return _state.lang


def apply_language(choice: str) -> str:
    """Install translators for ``choice`` on the running application; returns the language
    in effect. A missing .qm leaves English in place rather than failing."""
    app = QCoreApplication.instance()
    lang = resolve_language(choice)
    if app is None:
        _state.lang = lang
        return lang
    old = list(_state.translators)
    for tr in old:
        app.removeTranslator(tr)
    installed: list[QTranslator] = []
    if lang != "en":
        ours = QTranslator(app)
        if ours.load(str(qm_path(lang))):
            installed.append(ours)
        else:
            lang = "en"
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        base = QTranslator(app)
        if lang != "en" and base.load(f"qtbase_{lang}", qt_dir):
            installed.append(base)
    _state.lang = lang
    _state.translators = installed
    for tr in installed:
        app.installTranslator(tr)
    return lang
