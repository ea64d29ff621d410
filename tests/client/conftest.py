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
