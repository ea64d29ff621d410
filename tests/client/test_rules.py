"""The handling rules as pure functions (no widgets)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from client.ui.backend import Entry
from client.ui.presentation import (
    advisory_trend,
    due_status,
    fingerprint_rows,
    home_tiles,
    primary_role,
)
from client.ui.rules import (
    ReadFilter,
    WriteDown,
    allowed_labels,
    banner_label,
    copy_allowed,
    default_choice,
    derived_choices,
    effective_idle_seconds,
    forward_decision,
    level_abbreviation,
    portion_mark,
    readers_of,
    send_block,
    write_down,
)
from intel.markings import TLP, Clearance, Label, Policy, dominates


def L(text: str) -> Label:  # noqa: N802
    return Label.parse(text)


def test_allowed_labels_never_exceed_clearance_or_ceiling(policy: Policy) -> None:
    writer = Clearance("w", "org-a", "SECRET", frozenset({"CYBER", "FIN"}))
    ceiling = L("CONFIDENTIAL/CYBER,OT//TLP:AMBER")
    labels = allowed_labels(policy, writer, ceiling)
    assert labels
    for lb in labels:
        assert policy.rank(lb.level) <= policy.rank("CONFIDENTIAL")
        assert lb.compartments <= {"CYBER"}  # FIN not in ceiling, OT not in clearance
        assert lb.tlp.rank <= TLP.AMBER.rank
        assert dominates(policy, ceiling, lb)
    levels = {lb.level for lb in labels}
    assert levels == {"UNCLASSIFIED", "CONFIDENTIAL"}
    assert {lb.tlp for lb in labels} == {TLP.CLEAR, TLP.GREEN, TLP.AMBER}
    assert L("CONFIDENTIAL/CYBER//TLP:AMBER") in labels
    assert L("SECRET//TLP:CLEAR") not in labels
    # 2 levels x 2 compartment subsets x 3 TLPs
    assert len(labels) == 12 and len(set(labels)) == 12


def test_default_is_the_lowest_allowed(policy: Policy) -> None:
    writer = Clearance("w", "org-a", "TOP-SECRET", frozenset({"CYBER"}))
    labels = allowed_labels(policy, writer, L("SECRET/CYBER//TLP:RED"))
    assert labels[0] == L("UNCLASSIFIED//TLP:CLEAR")
    assert default_choice(policy, labels, None) == labels[0]


def test_allowed_labels_empty_for_unknown_levels(policy: Policy) -> None:
    writer = Clearance("w", "org-a", "COSMIC")
    assert allowed_labels(policy, writer, L("SECRET//TLP:RED")) == []


def test_no_write_down_choices_dominate_the_source(policy: Policy) -> None:
    writer = Clearance("w", "org-a", "SECRET", frozenset({"CYBER", "OT"}))
    allowed = allowed_labels(policy, writer, L("SECRET/CYBER,OT//TLP:RED"))
    source = L("CONFIDENTIAL/CYBER//TLP:AMBER")
    choices = derived_choices(policy, allowed, source, roles=())
    assert choices and all(dominates(policy, c, source) for c in choices)
    assert L("UNCLASSIFIED//TLP:CLEAR") not in choices
    assert default_choice(policy, choices, source) == source
    # With the downgrade role everything allowed is offered, the default still dominates.
    choices_dg = derived_choices(policy, allowed, source, roles=("downgrade",))
    assert choices_dg == allowed
    assert default_choice(policy, choices_dg, source) == source


def test_write_down_verdicts(policy: Policy) -> None:
    s, low = L("SECRET//TLP:AMBER"), L("CONFIDENTIAL//TLP:AMBER")
    assert write_down(policy, s, s, ()) is WriteDown.ALLOWED
    assert write_down(policy, s, L("SECRET//TLP:RED"), ()) is WriteDown.ALLOWED
    assert write_down(policy, s, low, ()) is WriteDown.REFUSED
    assert write_down(policy, s, low, ("downgrade",)) is WriteDown.NEEDS_DOWNGRADE
    assert write_down(policy, s, L("SECRET//TLP:GREEN"), ()) is WriteDown.REFUSED


def test_forwarding_follows_tlp(policy: Policy) -> None:
    assert forward_decision(L("UNCLASSIFIED//TLP:RED"), "org-a", ["org-a"]).reason == "red"
    assert not forward_decision(L("UNCLASSIFIED//TLP:RED"), "org-a", ["org-a"]).ok
    strict = forward_decision(L("UNCLASSIFIED//TLP:AMBER+STRICT"), "org-a", ["org-a", "org-b"])
    assert not strict.ok and strict.blocked_orgs == ("org-b",)
    assert forward_decision(L("UNCLASSIFIED//TLP:AMBER+STRICT"), "org-a", ["org-a"]).ok
    amber = forward_decision(L("UNCLASSIFIED//TLP:AMBER"), "org-a", ["org-b"],
                             clients_of={"org-a": ["org-b"]})
    assert amber.ok
    assert forward_decision(L("UNCLASSIFIED//TLP:GREEN"), "org-a", ["org-x", "org-y"]).ok
    assert forward_decision(L("UNCLASSIFIED//TLP:GREEN"), "org-a", []).reason == "empty"


def test_copy_threshold(policy: Policy) -> None:
    assert policy.copy_block_level == "CONFIDENTIAL"
    assert copy_allowed(policy, L("UNCLASSIFIED//TLP:AMBER"))
    assert not copy_allowed(policy, L("CONFIDENTIAL//TLP:CLEAR"))
    assert not copy_allowed(policy, L("SECRET//TLP:CLEAR"))
    assert not copy_allowed(policy, None)
    assert not copy_allowed(policy, Label("COSMIC"))


def test_idle_lock_never_longer_than_policy(policy: Policy) -> None:
    assert policy.idle_lock_seconds == 600
    assert effective_idle_seconds(policy, None) == 600
    assert effective_idle_seconds(policy, 5) == 300
    assert effective_idle_seconds(policy, 60) == 600
    short = Policy.from_dict({**policy.to_dict(), "idle_lock_seconds": 120})
    assert effective_idle_seconds(short, None) == 120
    assert effective_idle_seconds(short, 10) == 120


def test_banner_is_least_upper_bound(policy: Policy) -> None:
    lb = banner_label(policy, [L("UNCLASSIFIED//TLP:RED"), L("SECRET/CYBER//TLP:CLEAR"),
                               L("CONFIDENTIAL/OT//TLP:GREEN"), None])
    assert lb == L("SECRET/CYBER,OT//TLP:RED")
    assert banner_label(policy, []) == L("UNCLASSIFIED//TLP:CLEAR")
    # Disjoint releasability cannot be combined: fall back to something no lower.
    odd = banner_label(policy, [L("SECRET//TLP:AMBER//REL:ORG-A"),
                                L("CONFIDENTIAL/FIN//TLP:RED//REL:ORG-B")])
    assert odd.level == "SECRET" and odd.compartments == {"FIN"} and odd.tlp is TLP.RED


def test_portion_marks(policy: Policy) -> None:
    assert level_abbreviation(policy, "TOP-SECRET") == "TS"
    assert portion_mark(policy, L("SECRET/OT,CYBER//TLP:AMBER")) == "(S//CYBER/OT//TLP:AMBER)"
    assert portion_mark(policy, L("UNCLASSIFIED//TLP:CLEAR")) == "(U//TLP:CLEAR)"
    assert portion_mark(policy, L("SECRET//TLP:RED"), "ja") == "(極秘//TLP:RED)"
    assert portion_mark(policy, L("CONFIDENTIAL//TLP:GREEN//REL:ORG-A")) == \
        "(C//TLP:GREEN//REL ORG-A)"


def test_readers_of_splits_members(policy: Policy, world: Any) -> None:
    members = [world.ALICE, world.BOB, world.UMA]
    can, cannot = readers_of(policy, members, L("CONFIDENTIAL//TLP:AMBER"))
    assert [m.user_id for m in can] == ["alice", "bob"]
    assert [m.user_id for m in cannot] == ["uma"]
    can, _ = readers_of(policy, members, L("SECRET/OT//TLP:AMBER"))
    assert [m.user_id for m in can] == ["alice"]


def test_read_filter_hides_and_strips(policy: Policy) -> None:
    rf = ReadFilter(policy, Clearance("uma", "org-a", "UNCLASSIFIED"))
    ok = Entry(1, "i1", "r", "ok", L("UNCLASSIFIED//TLP:AMBER"), 0, body="fine")
    secret = Entry(2, "i2", "r", "ok", L("SECRET//TLP:AMBER"), 0, body="hidden")
    rejected = Entry(3, "i3", "r", "rejected", L("SECRET//TLP:AMBER"), 0, body="tampered",
                     title="t", reason="bad signature")
    red_other = Entry(4, "i4", "r", "ok", L("UNCLASSIFIED//TLP:RED"), 0, body="x",
                      recipients=frozenset({"alice"}))
    red_direct = Entry(5, "i5", "r", "ok", L("UNCLASSIFIED//TLP:RED"), 0, body="y")
    unknown = Entry(6, "i6", "r", "ok", Label("COSMIC"), 0, body="z")
    assert rf.entry(ok) == ok
    assert rf.entry(secret) is None
    shown = rf.entry(rejected)
    assert shown is not None and shown.body == "" and shown.title == "" and shown.label is None
    assert shown.reason == "bad signature"
    assert rf.entry(red_other) is None
    assert rf.entry(red_direct) == red_direct
    assert rf.entry(unknown) is None


def test_send_block_reasons(policy: Policy) -> None:
    label = L("UNCLASSIFIED//TLP:CLEAR")
    assert send_block("hello", label, 1) == "key_change"
    assert send_block("hello", None, 0) == "no_label"
    assert send_block("   ", label, 0) == "empty"
    assert send_block("hello", label, 0) is None


def test_presentation_helpers(world: Any) -> None:
    rows = fingerprint_rows(world.fp(3))
    assert len(rows) == 3 and all(len(r) == 4 for r in rows)
    assert " ".join(" ".join(r) for r in rows) == world.fp(3)
    today = date(2026, 1, 1)
    assert due_status(date(2025, 12, 31), today) == "overdue"
    assert due_status(date(2026, 1, 6), today) == "soon"
    assert due_status(date(2026, 2, 1), today) == "later"
    assert due_status(None, today) == "none"
    assert primary_role({"analyst", "executive"}) == "executive"
    assert primary_role(set()) == "analyst"


def test_trend_counts_by_week_and_severity(policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    buckets = advisory_trend(b.advisories, world.TODAY, weeks=6)
    assert len(buckets) == 6
    assert buckets[-1].start == date(2025, 12, 29)  # Monday of the current week
    assert sum(x.total for x in buckets) == 3
    assert buckets[-1].count("critical") == 1
    assert buckets[-2].count("medium") == 1


@pytest.mark.parametrize(("role", "first"), [
    ("executive", "severe_advisories"), ("analyst", "briefs_unacked"),
    ("responder", "rooms_unread"), ("operator", "report_incident"),
    ("publisher", "compose_advisory"),
])
def test_home_tiles_per_role(policy: Policy, world: Any, role: str, first: str) -> None:
    b = world.build(policy, world.ALICE)
    tiles = home_tiles([role], b.list_rooms(), b.briefs, b.advisories, b.key_changes,
                       world.TODAY)
    assert tiles[0].key == first
    assert any(t.key == "key_changes" and t.urgent for t in tiles)
    if role == "executive":
        counts = {t.key: t.count for t in tiles}
        assert counts["actions_overdue"] == 1 and counts["actions_soon"] == 1
        assert counts["affects_us"] == 1
