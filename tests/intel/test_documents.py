"""Briefs and advisories: portion marking, what a reader sees, banner label, JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from intel.documents import (
    Document,
    SectionKind,
    Severity,
    acknowledge,
    acknowledgement_to_json,
    actions_by_due,
    document_label,
    document_to_json,
    parse_acknowledgement,
    parse_document,
    visible_parts,
)
from intel.errors import FormatError, LabelError
from intel.markings import TLP, Clearance, Label, Policy

Make = Callable[..., dict[str, Any]]


def ids(doc: Document | None) -> list[str]:
    assert doc is not None
    return [s.section_id for s in doc.sections]


def test_executive_without_clearance_sees_only_unclassified(
    advisory: Document, policy: Policy
) -> None:
    exec_ = Clearance("u-exec", "org-a", "UNCLASSIFIED")
    seen = visible_parts(advisory, policy, exec_)
    assert ids(seen) == ["summary", "impact", "do", "iocs", "ttp", "cve"]
    assert len(advisory.sections) == 8  # the original is untouched


def test_cleared_analyst_sees_the_annex_but_red_only_when_named(
    advisory: Document, policy: Policy
) -> None:
    analyst = Clearance("u-ana", "org-a", "SECRET", frozenset({"CYBER"}))
    assert "annex" in ids(visible_parts(advisory, policy, analyst))
    assert "red" not in ids(visible_parts(advisory, policy, analyst))
    assert "red" in ids(visible_parts(advisory, policy, analyst, ["u-ana"]))
    no_comp = Clearance("u-2", "org-a", "TOP-SECRET")
    assert "annex" not in ids(visible_parts(advisory, policy, no_comp))


def test_unreadable_header_hides_everything(make_advisory: Make, policy: Policy) -> None:
    doc = parse_document(make_advisory(header_label="SECRET//TLP:AMBER"), policy)
    assert visible_parts(doc, policy, Clearance("u", "o", "CONFIDENTIAL")) is None
    seen = visible_parts(doc, policy, Clearance("u", "o", "SECRET"))
    assert seen is not None and seen.title == doc.title


def test_unknown_labels_fail_closed(make_advisory: Make, policy: Policy) -> None:
    data = make_advisory()
    data["sections"][0]["label"] = "COSMIC//TLP:CLEAR"
    doc = parse_document(data)  # without a policy the label is only checked for syntax
    top = Clearance("u", "o", "TOP-SECRET", frozenset({"CYBER", "OT", "FIN"}))
    assert "summary" not in ids(visible_parts(doc, policy, top))
    with pytest.raises(FormatError) as err:
        parse_document(data, policy)
    assert err.value.problems == ["sections[0].label: unknown level 'COSMIC'; this policy has "
                                  "UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP-SECRET"]


def test_document_label_is_the_least_upper_bound(advisory: Document, policy: Policy) -> None:
    label = document_label(advisory, policy)
    assert label == Label("SECRET", frozenset({"CYBER"}), TLP.RED)
    seen = visible_parts(advisory, policy, Clearance("u", "o", "UNCLASSIFIED"))
    assert seen is not None
    assert document_label(seen, policy) == Label("UNCLASSIFIED", tlp=TLP.GREEN)


def test_document_label_with_disjoint_releasability(make_advisory: Make, policy: Policy) -> None:
    data = make_advisory()
    data["sections"][0]["label"] = "UNCLASSIFIED//TLP:CLEAR//REL:ORG-A"
    data["sections"][1]["label"] = "UNCLASSIFIED//TLP:GREEN//REL:ORG-B"
    with pytest.raises(LabelError, match="releasability"):
        document_label(parse_document(data, policy), policy)


def test_section_content_must_fit_its_kind(make_advisory: Make) -> None:
    data = make_advisory()
    data["sections"][0]["body"] = ""
    data["sections"][2]["actions"] = []
    data["sections"][1]["cves"] = ["CVE-2024-0001"]
    data["sections"][3]["indicators"].append({"type": "ipv4", "value": "nope"})
    data["sections"].append(dict(data["sections"][4]))  # duplicate id "ttp"
    with pytest.raises(FormatError) as err:
        parse_document(data)
    problems = err.value.problems
    assert "sections[0]: a section of kind 'executive_summary' needs text in 'body'" in problems
    assert ("sections[2]: a section of kind 'actions' needs at least one entry in 'actions'"
            in problems)
    assert ("sections[1]: 'cves' belong in a section of kind 'cves' (or the technical annex), "
            "not in 'business_impact'") in problems
    assert any(p.startswith("sections[3].indicators[4]:") for p in problems)
    assert len(problems) == 4  # the duplicate id is checked once the sections are valid
    data = make_advisory()
    data["sections"].append(dict(data["sections"][4]))
    with pytest.raises(FormatError, match="1 problem"):
        parse_document(data)


def test_json_round_trip(advisory: Document) -> None:
    raw = document_to_json(advisory)
    assert isinstance(raw, bytes)
    again = parse_document(raw)
    assert again == advisory
    assert json.loads(raw)["sections"][3]["indicators"][3]["value"] == (
        "https://update-check.example/a'b")


def test_actions_by_due(advisory: Document) -> None:
    assert [a.text for a in actions_by_due(advisory)] == [
        "Reset VPN credentials", "Apply the vendor fix"]


def test_severity_and_kinds_bilingual() -> None:
    assert Severity.CRITICAL.display("ja") == "緊急"
    assert Severity.CRITICAL.rank > Severity.HIGH.rank
    assert SectionKind.TECHNICAL_ANNEX.display("ja") == "技術情報"


def test_acknowledgement(advisory: Document, now: dt.datetime) -> None:
    ack = acknowledge(advisory, "u-exec", now)
    assert ack.statement == "read_and_understood"
    assert parse_acknowledgement(acknowledgement_to_json(ack)) == ack
    with pytest.raises(FormatError) as err:
        parse_acknowledgement({"document_id": "ADV-1", "document_version": 0, "user_id": "",
                               "acknowledged_at": "2025-09-01T00:00:00"})
    assert len(err.value.problems) == 3


def test_updated_before_issued_is_refused(make_advisory: Make, now: dt.datetime) -> None:
    with pytest.raises(FormatError, match="1 problem"):
        parse_document(make_advisory(updated_at=(now - dt.timedelta(days=1)).isoformat()))
