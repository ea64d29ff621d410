"""The real backend against a live server: TLP:RED to named people, attachments, STIX export
and import, and follow-up incident reports in the same thread."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import warnings
from pathlib import Path
from typing import Any

import pytest

from client.ui.backend import AudienceSpec, BackendError, Cancelled
from client.ui.stix_rules import audience_options, offered_audiences
from intel.markings import TLP, TLP2_STIX_IDS, Label, Policy
from intel.stix_export import Audience

U_GREEN = "UNCLASSIFIED//TLP:GREEN"


def L(text: str) -> Label:  # noqa: N802
    return Label.parse(text)


def stix_problems(bundle: dict[str, Any]) -> list[str]:
    """The OASIS stix2-validator in strict mode (as tests/intel use it); [] when valid."""
    from stix2validator import ValidationOptions, validate_instance

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the validator's own dependencies may warn
        result = validate_instance(bundle, ValidationOptions(strict=True, enforce_refs=True))
    messages = [str(e) for e in getattr(result, "errors", [])]
    messages += [f"warning: {w}" for w in getattr(result, "warnings", [])]
    for obj in getattr(result, "object_results", []) or []:
        messages += [str(e) for e in obj.errors] + [f"warning: {w}" for w in obj.warnings]
    if not result.is_valid and not messages:
        messages.append("invalid")
    return messages


def _joint_room(e: Any, ceiling: str, *people: Any) -> str:
    room = e.create_room("Joint", ceiling)
    for p in people:
        e.invite(room, p.user_id)
    return room


def test_red_reaches_only_the_named_member(enrol_person: Any, opened: Any,
                                           store_backends: Any, sync_until: Any) -> None:
    admin = enrol_person("red-admin", "SECRET", roles=("room-admin",))
    named = enrol_person("red-named", "CONFIDENTIAL", org="org-b")
    cleared = enrol_person("red-cleared", "CONFIDENTIAL", org="org-c")
    for p in (named, cleared):
        opened(p)
    _s, e = opened(admin)
    room = _joint_room(e, "SECRET//TLP:RED", named, cleared)
    ab = store_backends(admin)
    red = L("CONFIDENTIAL//TLP:RED")
    with pytest.raises(BackendError, match="named people only"):
        ab.send_message(room, red, "nobody named")
    with pytest.raises(BackendError, match="named people only"):
        ab.send_message(room, red, "only me", recipients=(admin.user_id,))
    with pytest.raises(BackendError, match="only for TLP:RED"):
        ab.send_message(room, L(U_GREEN), "named green", recipients=(named.user_id,))
    ab.send_message(room, red, "for the named one", recipients=(admin.user_id, named.user_id))
    ab.send_message(room, L(U_GREEN), "for all")
    nb, cb = store_backends(named), store_backends(cleared)
    sync_until(nb, lambda ev: nb.count_items(room) >= 2)
    sync_until(cb, lambda ev: cb.count_items(room) >= 1)
    assert [x.body for x in nb.page_items(room, None, 10)] == ["for all", "for the named one"]
    # Cleared for the label and in the room, but not named: never receives it.
    assert [x.body for x in cb.page_items(room, None, 10)] == ["for all"]
    assert "for the named one" not in repr(cb.search("named"))


def test_attachment_sent_at_the_message_label_and_saved_by_another_member(
        enrol_person: Any, opened: Any, store_backends: Any, sync_until: Any,
        tmp_path: Path) -> None:
    sender = enrol_person("att-sender", "CONFIDENTIAL", roles=("room-admin",))
    peer = enrol_person("att-peer", "CONFIDENTIAL", org="org-b")
    outsider = enrol_person("att-low", "UNCLASSIFIED", org="org-c")
    for p in (peer, outsider):
        opened(p)
    _s, e = opened(sender)
    room = _joint_room(e, "CONFIDENTIAL//TLP:AMBER", peer, outsider)
    original = tmp_path / "memory-dump.bin"
    original.write_bytes(secrets.token_bytes(300_000))
    sb = store_backends(sender)
    seen: list[tuple[int, int]] = []
    up = sb.upload_attachment(str(original), lambda done, total: seen.append((done, total)))
    assert (up.name, up.size) == ("memory-dump.bin", 300_000)
    assert seen and seen[-1] == (300_000, 300_000)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    label = L("CONFIDENTIAL//TLP:AMBER")
    item_id = sb.send_message(room, label, "dump attached", attachments=(up.upload_id,))
    with pytest.raises(BackendError, match="attach it again"):
        sb.send_message(room, label, "again", attachments=(up.upload_id,))  # used once

    pb, ob = store_backends(peer), store_backends(outsider)
    sync_until(pb, lambda ev: pb.count_items(room) >= 1)
    entry = pb.page_items(room, None, 10)[0]
    assert entry.item_id == item_id and entry.label == label
    assert [(a.name, a.size) for a in entry.attachments] == [("memory-dump.bin", 300_000)]
    saved = tmp_path / "saved.bin"
    got: list[tuple[int, int]] = []
    pb.download_attachment(item_id, 0, str(saved), lambda d, t: got.append((d, t)))
    assert saved.read_bytes() == original.read_bytes()
    assert got[-1] == (300_000, 300_000)
    # Cancelling a save leaves nothing behind.

    def cancel(done: int, total: int) -> None:
        raise Cancelled()

    with pytest.raises(Cancelled):
        pb.download_attachment(item_id, 0, str(tmp_path / "never.bin"), cancel)
    assert not list(tmp_path.glob("never.bin*"))
    # A member below the message's label gets neither the message nor the file.
    sync_until(ob, lambda ev: any(getattr(x, "state", "") == "idle" for x in ev))
    assert ob.count_items(room) == 0


def test_cancelled_upload_sends_nothing(enrol_person: Any, opened: Any, store_backends: Any,
                                        tmp_path: Path) -> None:
    me = enrol_person("att-cancel", "CONFIDENTIAL")
    opened(me)
    b = store_backends(me)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 2_000_000)
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if done > 0:
            raise Cancelled()

    with pytest.raises(Cancelled):
        b.upload_attachment(str(big), progress)
    assert calls and calls[-1] < 2_000_000
    assert b._uploads == {}
    # The connection is still usable afterwards.
    assert b.upload_attachment(str(big)).size == 2_000_000


def _advisory(doc_id: str) -> dict[str, Any]:
    return {
        "kind": "advisory", "document_id": doc_id, "title": f"VPN appliances {doc_id}",
        "header_label": "UNCLASSIFIED//TLP:CLEAR", "severity": "high",
        "publisher": "Test CSIRT", "issued_at": "2026-01-01T09:00:00+00:00", "sections": [
            {"section_id": "sum", "kind": "executive_summary",
             "label": "UNCLASSIFIED//TLP:CLEAR", "body": "Attackers exploit VPN appliances."},
            {"section_id": "impact", "kind": "business_impact", "label": U_GREEN,
             "body": "GREENCANARY remote access lost."},
            {"section_id": "cve", "kind": "cves", "label": "UNCLASSIFIED//TLP:CLEAR",
             "cves": ["CVE-2024-21887"]},
            {"section_id": "iocs", "kind": "indicators", "label": "CONFIDENTIAL//TLP:AMBER",
             "indicators": [{"type": "ipv4", "value": "203.0.113.7"}]},
            {"section_id": "annex", "kind": "technical_annex",
             "label": "SECRET/CYBER//TLP:AMBER", "body": "ANNEXCANARY attribution."}]}


def _admitted(policy: Policy, bundle: dict[str, Any], audience: Audience) -> None:
    """Every object's markings are ones the audience may have."""
    tlp_by_id = {v: k for k, v in TLP2_STIX_IDS.items()}
    statements = {o["id"]: o["definition"]["statement"] for o in bundle["objects"]
                  if o.get("definition_type") == "statement"}
    for obj in bundle["objects"]:
        if obj["type"] == "marking-definition":
            continue
        refs = obj.get("object_marking_refs", [])
        tlps = [tlp_by_id[r] for r in refs if r in tlp_by_id]
        assert tlps, obj["id"]
        label = Label(policy.lowest.key, tlp=tlps[0])
        for r in refs:
            if r in statements:
                label = policy.parse_label(statements[r].removeprefix("Handling label: "))
        assert audience.admits(label), (obj["id"], label.canonical())


