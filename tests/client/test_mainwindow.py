"""The main window and its screens, driven through the real widgets."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from client.ui.advisories import AdvisoriesPage
from client.ui.backend import AdvisoryArrived, Backend, BackendError, SyncStatus
from client.ui.briefs import BriefsPage
from client.ui.directory import DirectoryPage
from client.ui.i18n import apply_language
from client.ui.mainwindow import PAGE_ORDER
from client.ui.search import SearchPage
from client.ui.workers import TaskRunner
from intel.markings import Label, Policy

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QAbstractSpinBox,
            QTextEdit, QPlainTextEdit)


def test_memory_backend_satisfies_the_protocol(policy: Policy, world: Any) -> None:
    assert isinstance(world.build(policy, world.ALICE), Backend)


def test_every_control_has_an_accessible_name(qtbot: Any, make_window: Any, policy: Policy,
                                              world: Any) -> None:
    w = make_window(world.build(policy, world.ALICE))
    for key in PAGE_ORDER:
        w.show_page(key)
        if key == "directory":
            page = w.pages["directory"]
            page.table.setCurrentIndex(page.model.index(1, 0))
        qtbot.wait(1)
    for lock in (False, True):
        if lock:
            w.lock()
        unnamed = [
            f"{type(c).__name__} {c.objectName()!r} in {type(c.parentWidget()).__name__}"
            for c in w.findChildren(QWidget)
            if isinstance(c, CONTROLS) and not c.isHidden() and not c.accessibleName()
            and c.window() is w  # combo-box popups are their own windows
            # parts of composite controls are named through their owner
            and not isinstance(c, QHeaderView)
            and not isinstance(c.parentWidget(), (QAbstractSpinBox, QComboBox, QTabBar))
        ]
        assert unnamed == [], "\n".join(unnamed)


def test_keyboard_navigation(qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    w = make_window(world.build(policy, world.ALICE))
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    for i, key in enumerate(PAGE_ORDER):
        digit = Qt.Key.Key_0 if i == 9 else Qt.Key(Qt.Key.Key_1 + i)  # Alt+1 … Alt+0
        qtbot.keyClick(w, digit, Qt.KeyboardModifier.AltModifier)
        assert w.current_page().key == key
    w.nav.setFocus()
    qtbot.keyClick(w.nav, Qt.Key.Key_Up)
    assert w.current_page().key == "directory"
    assert w.nav.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_urgent_advisory_raises_a_notice(qtbot: Any, make_window: Any, policy: Policy,
                                         world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b)
    w.show_page("home")
    public = AdvisoryArrived("adv-9", "Mass exploitation of VPN appliances", "critical", True,
                             Label.parse("UNCLASSIFIED//TLP:GREEN"))
    t = threading.Thread(target=b.emit, args=(public,))  # events may come from any thread
    t.start()
    t.join()
    qtbot.waitUntil(w.notice.isVisible)
    assert "Urgent advisory: Critical" in w.notice.text.text()
    assert "VPN appliances" in w.notice.text.text()
    assert w.banner_top.label_shown == Label.parse("UNCLASSIFIED//TLP:GREEN")
    assert w.notifier.tray is None  # offscreen: no tray, the in-app notice is used
    qtbot.mouseClick(w.notice.close_button, Qt.MouseButton.LeftButton)
    assert not w.notice.isVisible()

    # Above the copy threshold the notice names nothing; it only says where to look.
    secret = AdvisoryArrived("adv-10", "Operation ZEBRA", "high", True,
                             Label.parse("SECRET/CYBER//TLP:AMBER"))
    b.emit(secret)
    qtbot.waitUntil(w.notice.isVisible)
    assert "ZEBRA" not in w.notice.text.text()
    assert "Open Renkei to read it." in w.notice.text.text()
    assert w.banner_top.label_shown.level == "UNCLASSIFIED"

    # Not urgent: no notice.
    w.notice.dismiss()
    b.emit(AdvisoryArrived("adv-11", "Routine", "low", False,
                           Label.parse("UNCLASSIFIED//TLP:CLEAR")))
    qtbot.wait(10)
    assert not w.notice.isVisible()


def test_uncleared_reader_gets_no_notice_for_restricted_advisory(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.UMA)
    w = make_window(b)
    b.emit(AdvisoryArrived("adv-10", "Operation ZEBRA", "critical", True,
                           Label.parse("SECRET/CYBER//TLP:AMBER")))
    qtbot.wait(20)
    assert not w.notice.isVisible() and w.notifier.history == []


def test_sync_status_and_progress(qtbot: Any, make_window: Any, policy: Policy,
                                  world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b)
    b.emit(SyncStatus("syncing", 5, 10))
    qtbot.waitUntil(lambda: w.sync_label.text() == "Syncing 5 of 10")
    assert w.progress.isVisible() and w.progress.value() == 5 and w.progress.maximum() == 10
    b.emit(SyncStatus("idle"))
    qtbot.waitUntil(lambda: w.sync_label.text() == "Up to date")
    assert not w.progress.isVisible()


def test_sync_runs_on_its_own_thread_and_stops(qtbot: Any, make_window: Any, policy: Policy,
                                               world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b, start_sync=True)
    qtbot.waitUntil(lambda: b.sync_rounds > 0)
    assert w.sync.running()
    w.lock()  # never waits for a long-poll in flight; the thread ends on its own
    assert w.sync.stopping() or not w.sync.running()
    qtbot.waitUntil(lambda: not w.sync.running())


def test_task_runner_works_off_the_gui_thread(qtbot: Any) -> None:
    runner = TaskRunner()
    try:
        gui = threading.get_ident()
        seen: list[object] = []
        runner.submit(threading.get_ident, seen.append)
        qtbot.waitUntil(lambda: bool(seen))
        assert seen[0] != gui

        def boom() -> None:
            raise RuntimeError("internal detail")

        errors: list[BackendError] = []
        runner.submit(boom, None, errors.append)
        qtbot.waitUntil(lambda: bool(errors))
        assert "internal detail" not in str(errors[0])
        assert "went wrong" in str(errors[0])

        def refused() -> None:
            raise BackendError("the server refused the message")

        runner.submit(refused, None, errors.append)
        qtbot.waitUntil(lambda: len(errors) == 2)
        assert str(errors[1]) == "the server refused the message"
    finally:
        runner.shutdown()


def test_briefs_acknowledge_and_search(qtbot: Any, make_window: Any, policy: Policy,
                                       world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b)
    w.show_page("briefs")
    page = w.pages["briefs"]
    assert isinstance(page, BriefsPage)
    assert page.brief is not None and page.brief.brief_id == "brief-1"
    assert page.ack_button.isVisible()
    qtbot.mouseClick(page.ack_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: b.acks == ["brief-1"])
    qtbot.waitUntil(lambda: "Read and understood on" in page.ack_state.text())
    assert not page.ack_button.isVisible()

    page.search.setText("phishing")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.brief is not None and page.brief.brief_id == "brief-3"
    page.search.clear()
    assert page.model.rowCount() == 3


def test_advisory_views(qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    w = make_window(world.build(policy, world.EVE))  # executive, CONFIDENTIAL
    w.show_page("advisories")
    page = w.pages["advisories"]
    assert isinstance(page, AdvisoriesPage)
    assert page.executive()  # executives start in their own view
    assert page.model.rowCount() == 2  # the SECRET advisory is not hers
    assert sum(x.total for x in page.chart.buckets) == 2
    assert "Critical 1" in page.chart.accessibleDescription()
    summary = page.summary.toPlainText()
    assert "Official: signed by the publisher" in summary
    assert "Yes, this affects us" in summary and "We run 12 gateways." in summary
    assert "Patch all gateways" in summary and "overdue since 2025-12-30" in summary
    assert "due 2026-01-05" in summary
    assert "T1190" not in summary and "198.51.100.7" not in summary  # no technical noise
    page.cards.setCurrentIndex(page.model.index(1, 0))
    assert "Not verified as official" in page.summary.toPlainText()
    assert "Official: signed" not in page.summary.toPlainText()

    page.show_view(executive=False)
    page.table.setCurrentIndex(page.model.index(0, 0))
    annex = page.annex.toPlainText()
    for fact in ("T1190", "CVE-2025-0001", "198.51.100.7", "Pre-auth RCE"):
        assert fact in annex
    assert world.SECRET_WORD not in annex and "zebra.example" not in annex


def test_search_everything_and_open_result(qtbot: Any, make_window: Any, policy: Policy,
                                           world: Any) -> None:
    w = make_window(world.build(policy, world.ALICE))
    qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    page = w.pages["search"]
    assert isinstance(page, SearchPage)
    w.show_page("search")
    page.query.setText("gateway")
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    kinds = {r.kind for r in page.model.values()}
    assert kinds == {"message", "brief", "advisory"}
    row = next(i for i, r in enumerate(page.model.values()) if r.kind == "brief")
    page.results.activated.emit(page.model.index(row))
    assert w.current_page().key == "briefs"
    assert w.pages["briefs"].brief.brief_id == "brief-1"
    w.show_page("search")
    row = next(i for i, r in enumerate(page.model.values()) if r.kind == "message")
    page.results.activated.emit(page.model.index(row))
    assert w.current_page().key == "rooms"
    rooms = w.pages["rooms"]
    current = rooms.timeline_model.entry(rooms.timeline.currentIndex().row())
    assert current is not None and "gateway" in current.body


def test_directory_verification(qtbot: Any, make_window: Any, policy: Policy,
                                world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b)
    w.show_page("directory")
    page = w.pages["directory"]
    assert isinstance(page, DirectoryPage)
    assert world.fp(99).split()[0] in page.own.text()
    page.table.setCurrentIndex(page.model.index(1, 0))  # Bob
    device = world.BOB.devices[0]
    button = page.device_buttons[device.device_id]
    assert button.text() == "Mark as &verified"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: b.verified.get(device.device_id) is True)
    qtbot.waitUntil(lambda: page.device_buttons[device.device_id].text() == "Unmark verified")
    assert page.model.index(1, 4).data() == "1/1"
    assert "1 key change(s) to review" in page.changes.text()
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.changes.text() == "No key changes to review.")


def test_home_tiles_navigate(qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    w = make_window(world.build(policy, world.EVE))
    w.show_page("home")
    page = w.pages["home"]
    assert page.role() == "executive"
    texts = [b.text() for b in page.tile_buttons]
    assert texts[0] == "1\nCritical and high advisories (30 days)"
    qtbot.mouseClick(page.tile_buttons[0], Qt.MouseButton.LeftButton)
    assert w.current_page().key == "advisories"


def _banner_pixel(image: Any, y: int) -> str:
    return QColor(image.pixel(4, y)).name()


def test_screenshots_of_every_screen(qtbot: Any, make_window: Any, policy: Policy,
                                     world: Any, tmp_path: Path) -> None:
    out = Path(os.environ.get("RENKEI_SCREENSHOT_DIR", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    w = make_window(world.build(policy, world.ALICE))
    for lang in ("en", "ja"):
        apply_language(lang)
        qtbot.wait(10)
        for key in PAGE_ORDER:
            w.show_page(key)
            qtbot.wait(10)
            w.update_banners()
            image = w.grab().toImage()
            path = out / f"{lang}_{key}.png"
            assert image.save(str(path))
            assert path.stat().st_size > 5_000
            bg = policy.level(w.banner_top.label_shown.level).banner_bg
            assert _banner_pixel(image, 3) == bg  # the top banner is painted in its colour
            assert _banner_pixel(image, w.banner_bottom.geometry().top() + 3) == bg
        advisories = w.pages["advisories"]
        w.show_page("advisories")
        advisories.show_view(executive=True)
        qtbot.wait(10)
        assert w.grab().toImage().save(str(out / f"{lang}_advisories_executive.png"))
        advisories.show_view(executive=False)
    w.lock()
    image = w.grab().toImage()
    assert image.save(str(out / "lock.png"))
    assert _banner_pixel(image, 3) == policy.level("UNCLASSIFIED").banner_bg


def test_view_over_100k_messages_loads_only_what_is_shown(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE, big_room=100_000)
    w = make_window(b)
    w.show_page("rooms")
    rooms = w.pages["rooms"]
    rooms.room_list.setCurrentIndex(rooms.room_model.index(rooms.room_model.row_of("room-big")))
    model = rooms.timeline_model
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    qtbot.wait(50)  # let the view ask for whatever it needs to fill the viewport
    assert model.canFetchMore()
    assert model.entries_fetched <= 2 * model.page_size
    # Scrolling to the end of what is loaded asks for one more page, not for everything.
    before = model.pages_fetched
    rooms.timeline.scrollToBottom()
    qtbot.waitUntil(lambda: model.pages_fetched > before)
    qtbot.wait(50)
    assert model.entries_fetched <= 4 * model.page_size


def test_live_message_and_unread_counts(qtbot: Any, make_window: Any, policy: Policy,
                                        world: Any) -> None:
    from client.ui.backend import RoomChanged

    b = world.build(policy, world.ALICE)
    w = make_window(b)
    w.show_page("rooms")
    rooms = w.pages["rooms"]
    assert rooms.room.room_id == "room-joint"
    joint_row = rooms.room_model.row_of("room-joint")
    assert rooms.room_model.value(joint_row).unread == 0  # opened, so read
    b.add_entry("room-joint", Label.parse("UNCLASSIFIED//TLP:CLEAR"), "Bridge call moved to 10.")
    b.add_entry("room-ops", Label.parse("UNCLASSIFIED//TLP:CLEAR"), "Ops update.")
    t = threading.Thread(target=lambda: (b.emit(RoomChanged("room-joint")),
                                         b.emit(RoomChanged("room-ops"))))
    t.start()
    t.join()
    qtbot.waitUntil(lambda: rooms.timeline_model.entry(0).body == "Bridge call moved to 10.")
    ops = rooms.room_model.value(rooms.room_model.row_of("room-ops"))
    assert ops.unread == 3
    assert rooms.room_model.index(rooms.room_model.row_of("room-ops")).data() == "Operations  (3)"
