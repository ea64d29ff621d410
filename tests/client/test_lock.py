"""Idle auto-lock: input resets it, locking hides every content and drops the vault key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QApplication

from client.ui.idle import IdleLock
from intel.markings import Label, Policy


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_lock_fires_after_timeout_and_input_resets(qtbot: Any) -> None:
    clock = FakeClock()
    lock = IdleLock(600, clock)
    lock.start()
    try:
        clock.now += 599
        assert not lock.check()
        # Any user input anywhere in the application resets the idle time.
        target = QApplication.instance()
        QApplication.sendEvent(target, QEvent(QEvent.Type.KeyPress))
        clock.now += 599
        assert not lock.check()
        with qtbot.waitSignal(lock.lock_requested):
            clock.now += 1
            assert lock.check()
        assert not lock.armed()
        assert not lock.check()  # once
    finally:
        lock.stop()


def test_window_locks_hides_content_and_drops_key(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    clock = FakeClock()
    b = world.build(policy, world.ALICE)
    w = make_window(b, clock=clock)
    assert w.idle.timeout_s == 600
    w.show_page("rooms")
    rooms = w.pages["rooms"]
    assert rooms.timeline_model.rowCount() > 0
    assert w.banner_top.label_shown.level == "SECRET"
    QGuiApplication.clipboard().setText("")
    assert w.guard.copy("public", Label.parse("UNCLASSIFIED//TLP:CLEAR"))

    # Mouse movement over the window counts as activity.
    clock.now += 500
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(5, 5), QPointF(5, 5),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w.nav.viewport(), move)
    clock.now += 500
    assert not w.idle.check() and not w.locked

    clock.now += 100
    assert w.idle.check()
    assert w.locked
    assert b.locked and b.vault_key is None and b.key_dropped == 1
    assert w.screens.currentWidget() is w.lock_screen
    assert w.main_area.isHidden() or not w.main_area.isVisible()
    # Models are cleared, not merely hidden.
    for page in w.pages.values():
        assert page.visible_labels() == []
    assert rooms.timeline_model.rowCount() == 0
    assert rooms.room_model.rowCount() == 0
    assert rooms.members_model.rowCount() == 0
    assert w.pages["briefs"].model.rowCount() == 0
    assert w.pages["advisories"].model.rowCount() == 0
    assert w.pages["directory"].model.rowCount() == 0
    assert w.pages["briefs"].reader.toPlainText() == ""
    assert QGuiApplication.clipboard().text() == ""  # our clipboard content is gone too
    assert w.banner_top.label_shown == Label.parse("UNCLASSIFIED//TLP:CLEAR")
    assert w.sync_label.text() == "Locked"


def test_unlock_with_wrong_then_right_passphrase(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    b.keyring_ok = False
    w = make_window(b)
    w.lock()
    ls = w.lock_screen
    qtbot.mouseClick(ls.keyring_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "keyring is not available" in ls.error.text())
    assert w.locked
    ls.passphrase.setText("wrong")
    qtbot.keyClick(ls.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ls.error.text() == "wrong passphrase")
    assert w.locked and ls.passphrase.text() == ""
    ls.passphrase.setText(world.PASSPHRASE)
    qtbot.mouseClick(ls.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.locked)
    assert not b.locked
    assert w.screens.currentWidget() is w.main_area
    assert w.pages["rooms"].room_model.rowCount() == 3
    assert w.idle.armed()


def test_lock_button_and_shortcut(qtbot: Any, make_window: Any, policy: Policy,
                                  world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b)
    qtbot.mouseClick(w.lock_button, Qt.MouseButton.LeftButton)
    assert w.locked and b.key_dropped == 1


def test_idle_minutes_setting_never_exceeds_policy(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    w = make_window(world.build(policy, world.ALICE))
    spin = w.settings_page.idle
    assert spin.maximum() == 10
    spin.setValue(3)
    assert w.idle.timeout_s == 180
    spin.setValue(60)  # clamped by the widget to the policy's limit
    assert spin.value() == 10 and w.idle.timeout_s == 600
    from client.ui.config import load_settings

    assert load_settings(w.settings_path).idle_minutes == 10
