"""STIX 2.1 import: the OASIS examples, TLP dialects normalised to TLP 2.0, all-or-nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from intel.errors import FormatError
from intel.markings import TLP, TLP2_STIX_IDS, Policy
from intel.stix_export import tlp_marking_definition
from intel.stix_import import import_bundle, inspect_bundle

TLP1 = {
    "white": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "green": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "amber": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "red": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
OPENCTI_AMBER_STRICT = "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37"
TS = "2025-09-01T00:00:00.000Z"


def indicator(n: int, markings: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "indicator", "spec_version": "2.1",
        "id": f"indicator--00000000-0000-4000-8000-{n:012d}", "created": TS, "modified": TS,
        "name": f"C2 {n}", "pattern": f"[ipv4-addr:value = '192.0.2.{n}']",
        "pattern_type": "stix", "valid_from": TS,
    }
    if markings is not None:
        obj["object_marking_refs"] = markings
    obj.update(extra)
    return obj


def bundle(*objects: dict[str, Any]) -> dict[str, Any]:
    return {"type": "bundle", "id": "bundle--11111111-1111-4111-8111-111111111111",
            "objects": list(objects)}


def tlps(data: Any) -> dict[str, TLP]:
    return {o.stix_id: o.tlp for o in import_bundle(json.dumps(data)).objects}


@pytest.mark.parametrize(("name", "types", "skipped"), [
    ("indicator-for-c2-ip-address.json", {"indicator": 1}, {}),
    ("indicators-for-C2-with-COA.json",
     {"identity": 1, "indicator": 2, "course-of-action": 1}, {"malware": 1, "relationship": 3}),
    ("malicious-email-indicator-with-attachment.json",
     {"identity": 1, "attack-pattern": 1, "indicator": 2}, {"relationship": 2}),
    ("interop-objectmarking-test.json", {}, {"campaign": 1}),
])
def test_oasis_examples_import(
    data_dir: Path, name: str, types: dict[str, int], skipped: dict[str, int]
) -> None:
    raw = (data_dir / "stix" / name).read_bytes()
    result = import_bundle(raw)
    counted: dict[str, int] = {}
    for obj in result.objects:
        counted[obj.stix_type] = counted.get(obj.stix_type, 0) + 1
        assert obj.tlp is TLP.AMBER  # unmarked: the importer's default
    assert counted == types
    assert dict(result.skipped) == skipped
    assert inspect_bundle(raw).ok


def test_examples_yield_typed_indicators(data_dir: Path) -> None:
    raw = (data_dir / "stix" / "indicators-for-C2-with-COA.json").read_bytes()
    found = {(o.indicator.type.value, o.indicator.value)
             for o in import_bundle(raw).objects if o.indicator is not None}
    assert found == {("ipv4", "10.0.0.0"), (
        "sha256", "ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c")}
    email = (data_dir / "stix" / "malicious-email-indicator-with-attachment.json").read_bytes()
    patterns = [o.pattern for o in import_bundle(email).objects if o.stix_type == "indicator"]
    assert all(p and p.startswith("[email-message:") for p in patterns)


def test_interop_marking_example_is_red(data_dir: Path) -> None:
    raw = (data_dir / "stix" / "interop-objectmarking-test.json").read_bytes()
    seen = inspect_bundle(raw)
    assert seen.counts == {"campaign": 1}
    assert seen.markings == {
        "TLP:RED": 1,
        "unknown marking marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec": 1}


@pytest.mark.parametrize(("ref", "expected"), [
    (TLP1["white"], TLP.CLEAR), (TLP1["green"], TLP.GREEN), (TLP1["amber"], TLP.AMBER),
    (TLP1["red"], TLP.RED), (OPENCTI_AMBER_STRICT, TLP.AMBER_STRICT),
    *[(sid, tlp) for tlp, sid in TLP2_STIX_IDS.items()],
])
def test_well_known_marking_ids_are_normalised(ref: str, expected: TLP) -> None:
    assert list(tlps(bundle(indicator(1, [ref]))).values()) == [expected]


def test_marking_definitions_inside_the_bundle() -> None:
    opencti_green = {  # OpenCTI-style, with an id of its own
        "type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--22222222-2222-4222-8222-222222222222", "created": TS,
        "definition_type": "TLP", "name": "TLP:GREEN", "definition": {"TLP": "TLP:GREEN"},
    }
    stix20_amber = {
        "type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--33333333-3333-4333-8333-333333333333", "created": TS,
        "definition_type": "tlp", "definition": {"tlp": "amber"},
    }
    statement = {
        "type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--44444444-4444-4444-8444-444444444444", "created": TS,
        "definition_type": "statement", "definition": {"statement": "Copyright Example Corp"},
    }
    data = bundle(opencti_green, stix20_amber, statement, tlp_marking_definition(TLP.CLEAR),
                  indicator(1, [opencti_green["id"]]), indicator(2, [stix20_amber["id"]]),
                  indicator(3, [statement["id"]]),
                  indicator(4, [statement["id"], TLP2_STIX_IDS[TLP.CLEAR]]))
    result = import_bundle(json.dumps(data))
    by_id = {o.stix_id[-1]: o for o in result.objects}
    assert by_id["1"].tlp is TLP.GREEN
    assert by_id["2"].tlp is TLP.AMBER
    assert by_id["3"].tlp is TLP.AMBER and by_id["3"].statements == ("Copyright Example Corp",)
    assert by_id["4"].tlp is TLP.CLEAR
    assert {m.tlp for m in result.markings} == {TLP.GREEN, TLP.AMBER, TLP.CLEAR, None}


def test_granular_and_unknown_markings_raise_the_tlp() -> None:
    granular = indicator(1, [TLP1["green"]], granular_markings=[
        {"marking_ref": TLP1["red"], "selectors": ["description"]}], description="x")
    unknown = indicator(2, ["marking-definition--99999999-9999-4999-8999-999999999999"])
    mixed = indicator(3, [TLP1["white"],
                          "marking-definition--99999999-9999-4999-8999-999999999999"])
    result = tlps(bundle(granular, unknown, mixed))
    assert set(result.values()) == {TLP.RED}


def test_default_tlp_for_unmarked_objects() -> None:
    assert list(tlps(bundle(indicator(1))).values()) == [TLP.AMBER]
    result = import_bundle(json.dumps(bundle(indicator(1))), default_tlp=TLP.GREEN)
    assert result.objects[0].tlp is TLP.GREEN
    assert result.objects[0].label(Policy.default()).canonical() == "UNCLASSIFIED//TLP:GREEN"


def test_ids_of_techniques_and_cves_are_extracted() -> None:
    ap = {"type": "attack-pattern", "spec_version": "2.1",
          "id": "attack-pattern--55555555-5555-4555-8555-555555555555", "created": TS,
          "modified": TS, "name": "Spearphishing Attachment",
          "external_references": [{"source_name": "mitre-attack", "external_id": "T1566.001"},
                                  {"source_name": "capec", "external_id": "CAPEC-163"}]}
    vuln = {"type": "vulnerability", "spec_version": "2.1",
            "id": "vulnerability--66666666-6666-4666-8666-666666666666", "created": TS,
            "modified": TS, "name": "CVE-2024-3400",
            "external_references": [{"source_name": "cve", "external_id": "CVE-2024-3400"}]}
    objs = {o.stix_type: o for o in import_bundle(json.dumps(bundle(ap, vuln))).objects}
    assert objs["attack-pattern"].techniques == ("T1566.001",)
    assert objs["vulnerability"].cves == ("CVE-2024-3400",)


def test_malformed_bundle_lists_every_problem_and_imports_nothing() -> None:
    good = indicator(1)
    bad_id = indicator(2, id="indicator--not-a-uuid")
    no_pattern = indicator(3)
    del no_pattern["pattern"]
    old_spec = indicator(4, spec_version="2.0")
    bad_time = indicator(5, created="yesterday")
    bad_marking = indicator(6, ["TLP:RED"])
    bad_granular = indicator(7, granular_markings=[{"marking_ref": TLP1["red"]}])
    bad_report = {"type": "report", "spec_version": "2.1",
                  "id": "report--77777777-7777-4777-8777-777777777777", "created": TS,
                  "modified": TS, "name": "r", "published": TS, "object_refs": []}
    data = bundle(good, bad_id, no_pattern, old_spec, bad_time, bad_marking, bad_granular,
                  bad_report, "not an object")
    with pytest.raises(FormatError) as err:
        import_bundle(json.dumps(data))
    problems = err.value.problems
    expected = [
        ("objects[1]", "'id' must look like indicator--<uuid>"),
        ("objects[2]", "'pattern' is required"),
        ("objects[3]", "spec_version must be \"2.1\""),
        ("objects[4]", "'created' must be a STIX timestamp"),
        ("objects[5]", "'object_marking_refs' must be a list of marking-definition ids"),
        ("objects[6]", "granular_markings[0] needs a marking_ref"),
        ("objects[7]", "'object_refs' must be a non-empty list"),
        ("objects[8]", "every object must be a JSON object"),
    ]
    for where, text in expected:
        assert any(p.startswith(where) and text in p for p in problems), (where, problems)
    assert len(problems) == len(expected)
    inspected = inspect_bundle(json.dumps(data))
    assert not inspected.ok and inspected.problems == tuple(problems)
    assert inspected.counts["indicator"] == 7


@pytest.mark.parametrize(("raw", "message"), [
    (b"{", "not valid JSON"),
    (b"[]", "expected a JSON object"),
    (b'{"type": "bundle", "id": "bundle--x", "objects": {}}', "'objects' must be a list"),
    (b'{"hello": 1}', "expected a STIX bundle"),
])
def test_not_a_bundle(raw: bytes, message: str) -> None:
    with pytest.raises(FormatError) as err:
        import_bundle(raw)
    assert any(message in p for p in err.value.problems) or message in str(err.value)
    assert not inspect_bundle(raw).ok


def test_import_does_not_alias_input() -> None:
    data = bundle(indicator(1, [TLP1["green"]]))
    original = copy.deepcopy(data)
    result = import_bundle(data)
    assert data == original
    assert result.objects[0].raw == data["objects"][0]
    assert result.tlp_counts() == {"TLP:GREEN": 1}