def test_stix_export_validates_and_holds_only_what_the_audience_may_have(
        enrol_person: Any, store_backends: Any, sync_until: Any, idle: Any,
        tmp_path: Path) -> None:
    org, far = f"org-s{secrets.token_hex(3)}", f"org-z{secrets.token_hex(3)}"
    publisher = enrol_person("stix-pub", "SECRET", org=org, compartments=("CYBER",),
                             roles=("publisher",))
    colleague = enrol_person("stix-colleague", "SECRET", org=org,
                             compartments=("CYBER", "OT"))
    other = enrol_person("stix-other", "CONFIDENTIAL", org=far)
    pb = store_backends(publisher)
    for p in (colleague, other):
        sync_until(store_backends(p), idle)
    sync_until(pb, idle)
    doc_id = f"ADV-X-{secrets.token_hex(3).upper()}"
    pb.publish_document(_advisory(doc_id))
    policy = pb.policy()
    source = pb.export_source("document", (doc_id,))
    assert source.header == L("UNCLASSIFIED//TLP:CLEAR") and len(source.parts) == 5
    options = audience_options(policy, org, pb.directory())
    kinds = [(o.kind, o.org) for o in options]
    assert kinds[:3] == [("public", ""), ("community", ""), ("organisation", org)]
    own = options[2]
    # Only what every known person there holds: both SECRET, CYBER in common.
    assert own.level == "SECRET" and own.compartments == frozenset({"CYBER"})
    offered = offered_audiences(policy, org, source, options)
    assert {p.audience.spec for p in offered} >= {"public", "community", f"org:{org}"}

    texts = {}
    for spec in (AudienceSpec("public"), AudienceSpec("community"), own,
                 next(o for o in options if o.org == far)):
        path = tmp_path / f"{spec.spec.replace(':', '_')}.json"
        res = pb.export_stix("document", (doc_id,), spec, str(path))
        bundle = json.loads(path.read_text("utf-8"))
        assert stix_problems(bundle) == [], spec
        aud = Audience.organisation(policy, org, spec.org, spec.level,
                                    spec.compartments) if spec.kind == "organisation" else (
            Audience.public(policy, org) if spec.kind == "public"
            else Audience.community(policy, org))
        _admitted(policy, bundle, aud)
        assert (path.stat().st_mode & 0o777) == 0o600
        texts[spec.spec] = (path.read_text("utf-8"), res)
    public_text, public_res = texts["public"]
    assert "GREENCANARY" not in public_text and "203.0.113.7" not in public_text
    assert public_res.tlps == ("TLP:CLEAR",)
    assert {p.label.tlp for p in public_res.left_out} >= {TLP.GREEN, TLP.AMBER}
    assert "GREENCANARY" in texts["community"][0]
    assert "ANNEXCANARY" not in texts["community"][0]
    assert "ANNEXCANARY" in texts[f"org:{org}"][0]  # own organisation, cleared alike
    assert "ANNEXCANARY" not in texts[f"org:{far}"][0]  # AMBER stays in the organisation
    with pytest.raises(BackendError):
        pb.export_stix("document", (doc_id,), AudienceSpec("organisation", org, "BOGUS"),
                       str(tmp_path / "bad.json"))

    # Import on another device: counts and markings; a broken file lists every problem.
    ob = store_backends(other)
    result = ob.import_stix(str(tmp_path / "community.json"))
    assert result.stored > 0 and dict(result.by_marking).keys() <= {"TLP:CLEAR", "TLP:GREEN"}
    assert ob.import_stix(str(tmp_path / "community.json")).unchanged == result.stored
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"type": "bundle", "id": "nope", "objects": [{}]}), "utf-8")
    with pytest.raises(BackendError) as bad:
        ob.import_stix(str(broken))
    assert len(bad.value.problems) >= 1


