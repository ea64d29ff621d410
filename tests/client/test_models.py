"""Item models: restricted content never becomes a row; the timeline loads lazily."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt

from client.ui.models import (
    AdvisoryListModel,
    BriefListModel,
    MembersModel,
    SearchResultsModel,
    ValueRole,
)
from client.ui.rules import ReadFilter
from client.ui.timeline import EntryRole, TimelineModel
from intel.markings import Label, Policy

ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
         Qt.ItemDataRole.AccessibleTextRole, EntryRole, ValueRole)


def exposed(model: QAbstractItemModel) -> list[str]:
    """Everything any view could read from the model, as text."""
    out = []
    for r in range(model.rowCount()):
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
        for c in range(columns):
            for role in ROLES:
                out.append(repr(model.index(r, c).data(role)))
    return out


def labels_in(model: QAbstractItemModel) -> list[Label]:
    out = []
    for r in range(model.rowCount()):
        v = model.index(r, 0).data(EntryRole) or model.index(r, 0).data(ValueRole)
        lb = getattr(v, "label", None)
        if lb is not None:
            out.append(lb)
    return out


def assert_nothing_secret(policy: Policy, model: QAbstractItemModel, word: str) -> None:
    texts = exposed(model)
    assert not any(word in t for t in texts), "restricted text reached the model"
    for lb in labels_in(model):
        assert policy.rank(lb.level) == 0, f"{lb} reached an UNCLASSIFIED reader's model"


def test_uncleared_reader_models_hold_no_restricted_item(qapp: Any, policy: Policy,
                                                         world: Any) -> None:
    b = world.build(policy, world.UMA, big_room=300)
    rf = ReadFilter(policy, world.UMA.clearance)

    timeline = TimelineModel(b, rf, page_size=50)
    for room in ("room-joint", "room-ops", "room-open", "room-big"):
        timeline.set_room(room)
        while timeline.canFetchMore():
            timeline.fetchMore()
        assert_nothing_secret(policy, timeline, world.SECRET_WORD)
        assert "Internal staffing plan." not in " ".join(exposed(timeline))
    # The warning rows stay visible (without their content).
    timeline.set_room("room-joint")
    timeline.fetchMore()
    states = [timeline.entry(r).state for r in range(timeline.rowCount())]
    assert states.count("rejected") == 1 and states.count("gap") == 1
    bodies = [timeline.entry(r).body for r in range(timeline.rowCount())]
    assert bodies == ["Patch released for the gateway.", "", "",
                      "Morning all, bridge call at 9."]

    # TLP:RED addressed to someone else is not for this reader.
    timeline.set_room("room-open")
    timeline.fetchMore()
    assert "Named-only note." not in " ".join(exposed(timeline))

    briefs = BriefListModel(rf)
    briefs.set_values(b.list_briefs())
    assert [x.brief_id for x in briefs.values()] == ["brief-1"]
    assert [s.title for s in briefs.values()[0].sections] == ["Summary"]  # portion removed
    assert_nothing_secret(policy, briefs, world.SECRET_WORD)

    advisories = AdvisoryListModel(rf)
    advisories.set_values(b.list_advisories())
    assert {a.advisory_id for a in advisories.values()} == {"adv-1", "adv-2"}
    assert_nothing_secret(policy, advisories, world.SECRET_WORD)
    adv1 = advisories.values()[0]
    assert [s.title for s in adv1.annex] == ["Technical details"]
    assert [i.value for i in adv1.indicators] == ["198.51.100.7"]

    results = SearchResultsModel(rf)
    results.set_values(b.search(world.SECRET_WORD[:5]))  # the fake backend does not filter
    assert len(b.search(world.SECRET_WORD[:5])) > 0
    assert results.rowCount() == 0
    results.set_values(b.search("gateway"))
    assert results.rowCount() >= 2
    assert_nothing_secret(policy, results, world.SECRET_WORD)


def test_cleared_reader_sees_secret_items(qapp: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    rf = ReadFilter(policy, world.ALICE.clearance)
    timeline = TimelineModel(b, rf)
    timeline.set_room("room-joint")
    timeline.fetchMore()
    assert any(world.SECRET_WORD in t for t in exposed(timeline))
    briefs = BriefListModel(rf)
    briefs.set_values(b.list_briefs())
    assert len(briefs.values()) == 3


def test_timeline_fetches_100k_in_pages(qapp: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE, big_room=100_000)
    rf = ReadFilter(policy, world.ALICE.clearance)
    model = TimelineModel(b, rf, page_size=200)
    model.set_room("room-big")
    assert model.rowCount() == 0 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 200
    assert model.entry(0).body == "routine #99999"  # newest first
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 600
    assert model.entry(599).body.endswith("#99400")
    pages = [c for c in b.calls if c[0] == "page_items"]
    assert len(pages) == 3 and all(c[1][2] == 200 for c in pages)
    assert model.entries_fetched == 600  # never the whole room


def test_timeline_filters_pages_for_uncleared_reader(qapp: Any, policy: Policy,
                                                     world: Any) -> None:
    b = world.build(policy, world.UMA, big_room=1_000)
    model = TimelineModel(b, ReadFilter(policy, world.UMA.clearance), page_size=100)
    model.set_room("room-big")
    model.fetchMore()
    assert model.rowCount() == 90  # one in ten is SECRET
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 900 and model.pages_fetched == 11


def test_live_updates_insert_at_top(qapp: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.UMA)
    model = TimelineModel(b, ReadFilter(policy, world.UMA.clearance))
    model.set_room("room-open")
    model.fetchMore()
    before = model.rowCount()
    b.add_entry("room-open", Label.parse("UNCLASSIFIED//TLP:CLEAR"), "new one")
    b.add_entry("room-open", Label.parse("SECRET//TLP:CLEAR"), f"{world.SECRET_WORD} new")
    b.add_entry("room-other", Label.parse("UNCLASSIFIED//TLP:CLEAR"), "elsewhere")
    assert model.load_new() == 1
    assert model.rowCount() == before + 1
    assert model.entry(0).body == "new one"
    assert_nothing_secret(policy, model, world.SECRET_WORD)


def test_members_model_shows_who_can_read(qapp: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    m = MembersModel(ReadFilter(policy, world.ALICE.clearance))
    m.set_values(b.members("room-joint"))
    assert [m.index(r, 1).data() for r in range(m.rowCount())] == ["org-a", "org-b", "org-a",
                                                                   "org-a"]
    assert m.index(1, 2).data() == "CONFIDENTIAL"
    assert m.index(0, 2).data() == "SECRET / CYBER, OT"
    m.set_label(Label.parse("SECRET/CYBER//TLP:AMBER"))
    assert [m.index(r, 3).data() for r in range(m.rowCount())] == ["Yes", "No", "No", "Yes"]
    assert "(S//CYBER//TLP:AMBER)" in m.headerData(3, Qt.Orientation.Horizontal)
