"""Incident reports: stages, validation with every problem listed, schema, defaults."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import jsonschema
import pytest

from intel.errors import FormatError, IntelError, LabelError
from intel.markings import TLP, Policy
from intel.reports import (
    Category,
    Containment,
    FinalReport,
    FollowUpQuestion,
    IntakeStatus,
    QuickReport,
    Sector,
    Stage,
    UpdateReport,
    check_intake_transition,
    parse_follow_up,
    parse_report,
    quick_report_defaults,
    report_json_schema,
    report_label,
)

NOW = dt.datetime(2025, 9, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def quick(**overrides: Any) -> dict[str, Any]:
    data = quick_report_defaults(NOW)
    data.update(
        report_id="IR-20250901-0001", thread_id="IR-20250901-0001",
        entity={"name": "Example Power Co.", "sector": "electricity", "org_id": "example-power"},
        contact={"name": "Taro Example", "email": "soc@example.co.jp", "phone": "+81 3-1234-5678"},
        category="ransomware",
        summary="File servers at the head office are encrypted; ransom note found.",
        consent=True,
        indicators=[{"type": "ipv4", "value": "203.0.113[.]7"},
                    {"type": "sha256", "value": "AB" * 32}],
    )
    data.update(overrides)
    return data


def final(**overrides: Any) -> dict[str, Any]:
    data = quick(
        stage="final", report_id="IR-20250901-0003", previous_report_id="IR-20250901-0002",
        containment="recovered", functional_impact="significant_critical",
        information_impact="suspected", safety_impact="none",
        affected_assets=[{"kind": "server", "description": "File servers", "count": 12}],
        cves=["cve-2024-21887", "CVE-2024-21887"], techniques=["T1486", "t1190"],
        root_cause="Unpatched VPN appliance (CVE-2024-21887).",
        mitigations=["Patched the VPN", "Reset all credentials"],
        recovery={"recoverability": "supplemented", "description": "Restored from backups",
                  "recovered_at": (NOW + dt.timedelta(days=5)).isoformat()},
    )
    data.update(overrides)
    return data


def test_quick_report_parses_from_dict_text_and_bytes() -> None:
    data = quick()
    for form in (data, json.dumps(data), json.dumps(data).encode()):
        report = parse_report(form)
        assert isinstance(report, QuickReport)
        assert report.stage is Stage.QUICK
        assert report.entity.sector is Sector.ELECTRICITY
        assert report.category is Category.RANSOMWARE
        assert report.indicators[0].value == "203.0.113.7"  # refanged
        assert report.indicators[1].value == "ab" * 32
        assert report.label == "UNCLASSIFIED//TLP:AMBER+STRICT"


def test_update_and_final_share_the_thread() -> None:
    update = parse_report(quick(stage="update", report_id="IR-20250901-0002",
                                previous_report_id="IR-20250901-0001", cves=["CVE-2024-21887"]))
    closing = parse_report(final())
    assert isinstance(update, UpdateReport) and isinstance(closing, FinalReport)
    assert update.thread_id == closing.thread_id == "IR-20250901-0001"
    assert closing.cves == ["CVE-2024-21887"]  # normalised and deduplicated
    assert closing.techniques == ["T1486", "T1190"]


def test_every_problem_is_listed_with_its_path() -> None:
    bad = quick(
        consent=False, category="alien-invasion",
        contact={"name": "", "email": "not-an-email", "phone": "12"},
        timeline={"detected_at": NOW.isoformat(),
                  "aware_at": (NOW - dt.timedelta(hours=1)).isoformat(),
                  "reported_at": (NOW - dt.timedelta(hours=2)).isoformat()},
        ransom={"paid": "yes", "amount": 5},
        indicators=[{"type": "ipv4", "value": "999.1.1.1"}, {"type": "hash", "value": "x"}],
        label="NOT A LABEL",
        surprise="field",
    )
    with pytest.raises(FormatError) as err:
        parse_report(bad)
    problems = err.value.problems
    expected_prefixes = [
        "contact.name:", "contact.email:", "contact.phone:", "timeline: awareness time",
        "timeline: report time", "category:", "ransom: a ransom marked as paid",
        "ransom: give a ransom amount only", "ransom: give the ransom amount and its currency",
        "consent:", "indicators[0]:", "indicators[1].type:", "label:", "surprise:",
    ]
    for prefix in expected_prefixes:
        assert any(p.startswith(prefix) for p in problems), (prefix, problems)
    assert len(problems) == len(expected_prefixes)
    assert all("\n" not in p for p in problems)


def test_awareness_before_detection_is_refused_with_a_clear_message() -> None:
    bad = quick(timeline={"detected_at": NOW.isoformat(),
                          "aware_at": (NOW - dt.timedelta(minutes=5)).isoformat(),
                          "reported_at": NOW.isoformat()})
    with pytest.raises(FormatError) as err:
        parse_report(bad)
    assert err.value.problems == ["timeline: awareness time cannot be before detection time"]


def test_naive_datetimes_are_refused() -> None:
    bad = quick(timeline={"detected_at": "2025-09-01T09:00:00", "aware_at": NOW.isoformat(),
                          "reported_at": NOW.isoformat()})
    with pytest.raises(FormatError) as err:
        parse_report(bad)
    assert err.value.problems[0].startswith("timeline.detected_at:")
    assert "timezone" in err.value.problems[0]


def test_final_report_rules() -> None:
    base = final()
    for key in ("root_cause", "mitigations", "recovery", "affected_assets"):
        del base[key]
    base.update(containment="ongoing", safety_impact="unknown")
    with pytest.raises(FormatError) as err:
        parse_report(base)
    problems = err.value.problems
    assert "root_cause: this field is required" in problems
    assert "mitigations: this field is required" in problems
    assert "recovery: this field is required" in problems
    assert "affected_assets: this field is required" in problems
    assert any(p.startswith("containment: a final report needs") for p in problems)
    assert any(p.startswith("safety_impact: a final report must state") for p in problems)


def test_quick_report_refuses_final_only_fields() -> None:
    with pytest.raises(FormatError) as err:
        parse_report(quick(root_cause="too early"))
    assert err.value.problems == ["root_cause: unknown field (not part of this format)"]


def test_follow_up_must_point_to_an_earlier_report() -> None:
    with pytest.raises(FormatError) as err:
        parse_report(final(previous_report_id="IR-20250901-0003"))
    assert any("earlier report" in p for p in err.value.problems)


def test_bad_stage_still_reports_other_problems() -> None:
    with pytest.raises(FormatError) as err:
        parse_report(quick(stage="early", summary=""))
    assert err.value.problems[0] == "stage: must be one of quick, update, final"
    assert any(p.startswith("summary:") for p in err.value.problems)


@pytest.mark.parametrize("text", ["[]", "42", "{", ""])
def test_non_object_input(text: str) -> None:
    with pytest.raises(FormatError):
        parse_report(text)


def test_bounded_strings() -> None:
    with pytest.raises(FormatError) as err:
        parse_report(quick(summary="x" * 4001))
    assert err.value.problems == ["summary: String should have at most 4000 characters"]
    with pytest.raises(FormatError, match="too large"):
        parse_report(b"{" + b" " * 1_000_001 + b"}")


def test_supply_chain_and_cross_border_rules() -> None:
    ok = parse_report(quick(supply_chain={"involved": "yes", "path": "MSP remote tool -> VPN"},
                            cross_border={"status": "yes", "countries": ["JP", "US"]}))
    assert ok.supply_chain.path == "MSP remote tool -> VPN"
    with pytest.raises(FormatError) as err:
        parse_report(quick(supply_chain={"involved": "no", "path": "x"},
                           cross_border={"status": "unknown", "countries": ["jp"]}))
    problems = err.value.problems
    assert any(p.startswith("supply_chain: describe") for p in problems)
    assert any(p.startswith("cross_border.countries[0]:") for p in problems)


def test_ransom_amount_with_currency() -> None:
    report = parse_report(quick(ransom={"demanded": "yes", "paid": "no", "amount": "12.5",
                                        "currency": "BTC"}))
    assert str(report.ransom.amount) == "12.5"


def test_json_schema_is_valid_and_accepts_real_reports() -> None:
    schema = report_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for data in (quick(), final()):
        report = parse_report(data)
        dumped = json.loads(report.model_dump_json())
        assert list(validator.iter_errors(dumped)) == []
    wrong = quick()
    wrong["category"] = "nope"
    assert list(validator.iter_errors(wrong))
    assert set(schema["discriminator"]["mapping"]) == {"quick", "update", "final"}


def test_round_trip_through_json() -> None:
    report = parse_report(final())
    assert parse_report(report.model_dump_json()) == report


def test_quick_report_defaults() -> None:
    policy = Policy.default()
    data = quick_report_defaults(NOW, policy)
    assert data["stage"] == "quick" and data["report_id"] == data["thread_id"]
    assert data["timeline"]["detected_at"] == NOW.isoformat()
    assert data["containment"] == Containment.ONGOING.value
    assert data["consent"] is False  # the person must tick it
    assert quick_report_defaults(NOW)["report_id"] != data["report_id"]
    with pytest.raises(FormatError) as err:
        parse_report(data)  # the person still has to fill in a few fields
    missing = {p.split(":")[0] for p in err.value.problems}
    assert missing == {"entity", "contact", "category", "summary", "consent"}
    with pytest.raises(ValueError):
        quick_report_defaults(dt.datetime(2025, 9, 1))


def test_report_label_checked_against_policy() -> None:
    policy = Policy.default()
    report = parse_report(quick(label="CONFIDENTIAL/OT//TLP:AMBER"))
    label = report_label(report, policy)
    assert label.level == "CONFIDENTIAL" and label.tlp is TLP.AMBER
    with pytest.raises(LabelError):
        report_label(parse_report(quick(label="COSMIC//TLP:AMBER")), policy)


def test_enum_display_names() -> None:
    assert Stage.QUICK.display("ja") == "速報"
    assert Sector.ELECTRICITY.display("ja") == "電力"
    assert all(m.name_en and m.name_ja for m in Sector)
    assert IntakeStatus.NEED_INFO.display("en") == "Need more information"


def test_intake_transitions() -> None:
    check_intake_transition(IntakeStatus.RECEIVED, IntakeStatus.TRIAGED)
    check_intake_transition(IntakeStatus.NEED_INFO, IntakeStatus.CLOSED)
    with pytest.raises(IntelError, match="cannot go from closed to need-info"):
        check_intake_transition(IntakeStatus.CLOSED, IntakeStatus.NEED_INFO)
    with pytest.raises(IntelError):
        check_intake_transition(IntakeStatus.TRIAGED, IntakeStatus.RECEIVED)


def test_follow_up_questions() -> None:
    q = {"question_id": "Q-1", "thread_id": "IR-1", "report_id": "IR-1", "asked_by": "ncc-desk",
         "asked_at": NOW.isoformat(), "fields": ["timeline.occurred_at"],
         "question": "When did the first encryption happen?"}
    parsed = parse_follow_up(q)
    assert isinstance(parsed, FollowUpQuestion) and parsed.answer is None
    answered = copy.deepcopy(q)
    answered.update(answer="Around 02:00 JST", answered_by="reporter",
                    answered_at=(NOW + dt.timedelta(hours=1)).isoformat())
    assert parse_follow_up(answered).answer == "Around 02:00 JST"
    with pytest.raises(FormatError) as err:
        parse_follow_up({**q, "answer": "x",
                         "answered_at": (NOW - dt.timedelta(hours=1)).isoformat()})
    assert len(err.value.problems) == 2
