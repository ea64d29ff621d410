"""Pure rules of the new screens: quick report, intake workflow, composer, catalog filters,
home views and the audit rule."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

import pytest

from client.ui.kev_rules import KevFilter, filter_rows, kev_counts
from client.ui.mainwindow import initial_view
from client.ui.presentation import available_views, home_tiles, primary_role
from client.ui.publish_rules import (
    ComposerForm,
    Part,
    build_document,
    composer_ceiling,
    document_problems,
    envelope_plan,
    parse_actions,
    parse_ids,
)
from client.ui.report_rules import (
    QuickReportForm,
    build_quick_report,
    choices,
    form_from_prefill,
    next_statuses,
    open_questions,
    parse_indicator_lines,
    report_problems,
)
from client.ui.rules import audit_on_open
from intel.markings import TLP, Clearance, Label, Policy
from intel.reports import parse_report, quick_report_defaults

NOW = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)


def _filled(prefill: dict[str, Any]) -> QuickReportForm:
    return QuickReportForm(entity_name="Kanto Power", sector="electricity",
                           contact_name="Ken", contact_email="soc@kanto.example",
                           contact_phone="+81 3-5555-0100", category="ransomware",
                           summary="Ransom note.", label=prefill["label"], consent=True)


def test_quick_report_needs_only_what_a_person_decides(policy: Policy) -> None:
    prefill = quick_report_defaults(NOW, policy)
    empty = form_from_prefill(prefill)
    assert empty.label == "UNCLASSIFIED//TLP:AMBER+STRICT" and not empty.consent
    problems = report_problems(build_quick_report(prefill, empty))
    joined = " ".join(problems)
    for field in ("category", "summary", "consent", "entity", "contact"):
        assert field in joined, field
    doc = build_quick_report(prefill, _filled(prefill))
    assert report_problems(doc) == []
    report = parse_report(doc)
    assert report.report_id == prefill["report_id"] == report.thread_id
    assert report.category.value == "ransomware" and report.consent
    assert "category" not in prefill  # the prefill itself is left untouched


def test_detection_time_keeps_the_timeline_ordered(policy: Policy) -> None:
    prefill = quick_report_defaults(NOW, policy)
    later = (NOW + dt.timedelta(minutes=30)).isoformat()
    doc = build_quick_report(prefill, QuickReportForm(**{
        **_filled(prefill).__dict__, "detected_at": later}))
    assert doc["timeline"]["reported_at"] == later and report_problems(doc) == []
    earlier = (NOW - dt.timedelta(hours=2)).isoformat()
    doc = build_quick_report(prefill, QuickReportForm(**{
        **_filled(prefill).__dict__, "detected_at": earlier}))
    assert doc["timeline"]["aware_at"] == earlier
    assert doc["timeline"]["reported_at"] == prefill["timeline"]["reported_at"]


def test_pick_lists_are_bilingual_and_indicators_are_guessed() -> None:
    en, ja = dict(choices("category", "en")), dict(choices("category", "ja"))
    assert en["ransomware"] == "Ransomware" and ja["ransomware"] == "ランサムウェア"
    assert parse_indicator_lines("198.51.100.7\nbad.example\nurl http://x.example/a\n\n"
                                 + "a" * 64) == (
        ("ipv4", "198.51.100.7"), ("domain", "bad.example"), ("url", "http://x.example/a"),
        ("sha256", "a" * 64))


def test_intake_workflow_and_open_questions(world: Any) -> None:
    assert next_statuses("received") == ["triaged", "need-info", "closed"]
    assert next_statuses("closed") == ["triaged"]
    assert next_statuses("bogus") == []
    b = world.build(Policy.default(), world.ALICE)
    entries = b.threads["IR-1"]
    assert [e.question_id for e in open_questions(entries, "carol")] == ["Q-1"]
    assert open_questions(entries, "ivy") == []  # one's own question is not to answer


def test_composer_builds_portion_marked_parts(policy: Policy) -> None:
    u, s = "UNCLASSIFIED//TLP:CLEAR", "SECRET/CYBER//TLP:AMBER"
    form = ComposerForm("advisory", "ADV-1", "Gateway flaw", "critical", "CSIRT", u, {
        "executive_summary": Part("Patch now.", u),
        "actions": Part("2026-01-05 Patch gateways\n\n2026-01-09 Rotate keys", u),
        "technical_annex": Part("Implant details.", s),
        "techniques": Part("T1190, t1059.001 and T1190 again", s),
        "cves": Part("see cve-2025-0001", u),
        "business_impact": Part("   ", u),
    })
    doc, problems = build_document(form, NOW)
    assert problems == []
    kinds = [x["kind"] for x in doc["sections"]]
    assert kinds == ["executive_summary", "actions", "technical_annex", "techniques", "cves"]
    assert doc["sections"][3]["techniques"] == ["T1190", "T1059.001"]
    assert doc["sections"][4]["cves"] == ["CVE-2025-0001"]
    assert envelope_plan(doc) == [(u, ["header", "executive_summary", "actions", "cves"]),
                                  (s, ["technical_annex", "techniques"])]
    analyst = Clearance("a", "o", "SECRET", frozenset({"CYBER"}), frozenset({"publisher"}))
    ceiling = composer_ceiling(policy, "advisory", direct=False)
    assert ceiling.tlp is TLP.AMBER_STRICT
    assert document_problems(doc, policy, analyst, ceiling) == []
    reader = Clearance("r", "o", "CONFIDENTIAL")
    problems = document_problems(doc, policy, reader, ceiling)
    assert any(p.startswith("technical_annex: SECRET") for p in problems)
    assert composer_ceiling(policy, "brief", direct=True).tlp is TLP.RED


def test_composer_reports_bad_lines() -> None:
    actions, problems = parse_actions("tomorrow patch\n2026-02-30 x\n2026-01-02\n")
    assert actions == [] and len(problems) == 3
    assert parse_ids("none here", "cves") == []
    form = ComposerForm("brief", "BRF-1", "", "low", "X", "UNCLASSIFIED//TLP:CLEAR",
                        {"cves": Part("no ids", "UNCLASSIFIED//TLP:CLEAR")})
    _doc, problems = build_document(form, NOW)
    assert any("no CVE id" in p for p in problems)


def test_catalog_filters(world: Any) -> None:
    rows = world.build(Policy.default(), world.ALICE).kev_rows()
    today = date(2026, 1, 1)
    assert [r.cve for r in filter_rows(rows, KevFilter(), today)] == [
        "CVE-2025-0001", "CVE-2024-1111", "CVE-2023-2222"]
    assert [r.cve for r in filter_rows(rows, KevFilter(affects_only=True), today)] == [
        "CVE-2025-0001"]
    assert len(filter_rows(rows, KevFilter(ransomware_only=True), today)) == 2
    assert [r.cve for r in filter_rows(rows, KevFilter(due="soon"), today)] == [
        "CVE-2025-0001", "CVE-2024-1111", "CVE-2023-2222"]
    assert len(filter_rows(rows, KevFilter(due="overdue"), today)) == 2
    assert [r.cve for r in filter_rows(rows, KevFilter(text="mail  SERVER"), today)] == [
        "CVE-2024-1111"]
    assert [r.cve for r in filter_rows(rows, KevFilter(source="domestic"), today)] == [
        "CVE-2025-0001"]
    assert kev_counts(rows, today) == {"total": 3, "affects": 1, "ransomware": 2,
                                       "overdue_ours": 1}


def test_home_views_follow_certificate_roles(policy: Policy, world: Any) -> None:
    assert available_views(set()) == ["analyst", "responder", "executive", "operator"]
    assert available_views({"publisher", "intake", "room-admin"}) == [
        "analyst", "responder", "executive", "operator", "publisher", "intake"]
    assert primary_role({"reporter"}) == "operator"
    assert primary_role({"intake", "room-admin"}) == "intake"
    assert initial_view("executive", {"room-admin"}) == "executive"
    assert initial_view("publisher", set()) == "analyst"  # not granted: the roles decide
    b = world.build(policy, world.ALICE)
    tiles = home_tiles(["intake"], b.list_rooms(), [], [], [], world.TODAY, b.reports)
    assert [(t.key, t.count) for t in tiles[:2]] == [("reports_new", 0),
                                                     ("reports_waiting", 1)]
    tiles = home_tiles(["operator"], [], [], [], [], world.TODAY, b.reports)
    assert tiles[0].key == "report_incident" and tiles[0].enabled


@pytest.mark.parametrize(("label", "audited"), [
    ("UNCLASSIFIED//TLP:AMBER", False), ("UNCLASSIFIED/CYBER//TLP:CLEAR", True),
    ("CONFIDENTIAL//TLP:CLEAR", True), ("SECRET//TLP:RED", True)])
def test_restricted_items_are_audited(policy: Policy, label: str, audited: bool) -> None:
    assert audit_on_open(policy, Label.parse(label)) is audited
    assert audit_on_open(policy, None) is False
