"""Attachments, TLP:RED recipients and STIX/TAXII in the windows (in-memory backend)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from client.ui.rooms import RoomsPage
from intel.markings import Label, Policy


def L(text: str) -> Label:  # noqa: N802
    return Label.parse(text)


def rooms_page(window: Any, room_id: str) -> RoomsPage:
    window.show_page("rooms")
    page = window.pages["rooms"]
    assert isinstance(page, RoomsPage)
    page.room_list.setCurrentIndex(page.room_model.index(page.room_model.row_of(room_id)))
    assert page.room is not None and page.room.room_id == room_id
    return page


def _backend(world: Any, policy: Policy, me: Any) -> Any:
    b = world.build(policy, me)
    b.key_changes = []
    return b


def test_attach_upload_progress_listing_and_save(qtbot: Any, make_window: Any, policy: Policy,
                                                 world: Any, tmp_path: Path) -> None:
    b = _backend(world, policy, world.ALICE)
    w = make_window(b)
    page = rooms_page(w, "room-ops")
    compose = page.compose
    data = bytes(range(256)) * 1000  # four chunks
    src = tmp_path / "ioc-list.csv"
    src.write_bytes(data)
    compose.choose_files = lambda _parent: [str(src), str(tmp_path / "missing.txt")]
    compose.attach_button.click()
    assert compose.attachments.paths == [str(src)]
    assert "missing.txt" in compose.status.text()  # refused, and said so
    assert compose.attachments.list.item(0).text() == "ioc-list.csv  (256.0 KB)"
    assert compose.send_button.isEnabled()  # files alone make a message
    compose.picker.set_label(L("CONFIDENTIAL//TLP:AMBER"))
    b.upload_gate = threading.Event()
    compose.send_button.click()
    # The first chunk's progress reaches the bar while the upload waits.
    qtbot.waitUntil(lambda: compose.transfer.bar.value() > 0)
    assert compose.transfer.isVisible() and "KB" in compose.transfer.text.text()
    assert not compose.send_button.isEnabled()
    b.upload_gate.set()
    qtbot.waitUntil(lambda: bool(b.sent))
    qtbot.waitUntil(lambda: compose.status.text() == "Sent.")
    assert not compose.transfer.isVisible() and compose.attachments.paths == []
    assert b.sent_with[-1] == (None, ("up-1",))
    assert b.progress_seen[-1] == (len(data), len(data))
    # The message row lists the file with its size.
    qtbot.waitUntil(lambda: bool(getattr(page.timeline_model.entry(0), "attachments", ())))
    entry = page.timeline_model.entry(0)
    assert entry is not None and [a.name for a in entry.attachments] == ["ioc-list.csv"]
    assert "ioc-list.csv (256.0 KB)" in page.timeline_model.describe(entry)
    # Save as: the chosen place gets the very bytes, with progress on the page's bar.
    dest = tmp_path / "saved.csv"
    page.choose_save_path = lambda _parent, name: str(dest) if name == "ioc-list.csv" else ""
    b.upload_gate.clear()
    page.save_attachment(entry.attachments[0])
    qtbot.waitUntil(lambda: page.transfer.bar.value() > 0)
    b.upload_gate.set()
    qtbot.waitUntil(lambda: dest.exists())
    qtbot.waitUntil(lambda: not page.transfer.isVisible())
    assert dest.read_bytes() == data


def test_cancelling_an_upload_sends_nothing(qtbot: Any, make_window: Any, policy: Policy,
                                            world: Any, tmp_path: Path) -> None:
    b = _backend(world, policy, world.ALICE)
    w = make_window(b)
    compose = rooms_page(w, "room-ops").compose
    src = tmp_path / "dump.bin"
    src.write_bytes(b"\0" * 300_000)
    compose.choose_files = lambda _parent: [str(src)]
    compose.attach_button.click()
    compose.edit.setPlainText("memory dump")
    b.upload_gate = threading.Event()
    compose.send_button.click()
    qtbot.waitUntil(lambda: compose.transfer.bar.value() > 0)
    compose.transfer.cancel_button.click()
    b.upload_gate.set()
    qtbot.waitUntil(lambda: compose.status.text() == "Upload cancelled: nothing was sent.")
    assert b.sent == [] and b.uploads == {}
    assert compose.attachments.paths == [str(src)]  # still there to try again
    assert compose.send_button.isEnabled()


def test_red_needs_named_recipients_and_goes_to_exactly_them(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = _backend(world, policy, world.ALICE)
    w = make_window(b)
    page = rooms_page(w, "room-joint")
    compose = page.compose
    assert not compose.recipients.isVisible()
    compose.edit.setPlainText("Only for Bob.")
    assert compose.picker.set_label(L("CONFIDENTIAL//TLP:RED"))
    box = compose.recipients
    assert box.isVisible()
    listed = [box.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(box.list.count())]
    assert listed == ["alice", "bob", "dan"]  # uma is not cleared for CONFIDENTIAL
    assert box.chosen() == ["alice"]  # nobody preselected but the writer
    assert not compose.send_button.isEnabled()
    assert "named people only" in compose.send_button.toolTip()
    compose.send()
    assert "named people only" in compose.status.text() and b.sent == []
    assert page.readers.text().startswith("1 of 4 members can read")
    box.set_checked("bob", True)
    assert compose.send_button.isEnabled()
    assert page.readers.text().startswith("2 of 4 members can read")
    assert "Dan (org-a)" in page.readers.text()  # cleared, but not named
    compose.send_button.click()
    qtbot.waitUntil(lambda: bool(b.sent))
    assert b.sent[0][1] == L("CONFIDENTIAL//TLP:RED")
    assert b.sent_with[0] == (("alice", "bob"), ())
    qtbot.waitUntil(lambda: compose.status.text() == "Sent.")
    assert box.chosen() == ["alice"]  # the next message names nobody again
    # Back to a lower label: no recipients asked for, none sent.
    compose.picker.set_label(L("UNCLASSIFIED//TLP:GREEN"))
    assert not box.isVisible()
    compose.edit.setPlainText("For everyone.")
    compose.send_button.click()
    qtbot.waitUntil(lambda: len(b.sent) == 2)
    assert b.sent_with[1] == (None, ())


def test_export_dialog_offers_only_allowed_audiences_and_shows_what_stays(
        qtbot: Any, make_window: Any, policy: Policy, world: Any, tmp_path: Path) -> None:
    b = _backend(world, policy, world.ALICE)
    w = make_window(b)
    w.show_page("briefs")
    briefs = w.pages["briefs"]
    briefs.open_item("brief-1")
    assert briefs.brief is not None and briefs.exchange.export_button.isEnabled()
    briefs.exchange.exchanges.choose_save = lambda _p, suggested: str(tmp_path / suggested)
    briefs.exchange.export_button.click()
    dlg = briefs.exchange.exchanges.dialog
    assert dlg is not None
    offered = [p.audience.spec for p in dlg.plans]
    # The header is TLP:GREEN: never public. org-a's known people include an UNCLASSIFIED
    # one, so the SECRET attribution stays behind for every audience.
    assert offered == ["community", "org:org-a", "org:org-b"]
    assert dlg.audience.itemText(0).startswith("The community")
    assert "Attribution" in dlg.preview.toPlainText().split("Left out")[1]
    assert not dlg.ok.isEnabled()  # no file chosen yet
    dlg.browse.click()
    assert dlg.path.text() == str(tmp_path / "brief-1-community.stix.json")
    dlg.ok.click()
    qtbot.waitUntil(lambda: briefs.exchange.exchanges.result is not None)
    result = briefs.exchange.exchanges.result
    text = result.text.toPlainText()
    assert "Left out" in text and "Attribution" in text.split("Left out")[1]
    # It names the SECRET part it left out: the window is bannered like any other.
    from client.ui.marks import ClassificationBanner

    banners = result.findChildren(ClassificationBanner)
    assert len(banners) == 2 and banners[0].text() == "SECRET // CYBER // TLP:AMBER"
    assert [b.text() for b in dlg.banners] == ["SECRET // CYBER // TLP:AMBER"] * 2
    assert b.exports[0][:2] == ("document", ("brief-1",))
    # A TLP:CLEAR advisory may also go to the public.
    w.show_page("advisories", "adv-1")
    adv = w.pages["advisories"]
    dlg2 = adv.exchange.exchanges.export("document", ("adv-1",))
    assert dlg2 is not None and dlg2.plans[0].audience.spec == "public"
    public_left = [p.title for p in dlg2.plans[0].left_out]
    assert public_left == ["Actor tooling"]


def test_timeline_selection_exports_messages(qtbot: Any, make_window: Any, policy: Policy,
                                             world: Any) -> None:
    b = _backend(world, policy, world.ALICE)
    w = make_window(b)
    page = rooms_page(w, "room-joint")
    model = page.timeline_model
    for text in ("Patch released", "Victim list"):
        row = next(i for i, e in enumerate(model.entries()) if text in e.body)
        page.timeline.selectionModel().select(
            model.index(row), page.timeline.selectionModel().SelectionFlag.Select)
    ids = page._chosen_ids()
    assert len(ids) == 2
    dlg = page.exchange.export("items", ids)
    assert dlg is not None
    plans = {p.audience.spec: p for p in dlg.plans}
    assert "public" not in plans  # neither message is TLP:CLEAR
    assert [p.title for p in plans["community"].left_out] == ["Bob: Victim list shared with "
                                                             "CERT."]


def test_import_shows_counts_and_markings_or_every_problem(
        qtbot: Any, make_window: Any, policy: Policy, world: Any, tmp_path: Path) -> None:
    b = _backend(world, policy, world.ALICE)
    w = make_window(b)
    w.show_page("advisories")
    actions = w.pages["advisories"].exchange.exchanges
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text('{"type": "bundle"}', "utf-8")
    bad.write_text("{}", "utf-8")
    actions.choose_open = lambda _parent, _s: str(good)
    actions.import_file()
    qtbot.waitUntil(lambda: actions.result is not None)
    text = actions.result.text.toPlainText()
    assert "3 new, 1 updated, 0 unchanged; 1 withheld" in text
    assert "TLP:GREEN: 3" in text and "indicator: 3" in text
    actions.result = None
    actions.choose_open = lambda _parent, _s: str(bad)
    actions.import_file()
    qtbot.waitUntil(lambda: actions.result is not None)
    text = actions.result.text.toPlainText()
    assert "type: must be 'bundle'" in text and "objects: field required" in text


def test_taxii_offers_clear_and_green_only(qtbot: Any, make_window: Any, policy: Policy,
                                          world: Any) -> None:
    b = _backend(world, policy, world.ALICE)
    w = make_window(b)
    w.show_page("briefs")
    briefs = w.pages["briefs"]
    briefs.open_item("brief-3")  # CONFIDENTIAL//TLP:AMBER: nothing may go over TAXII
    dlg = briefs.exchange.exchanges.taxii("document", ("brief-3",))
    dlg.url.setText("http://127.0.0.1:9/")
    dlg.collection.setText("coll-1")
    assert dlg.plans == [] and not dlg.push_button.isEnabled()
    assert "may not be pushed" in dlg.status.toPlainText()
    assert dlg.pull_button.isEnabled()
    dlg.user.setText("sharer")
    dlg.password.setText("pw")
    dlg.pull_button.click()
    qtbot.waitUntil(lambda: bool(b.pulled))
    assert b.pulled[0] == ("http://127.0.0.1:9/", "coll-1", ("sharer", "pw"))
    qtbot.waitUntil(lambda: "2 new" in dlg.status.toPlainText())
    dlg.close()

    adv = w.pages["advisories"]
    w.show_page("advisories", "adv-1")
    dlg = adv.exchange.exchanges.taxii("document", ("adv-1",))
    assert [p.audience.kind for p in dlg.plans] == ["public", "community"]
    dlg.url.setText("http://127.0.0.1:9/")
    dlg.collection.setText("coll-1")
    dlg.audience.setCurrentIndex(1)
    dlg.push_button.click()
    qtbot.waitUntil(lambda: bool(b.pushed))
    assert b.pushed[0][3].kind == "community" and b.pushed[0][2] is None
    qtbot.waitUntil(lambda: "accepted" in dlg.status.toPlainText())
