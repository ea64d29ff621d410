"""Desktop integration files: well formed and consistent with each other."""

from __future__ import annotations

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

PKG = Path(__file__).parents[2] / "packaging"


def test_desktop_entry() -> None:
    cp = configparser.RawConfigParser(strict=True)
    cp.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    cp.read(PKG / "renkei.desktop", encoding="utf-8")
    entry = cp["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Renkei" and "連携" in entry["Name[ja]"]
    assert entry["Icon"] == "renkei" and (PKG / "renkei.svg").is_file()
    assert entry["Exec"].split()[0] == entry["TryExec"] == "renkei-desktop"
    assert entry["Categories"].endswith(";") and entry["Keywords"].endswith(";")


def test_appstream_metainfo() -> None:
    root = ET.parse(PKG / "io.renkei.Renkei.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == "io.renkei.Renkei"
    assert root.find("launchable").text == "renkei.desktop"  # type: ignore[union-attr]
    assert root.findtext("metadata_license") == "CC0-1.0"
    langs = {e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in root.iter("summary")}
    assert langs == {None, "ja"}


def test_icon_renders(qapp: Any) -> None:
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(PKG / "renkei.svg"))
    assert renderer.isValid()
    assert renderer.defaultSize().width() == 64


# -- the PyInstaller bundle -------------------------------------------------------------------
ROOT = PKG.parent
BUILT = ROOT / "dist" / "renkei"


def _run_bundle(folder: Path) -> None:
    import os
    import subprocess

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    desktop, cli = folder / "renkei-desktop", folder / "renkei"
    out = subprocess.run([str(desktop), "--version"], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0 and out.stdout.startswith("renkei-desktop "), out.stderr
    out = subprocess.run([str(desktop), "--self-test"], capture_output=True, text=True,
                         timeout=180, env=env)
    assert out.returncode == 0 and "self-test: ok" in out.stdout, out.stdout + out.stderr
    out = subprocess.run([str(cli), "--help"], capture_output=True, text=True, timeout=120,
                         env=env)
    assert out.returncode == 0 and "usage: renkei" in out.stdout, out.stderr


def test_spec_names_its_entry_points() -> None:
    spec = (PKG / "renkei.spec").read_text("utf-8")
    for script in ("renkei_desktop.py", "renkei_cli.py"):
        assert script in spec and (PKG / script).is_file()
    assert 'name="renkei-desktop"' in spec and 'name="renkei"' in spec
    assert "renkei_ja.qm" in spec and '"intel" / "data"' in spec


def test_built_bundle_runs() -> None:
    """The bundle `make bundle` built, if there is one."""
    import pytest

    if not (BUILT / "renkei-desktop").is_file():
        pytest.skip("no bundle in dist/renkei (run `make bundle`)")
    _run_bundle(BUILT)


def test_bundle_builds_and_runs(tmp_path: Path) -> None:
    """Build the one-folder bundle from the spec (about a minute) and run it."""
    import importlib.util
    import subprocess
    import sys

    import pytest

    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (the `bundle` extra)")
    out = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"),
         str(PKG / "renkei.spec")], capture_output=True, text=True, timeout=280, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    _run_bundle(tmp_path / "dist" / "renkei")
