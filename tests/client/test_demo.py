"""``renkei demo``: the CLI hook, and the headless screenshot run end to end."""

from __future__ import annotations

import argparse
import struct
from pathlib import Path
from typing import Any

from client.demo import DEFAULT_PEOPLE, register, run_demo
from client.demo_seed import cast
from client.ui.mainwindow import PAGE_ORDER

PNG = b"\x89PNG\r\n\x1a\n"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == PNG, path
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_register_adds_the_demo_command() -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["demo", "--screenshots", "out", "--people", "telecom,intake"])
    assert args.screenshots == Path("out") and args.people == "telecom,intake"
    assert callable(args.run)

    class Registry:  # the CLI's registry: command(name, run, help) -> parser
        def __init__(self) -> None:
            self.sub = argparse.ArgumentParser().add_subparsers()
            self.names: list[str] = []

        def command(self, name: str, run: Any, help: str) -> argparse.ArgumentParser:
            self.names.append(name)
            sp: argparse.ArgumentParser = self.sub.add_parser(name, help=help)
            sp.set_defaults(run=run)
            return sp

    reg = Registry()
    register(reg)
    assert reg.names == ["demo"]


def test_demo_screenshots_headless(qapp: Any, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    lines: list[str] = []
    rc = run_demo(screenshots=out, directory=tmp_path / "world", say=lines.append)
    assert rc == 0
    text = "\n".join(lines)
    assert "demo passphrase for every account: " in text and "stopping the demo server" in text
    people = [p.key for p in cast()]
    assert set(DEFAULT_PEOPLE) <= set(people)
    expected = {f"{p}-{page}.png" for p in people for page in PAGE_ORDER}
    expected |= {f"analyst-{page}-ja.png" for page in PAGE_ORDER}
    assert {p.name for p in out.iterdir()} == expected
    for path in out.iterdir():
        width, height = _png_size(path)
        assert (width, height) == (1400, 900)
        assert path.stat().st_size > 20_000, path  # a real screen, not a blank one
    # The analyst's screens carry SECRET content; the executive's never do.
    from PySide6.QtGui import QColor, QImage

    def banner(name: str) -> str:
        return QColor(QImage(str(out / name)).pixel(4, 4)).name()

    assert banner("analyst-rooms.png") == "#c62828"  # SECRET red
    assert banner("executive-rooms.png") == "#2e7d32"  # UNCLASSIFIED green
    assert banner("executive-advisories.png") == "#2e7d32"
    # The demo world stays in the directory it was given, never in a real account.
    world = tmp_path / "world"
    assert (world / "authority.pub").is_file()
    assert {p.name for p in world.glob("account-*")} == {f"account-{k}" for k in people}


def test_the_renkei_cli_can_register_it() -> None:
    from client.cli import COMMAND_MODULES, build_parser

    assert "client.cli_demo" in COMMAND_MODULES
    parser = build_parser(COMMAND_MODULES)
    args = parser.parse_args(["demo", "--screenshots", "shots"])
    assert args.screenshots == Path("shots") and args.people == "analyst,executive"


def test_without_a_display_the_demo_says_so_and_saves_screenshots(
        monkeypatch: Any) -> None:
    from client import demo

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(demo.sys, "platform", "linux")
    assert not demo._has_display()
    monkeypatch.setenv("DISPLAY", ":0")
    assert demo._has_display()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not demo._has_display()
