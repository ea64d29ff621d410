"""Incident reports end to end through a real server: only intake devices receive them, the
server holds no plaintext, an invalid file sends nothing, the thread carries follow-ups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crypto.envelope import Envelope
from intel.errors import FormatError, IntelError
from intel.reports import IntakeStatus, Stage
from store import items as store_items
from store import outbox, search
from sync import flows, ingest
from sync.compose import SendError
from sync.wire import CHANNEL_INTAKE, SyncResponse

CANARY = "INTAKECANARY"


def _outbox_envelopes(person: Any) -> list[Envelope]:
    rows = person.s.conn.execute("SELECT payload FROM outbox ORDER BY created_ms, rowid")
    docs = [json.loads(bytes(r[0])) for r in rows]
    return [Envelope.from_wire(d["body"]["envelope"]) for d in docs
            if d["path"] == "/v1/envelopes"]


def _holds(person: Any, word: str) -> bool:
    rows = person.s.conn.execute("SELECT title, body, coalesce(payload, '') FROM items")
    return any(word in "".join(r) for r in rows)


def test_report_reaches_only_intake_devices(cast: Any, world: Any, server: Any,
                                            make_report: Any) -> None:
    rep = make_report(summary=f"{CANARY}: file servers encrypted.")
    rid = flows.submit_report(cast.reporter.e, rep)
    assert rid == rep["report_id"]
    assert outbox.pending_count(cast.reporter.s.conn) == 0  # delivered at once
    world.sync_all(cast.everyone(), rounds=2)

    # The intake desk holds it, threaded under the quick report's id.
    entries = flows.report_thread(cast.desk.s, rid)
    assert [e.what for e in entries] == ["report"]
    assert entries[0].report is not None and entries[0].report.summary.startswith(CANARY)
    assert entries[0].sender_user == cast.reporter.user
    [summary] = [t for t in flows.list_reports(cast.desk.s) if t.thread_id == rid]
    assert (summary.stage, summary.status, summary.reporter) == (
        Stage.QUICK, IntakeStatus.RECEIVED, cast.reporter.user)

    # Nobody else holds it: not as an item, not even as a rejected envelope; not searchable.
    for p in (cast.analyst, cast.responder, cast.executive, cast.publisher):
        assert not _holds(p, CANARY), p.user
        assert store_items.list_items(p.s.conn, CHANNEL_INTAKE, 0, 100) == [], p.user
        assert search.search(p.s.conn, CANARY) == [], p.user

    # Direct mode: wrapped for intake devices only.
    [env] = _outbox_envelopes(cast.reporter)
    h = env.header_unverified()
    assert (h.room, h.mode, h.label) == (CHANNEL_INTAKE, "direct",
                                          "CONFIDENTIAL//TLP:AMBER+STRICT")
    intake_devices = {c.device_id for c in cast.reporter.s.certs.values() if "intake" in c.roles}
    assert cast.desk.device_id in h.to and set(h.to) <= intake_devices

    # The server stores ciphertext only; the vaults are encrypted at rest.
    files = [f for f in server.data_dir.rglob("*") if f.is_file()]
    files += [f for p in (cast.reporter, cast.desk) for f in p.directory.glob("vault.db*")]
    assert files
    for f in files:
        assert CANARY.encode() not in f.read_bytes(), f


def test_invalid_report_file_sends_nothing(cast: Any, tmp_path: Path, run: Any, as_user: Any,
                                           error: Any, make_report: Any) -> None:
    bad = make_report(label="NOT-A-LEVEL//TLP:AMBER", consent=False,
                      contact={"name": "", "email": "not-an-email", "phone": "12"},
                      timeline={"detected_at": "2025-09-01T10:00:00+09:00",
                                "aware_at": "2025-09-01T09:00:00+09:00",
                                "reported_at": "2025-09-01T11:00:00+09:00"},
                      unknown_field=1)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(bad), encoding="utf-8")
    cast.reporter.close()
    r = run(*as_user(cast.reporter), "report", "submit", f)
    error(r, 2, "problem", "nothing was sent")
    for path in ("label:", "consent:", "contact.name:", "contact.email:", "contact.phone:",
                 "timeline:", "unknown_field:"):
        assert f"  {path}" in r.err, (path, r.err)
    cast.reporter.open()
    assert cast.reporter.s.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert store_items.list_items(cast.reporter.s.conn, CHANNEL_INTAKE, 0, 10) == []

    # Not JSON at all, and a label the policy does not know: also nothing queued.
    f.write_text("{not json", encoding="utf-8")
    cast.reporter.close()
    error(run(*as_user(cast.reporter), "report", "submit", f), 2, "not valid JSON")
    cast.reporter.open()
    with pytest.raises(FormatError) as exc:
        flows.submit_report(cast.reporter.s, make_report(label="UNCLASSIFIED/NOPE//TLP:AMBER"))
    assert any(p.startswith("label:") for p in exc.value.problems)
    assert cast.reporter.s.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0


def test_cli_schema_and_submit(cast: Any, tmp_path: Path, run: Any, as_user: Any,
                               make_report: Any) -> None:
    r = run("report", "schema")
    assert r.rc == 0, r.err
    schema = json.loads(r.out)
    assert schema["$schema"].startswith("https://json-schema.org/") and "oneOf" in json.dumps(
        schema)
    r = run("report", "template")
    assert r.rc == 0 and json.loads(r.out)["stage"] == "quick"

    rep = make_report()
    f = tmp_path / "quick.json"
    f.write_text(json.dumps(rep), encoding="utf-8")
    cast.reporter.close()
    r = run(*as_user(cast.reporter), "report", "submit", f)
    assert r.rc == 0, r.err
    assert r.out.strip() == rep["report_id"]
    r = run(*as_user(cast.reporter), "report", "list")
    assert r.rc == 0 and rep["report_id"] in r.out and "quick" in r.out
    cast.desk.close()
    r = run(*as_user(cast.desk), "report", "show", rep["report_id"])
    assert r.rc == 0, r.err
    assert "Example Telecom" in r.out and "(CONFIDENTIAL//TLP:AMBER+STRICT)" in r.out
    r = run(*as_user(cast.desk), "report", "status", rep["report_id"], "triaged",
            "--note", "looking into it")
    assert r.rc in (0, 1), r.err  # 1 only if the server could not take it
    cast.reporter.open()
    cast.desk.open()
    assert flows.report_status(cast.desk.s, rep["report_id"]) is IntakeStatus.TRIAGED


def test_updates_and_final_report_share_the_thread(cast: Any, world: Any,
                                                   make_report: Any) -> None:
    quick = make_report()
    rid = flows.submit_report(cast.reporter.e, quick)
    # Submitting the very same report again queues nothing new.
    before = cast.reporter.s.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    assert flows.submit_report(cast.reporter.e, quick) == rid
    assert cast.reporter.s.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == before
    with pytest.raises(SendError, match="already submitted"):
        flows.submit_report(cast.reporter.s, {**quick, "summary": "different"})
    update = make_report(stage="update", report_id=rid + "-U1", thread_id=rid,
                         previous_report_id=rid, summary="Contained to one site.",
                         cves=["CVE-2024-21887"])
    flows.submit_report(cast.reporter.e, update)
    with pytest.raises(FormatError) as exc:
        flows.submit_report(cast.reporter.s, {**update, "report_id": "IR-LOST",
                                              "thread_id": "IR-LOST"})
    assert any(p.startswith("thread_id:") for p in exc.value.problems)
    final = make_report(
        stage="final", report_id=rid + "-F", thread_id=rid, previous_report_id=rid + "-U1",
        containment="recovered", functional_impact="minimal_critical",
        information_impact="none", safety_impact="none",
        affected_assets=[{"kind": "server", "description": "file servers", "count": 12}],
        root_cause="Unpatched VPN appliance.", mitigations=["Patched", "Reset credentials"],
        recovery={"recoverability": "supplemented", "description": "Restored from backup"})
    flows.submit_report(cast.reporter.e, final)
    world.sync_all([cast.reporter, cast.desk])
    entries = flows.report_thread(cast.desk.s, rid)
    assert [e.report.report_id for e in entries if e.report] == [rid, rid + "-U1", rid + "-F"]
    [summary] = [t for t in flows.list_reports(cast.desk.s) if t.thread_id == rid]
    assert (summary.stage, summary.reports) == (Stage.FINAL, 3)
    # The reporter sees their own thread too.
    assert [e.what for e in flows.report_thread(cast.reporter.s, rid)] == ["report"] * 3


def test_only_intake_staff_triage(cast: Any, world: Any, make_report: Any) -> None:
    rid = flows.submit_report(cast.reporter.e, make_report())
    world.sync_all([cast.reporter, cast.desk])
    with pytest.raises(SendError, match="intake"):
        flows.set_report_status(cast.reporter.s, rid, "closed")
    with pytest.raises(SendError, match="intake"):
        flows.ask_follow_up(cast.reporter.s, rid, "why?")
    with pytest.raises(IntelError, match="cannot go from"):
        flows.set_report_status(cast.desk.s, rid, IntakeStatus.RECEIVED)
    with pytest.raises(flows.FlowError, match="no incident report"):
        flows.set_report_status(cast.desk.s, "IR-UNKNOWN", "triaged")
    # Someone of another organisation filing a "report" under this thread id does not make
    # it part of the incident.
    flows.submit_report(cast.responder.e, make_report(
        stage="update", report_id=rid + "-X", thread_id=rid, previous_report_id=rid,
        label="CONFIDENTIAL//TLP:RED", summary="hijack"))
    world.sync_all([cast.responder, cast.desk])
    assert [e.sender_user for e in flows.report_thread(cast.desk.s, rid)] == [
        cast.reporter.user, cast.responder.user]
    [summary] = [t for t in flows.list_reports(cast.desk.s) if t.thread_id == rid]
    assert (summary.reports, summary.stage, summary.reporter, summary.label) == (
        1, Stage.QUICK, cast.reporter.user, "CONFIDENTIAL//TLP:AMBER+STRICT")


def test_follow_up_question_reaches_the_reporter_sans_io(cast: Any, world: Any,
                                                          make_report: Any) -> None:
    """The client side of a follow-up: the question is wrapped for the reporter's device
    and the intake devices, and the reporter's ingest files it in the report's thread."""
    rid = flows.submit_report(cast.reporter.e, make_report())
    world.sync_all([cast.reporter, cast.desk])
    qid = flows.ask_follow_up(cast.desk.s, rid, "Which VPN appliance model?",
                              ["entity.name"])
    env = _outbox_envelopes(cast.desk)[-1]
    h = env.header_unverified()
    assert cast.reporter.device_id in h.to and cast.desk.device_id in h.to
    assert not {cast.analyst.device_id, cast.executive.device_id} & set(h.to)
    resp = SyncResponse.model_validate({"cursor": ingest.cursor(cast.reporter.s), "items": [
        {"pos": "1", "kind": "envelope", "room": CHANNEL_INTAKE, "label": h.label,
         "envelope": env.to_wire()}]})
    res = ingest.apply_sync(cast.reporter.s, resp)
    assert res.rejected == [] and res.security_events == 0
    entries = flows.report_thread(cast.reporter.s, rid)
    assert [e.what for e in entries] == ["report", "question"]
    q = entries[1]
    assert q.from_intake and q.question is not None and q.question.question_id == qid
    assert flows.report_status(cast.reporter.s, rid) is IntakeStatus.NEED_INFO
    # A reporter who is not the intake desk cannot push a status into the thread.
    assert [t.open_questions for t in flows.list_reports(cast.reporter.s)
            if t.thread_id == rid] == [1]


def test_follow_up_question_reaches_the_reporter_through_the_server(
        cast: Any, world: Any, make_report: Any) -> None:
    rid = flows.submit_report(cast.reporter.e, make_report())
    world.sync_all([cast.reporter, cast.desk])
    qid = flows.ask_follow_up(cast.desk.e, rid, "Which VPN appliance model?")
    flows.set_report_status(cast.desk.e, rid, "triaged", "thank you")
    world.sync_all([cast.reporter, cast.desk, cast.analyst])
    entries = flows.report_thread(cast.reporter.s, rid)
    assert [e.what for e in entries] == ["report", "question", "status"]
    assert flows.report_status(cast.reporter.s, rid) is IntakeStatus.TRIAGED
    flows.answer_follow_up(cast.reporter.e, qid, "Model X-100, firmware 9.1")
    world.sync_all([cast.reporter, cast.desk])
    answers = [e for e in flows.report_thread(cast.desk.s, rid) if e.what == "answer"]
    assert answers and answers[0].question is not None
    assert answers[0].question.answer == "Model X-100, firmware 9.1"
    assert flows.report_thread(cast.analyst.s, rid) == []


def test_offline_report_stays_queued_and_is_sent_once(cast: Any, world: Any,
                                                      make_report: Any) -> None:
    assert cast.reporter.faults is not None
    cast.reporter.faults.down = True
    rid = flows.submit_report(cast.reporter.e, make_report())
    [entry] = flows.report_thread(cast.reporter.s, rid)
    assert flows.delivery_state(cast.reporter.s, entry.item_id) == "queued"
    cast.reporter.faults.down = False
    world.sync_all([cast.reporter, cast.desk])
    assert flows.delivery_state(cast.reporter.s, entry.item_id) == "sent"
    assert [e.item_id for e in flows.report_thread(cast.desk.s, rid)] == [entry.item_id]