def test_room_messages_export_leaves_out_what_may_not_go(
        enrol_person: Any, opened: Any, store_backends: Any, tmp_path: Path) -> None:
    me = enrol_person("stix-room", "CONFIDENTIAL", roles=("room-admin",))
    _s, e = opened(me)
    room = e.create_room("Export room", "CONFIDENTIAL//TLP:AMBER")
    b = store_backends(me)
    ids = (b.send_message(room, L(U_GREEN), "Indicator 198.51.100.9 seen"),
           b.send_message(room, L("CONFIDENTIAL//TLP:AMBER"), "AMBERCANARY victim list"))
    source = b.export_source("items", ids)
    assert len(source.parts) == 2 and source.header is None
    res = b.export_stix("items", ids, AudienceSpec("community"), str(tmp_path / "r.json"))
    bundle = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert stix_problems(bundle) == []
    assert "AMBERCANARY" not in json.dumps(bundle) and "198.51.100.9" in json.dumps(bundle)
    assert [p.label for p in res.left_out] == [L("CONFIDENTIAL//TLP:AMBER")]


def test_final_report_lands_in_the_same_thread_for_intake(
        enrol_person: Any, store_backends: Any, sync_until: Any, idle: Any) -> None:
    from client.ui.report_followup_rules import FollowUpForm, build_follow_up
    from client.ui.report_rules import QuickReportForm, build_quick_report

    reporter = enrol_person("fu-reporter", "CONFIDENTIAL", org="kanto", roles=("reporter",))
    intake = enrol_person("fu-intake", "CONFIDENTIAL", org="ncsc", roles=("intake",))
    rb, ib = store_backends(reporter), store_backends(intake)
    sync_until(ib, idle)
    sync_until(rb, idle)
    quick = build_quick_report(rb.report_prefill(), QuickReportForm(
        entity_name="Kanto Test Power", sector="electricity", contact_name="Ken",
        contact_email="soc@kanto.example", contact_phone="+81 3-5555-0100",
        category="ransomware", summary="Ransom note on a file server.", consent=True))
    thread = rb.submit_report(quick)
    update = rb.report_follow_up_prefill(thread, "update")
    assert update["previous_report_id"] == thread and update["thread_id"] == thread
    rb.submit_report(build_follow_up(update, FollowUpForm(
        summary="Two file servers encrypted; VPN appliance suspected.",
        label=update["label"], containment="ongoing", cves=("CVE-2024-21887",),
        consent=True)))
    final = rb.report_follow_up_prefill(thread, "final")
    assert final["previous_report_id"] == update["report_id"]
    incomplete = build_follow_up(final, FollowUpForm(summary="Done.", label=final["label"],
                                                     containment="ongoing", consent=True))
    with pytest.raises(BackendError) as bad:
        rb.submit_report(incomplete)
    assert any("affected_assets" in p for p in bad.value.problems)
    assert any("containment" in p for p in bad.value.problems)
    doc = build_follow_up(final, FollowUpForm(
        summary="Contained and restored from backups.", label=final["label"],
        containment="recovered", functional_impact="minimal_non_critical",
        information_impact="none", safety_impact="none",
        cves=("CVE-2024-21887",), techniques=("T1190", "T1486"),
        indicators=(("ipv4", "198.51.100.7"),), consent=True,
        assets=(("server", 2, "File servers at the head office"),),
        root_cause="Unpatched VPN appliance (CVE-2024-21887).",
        mitigations=("Patched the VPN appliance", "Reset all VPN credentials"),
        recoverability="regular", recovery="Restored from offline backups."))
    final_id = rb.submit_report(doc)
    sync_until(ib, lambda ev: any(r.thread_id == thread and r.stage == "final"
                                  for r in ib.list_reports()))
    summary = next(r for r in ib.list_reports() if r.thread_id == thread)
    assert summary.reports == 3 and summary.stage == "final"
    entries = [e for e in ib.report_thread(thread) if e.what == "report"]
    assert [e.stage for e in entries] == ["quick", "update", "final"]
    assert entries[-1].report_id == final_id
    assert dt.datetime.fromisoformat(doc["timeline"]["reported_at"]).tzinfo is not None


