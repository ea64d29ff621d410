"""Start the Renkei desktop client: ``python -m client.app`` (or the packaged launcher)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from client.ui.backend import Backend, BackendError, open_default_backend
from client.ui.config import UiSettings, default_settings_path, load_settings
from client.ui.i18n import apply_language, current_language
from client.ui.icon import app_icon
from client.ui.mainwindow import MainWindow

__all__ = ["create_window", "main"]


def create_window(
    backend: Backend,
    settings: UiSettings | None = None,
    settings_path: Path | None = None,
    **options: object,
) -> MainWindow:
    """The main window over ``backend`` (the app, tests and screenshots all start here)."""
    return MainWindow(backend, settings, settings_path, **options)  # type: ignore[arg-type]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="renkei-desktop", description="Renkei desktop client")
    p.add_argument("--profile", help="profile directory (default: the enrolled profile)")
    p.add_argument("--lang", choices=("system", "en", "ja"),
                   help="user interface language (default: the saved setting, else the system)")
    p.add_argument("--settings", type=Path, help="desktop settings file (INI)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Renkei")
    app.setOrganizationName("Renkei")
    app.setDesktopFileName("renkei")  # packaging/renkei.desktop
    app.setWindowIcon(app_icon())
    settings_path = args.settings or default_settings_path()
    settings = load_settings(settings_path)
    apply_language(args.lang or settings.language)
    try:
        backend = open_default_backend(args.profile)
    except BackendError as exc:
        text = exc.message_ja if current_language() == "ja" else str(exc)
        QMessageBox.critical(None, QCoreApplication.translate("App", "Renkei"), text)
        return 2
    window = create_window(backend, settings, settings_path)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
