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
