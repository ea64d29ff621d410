"""STIX 2.1 export: valid bundles (OASIS validator, strict), only what the audience may have."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from intel.documents import Document, parse_document
from intel.errors import FormatError, LabelError
from intel.markings import TLP, TLP2_STIX_IDS, Label, Policy
from intel.stix import Indicator, IndicatorType
from intel.stix_export import (
    Audience,
    RoomItem,
    bundle_to_json,
    export_bundle,
    export_items_bundle,
    exported_tlps,
)
from intel.stix_import import import_bundle

Problems = Callable[[dict[str, Any]], list[str]]
POLICY = Policy.default()
TLP_BY_ID = {v: k for k, v in TLP2_STIX_IDS.items()}
NOW = dt.datetime(2025, 9, 1, 9, 30, tzinfo=dt.UTC)


def content_objects(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in bundle["objects"] if o["type"] != "marking-definition"]


def dangling_refs(bundle: dict[str, Any]) -> list[str]:
    """References (``*_ref``, ``*_refs``, marking refs) to objects missing from the bundle."""
    ids = {o["id"] for o in bundle["objects"]}
    missing = []
    for obj in bundle["objects"]:
        for key, value in obj.items():
            refs = value if key.endswith("_refs") else [value] if key.endswith("_ref") else []
            missing += [r for r in refs if r not in ids]
        missing += [g["marking_ref"] for g in obj.get("granular_markings", [])
                    if g["marking_ref"] not in ids]
    return missing


def tlps_of(obj: dict[str, Any]) -> set[TLP]:
    refs = list(obj.get("object_marking_refs", []))
    refs += [g["marking_ref"] for g in obj.get("granular_markings", [])]
    return {TLP_BY_ID[r] for r in refs if r in TLP_BY_ID}


def test_public_export(advisory: Document, policy: Policy, stix_problems: Problems) -> None:
    bundle = export_bundle(advisory, Audience.public(policy, "ncc"))
    assert stix_problems(bundle) == []
    assert dangling_refs(bundle) == []
    text = json.dumps(bundle)
    assert "ANNEX-SECRET-TEXT" not in text and "RED-ONLY-TEXT" not in text
    assert "Remote access may be lost" not in text  # business impact is GREEN
    assert "203.0.113.7" not in text  # indicators are GREEN
    assert exported_tlps(bundle) == {TLP.CLEAR}
    for obj in content_objects(bundle):
        assert tlps_of(obj) == {TLP.CLEAR}, obj["id"]
    types = sorted(o["type"] for o in content_objects(bundle))
    assert types == ["attack-pattern", "attack-pattern", "course-of-action", "course-of-action",
                     "identity", "report", "vulnerability", "vulnerability"]
    report = next(o for o in bundle["objects"] if o["type"] == "report")
    assert report["description"] == "Attackers exploit VPN appliances."
    assert set(report["object_refs"]) == {o["id"] for o in content_objects(bundle)} - {
        report["id"]}


def test_community_export_has_green_parts(
    advisory: Document, policy: Policy, stix_problems: Problems
) -> None:
    bundle = export_bundle(advisory, Audience.community(policy, "ncc"))
    assert stix_problems(bundle) == []
    assert dangling_refs(bundle) == []
    text = json.dumps(bundle)
    assert "Remote access may be lost" in text and "203.0.113.7" in text
    assert "ANNEX-SECRET-TEXT" not in text and "198.51.100.99" not in text
    assert exported_tlps(bundle) == {TLP.CLEAR, TLP.GREEN}
    patterns = {o["pattern"] for o in bundle["objects"] if o["type"] == "indicator"}
    assert "[url:value = 'https://update-check.example/a\\'b']" in patterns
    techniques = {o["external_references"][0]["external_id"]
                  for o in bundle["objects"] if o["type"] == "attack-pattern"}
    assert techniques == {"T1190", "T1133"}
    cves = {o["external_references"][0]["external_id"]
            for o in bundle["objects"] if o["type"] == "vulnerability"}
    assert cves == {"CVE-2024-21887", "CVE-2023-46805"}


def test_granular_marking_when_summary_differs_from_header(
    make_advisory: Callable[..., dict[str, Any]], policy: Policy, stix_problems: Problems
) -> None:
    data = make_advisory()
    data["sections"][0]["label"] = "UNCLASSIFIED//TLP:GREEN"
    doc = parse_document(data, policy)
    bundle = export_bundle(doc, Audience.community(policy, "ncc"))
    assert stix_problems(bundle) == []
    assert dangling_refs(bundle) == []
    report = next(o for o in bundle["objects"] if o["type"] == "report")
    assert report["object_marking_refs"] == [TLP2_STIX_IDS[TLP.CLEAR]]
    assert report["granular_markings"] == [
        {"marking_ref": TLP2_STIX_IDS[TLP.GREEN], "selectors": ["description"]}]
    public = export_bundle(doc, Audience.public(policy, "ncc"))
    public_report = next(o for o in public["objects"] if o["type"] == "report")
    assert "granular_markings" not in public_report
    assert "Attackers exploit" not in public_report["description"]


def test_organisation_export_carries_the_classification(
    advisory: Document, policy: Policy, stix_problems: Problems
) -> None:
    cleared = Audience.organisation(policy, "ncc", "ncc", level="SECRET",
                                    compartments=frozenset({"CYBER"}))
    bundle = export_bundle(advisory, cleared)
    assert stix_problems(bundle) == []
    assert dangling_refs(bundle) == []
    text = json.dumps(bundle)
    assert "ANNEX-SECRET-TEXT" in text and "RED-ONLY-TEXT" not in text
    statements = [o for o in bundle["objects"] if o.get("definition_type") == "statement"]
    assert [s["definition"]["statement"] for s in statements] == [
        "Handling label: SECRET/CYBER//TLP:AMBER"]
    annex = next(o for o in bundle["objects"]
                 if o["type"] == "note" and "ANNEX" in o["content"])
    assert statements[0]["id"] in annex["object_marking_refs"]
    other_org = Audience.organisation(policy, "ncc", "org-b", level="SECRET",
                                      compartments=frozenset({"CYBER"}))
    assert "ANNEX-SECRET-TEXT" not in json.dumps(export_bundle(advisory, other_org))
    clients = Audience.organisation(policy, "ncc", "org-b", level="SECRET",
                                    compartments=frozenset({"CYBER"}),
                                    clients_of={"ncc": frozenset({"org-b"})})
    assert "ANNEX-SECRET-TEXT" in json.dumps(export_bundle(advisory, clients))


def test_nothing_shareable_raises(
    make_advisory: Callable[..., dict[str, Any]], policy: Policy
) -> None:
    secret_header = parse_document(make_advisory(header_label="SECRET//TLP:AMBER"), policy)
    with pytest.raises(LabelError, match="header"):
        export_bundle(secret_header, Audience.public(policy, "ncc"))
    data = make_advisory()
    data["sections"] = [s for s in data["sections"] if s["section_id"] == "red"]
    with pytest.raises(LabelError, match="no section"):
        export_bundle(parse_document(data, policy), Audience.community(policy, "ncc"))


def test_export_is_deterministic_and_imports_back(advisory: Document, policy: Policy) -> None:
    aud = Audience.community(policy, "ncc")
    first, second = export_bundle(advisory, aud), export_bundle(advisory, aud)
    assert first == second
    imported = import_bundle(bundle_to_json(first))
    assert imported.skipped == {}
    by_type: dict[str, int] = {}
    for obj in imported.objects:
        by_type[obj.stix_type] = by_type.get(obj.stix_type, 0) + 1
    assert by_type == {"identity": 1, "report": 1, "note": 1, "course-of-action": 2,
                       "indicator": 4, "attack-pattern": 2, "vulnerability": 2}
    indicators = {o.indicator.value for o in imported.objects if o.indicator is not None}
    assert "203.0.113.7" in indicators
    report = next(o for o in imported.objects if o.stix_type == "report")
    assert report.tlp is TLP.CLEAR


def test_room_items_export(policy: Policy, stix_problems: Problems) -> None:
    items = [
        RoomItem(item_id="m1", label="UNCLASSIFIED//TLP:GREEN", author="responder-a",
                 posted_at=NOW, text="Seeing beacons to c2.example",
                 indicators=[Indicator(type=IndicatorType.DOMAIN, value="c2[.]example")]),
        RoomItem(item_id="m2", label="CONFIDENTIAL//TLP:AMBER", author="responder-b",
                 posted_at=NOW, text="CONFIDENTIAL-ITEM victim is org X"),
        RoomItem(item_id="m3", label="UNCLASSIFIED//TLP:CLEAR", author="responder-c",
                 posted_at=NOW, cves=["CVE-2024-3400"], techniques=["T1190"]),
    ]
    bundle = export_items_bundle(items, Audience.community(policy, "ncc"), export_id="room-42",
                                 title="Joint response room 42",
                                 title_label="UNCLASSIFIED//TLP:GREEN",
                                 publisher="ncc", published=NOW)
    assert stix_problems(bundle) == []
    assert dangling_refs(bundle) == []
    text = json.dumps(bundle)
    assert "CONFIDENTIAL-ITEM" not in text
    assert "c2.example" in text and "CVE-2024-3400" in text
    with pytest.raises(FormatError):
        export_items_bundle([items[0], items[0]], Audience.community(policy, "ncc"),
                            export_id="room-42", title="t", title_label=Label("UNCLASSIFIED"),
                            publisher="ncc", published=NOW)


# --------------------------------------------------------------------------- property
LEVELS = [lv.key for lv in POLICY.levels]
COMPS = sorted(POLICY.compartment_keys())
ORGS = ["org-a", "org-b", "org-c"]


def may_receive(label: Label, kind: str, target: str | None, level: str,
                comps: frozenset[str], holder: str, clients: dict[str, set[str]]) -> bool:
    """The rules of DESIGN.md spelled out independently of the code under test."""
    if label.tlp is TLP.RED:
        return False
    top = level if kind == "organisation" else LEVELS[0]
    if LEVELS.index(label.level) > LEVELS.index(top):
        return False
    if not label.compartments <= (comps if kind == "organisation" else frozenset()):
        return False
    if label.releasable_to is not None and (kind != "organisation"
                                            or target not in label.releasable_to):
        return False
    if kind == "public":
        return label.tlp is TLP.CLEAR
    if kind == "community":
        return label.tlp in (TLP.CLEAR, TLP.GREEN)
    if label.tlp in (TLP.CLEAR, TLP.GREEN):
        return True
    if label.tlp is TLP.AMBER:
        return target == holder or target in clients.get(holder, set())
    return target == holder  # AMBER+STRICT


# Half of the labels are plain "lowest level + some TLP", so that public and community
# exports, which only take such labels, are exercised as often as the refusals.
plain_labels = st.builds(Label, level=st.just(LEVELS[0]), tlp=st.sampled_from(
    [TLP.CLEAR, TLP.CLEAR, TLP.GREEN, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]))
labels = st.one_of(
    plain_labels,
    st.builds(
        Label,
        level=st.sampled_from(LEVELS),
        compartments=st.frozensets(st.sampled_from(COMPS), max_size=2),
        tlp=st.sampled_from(list(TLP)),
        releasable_to=st.none() | st.frozensets(st.sampled_from(ORGS), min_size=1, max_size=2),
    ),
)


@st.composite
def documents(draw: st.DrawFn) -> tuple[Document, list[Label]]:
    header = draw(st.one_of(plain_labels, plain_labels, plain_labels, labels))
    section_labels = draw(st.lists(labels, min_size=1, max_size=6))
    sections = []
    for i, lb in enumerate(section_labels):
        kind = draw(st.sampled_from(["business_impact", "indicators", "technical_annex"]))
        sec: dict[str, Any] = {"section_id": f"s{i}", "kind": kind, "label": lb.canonical()}
        if kind == "indicators":
            sec["indicators"] = [{"type": "domain", "value": f"marker-{i}.example"}]
        else:
            sec["body"] = f"MARKER-{i}-TEXT"
        sections.append(sec)
    doc = parse_document({
        "kind": "brief", "document_id": "BR-1", "title": "TITLE-MARKER",
        "header_label": header.canonical(), "severity": "medium", "publisher": "ncc",
        "issued_at": NOW.isoformat(), "sections": sections,
    }, POLICY)
    return doc, [header, *section_labels]


audiences = st.one_of(
    st.tuples(st.just("public"), st.none(), st.just(LEVELS[0]), st.just(frozenset())),
    st.tuples(st.just("community"), st.none(), st.just(LEVELS[0]), st.just(frozenset())),
    st.tuples(st.just("organisation"), st.sampled_from(ORGS), st.sampled_from(LEVELS),
              st.frozensets(st.sampled_from(COMPS))),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), audiences, st.sampled_from(ORGS))
def test_export_never_contains_what_the_audience_may_not_have(
    stix_problems: Problems,
    doc_and_labels: tuple[Document, list[Label]],
    audience_spec: tuple[str, str | None, str, frozenset[str]],
    holder: str,
) -> None:
    doc, (header, *section_labels) = doc_and_labels
    kind, target, level, comps = audience_spec
    clients = {"org-a": {"org-c"}}
    if kind == "public":
        audience = Audience.public(POLICY, holder)
    elif kind == "community":
        audience = Audience.community(POLICY, holder)
    else:
        assert target is not None
        audience = Audience.organisation(
            POLICY, holder, target, level=level, compartments=comps,
            clients_of={k: frozenset(v) for k, v in clients.items()})
    allowed = [may_receive(lb, kind, target, level, comps, holder, clients)
               for lb in section_labels]
    if not may_receive(header, kind, target, level, comps, holder, clients) or not any(allowed):
        event(f"{kind}: refused")
        with pytest.raises(LabelError):
            export_bundle(doc, audience)
        return
    event(f"{kind}: exported {sum(allowed)} of {len(allowed)} sections")
    bundle = export_bundle(doc, audience)
    text = json.dumps(bundle)
    for i, ok in enumerate(allowed):
        present = f"MARKER-{i}-TEXT" in text or f"marker-{i}.example" in text
        assert present == ok, (i, section_labels[i].canonical(), kind, target)
    permitted = {"public": {TLP.CLEAR}, "community": {TLP.CLEAR, TLP.GREEN}}.get(
        kind, {TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT})
    for obj in content_objects(bundle):
        tlps = tlps_of(obj)
        assert tlps and tlps <= permitted, obj["id"]
    assert TLP.RED not in exported_tlps(bundle)
    if kind != "organisation":
        assert not any(o.get("definition_type") == "statement" for o in bundle["objects"])
    assert stix_problems(bundle) == []
    assert dangling_refs(bundle) == []


def test_the_validator_helper_does_report_problems(
    advisory: Document, policy: Policy, stix_problems: Problems
) -> None:
    bundle = export_bundle(advisory, Audience.public(policy, "ncc"))
    broken = json.loads(json.dumps(bundle))
    report = next(o for o in broken["objects"] if o["type"] == "report")
    del report["published"]
    problems = stix_problems(broken)
    assert any("published" in p for p in problems)
    # The validator does not follow a report's object_refs; dangling_refs does.
    assert dangling_refs(broken) == []
    report["object_refs"].append("indicator--00000000-0000-4000-8000-000000000000")
    assert dangling_refs(broken) == ["indicator--00000000-0000-4000-8000-000000000000"]