def test_taxii_push_and_pull_carry_clear_and_green_only(
        enrol_person: Any, store_backends: Any, sync_until: Any, idle: Any,
        taxii_server: dict[str, Any]) -> None:
    ts = taxii_server
    publisher = enrol_person("taxii-pub", "SECRET", compartments=("CYBER",),
                             roles=("publisher",))
    reader = enrol_person("taxii-reader", "UNCLASSIFIED", org="org-t")
    pb, rb = store_backends(publisher), store_backends(reader)
    sync_until(pb, idle)
    doc_id = f"ADV-T-{secrets.token_hex(3).upper()}"
    pb.publish_document(_advisory(doc_id))
    with pytest.raises(BackendError, match="TLP:CLEAR and TLP:GREEN only"):
        pb.taxii_push(ts["url"], ts["collection"], ts["auth"], "document", (doc_id,),
                      AudienceSpec("organisation", "org-a", "SECRET", frozenset({"CYBER"})))
    with pytest.raises(BackendError):  # wrong password: refused, said so
        pb.taxii_push(ts["url"], ts["collection"], ("sharer", "wrong"), "document",
                      (doc_id,), AudienceSpec("community"))
    pushed = pb.taxii_push(ts["url"], ts["collection"], ts["auth"], "document", (doc_id,),
                           AudienceSpec("community"))
    assert pushed.objects > 0 and pushed.succeeded == pushed.objects and pushed.failed == 0
    pulled = rb.taxii_pull(ts["url"], ts["collection"], ts["auth"])
    assert pulled.stored > 0
    assert dict(pulled.by_marking).keys() <= {"TLP:CLEAR", "TLP:GREEN"}
    hits = rb.search("GREENCANARY")
    assert hits and "ANNEXCANARY" not in repr(rb.search("ANNEXCANARY"))
    # The cursor is kept: nothing new the second time.
    assert rb.taxii_pull(ts["url"], ts["collection"], ts["auth"]).stored == 0
