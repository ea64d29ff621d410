"""Banners top and bottom show the least upper bound of the labels on screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView

from client.ui.briefs import BriefsPage
from client.ui.rooms import RoomsPage
from intel.markings import Label, Policy


def L(text: str) -> Label:  # noqa: N802
    return Label.parse(text)


def banners(w: Any) -> tuple[Label, str, tuple[str, str]]:
    top, bottom = w.banner_top, w.banner_bottom
    assert top.label_shown == bottom.label_shown
    assert top.text() == bottom.text()
    return top.label_shown, top.text(), top.colours()


def open_room(w: Any, room_id: str) -> RoomsPage:
    w.show_page("rooms")
    page = w.pages["rooms"]
    page.room_list.setCurrentIndex(page.room_model.index(page.room_model.row_of(room_id)))
    return page


def test_banner_follows_room_content(qtbot: Any, make_window: Any, policy: Policy,
                                     world: Any) -> None:
    w = make_window(world.build(policy, world.ALICE))
    w.show_page("home")
    label, text, colours = banners(w)
    assert label == L("UNCLASSIFIED//TLP:CLEAR") and colours == ("#2e7d32", "#ffffff")

    open_room(w, "room-joint")
    qtbot.waitUntil(lambda: w.banner_top.label_shown.level == "SECRET")
    label, text, colours = banners(w)
    assert label == L("SECRET/CYBER//TLP:AMBER")
    assert text == "SECRET // CYBER // TLP:AMBER"
    assert colours == ("#c62828", "#ffffff")

    open_room(w, "room-open")
    qtbot.waitUntil(lambda: w.banner_top.label_shown.level == "UNCLASSIFIED")
    label, text, _ = banners(w)
    assert label == L("UNCLASSIFIED//TLP:RED")  # the RED note addressed to alice is visible

    open_room(w, "room-ops")
    qtbot.waitUntil(lambda: w.banner_top.label_shown.level == "CONFIDENTIAL")
    assert banners(w)[2] == ("#1565c0", "#ffffff")


def test_banner_follows_scrolling(qtbot: Any, make_window: Any, policy: Policy,
                                  world: Any) -> None:
    b = world.build(policy, world.ALICE)
    b.rooms["room-scroll"] = b.rooms["room-joint"].__class__(
        "room-scroll", "Scroll", L("SECRET/CYBER,OT//TLP:RED"), 0)
    b.room_members["room-scroll"] = [world.ALICE]
    b.add_entry("room-scroll", L("SECRET/OT//TLP:AMBER"), "Oldest, secret.")
    for i in range(400):
        b.add_entry("room-scroll", L("UNCLASSIFIED//TLP:GREEN"), f"chatter {i}")
    w = make_window(b)
    page = open_room(w, "room-scroll")
    qtbot.waitUntil(lambda: w.banner_top.label_shown == L("UNCLASSIFIED//TLP:GREEN"))
    assert page.timeline_model.rowCount() < 401  # only the newest page is loaded

    # Scroll into the past: pages load, and once the oldest message shows, the banner rises.
    while page.timeline_model.canFetchMore():
        page.timeline_model.fetchMore()
    assert page.timeline_model.rowCount() == 401
    last = page.timeline_model.index(400)
    qtbot.waitUntil(lambda: page.timeline.visualRect(last).isValid())  # batched layout done
    assert w.banner_top.label_shown.level == "UNCLASSIFIED"
    page.timeline.scrollTo(last, QAbstractItemView.ScrollHint.PositionAtBottom)
    qtbot.waitUntil(lambda: w.banner_top.label_shown.level == "SECRET")
    label, text, colours = banners(w)
    assert label == L("SECRET/OT//TLP:AMBER")  # the bound of it and the GREEN chatter
    assert text == "SECRET // OT // TLP:AMBER"
    assert colours == ("#c62828", "#ffffff")

    page.timeline.scrollToTop()
    qtbot.waitUntil(lambda: w.banner_top.label_shown.level == "UNCLASSIFIED")


def test_banner_covers_the_reading_pane_and_list(qtbot: Any, make_window: Any, policy: Policy,
                                                 world: Any) -> None:
    w = make_window(world.build(policy, world.ALICE))
    w.show_page("briefs")
    page = w.pages["briefs"]
    assert isinstance(page, BriefsPage)
    # brief-1 is UNCLASSIFIED at its head but has a SECRET section: the pane shows both.
    assert page.brief is not None and page.brief.brief_id == "brief-1"
    qtbot.waitUntil(lambda: w.banner_top.label_shown.level == "SECRET")
    assert "(S//CYBER//TLP:AMBER)" in page.reader.toPlainText()
    assert "(U//TLP:GREEN)" in page.reader.toPlainText()


def test_uncleared_reader_never_sees_a_restricted_banner(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    w = make_window(world.build(policy, world.UMA))
    for key in ("home", "rooms", "briefs", "advisories", "search", "directory"):
        w.show_page(key)
        page = w.pages[key]
        if key == "rooms":
            for room_id in ("room-joint", "room-ops", "room-open"):
                open_room(w, room_id)
                qtbot.wait(1)
                assert w.banner_top.label_shown.level == "UNCLASSIFIED"
        if key == "search":
            page.query.setText("ZEBRA")
            page.run()
            qtbot.waitUntil(lambda p=page: p.status.text() != "Searching…")
            assert page.model.rowCount() == 0
        qtbot.wait(1)
        assert w.banner_top.label_shown.level == "UNCLASSIFIED", key
        text = page.grab().toImage()  # rendering works with nothing restricted to draw
        assert not text.isNull()
    assert world.SECRET_WORD not in w.pages["briefs"].reader.toPlainText()
    assert world.SECRET_WORD not in w.pages["advisories"].annex.toPlainText()
