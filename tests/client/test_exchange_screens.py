"""Screenshots of the new screens in Japanese (saved under tmp_path for a person to look at),
with the checks a person would make: banners, recipients, files, what stays behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from client.ui.i18n import apply_language
from intel.markings import Label, Policy


def _shot(widget: QWidget, path: Path) -> Path:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # let layouts settle, as a person would see them
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 10_000  # a real picture, not an empty frame
    return path


def test_japanese_compose_with_red_recipients_and_files(
        qtbot: Any, make_window: Any, policy: Policy, world: Any, tmp_path: Path) -> None:
    b = world.build(policy, world.ALICE)
    b.key_changes = []
    src = tmp_path / "マルウェア検体.zip"
    src.write_bytes(b"PK" + b"\0" * 5000)
    w = make_window(b)
    apply_language("ja")
    qtbot.waitUntil(lambda: w.lock_button.text() == "ロック")  # LanguageChange delivered
    w.show_page("rooms")
    page = w.pages["rooms"]
    page.room_list.setCurrentIndex(page.room_model.index(page.room_model.row_of("room-ops")))
    # A message with a file already in the timeline.
    up = b.upload_attachment(str(src))
    b.send_message("room-ops", Label.parse("CONFIDENTIAL//TLP:AMBER"), "検体を共有します。",
                   attachments=(up.upload_id,))
    qtbot.waitUntil(lambda: bool(getattr(page.timeline_model.entry(0), "attachments", ())))
    page.room_list.setCurrentIndex(page.room_model.index(page.room_model.row_of("room-joint")))
    compose = page.compose
    compose.choose_files = lambda _p: [str(src)]
    compose.attach_button.click()
    compose.edit.setPlainText("ボブさんだけに共有します。")
    assert compose.picker.set_label(Label.parse("CONFIDENTIAL//TLP:RED"))
    assert compose.recipients.title() == "TLP:RED の受信者"
    assert compose.attach_button.text() == "添付(&T)…"
    assert "（自分）" in compose.recipients.list.item(0).text()
    qtbot.waitUntil(lambda: w.banner_top.text().startswith("極秘"))
    _shot(w, tmp_path / "rooms-red-ja.png")
    page.room_list.setCurrentIndex(page.room_model.index(page.room_model.row_of("room-ops")))
    entry = page.timeline_model.entry(0)
    assert entry is not None and "添付ファイル: マルウェア検体.zip" in \
        page.timeline_model.describe(entry)
    # Leaving the RED compose gives its room back to the timeline.
    assert not compose.recipients.isVisible() and not compose.attachments.isVisible()
    qtbot.wait(200)
    assert page.timeline.geometry().top() < compose.geometry().bottom() + 60
    _shot(w, tmp_path / "rooms-attachment-ja.png")


def test_japanese_export_dialog(qtbot: Any, make_window: Any, policy: Policy, world: Any,
                                tmp_path: Path) -> None:
    b = world.build(policy, world.ALICE)
    b.key_changes = []
    w = make_window(b)
    apply_language("ja")
    qtbot.waitUntil(lambda: w.lock_button.text() == "ロック")
    w.show_page("advisories", "adv-1")
    adv = w.pages["advisories"]
    assert adv.exchange.export_button.text() == "STIX 書き出し(&X)…"
    dlg = adv.exchange.exchanges.export("document", ("adv-1",))
    assert dlg is not None
    qtbot.waitExposed(dlg)
    assert dlg.audience.itemText(0) == "一般公開（誰でも。TLP:CLEAR のみ）"
    assert "除外" in dlg.preview.toPlainText()
    _shot(dlg, tmp_path / "export-dialog-ja.png")
    _shot(w, tmp_path / "advisories-ja.png")
