"""Start the Renkei desktop client: ``renkei-desktop`` (``python -m client.app``).

First run (no account, or no certificate yet) opens the set-up wizard; then the main window
opens locked and unlocks: by itself with the system keyring, or with the passphrase typed in
the wizard or on the lock screen.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from client.ui.backend import Backend, BackendError, BackendUnavailable, open_default_backend
from client.ui.config import UiSettings, default_settings_path, load_settings
from client.ui.i18n import apply_language, current_language
from client.ui.icon import app_icon
from client.ui.mainwindow import MainWindow
from client.ui.workers import wait_for_threads

__all__ = ["create_window", "main", "self_test"]

VERSION = "0.1.0"


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
    p.add_argument("--profile", "--account", dest="profile", metavar="DIR",
                   help="account directory (default: $RENKEI_HOME or the enrolled account)")
    p.add_argument("--lang", choices=("system", "en", "ja"),
                   help="user interface language (default: the saved setting, else the system)")
    p.add_argument("--settings", type=Path, help="desktop settings file (INI)")
    p.add_argument("--version", action="version", version=f"renkei-desktop {VERSION}")
    p.add_argument("--self-test", action="store_true",
                   help="open and close the main window over a throw-away account, then exit")
    return p


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Renkei")
    app.setOrganizationName("Renkei")
    app.setDesktopFileName("renkei")  # packaging/renkei.desktop
    app.setWindowIcon(app_icon())
    return app


def _message(exc: BackendError) -> str:
    return exc.message_ja if current_language() == "ja" else str(exc)


def open_account(account_dir: Path | None) -> tuple[Backend, str | None] | None:
    """The account's backend, running the first-run wizard when it is not set up yet.
    Returns (backend, passphrase typed in the wizard) or None when set-up was abandoned."""
    from client.ui.store_backend import default_account_dir
    from client.ui.wizard import FirstRunWizard

    directory = account_dir or default_account_dir()
    try:
        return open_default_backend(directory), None
    except BackendUnavailable:
        pass
    wizard = FirstRunWizard(directory)
    if wizard.exec() != QWizard.DialogCode.Accepted:
        return None
    return open_default_backend(directory), wizard.passphrase


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    app = application()
    if args.self_test:
        return self_test()
    settings_path = args.settings or default_settings_path()
    settings = load_settings(settings_path)
    apply_language(args.lang or settings.language)
    try:
        opened = open_account(Path(args.profile) if args.profile else None)
    except BackendError as exc:
        QMessageBox.critical(None, QCoreApplication.translate("App", "Renkei"), _message(exc))
        return 2
    if opened is None:
        return 1
    backend, passphrase = opened
    window = create_window(backend, settings, settings_path)
    window.show()
    if passphrase is not None:
        window.unlock(passphrase)
    elif backend.unlock_methods() == ("keyring",):
        window.unlock(None)  # the keyring unlocks with the desktop session
    rc = app.exec()
    backend.lock()
    wait_for_threads()
    return rc


def self_test() -> int:
    """Prove the installed (or bundled) client works end to end without a server: a
    throw-away account in a temporary directory, vault unlocked, the main window shown and
    closed offscreen-safe. Prints one line and returns 0 on success."""
    from client.demo_world import DEMO_PASSPHRASE, DemoAuthority, DemoPerson, enrol
    from client.ui.store_backend import StoreBackend

    with tempfile.TemporaryDirectory(prefix="renkei-self-test-") as tmp:
        base = Path(tmp)
        person = enrol(base, DemoPerson("self-test", "self-test", "Self Test", "test-org",
                                        "CONFIDENTIAL"), DemoAuthority(),
                       "http://127.0.0.1:9")
        backend = StoreBackend(person.account)
        backend.unlock(DEMO_PASSPHRASE)
        window = create_window(backend, UiSettings(), base / "desktop.ini", start_sync=False,
                               use_tray=False)
        window.show()
        QApplication.processEvents()
        pages = len(window.pages)
        ok = not window.locked and window.grab().width() > 0
        window.close()
        backend.lock()
        wait_for_threads()
        QApplication.processEvents()
    print(f"renkei-desktop {VERSION} self-test: {'ok' if ok else 'FAILED'} "
          f"({pages} screens, language {current_language()})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
