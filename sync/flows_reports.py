"""Incident reports through ``channel:intake``: submit, triage, follow-up questions, answers.

Everything in a report's thread travels in direct mode, so the server only ever holds
ciphertext wrapped for the devices named: a report goes to every intake-role device cleared
for its label; the centre's status changes and questions go to the reporter and the intake
staff; the reporter's answers go to the intake staff. ``thread`` is the quick report's id, so
``store.items.list_thread`` shows the whole exchange on every device that holds it.

Only content from intake-role certificates counts as the centre's word: a status or question
sent by anyone else in a thread is shown as theirs but never changes the report's status.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crypto.certs import Certificate
from intel.errors import FormatError, IntelError
from intel.markings import Label, Policy, least_upper_bound
from intel.reports import (
    MAX_REPORT_BYTES,
    FinalReport,
    FollowUpQuestion,
    IncidentReport,
    IntakeStatus,
    QuickReport,
    Stage,
    UpdateReport,
    check_intake_transition,
    parse_follow_up,
    parse_report,
    report_label,
)
from intel.stix import load_json
from store import items as store_items
from store.models import Item
from store.vault import transaction
from sync.account import Session
from sync.compose import SendError
from sync.content import Content
from sync.flows_common import (
    INTAKE_ROLE,
    FlowError,
    Target,
    content_size,
    doc_of,
    flush,
    has_role,
    intake_users,
    room_items,
    send_direct_to,
    session_of,
    users_cleared,
)
from sync.wire import CHANNEL_INTAKE

__all__ = ["ThreadEntry", "ReportThread", "validate_report", "submit_report", "set_report_status",
           "ask_follow_up", "answer_follow_up", "report_thread", "list_reports",
           "report_status"]


@dataclass(frozen=True)
class ThreadEntry:
    """One item of a report's thread, decoded. ``what`` is "report", "status", "question"
    or "answer"; ``from_intake`` is True when the sender's certificate has the intake role."""

    item_id: str
    what: str
    sender_user: str
    sender_name: str
    sender_org: str
    from_intake: bool
    label: str
    created_ms: int
    report: IncidentReport | None = None
    status: IntakeStatus | None = None
    question: FollowUpQuestion | None = None
    note: str = ""


@dataclass(frozen=True)
class ReportThread:
    """The summary of one incident: what a list of reports shows."""

    thread_id: str
    reporter: str
    entity: str
    stage: Stage
    label: str
    status: IntakeStatus
    reports: int
    open_questions: int
    first_ms: int
    latest_ms: int


def _decode(session: Session, item: Item) -> ThreadEntry | None:
    if item.kind != "report" or item.status != "ok":
        return None
    doc = doc_of(item)
    cert = session.certs.get(item.sender_device)
    base: dict[str, Any] = dict(
        item_id=item.item_id, sender_user=item.sender_user, sender_name=item.sender_name,
        sender_org=cert.org if cert is not None else "",
        from_intake=has_role(session, item.sender_device, INTAKE_ROLE), label=item.label,
        created_ms=item.created_ms)
    try:
        kind = doc.get("type")
        if kind == "report":
            return ThreadEntry(what="report", report=parse_report(doc["report"]), **base)
        if kind == "status":
            return ThreadEntry(what="status", status=IntakeStatus(doc["status"]),
                               note=str(doc.get("note", ""))[:4000], **base)
        if kind in ("question", "answer"):
            q = parse_follow_up(doc["question"])
            status = IntakeStatus(doc["status"]) if doc.get("status") else None
            return ThreadEntry(what=kind, question=q, status=status, **base)
    except (IntelError, KeyError, ValueError, TypeError):
        return None
    return None


def report_thread(session: Session, thread_id: str) -> list[ThreadEntry]:
    """Every readable entry of a report's thread on this device, in arrival order."""
    out = []
    for item in store_items.list_thread(session.conn, thread_id, 10_000):
        if item.room_id != CHANNEL_INTAKE:
            continue
        entry = _decode(session, item)
        if entry is not None:
            out.append(entry)
    return out


def _status_of(entries: list[ThreadEntry]) -> IntakeStatus:
    status = IntakeStatus.RECEIVED
    for e in entries:
        if e.from_intake and e.status is not None:
            status = e.status
    return status


def report_status(session: Session, thread_id: str) -> IntakeStatus:
    """The centre's current status of a report (changes by intake-role devices only)."""
    return _status_of(report_thread(session, thread_id))


def own_reports(entries: list[ThreadEntry]) -> list[ThreadEntry]:
    """The thread's reports from the first reporter's organisation: anyone can put a report
    under someone else's thread id, but it does not become part of their incident."""
    reports = [e for e in entries if e.report is not None]
    if not reports:
        return []
    return [e for e in reports if e.sender_org == reports[0].sender_org]


