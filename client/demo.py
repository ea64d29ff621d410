"""``renkei demo``: a whole Renkei world on this computer, and two people's windows side by side.

It makes a demo authority, starts a sharing server on a free loopback port (SQLite in the demo
directory), enrols five invented people, fills the world with a joint response room, briefs,
advisories, catalogs and an incident report, then opens the desktop client for the SECRET-
cleared analyst and the UNCLASSIFIED executive so the difference in what each sees is plain.
Closing the windows (or Ctrl+C) stops the server. Demo data lives in a temporary directory (or
``--dir``), never in your own account.

``renkei demo --screenshots DIR`` does the same offscreen and saves a PNG of every main screen
for each person, plus Japanese ones for the analyst, then exits.

The ``renkei`` CLI registers this command through :func:`register`. Qt is imported only when
the demo runs, so ``renkei --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from client.demo_world import DEMO_PASSPHRASE, DemoAuthority, DemoPerson, DemoServer

__all__ = ["DEFAULT_PEOPLE", "register", "run_demo", "take_screenshots"]

DEFAULT_PEOPLE = ("analyst", "executive")
SCREENSHOT_LANG_PERSON = "analyst"
Say = Callable[[str], None]


def register(reg: Any) -> None:
    """Add ``renkei demo`` to the CLI: ``reg`` is the CLI's registry (``client.cli.Registry``)
    or an argparse subparsers object."""
    help_text = "run a local demo world and open two people's windows side by side"
    if hasattr(reg, "command"):
        sp = reg.command("demo", _cli_run, help_text)
    else:
        sp = reg.add_parser("demo", help=help_text, description=help_text)
        sp.set_defaults(run=_cli_run)
    sp.add_argument("--screenshots", metavar="DIR", type=Path,
                    help="no windows: save a PNG of every main screen for each person in DIR")
    sp.add_argument("--dir", metavar="DIR", type=Path,
                    help="keep the demo world in DIR (default: a temporary directory, removed "
                         "afterwards)")
    sp.add_argument("--people", default=",".join(DEFAULT_PEOPLE), metavar="A,B",
                    help="whose windows to open (analyst, utility, telecom, executive, intake)")
    sp.add_argument("--kev", metavar="FILE", type=Path,
                    help="import this KEV catalog instead of the built-in sample")


def _cli_run(ctx: Any) -> int:
    args = ctx.args
    people = tuple(p.strip() for p in str(args.people).split(",") if p.strip())
    kev = args.kev.read_bytes() if args.kev else None
    return run_demo(screenshots=args.screenshots, directory=args.dir, people=people, kev=kev)


def _say(text: str) -> None:
    print(text, flush=True)


@contextlib.contextmanager
def demo_directory(directory: Path | None) -> Iterator[Path]:
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        if any(directory.iterdir()):
            raise SystemExit(f"renkei demo: {directory} is not empty; give an empty or new "
                             "directory (demo data never goes into an existing account)")
        yield directory
        return
    with tempfile.TemporaryDirectory(prefix="renkei-demo-") as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def demo_world(base: Path, say: Say = _say, kev: bytes | None = None
               ) -> Iterator[tuple[DemoServer, list[DemoPerson]]]:
    """Authority, server and seeded people; the server stops when the block ends."""
    import json

    from client.demo_seed import seed

    say(f"Renkei demo in {base}")
    say("1/4 creating the demo authority (clearance office)")
    authority = DemoAuthority()
    pub = authority.write_public(base / "authority.pub")
    say(f"    authority fingerprint {authority.public.fingerprint}")
    server = DemoServer(base / "server-data", pub)
    say(f"2/4 starting the sharing server on {server.url} (SQLite in {server.data_dir})")
    server.start()
    try:
        say("3/4 enrolling the demo people and filling the world")
        people = seed(base, authority, server.url, lambda s: say("   " + s),
                      json.loads(kev) if kev is not None else None)
        say(f"    demo passphrase for every account: {DEMO_PASSPHRASE}")
        yield server, people
    finally:
        say("stopping the demo server")
        server.stop()


def run_demo(*, screenshots: Path | None = None, directory: Path | None = None,
             people: Sequence[str] = DEFAULT_PEOPLE, kev: bytes | None = None,
             say: Say = _say) -> int:
    if getattr(sys, "frozen", False):
        say("renkei demo: the demo starts a sharing server, which is not part of the desktop "
            "bundle; run it from a source checkout with 'make demo'")
        return 2
    if screenshots is None and not _has_display():
        screenshots = Path("demo-screenshots").resolve()
        say("renkei demo: no display here (DISPLAY and WAYLAND_DISPLAY are unset, or Qt is "
            f"set to offscreen), so the windows cannot open; saving screenshots of every "
            f"screen to {screenshots} instead")
    if screenshots is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with demo_directory(directory) as base, demo_world(base, say, kev) as (server, cast):
        if screenshots is not None:
            say(f"4/4 saving screenshots to {screenshots}")
            n = take_screenshots(cast, base, screenshots, say)
            say(f"saved {n} screenshots")
            return 0
        chosen = [p for p in cast if p.key in people]
        if not chosen:
            say("renkei demo: --people names none of: " + ", ".join(p.key for p in cast))
            return 2
        say("4/4 opening the windows of " + " and ".join(
            f"{p.display_name} ({p.level})" for p in chosen)
            + "; close them (or press Ctrl+C) to end the demo")
        return _show_windows(chosen, base, server.stop)


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


# -- windows ----------------------------------------------------------------------------------
def _window(person: DemoPerson, base: Path, **options: Any) -> Any:
    from client.app import create_window
    from client.ui.config import UiSettings, save_settings
    from client.ui.store_backend import StoreBackend

    backend = StoreBackend(person.account, poll_timeout=options.pop("poll_timeout", 10.0))
    backend.unlock(DEMO_PASSPHRASE)  # typed for you: every demo account has the same one
    settings_path = base / f"desktop-{person.key}.ini"
    settings = UiSettings(options.pop("language", "system"), None, person.home_view)
    save_settings(settings_path, settings)
    window = create_window(backend, settings, settings_path, **options)
    comps = "/" + ",".join(person.compartments) if person.compartments else ""
    window.setWindowTitle(f"Renkei — {person.display_name} ({person.org}, "
                          f"{person.level}{comps})")
    return window


def _show_windows(people: Sequence[DemoPerson], base: Path,
                  stop_server: Callable[[], None]) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    from client.app import application
    from client.ui.i18n import apply_language
    from client.ui.workers import wait_for_threads

    app = application()
    apply_language("system")
    windows = [_window(p, base) for p in people]
    screen = QGuiApplication.primaryScreen()
    area = screen.availableGeometry() if screen is not None else None
    for i, w in enumerate(windows):
        if area is not None and area.width() > 0:
            width = area.width() // len(windows)
            w.setGeometry(area.x() + i * width, area.y(), width, area.height())
        w.show()
    # Ctrl+C: Qt's loop holds the interpreter; a timer lets Python run its signal handler.
    previous = signal.signal(signal.SIGINT, lambda *_a: app.quit())
    tick = QTimer()
    tick.timeout.connect(lambda: None)
    tick.start(200)
    try:
        app.exec()
    finally:
        tick.stop()
        signal.signal(signal.SIGINT, previous)
        for w in windows:
            w.hide()
        stop_server()  # first: long-polls in flight then end at once
        for w in windows:
            w.close()
            w.backend.lock()
        wait_for_threads()
    return 0


# -- screenshots ------------------------------------------------------------------------------
def _wait(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return False


def _prepare(window: Any, key: str) -> None:
    """Make a screen show something worth seeing."""
    page = window.pages[key]
    if key == "search":
        page.query.setText("203.0.113.45")
        page.run()
        _wait(lambda: page._task is None, 10)
    elif key in ("kev", "reports", "directory") and page.model.rowCount():
        page.table.setCurrentIndex(page.model.index(0, 0))


def take_screenshots(people: Sequence[DemoPerson], base: Path, out: Path,
                     say: Say = _say) -> int:
    """Every main screen of every person (English), and of the analyst in Japanese."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from client.app import application
    from client.ui.i18n import apply_language
    from client.ui.mainwindow import PAGE_ORDER
    from client.ui.workers import wait_for_threads

    app = application()
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for person in people:
        langs = ("en", "ja") if person.key == SCREENSHOT_LANG_PERSON else ("en",)
        apply_language("en")
        window = _window(person, base, use_tray=False, poll_timeout=1.0)
        window.resize(1400, 900)
        window.show()
        # Called at once, inside this iteration: no late binding of ``window``.
        synced = _wait(lambda: window.sync_label.text() in ("Up to date", "最新の状態"))  # noqa: B023
        if not synced:
            say(f"    note: {person.key} did not report 'up to date' in time")
        for lang in langs:
            apply_language(lang)
            app.processEvents()
            for key in PAGE_ORDER:
                window.show_page(key)
                _prepare(window, key)
                _wait(lambda: False, 0.05)
                window.update_banners()
                suffix = "" if lang == "en" else f"-{lang}"
                path = out / f"{person.key}-{key}{suffix}.png"
                if not window.grab().toImage().save(str(path)):
                    raise RuntimeError(f"could not write {path}")
                count += 1
        apply_language("en")
        window.close()
        window.backend.lock()
        wait_for_threads()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QApplication.processEvents()
        say(f"    {person.key}: {len(PAGE_ORDER) * len(langs)} screens")
    return count


if __name__ == "__main__":  # pragma: no cover - `python -m client.demo`
    import argparse

    parser = argparse.ArgumentParser(prog="renkei-demo")
    register(parser.add_subparsers(dest="command", required=True))
    ns = parser.parse_args(["demo", *sys.argv[1:]])

    class _Ctx:
        args = ns

    sys.exit(_cli_run(_Ctx()))
