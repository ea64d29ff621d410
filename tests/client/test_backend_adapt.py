"""intel documents become the UI's brief and advisory values, portion by portion."""

from __future__ import annotations

from datetime import date
from typing import Any

from client.ui.backend import advisory_from_document, brief_from_document
from client.ui.rules import ReadFilter
from intel.documents import parse_document
from intel.markings import Label, Policy

DOC = {
    "kind": "advisory",
    "document_id": "adv-2026-001",
    "title": "Gateway flaw exploited",
    "header_label": "UNCLASSIFIED//TLP:CLEAR",
    "severity": "informational",
    "publisher": "National CSIRT",
    "issued_at": "2026-01-01T09:00:00+00:00",
    "sections": [
        {"section_id": "s1", "kind": "executive_summary", "label": "UNCLASSIFIED//TLP:CLEAR",
         "body": "Attackers exploit a gateway flaw."},
        {"section_id": "s2", "kind": "actions", "label": "UNCLASSIFIED//TLP:GREEN",
         "actions": [{"text": "Rotate keys", "due": "2026-01-09"},
                     {"text": "Patch", "due": "2026-01-03"}]},
        {"section_id": "s3", "kind": "technical_annex", "label": "SECRET/CYBER//TLP:AMBER",
         "body": "Implant details.", "techniques": ["T1190"], "cves": ["CVE-2025-0001"],
         "indicators": [{"type": "ipv4", "value": "198.51.100.7"}]},
        {"section_id": "s4", "kind": "indicators", "label": "UNCLASSIFIED//TLP:GREEN",
         "indicators": [{"type": "domain", "value": "bad.example", "note": "C2"}]},
    ],
}


def test_advisory_from_document(policy: Policy, world: Any) -> None:
    doc = parse_document(DOC, policy)
    adv = advisory_from_document(doc, policy, official=True, affects_us="yes")
    assert adv is not None
    assert adv.severity == "info" and adv.official and adv.label == Label.parse(
        "UNCLASSIFIED//TLP:CLEAR")
    assert [s.text for s in adv.summary] == ["Attackers exploit a gateway flaw."]
    assert [(a.text, a.due) for a in adv.actions] == [("Patch", date(2026, 1, 3)),
                                                      ("Rotate keys", date(2026, 1, 9))]
    assert {(i.value, i.label.level) for i in adv.indicators} == {
        ("198.51.100.7", "SECRET"), ("bad.example", "UNCLASSIFIED")}
    assert adv.techniques[0].value == "T1190" and adv.techniques[0].label.level == "SECRET"
    # The UI's own filter then keeps the SECRET portions from an uncleared reader.
    seen = ReadFilter(policy, world.UMA.clearance).advisory(adv)
    assert seen is not None
    assert seen.annex == () and seen.techniques == () and seen.cves == ()
    assert [i.value for i in seen.indicators] == ["bad.example"]
    assert len(seen.actions) == 2


def test_brief_from_document_and_unknown_labels(policy: Policy) -> None:
    doc = parse_document({**DOC, "kind": "brief"}, policy)
    brief = brief_from_document(doc, policy, author="Alice", org="org-a")
    assert brief is not None and len(brief.sections) == 2  # the sections with text
    other = Policy.from_dict({**policy.to_dict(), "levels": policy.to_dict()["levels"][:2]})
    assert brief_from_document(doc, other, author="A", org="o") is not None
    adv = advisory_from_document(doc, other, official=False)
    assert adv is not None and adv.annex == () and adv.techniques == ()  # SECRET unknown: out
    hidden = parse_document({**DOC, "header_label": "SECRET//TLP:CLEAR"})
    assert brief_from_document(hidden, other, author="A", org="o") is None