def _summary(thread_id: str, entries: list[ThreadEntry], policy: Any) -> ReportThread | None:
    reports = own_reports(entries)
    if not reports:
        return None
    latest = reports[-1].report
    assert latest is not None
    answered = {e.question.question_id for e in entries
                if e.what == "answer" and e.question is not None}
    asked = {e.question.question_id for e in entries
             if e.what == "question" and e.from_intake and e.question is not None}
    return ReportThread(
        thread_id=thread_id, reporter=reports[0].sender_user, entity=latest.entity.name,
        stage=latest.stage, label=_thread_label(policy, entries).canonical(),
        status=_status_of(entries), reports=len(reports),
        open_questions=len(asked - answered), first_ms=entries[0].created_ms,
        latest_ms=entries[-1].created_ms)


def list_reports(session: Session) -> list[ReportThread]:
    """Every report thread this device holds (sent or received), newest activity first."""
    threads: dict[str, None] = {}
    for item in room_items(session, CHANNEL_INTAKE):
        if item.kind == "report" and item.thread_id:
            threads[item.thread_id] = None
    out = []
    for tid in threads:
        summary = _summary(tid, report_thread(session, tid), session.policy)
        if summary is not None:
            out.append(summary)
    return sorted(out, key=lambda t: t.latest_ms, reverse=True)


def _thread_label(policy: Any, entries: list[ThreadEntry]) -> Label:
    # What is said about a report derives from it: never below any report of the thread.
    labels = [policy.parse_label(e.label) for e in own_reports(entries)]
    top = least_upper_bound(policy, labels)
    if top is None:
        raise FlowError("this thread holds no report")
    return top


# -- sending --------------------------------------------------------------------------------
def _send(session: Session, label: Label, content: Content, users: list[str],
          reporter: str | None = None) -> str:
    """To the intake-role devices of ``users`` (and every device of ``reporter``)."""
    content_size(content.encode())

    def keep(cert: Certificate) -> bool:
        return INTAKE_ROLE in cert.roles or cert.user_id == reporter

    return send_direct_to(session, CHANNEL_INTAKE, label, content, users, keep)


def validate_report(data: IncidentReport | Mapping[str, Any] | bytes | str,
                    policy: Policy) -> IncidentReport:
    """A report checked in full: the model (``intel.reports.parse_report``) and its label
    against the deployment's policy. FormatError lists every problem with its field path."""
    if isinstance(data, QuickReport | UpdateReport | FinalReport):
        data = data.model_dump(mode="json")
    problems: list[str] = []
    report: IncidentReport | None = None
    try:
        report = parse_report(data)
    except FormatError as exc:
        problems = list(exc.problems)
    obj = load_json(data, "incident report", MAX_REPORT_BYTES)
    if isinstance(obj, Mapping) and isinstance(obj.get("thread_id"), str) and not any(
            p.startswith("thread_id:") for p in problems):
        starts = obj.get("thread_id") == obj.get("report_id")
        if obj.get("stage") == Stage.QUICK.value and not starts:
            problems.append("thread_id: a quick report starts its thread: give it the "
                            "report's own report_id")
        elif obj.get("stage") in (Stage.UPDATE.value, Stage.FINAL.value) and starts:
            problems.append("thread_id: an update or final report continues the thread of "
                            "its quick report: give the quick report's id")
    label = obj.get("label") if isinstance(obj, Mapping) else None
    if isinstance(label, str) and not any(p.startswith("label:") for p in problems):
        try:
            policy.parse_label(label)
        except IntelError as exc:
            problems.append(f"label: {exc}")
    if problems or report is None:
        raise FormatError(f"the incident report has {len(problems)} problem(s)", problems)
    return report


def submit_report(target: Target, report: IncidentReport | Mapping[str, Any] | bytes | str
                  ) -> str:
    """Validate, encrypt to every intake device cleared for the report's label, queue (and,
    given an Engine, try to send). Returns the report id.

    Nothing is queued when anything is wrong: FormatError lists every problem of the report;
    SendError says why it cannot be sent. Submitting the very same report again is harmless
    (its id is returned and nothing new is queued); another report under a used id is refused.
    """
    session = session_of(target)
    rep = validate_report(report, session.policy)
    label = report_label(rep, session.policy)
    doc = {"type": "report", "report": rep.model_dump(mode="json")}
    for e in report_thread(session, rep.thread_id):
        if e.report is not None and e.report.report_id == rep.report_id:
            if e.sender_user == session.user_id and e.report == rep:
                return rep.report_id
            raise SendError(f"a report with id {rep.report_id} was already submitted; give "
                            "this one a new report_id")
    users = intake_users(session, label)
    if not users:
        raise SendError(f"no intake device cleared for {label.canonical()} is known on this "
                        "device: sync first, or ask the centre which label to use")
    content = Content(kind="report", title=f"{rep.report_id} [{rep.stage.value}] "
                      f"{rep.entity.name}"[:500], body=rep.summary, doc=doc,
                      thread=rep.thread_id, sender_name=session.cert.display_name)
    _send(session, label, content, users)
    flush(target)
    return rep.report_id


