"""Shared fixtures for the desktop client tests (offscreen Qt, in-memory backend)."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists

import pytest  # noqa: E402

_HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("renkei_client_memory_backend",
                                               _HERE / "memory_backend.py")
assert _spec is not None and _spec.loader is not None
mb = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = mb
_spec.loader.exec_module(mb)

from client.ui.i18n import apply_language  # noqa: E402
from intel.markings import Policy  # noqa: E402


@pytest.fixture(scope="session")
def world() -> Any:
    """The memory_backend module: builders, people, constants."""
    return mb


@pytest.fixture(scope="session")
def policy() -> Policy:
    return Policy.default()


@pytest.fixture(autouse=True)
def _english(qapp: Any) -> Iterator[None]:
    apply_language("en")
    yield
    apply_language("en")


@pytest.fixture
def make_window(qtbot: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Build a MainWindow over a backend; shut down its threads after the test."""
    from client.ui.mainwindow import MainWindow

    windows: list[MainWindow] = []

    def make(backend: Any, **kw: Any) -> MainWindow:
        kw.setdefault("start_sync", False)
        kw.setdefault("use_tray", False)
        kw.setdefault("today", lambda: mb.TODAY)
        w = MainWindow(backend, settings_path=tmp_path / "desktop.ini", **kw)
        qtbot.addWidget(w)
        windows.append(w)
        w.resize(1280, 820)
        w.show()
        qtbot.waitExposed(w)
        return w

    yield make
    for w in windows:
        w.shutdown()


# -- a real sharing server (renkei-server on loopback) and enrolled people ------------------
@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One ``renkei-server`` per xdist worker with its authority; tests enrol unique users."""
    from client.demo_world import DemoAuthority, DemoServer

    base = tmp_path_factory.mktemp("live")
    authority = DemoAuthority()
    server = DemoServer(base / "server-data", authority.write_public(base / "authority.pub"))
    server.start()
    server.authority = authority  # type: ignore[attr-defined]
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def enrol_person(tmp_path: Path, live_server: Any) -> Callable[..., Any]:
    """Enrol an invented person against the live server (passphrase: DEMO_PASSPHRASE)."""
    import secrets as _secrets

    from client.demo_world import DemoPerson, enrol

    tag = _secrets.token_hex(3)

    def make(key: str, level: str, *, org: str = "org-a", compartments: tuple[str, ...] = (),
             roles: tuple[str, ...] = ()) -> Any:
        person = DemoPerson(f"{key}-{tag}", f"{key}-{tag}", key.title(), org, level,
                            compartments, roles)
        return enrol(tmp_path, person, live_server.authority, live_server.url)

    return make


@pytest.fixture
def opened() -> Iterator[Callable[..., Any]]:
    """``opened(person)`` -> (session, engine) for seeding content; closed afterwards."""
    import time as _time

    from client.demo_world import DEMO_PASSPHRASE
    from sync.account import open_session
    from sync.engine import Engine

    held: list[Any] = []

    def open_(person: Any) -> tuple[Any, Any]:
        s = open_session(person.account, passphrase=DEMO_PASSPHRASE, clock=_time.time)
        e = Engine(s)
        held.append((s, e))
        e.register()
        e.catch_up()
        return s, e

    yield open_
    for s, e in held:
        e.close()
        s.close()


@pytest.fixture
def store_backends() -> Iterator[Callable[..., Any]]:
    """``make(person)`` -> an unlocked StoreBackend; locked (connections closed) afterwards."""
    from client.demo_world import DEMO_PASSPHRASE
    from client.ui.store_backend import StoreBackend

    made: list[Any] = []

    def make(person: Any, unlock: bool = True, **kw: Any) -> Any:
        kw.setdefault("poll_timeout", 1.0)
        b = StoreBackend(person.account, **kw)
        if unlock:
            b.unlock(DEMO_PASSPHRASE)
        made.append(b)
        return b

    yield make
    for b in made:
        b.cancel_sync()
        b.lock()


@pytest.fixture(autouse=True)
def _no_thread_left(qapp: Any) -> Iterator[None]:
    """Sync threads of windows closed during a test end before the next test starts."""
    yield
    from client.ui.workers import wait_for_threads

    wait_for_threads()


def _sync_until(backend: Any, done: Callable[[list[Any]], bool],
                timeout: float = 30.0) -> list[Any]:
    """Run the backend's sync loop on a thread until ``done(events)``; then stop it."""
    import threading
    import time as _time

    events: list[Any] = []
    unsubscribe = backend.subscribe(events.append)
    stop = threading.Event()
    thread = threading.Thread(target=backend.run_sync, args=(stop,), daemon=True)
    thread.start()
    deadline = _time.monotonic() + timeout
    try:
        while not done(list(events)):
            assert _time.monotonic() < deadline, events
            assert thread.is_alive(), "the sync loop ended on its own"
            _time.sleep(0.02)
    finally:
        stop.set()
        backend.cancel_sync()
        thread.join(15)
        unsubscribe()
    assert not thread.is_alive()
    return events


@pytest.fixture(scope="session")
def sync_until() -> Callable[..., list[Any]]:
    """``sync_until(backend, done)``: sync until ``done(events)`` holds."""
    return _sync_until


def synced_idle(events: list[Any]) -> bool:
    from client.ui.backend import SyncStatus

    return any(isinstance(e, SyncStatus) and e.state == "idle" for e in events)


@pytest.fixture(scope="session")
def idle() -> Callable[[list[Any]], bool]:
    return synced_idle


# -- a TAXII 2.1 server (medallion, the OASIS reference server) on loopback -----------------
TAXII_COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"


@pytest.fixture(scope="module")
def taxii_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """medallion with its memory backend on a free loopback port, one read-write collection."""
    import json
    import secrets as _secrets
    import subprocess

    tmp = tmp_path_factory.mktemp("medallion")
    password = _secrets.token_urlsafe(16)
    config = {
        "users": {"sharer": password},
        "taxii": {"max_page_size": 50},
        "backend": {"data": {
            "/discovery": {"title": "Test TAXII", "description": "loopback test server",
                           "contact": "nobody@example.invalid", "default": "", "api_roots": []},
            "api1": {
                "information": {"title": "API root 1", "description": "tests",
                                "versions": ["application/taxii+json;version=2.1"],
                                "max_content_length": 2_000_000},
                "status": [],
                "collections": [{
                    "id": TAXII_COLLECTION, "title": "Shared", "description": "read-write",
                    "can_read": True, "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [], "manifest": []}],
            },
        }},
    }
    cfg = tmp / "config.json"
    cfg.write_text(json.dumps(config), encoding="utf-8")
    log = (tmp / "server.log").open("wb")
    runner = _HERE.parent / "intel" / "medallion_runner.py"  # one copy, shared with intel
    proc = subprocess.Popen([sys.executable, str(runner), str(cfg)],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        proc.stdout.close()
        if not line.isdigit():
            raise RuntimeError("medallion did not start: "
                               + (tmp / "server.log").read_text("utf-8", "replace")[-2000:])
        yield {"url": f"http://127.0.0.1:{line}", "auth": ("sharer", password),
               "collection": TAXII_COLLECTION}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
