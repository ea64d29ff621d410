"""Copy guard: blocked at or above the policy threshold, self-clearing clipboard below it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QAbstractItemView

from client.ui.guard import CopyGuard, GuardedTextView
from client.ui.rooms import RoomsPage
from intel.markings import Label, Policy


def L(text: str) -> Label:  # noqa: N802
    return Label.parse(text)


def test_blocked_at_threshold_with_a_clear_message(qtbot: Any, policy: Policy) -> None:
    cb = QGuiApplication.clipboard()
    cb.setText("user's own text")
    guard = CopyGuard(policy, clear_after_ms=60_000)
    with qtbot.waitSignal(guard.blocked) as sig:
        assert not guard.copy("secret stuff", L("SECRET//TLP:AMBER"))
    assert "Copying is blocked" in sig.args[0] and "SECRET" in sig.args[0]
    assert "CONFIDENTIAL or higher" in sig.args[0]
    assert not guard.copy("conf stuff", L("CONFIDENTIAL//TLP:CLEAR"))
    assert cb.text() == "user's own text"
    assert not guard.timer_active()


def test_lower_content_copies_and_clears_itself(qtbot: Any, policy: Policy) -> None:
    cb = QGuiApplication.clipboard()
    guard = CopyGuard(policy, clear_after_ms=30)
    assert guard.clear_after_ms == 30
    assert CopyGuard(policy).clear_after_ms == 60_000  # the default delay
    with qtbot.waitSignal(guard.copied):
        assert guard.copy("patch now", L("UNCLASSIFIED//TLP:GREEN"))
    assert cb.text() == "patch now"
    assert guard.timer_active()
    with qtbot.waitSignal(guard.cleared, timeout=5000):
        pass
    assert cb.text() == ""


def test_clipboard_changed_by_the_user_is_left_alone(qtbot: Any, policy: Policy) -> None:
    cb = QGuiApplication.clipboard()
    guard = CopyGuard(policy, clear_after_ms=60_000)
    assert guard.copy("patch now", L("UNCLASSIFIED//TLP:GREEN"))
    cb.setText("something the user copied elsewhere")
    with qtbot.assertNotEmitted(guard.cleared):
        guard.expire()
    assert cb.text() == "something the user copied elsewhere"


def test_guarded_text_view_blocks_keyboard_copy(qtbot: Any, policy: Policy) -> None:
    cb = QGuiApplication.clipboard()
    cb.setText("before")
    guard = CopyGuard(policy, clear_after_ms=60_000)
    view = GuardedTextView(guard)
    qtbot.addWidget(view)
    view.show()
    view.set_content("<p>Assessed actor details</p>", L("SECRET/CYBER//TLP:AMBER"))
    view.selectAll()
    with qtbot.waitSignal(guard.blocked):
        qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert cb.text() == "before"
    assert not view.createMimeDataFromSelection().hasText()  # drag and selection paths too

    view.set_content("<p>Public patch note</p>", L("UNCLASSIFIED//TLP:CLEAR"))
    view.selectAll()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert cb.text() == "Public patch note"
    assert guard.timer_active()
    cursor = view.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    view.setTextCursor(cursor)


def test_timeline_copy_uses_the_highest_selected_label(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    cb = QGuiApplication.clipboard()
    cb.setText("before")
    w = make_window(world.build(policy, world.ALICE))
    w.show_page("rooms")
    page = w.pages["rooms"]
    assert isinstance(page, RoomsPage)
    tl = page.timeline
    tl.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
    rows = {e.body: i for i, e in enumerate(page.timeline_model.entries())}
    tl.selectionModel().clearSelection()
    tl.setCurrentIndex(page.timeline_model.index(rows["Patch released for the gateway."]))
    tl.setFocus()
    qtbot.keyClick(tl, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert cb.text() == "(U//TLP:GREEN) Bob: Patch released for the gateway."
    # Add a CONFIDENTIAL message to the selection: now the whole copy is refused.
    tl.selectionModel().select(page.timeline_model.index(rows["Victim list shared with CERT."]),
                               tl.selectionModel().SelectionFlag.Select)
    cb.setText("before")
    qtbot.keyClick(tl, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert cb.text() == "before"
    assert "Copying is blocked" in w.statusBar().currentMessage()


def test_item_views_copy_through_the_guard(qtbot: Any, make_window: Any, policy: Policy,
                                           world: Any) -> None:
    cb = QGuiApplication.clipboard()
    w = make_window(world.build(policy, world.ALICE))
    w.show_page("advisories")
    page = w.pages["advisories"]
    page.show_view(executive=False)
    table = page.table
    rows = {a.advisory_id: i for i, a in enumerate(page.model.values())}
    cb.setText("before")
    table.setCurrentIndex(page.model.index(rows["adv-3"], 1))  # the SECRET advisory's title
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert cb.text() == "before"
    assert "Copying is blocked" in w.statusBar().currentMessage()
    table.setCurrentIndex(page.model.index(rows["adv-1"], 1))
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert cb.text() == "Critical gateway vulnerability exploited"
    assert w.guard.timer_active()
    # Rows that carry no label (people, rooms) are not copied at all.
    w.show_page("directory")
    people = w.pages["directory"].table
    people.setCurrentIndex(w.pages["directory"].model.index(0, 0))
    cb.setText("before")
    qtbot.keyClick(people, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert cb.text() == "before"