def _intake_thread(session: Session, thread_id: str) -> tuple[list[ThreadEntry], Label, str]:
    if INTAKE_ROLE not in session.cert.roles:
        raise SendError("only intake staff (a certificate with the intake role) can do this")
    entries = report_thread(session, thread_id)
    reports = own_reports(entries)
    if not reports:
        raise FlowError(f"no incident report {thread_id} on this device; sync first")
    return entries, _thread_label(session.policy, entries), reports[0].sender_user


def _to_thread(session: Session, label: Label, reporter: str) -> list[str]:
    staff = intake_users(session, label)
    reporter_ok = users_cleared(session, [reporter], label)
    if not reporter_ok:
        raise SendError(f"the reporter {reporter} is no longer cleared for "
                        f"{label.canonical()} or not known on this device")
    return sorted(set(staff) | set(reporter_ok))


def set_report_status(target: Target, thread_id: str, status: IntakeStatus | str,
                      note: str = "") -> str:
    """Intake staff: move a report to ``status`` (received → triaged / need-info / closed);
    the reporter and the other intake devices see it in the thread. Returns the envelope id.
    Raises IntelError for a transition the intake workflow does not allow."""
    session = session_of(target)
    new = IntakeStatus(status)
    with transaction(session.conn):
        entries, label, reporter = _intake_thread(session, thread_id)
        check_intake_transition(_status_of(entries), new)
        content = Content(kind="report", title=f"{thread_id} status: {new.value}",
                          body=note[:4000], thread=thread_id,
                          doc={"type": "status", "status": new.value, "note": note[:4000]},
                          sender_name=session.cert.display_name)
        eid = _send(session, label, content, _to_thread(session, label, reporter), reporter)
    flush(target)
    return eid


def ask_follow_up(target: Target, thread_id: str, question: str,
                  fields: list[str] | None = None) -> str:
    """Intake staff: ask the reporter a question about a report (status becomes need-info
    where the workflow allows). Returns the question id."""
    session = session_of(target)
    with transaction(session.conn):
        entries, label, reporter = _intake_thread(session, thread_id)
        latest = [e.report for e in own_reports(entries)][-1]
        assert latest is not None
        try:
            q = FollowUpQuestion(
                question_id=f"Q-{secrets.token_hex(6).upper()}", thread_id=thread_id,
                report_id=latest.report_id, asked_by=session.user_id,
                asked_at=dt.datetime.fromtimestamp(session.now(), dt.UTC),
                fields=list(fields or []), question=question)
        except ValueError as exc:
            raise FormatError("the question is not valid", [str(exc)]) from None
        doc: dict[str, Any] = {"type": "question", "question": q.model_dump(mode="json")}
        current = _status_of(entries)
        try:
            check_intake_transition(current, IntakeStatus.NEED_INFO)
            doc["status"] = IntakeStatus.NEED_INFO.value
        except IntelError:
            pass  # already waiting for information
        content = Content(kind="report", title=f"{thread_id} question", body=question,
                          thread=thread_id, reply_to=entries[-1].item_id, doc=doc,
                          sender_name=session.cert.display_name)
        _send(session, label, content, _to_thread(session, label, reporter), reporter)
    flush(target)
    return q.question_id


def answer_follow_up(target: Target, question_id: str, answer: str) -> str:
    """The reporter answers a question from the centre; it goes to the intake devices.
    Returns the envelope id."""
    session = session_of(target)
    found: tuple[ThreadEntry, list[ThreadEntry]] | None = None
    for thread in list_reports(session):
        entries = report_thread(session, thread.thread_id)
        for e in entries:
            if (e.what == "question" and e.from_intake and e.question is not None
                    and e.question.question_id == question_id):
                found = (e, entries)
    if found is None:
        raise FlowError(f"no question {question_id} from the centre on this device; sync "
                        "first")
    asked, entries = found
    assert asked.question is not None
    label = _thread_label(session.policy, entries)
    # Re-validated as a whole: the answer's length and times are checked like any input.
    q = parse_follow_up({**asked.question.model_dump(mode="json"), "answer": answer,
                         "answered_by": session.user_id,
                         "answered_at": dt.datetime.fromtimestamp(session.now(),
                                                                  dt.UTC).isoformat()})
    users = intake_users(session, label)
    if not users:
        raise SendError(f"no intake device cleared for {label.canonical()} is known")
    content = Content(kind="report", title=f"{q.thread_id} answer", body=answer,
                      thread=q.thread_id, reply_to=asked.item_id,
                      doc={"type": "answer", "question": q.model_dump(mode="json")},
                      sender_name=session.cert.display_name)
    eid = _send(session, label, content, users)
    flush(target)
    return eid
