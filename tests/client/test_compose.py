"""Composing in joint rooms: no write-down on quote and forward, TLP forwarding rules,
key changes block sending, downgrades are confirmed and audited."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QDialogButtonBox

from client.ui.backend import Entry
from client.ui.rooms import RoomsPage
from intel.markings import Label, Policy, dominates


def L(text: str) -> Label:  # noqa: N802
    return Label.parse(text)


def rooms_page(window: Any, room_id: str) -> RoomsPage:
    window.show_page("rooms")
    page = window.pages["rooms"]
    assert isinstance(page, RoomsPage)
    row = page.room_model.row_of(room_id)
    page.room_list.setCurrentIndex(page.room_model.index(row))
    assert page.room is not None and page.room.room_id == room_id
    return page


def entry_with(page: RoomsPage, text: str) -> Entry:
    for e in page.timeline_model.entries():
        if text in e.body:
            return e
    raise AssertionError(f"no entry with {text!r}")


def test_quote_preselects_dominating_label_and_refuses_lower(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    b.key_changes = []
    w = make_window(b)
    page = rooms_page(w, "room-joint")
    source = entry_with(page, world.SECRET_WORD)
    page.quote(source)
    picker = page.compose.picker
    assert picker.current_label() == source.label
    assert all(dominates(policy, c, source.label) for c in picker.choices())
    assert not picker.set_label(L("UNCLASSIFIED//TLP:CLEAR"))
    assert not picker.set_label(L("SECRET//TLP:AMBER"))  # drops the CYBER compartment
    assert page.compose.quote_chip.text() == "(S//CYBER//TLP:AMBER)"
    # The quoted content is on screen: the banner covers it.
    page.compose.edit.setPlainText("Agree with this assessment.")
    qtbot.mouseClick(page.compose.send_button, qtbot_left())
    qtbot.waitUntil(lambda: bool(b.sent))
    room, label, text, quote_of = b.sent[0]
    assert (room, text, quote_of) == ("room-joint", "Agree with this assessment.",
                                      source.item_id)
    assert dominates(policy, label, source.label)
    assert b.audit == []
    qtbot.waitUntil(lambda: page.compose.status.text() == "Sent.")
    assert page.compose.quote is None and picker.source is None


def qtbot_left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_downgrade_needs_confirmation_and_is_audited_first(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.DAN)
    b.key_changes = []
    w = make_window(b)
    page = rooms_page(w, "room-joint")
    source = entry_with(page, world.SECRET_WORD)
    page.quote(source)
    low = L("UNCLASSIFIED//TLP:CLEAR")
    assert page.compose.picker.set_label(low)  # the downgrade role makes it a choice
    page.compose.edit.setPlainText("Sanitised summary for partners.")

    asked: list[tuple[Label, Label]] = []
    page.compose.confirm_downgrade = lambda _w, s, t: asked.append((s, t)) or None
    page.compose.send()
    assert asked == [(source.label, low)]
    assert b.sent == [] and b.audit == []
    assert "not confirmed" in page.compose.status.text()

    page.compose.confirm_downgrade = lambda _w, s, t: "Releasable after review by the desk"
    page.compose.send()
    qtbot.waitUntil(lambda: bool(b.sent))
    assert b.audit == [(source.item_id, source.label.canonical(), low.canonical(),
                        "Releasable after review by the desk")]
    names = [c[0] for c in b.calls if c[0] in ("record_downgrade", "send_message")]
    assert names == ["record_downgrade", "send_message"]
    assert b.sent[0][1] == low


def test_forward_follows_tlp_and_no_write_down(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b)

    page = rooms_page(w, "room-open")
    red = entry_with(page, "Named-only note.")
    dlg = page.forward_dialog(red)
    assert dlg is not None
    assert dlg.decision.reason == "red" and not dlg.ok_enabled()
    assert "never forwarded" in dlg.reason.text()
    dlg.reject()

    page = rooms_page(w, "room-ops")
    strict = entry_with(page, "Internal staffing plan.")
    dlg = page.forward_dialog(strict)
    assert dlg is not None
    dlg.room_box.setCurrentIndex(dlg.room_box.findData("room-joint"))
    assert not dlg.ok_enabled() and dlg.decision.blocked_orgs == ("org-b",)
    dlg.room_box.setCurrentIndex(dlg.room_box.findData("room-open"))  # alice + uma: org-a
    assert dlg.decision.ok  # TLP allows it within org-a ...
    # ... but the message is CONFIDENTIAL and room-open's ceiling UNCLASSIFIED.
    assert dlg.picker.choices() == [] and not dlg.ok_enabled()
    dlg.reject()

    page = rooms_page(w, "room-joint")
    green = entry_with(page, "Patch released")
    dlg = page.forward_dialog(green)
    assert dlg is not None
    dlg.room_box.setCurrentIndex(dlg.room_box.findData("room-ops"))
    assert dlg.ok_enabled()
    assert dlg.picker.current_label() == green.label
    assert not dlg.picker.set_label(L("UNCLASSIFIED//TLP:CLEAR"))
    dlg.note.setText("FYI")
    dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: bool(b.sent))
    assert b.sent[0] == ("room-ops", green.label, "FYI", green.item_id)

    # Programmatic forwarding below the source is refused as well.
    assert not page.forward(green, "room-ops", L("UNCLASSIFIED//TLP:CLEAR"), "x")
    assert len(b.sent) == 1


def test_forward_refused_when_ceiling_is_below_the_message(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    b.room_members["room-open"] = [world.ALICE]
    w = make_window(b)
    page = rooms_page(w, "room-joint")
    conf = entry_with(page, "Victim list")
    dlg = page.forward_dialog(conf)
    assert dlg is not None
    dlg.room_box.setCurrentIndex(dlg.room_box.findData("room-open"))
    assert dlg.picker.choices() == []
    assert not dlg.ok_enabled()
    assert "ceiling" in dlg.reason.text()


def test_key_change_blocks_sending_until_accepted(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b)
    page = rooms_page(w, "room-joint")
    assert page.keybar.isVisible()
    assert "Bob" in page.keybar.text.text() and world.fp(77) in page.keybar.text.text()
    page.compose.edit.setPlainText("hello")
    assert not page.compose.send_button.isEnabled()
    assert page.compose.block_reason() == "key_change"
    page.compose.send()
    assert b.sent == []
    qtbot.mouseClick(page.keybar.accept_button, qtbot_left())
    qtbot.waitUntil(lambda: not page.keybar.isVisible())
    assert ("accept_key_change", (1,)) in b.calls
    assert page.compose.send_button.isEnabled()
    # A room without bob has no warning.
    page = rooms_page(w, "room-open")
    assert not page.keybar.isVisible()


def test_pasting_copied_content_raises_the_floor(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    b.key_changes = []
    w = make_window(b)
    page = rooms_page(w, "room-ops")
    amber = entry_with(page, "Shift change")
    assert w.guard.copy(amber.body, amber.label)
    mime = QMimeData()
    mime.setText(amber.body)
    page.compose.edit.insertFromMimeData(mime)
    assert page.compose.edit.toPlainText() == amber.body
    assert page.compose.picker.source == amber.label
    assert page.compose.picker.current_label() == amber.label


def test_members_panel_shows_who_can_read_the_chosen_label(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b)
    page = rooms_page(w, "room-joint")
    page.compose.picker.set_label(L("SECRET/CYBER//TLP:AMBER"))
    assert page.members_model.label == L("SECRET/CYBER//TLP:AMBER")
    text = page.readers.text()
    assert text.startswith("2 of 4 members can read (S//CYBER//TLP:AMBER).")
    assert "Bob (org-b)" in text and "Uma (org-a)" in text
