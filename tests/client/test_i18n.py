"""Japanese translations: complete, compiled, loaded live, and following the locale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt

from client.ui.config import load_settings
from client.ui.i18n import apply_language, current_language, qm_path, resolve_language
from intel.markings import Policy

TS = Path(__file__).parents[2] / "client" / "i18n" / "renkei_ja.ts"
SOURCES = Path(__file__).parents[2] / "client"


def test_every_string_has_a_japanese_translation() -> None:
    root = ET.parse(TS).getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 150
    for msg in messages:
        tr = msg.find("translation")
        assert tr is not None
        assert tr.get("type") not in ("unfinished", "obsolete", "vanished"), \
            msg.findtext("source")
        text = "".join(tr.itertext())
        assert text.strip(), msg.findtext("source")
        src = msg.findtext("source") or ""
        # Placeholders survive translation.
        assert set(re.findall(r"%\d", src)) == set(re.findall(r"%\d", text)), src
    assert qm_path("ja").is_file()
    assert qm_path("ja").stat().st_mtime >= TS.stat().st_mtime - 1


def test_every_tr_call_in_the_sources_is_in_the_ts_file() -> None:
    known = {m.findtext("source") for m in ET.parse(TS).getroot().iter("message")}
    pattern = re.compile(r"""(?:self\.tr\(|translate\(\s*"[A-Za-z]+",)\s*"([^"\\]+)"\s*[,)]""")
    files = [SOURCES / "app.py", *sorted((SOURCES / "ui").glob("*.py"))]
    found = {s for f in files for s in pattern.findall(f.read_text("utf-8"))}
    assert len(found) > 100
    assert found - known == set()


def test_locale_resolution() -> None:
    assert resolve_language("ja") == "ja" and resolve_language("en") == "en"
    assert resolve_language("system", QLocale(QLocale.Language.Japanese)) == "ja"
    assert resolve_language("system", QLocale(QLocale.Language.English)) == "en"
    assert resolve_language("klingon", QLocale(QLocale.Language.German)) == "en"


def test_switching_language_retranslates_the_window_live(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    w = make_window(world.build(policy, world.ALICE))
    assert w.nav.item(1).text() == "Joint rooms"
    assert w.lock_button.text() == "Lock"
    w.show_page("rooms")
    w.settings_page.language.setCurrentIndex(w.settings_page.language.findData("ja"))
    qtbot.waitUntil(lambda: w.nav.item(1).text() == "共同ルーム")
    assert current_language() == "ja"
    assert QCoreApplication.translate("Severity", "Critical") == "緊急"
    assert w.lock_button.text() == "ロック"
    assert w.windowTitle() == "連携 Renkei"
    assert w.pages["rooms"].compose.send_button.text() == "送信(&S)"
    assert w.pages["rooms"].members_model.headerData(1, Qt.Orientation.Horizontal) == "組織"
    # Banners use the policy's Japanese level names.
    qtbot.waitUntil(lambda: w.banner_top.text().startswith("極秘"))
    assert w.banner_top.text() == "極秘 // CYBER // TLP:AMBER"
    assert load_settings(w.settings_path).language == "ja"

    w.settings_page.language.setCurrentIndex(w.settings_page.language.findData("en"))
    qtbot.waitUntil(lambda: w.nav.item(1).text() == "Joint rooms")
    assert w.banner_top.text() == "SECRET // CYBER // TLP:AMBER"


def test_apply_language_installs_qt_and_renkei_translations(qapp: Any) -> None:
    assert apply_language("ja") == "ja"
    assert QCoreApplication.translate("LockScreen", "Renkei is locked") == \
        "連携 Renkei はロックされています"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "キャンセル"  # qtbase_ja
    assert apply_language("en") == "en"
    assert QCoreApplication.translate("LockScreen", "Renkei is locked") == "Renkei is locked"
