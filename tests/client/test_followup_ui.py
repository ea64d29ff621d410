"""Update and final incident reports from the thread view (in-memory backend), and their
pure rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from client.ui.report_followup_rules import (
    FollowUpForm,
    build_follow_up,
    follow_up_prefill,
    parse_ids,
)
from client.ui.report_rules import QuickReportForm, build_quick_report, report_problems
from intel.markings import Policy

NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def _quick(b: Any) -> dict[str, Any]:
    return build_quick_report(b.report_prefill(), QuickReportForm(
        entity_name="Kanto Test Power", sector="electricity", contact_name="Ken",
        contact_email="soc@kanto.example", contact_phone="+81 3-5555-0100",
        category="ransomware", summary="Ransom note on a file server.", consent=True))


def test_follow_up_rules(policy: Policy, world: Any) -> None:
    quick = _quick(world.build(policy, world.ALICE))
    update = follow_up_prefill(quick, "update", NOW)
    assert update["stage"] == "update" and update["previous_report_id"] == quick["report_id"]
    assert update["thread_id"] == quick["report_id"] != update["report_id"]
    assert update["consent"] is False and update["timeline"]["reported_at"] == NOW.isoformat()
    # A clock set back never puts a follow-up before the report it follows.
    early = follow_up_prefill(quick, "update", NOW - dt.timedelta(days=2))
    assert early["timeline"]["reported_at"] == quick["timeline"]["reported_at"]
    assert parse_ids("cve-2024-21887, CVE-2023-46805 and cve-2024-21887", "cve") == (
        "CVE-2024-21887", "CVE-2023-46805")
    assert parse_ids("t1190 T1486.001 X9", "technique") == ("T1190", "T1486.001")
    final = follow_up_prefill(quick, "final", NOW)
    doc = build_follow_up(final, FollowUpForm(summary="Restored.", containment="recovered",
                                              consent=True))
    problems = report_problems(doc)
    for field in ("affected_assets", "root_cause", "mitigations", "recovery",
                  "functional_impact"):
        assert any(p.startswith(field) for p in problems), (field, problems)
    good = build_follow_up(final, FollowUpForm(
        summary="Restored.", containment="recovered", functional_impact="none",
        information_impact="none", safety_impact="none", consent=True,
        assets=(("server", 2, "File servers"),), root_cause="Weak VPN password.",
        mitigations=("MFA on the VPN",), recoverability="regular", recovery="From backups."))
    assert report_problems(good) == []
    assert good["recovery"]["recovered_at"] == NOW.isoformat()
    assert good["timeline"]["contained_at"] == NOW.isoformat()
    # An update after a final report drops what only a final report may hold.
    again = follow_up_prefill(good, "update", NOW)
    assert "root_cause" not in again and "affected_assets" not in again


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_final_report_from_the_thread_view(qtbot: Any, make_window: Any, policy: Policy,
                                           world: Any, tmp_path: Any, lang: str) -> None:
    from client.ui.i18n import apply_language

    b = world.build(policy, world.UMA)
    b.key_changes = []
    thread = b.submit_report(_quick(b))
    w = make_window(b)
    apply_language(lang)
    qtbot.waitUntil(lambda: w.lock_button.text() == ("ロック" if lang == "ja" else "Lock"))
    w.show_page("reports", thread)
    page = w.pages["reports"]
    qtbot.waitUntil(lambda: page.current is not None and page.current.thread_id == thread)
    assert page.follow_box.isVisible()
    page.final_button.click()
    form = page.follow_up
    assert page.right.currentWidget() is form and form.stage == "final"
    assert form.final_box.isVisible()
    assert form.summary.toPlainText() == "Ransom note on a file server."
    assert form.picker.current_label() == page.current.label  # never below the thread's
    form.submit()
    assert form.problems.text()  # every problem listed, nothing sent
    assert len(b.submitted) == 1
    form.summary.setPlainText("Contained; restored from offline backups.")
    form.picks["containment"].setCurrentIndex(form.picks["containment"].findData("recovered"))
    for key, value in (("functional_impact", "minimal_non_critical"),
                       ("information_impact", "suspected"), ("safety_impact", "none")):
        form.picks[key].setCurrentIndex(form.picks[key].findData(value))
    form.cves.setText("CVE-2024-21887")
    form.techniques.setText("T1190, T1486")
    form.indicators.setPlainText("ipv4 198.51.100.7")
    form.asset_kind.setCurrentIndex(form.asset_kind.findData("server"))
    form.asset_count.setValue(2)
    form.asset_text.setText("File servers at the head office")
    form.asset_add.click()
    assert form.asset_list.count() == 1
    form.root_cause.setPlainText("Unpatched VPN appliance.")
    form.mitigations.setPlainText("Patched the VPN\nReset VPN credentials")
    form.recoverability.setCurrentIndex(form.recoverability.findData("regular"))
    form.recovery.setPlainText("Restored from offline backups.")
    form.consent.setChecked(True)
    if lang == "ja":
        assert form.heading.text().startswith("最終報告")
        assert form.labels["root_cause"].text() == "根本原因:"
        qtbot.wait(50)  # layouts settle before the picture
        w.grab().save(str(tmp_path / "final-report-ja.png"))
    form.submit_button.click()
    qtbot.waitUntil(lambda: len(b.submitted) == 2)
    sent = b.submitted[-1]
    assert sent["stage"] == "final" and sent["thread_id"] == thread
    assert sent["previous_report_id"] == thread
    assert sent["affected_assets"] == [{"kind": "server", "count": 2,
                                        "description": "File servers at the head office"}]
    assert sent["techniques"] == ["T1190", "T1486"]
    qtbot.waitUntil(lambda: page.right.currentWidget() is page.thread_panel)
    assert [e.stage for e in b.report_thread(thread)] == ["quick", "final"]
    assert page.current is not None and page.current.thread_id == thread
