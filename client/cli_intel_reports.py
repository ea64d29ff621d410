"""``renkei report schema | template | submit | list | show | status | ask | answer``."""

from __future__ import annotations

import datetime as dt
import json

from client.cli import CliError, Context, Registry, is_japanese, t
from client.cli_intel import guarded, online, queued_error, read_file, who
from client.cli_view import portion, when


def register(reg: Registry) -> None:
    rep = reg.group("report", t("incident reports: submit, follow and triage",
                                "インシデント報告: 提出・経過確認・受付処理"))
    rep.command("schema", cmd_schema, t("print the JSON Schema of an incident report",
                                        "インシデント報告の JSON Schema を表示する"))
    rep.command("template", cmd_template, t(
        "print a quick report (速報) prefilled with times and a fresh id, to complete",
        "時刻と新しい ID を記入済みの速報のひな形を表示する"))
    sp = rep.command("submit", cmd_submit, t(
        "validate a report (JSON) and send it, encrypted, to the intake staff",
        "報告 (JSON) を検証し、受付担当へ暗号化して送る"))
    sp.add_argument("file", metavar="FILE.json", help="the report ('-' reads stdin)")
    sp = rep.command("list", cmd_list, t("list the reports this device holds",
                                         "この端末が保持する報告の一覧"))
    sp.add_argument("--json", action="store_true", help="one JSON object per line")
    sp = rep.command("show", cmd_show, t("show a report's thread: reports, status, questions",
                                         "報告のスレッド（報告・状態・質問）を表示する"))
    sp.add_argument("id", metavar="ID", help="the report thread id (the quick report's id)")
    sp = rep.command("status", cmd_status, t("intake: set a report's status",
                                             "受付: 報告の状態を変更する"))
    sp.add_argument("id", metavar="ID")
    sp.add_argument("status", metavar="STATUS", choices=["received", "triaged", "need-info",
                                                         "closed"])
    sp.add_argument("--note", default="", help="a note the reporter sees")
    sp = rep.command("ask", cmd_ask, t("intake: ask the reporter a follow-up question",
                                       "受付: 報告者に追加の質問をする"))
    sp.add_argument("id", metavar="ID")
    sp.add_argument("question", metavar="QUESTION")
    sp.add_argument("--field", action="append", default=[], metavar="PATH",
                    help="a report field the question is about (repeatable)")
    sp = rep.command("answer", cmd_answer, t("answer a question from the intake staff",
                                             "受付担当からの質問に回答する"))
    sp.add_argument("question_id", metavar="QUESTION_ID")
    sp.add_argument("answer", metavar="ANSWER")


def cmd_schema(ctx: Context) -> None:
    from intel.reports import report_json_schema

    ctx.say(json.dumps(report_json_schema(), indent=2, ensure_ascii=False))


def cmd_template(ctx: Context) -> None:
    from intel.reports import quick_report_defaults

    now = dt.datetime.now(dt.UTC).astimezone()
    ctx.say(json.dumps(quick_report_defaults(now), indent=2, ensure_ascii=False))


@guarded("nothing was sent")
def cmd_submit(ctx: Context) -> None:
    from intel.reports import MAX_REPORT_BYTES
    from sync.flows import delivery_state, report_thread, submit_report, validate_report

    data = read_file(ctx.args.file, "report", MAX_REPORT_BYTES)
    session = ctx.session()
    # Checked in full before anything else: a bad file never reaches the outbox.
    report = validate_report(data, session.policy)
    online(ctx)
    rid = submit_report(ctx.engine(), report)
    ctx.say(rid)
    mine = [e.item_id for e in report_thread(session, report.thread_id)
            if e.report is not None and e.report.report_id == rid
            and e.sender_user == session.user_id]
    if any(delivery_state(session, e) == "queued" for e in mine):
        raise queued_error(t("report", "報告"), rid)
    ctx.note(t(f"Report {rid} sent to the intake staff ({portion(report.label)}).",
               f"報告 {rid} を受付担当へ送信しました（{portion(report.label)}）。"))


def _status_text(status: object) -> str:
    lang = "ja" if is_japanese() else "en"
    display = getattr(status, "display", None)
    return str(display(lang)) if callable(display) else str(status)


@guarded()
def cmd_list(ctx: Context) -> None:
    from sync.flows import list_reports

    session = ctx.session()
    online(ctx)
    threads = list_reports(session)
    if ctx.args.json:
        for th in threads:
            ctx.say(json.dumps({"thread": th.thread_id, "reporter": th.reporter,
                                "entity": th.entity, "stage": th.stage.value,
                                "status": th.status.value, "label": th.label,
                                "reports": th.reports, "open_questions": th.open_questions,
                                "latest_ms": th.latest_ms}, ensure_ascii=False))
        return
    if not threads:
        ctx.say(t("No reports on this device.", "この端末に報告はありません。"))
    for th in threads:
        q = t(f", {th.open_questions} open question(s)", f"、未回答の質問 {th.open_questions} 件"
              ) if th.open_questions else ""
        ctx.say(f"{th.thread_id}  {portion(th.label)}  [{th.stage.value}] "
                f"{_status_text(th.status)}  {th.entity}  — {who(session, th.reporter)}  "
                f"{when(th.latest_ms)}{q}")


@guarded()
def cmd_show(ctx: Context) -> None:
    from sync.flows import report_status, report_thread

    session = ctx.session()
    online(ctx)
    entries = report_thread(session, ctx.args.id)
    if not any(e.report is not None for e in entries):
        raise CliError(f"no report {ctx.args.id} on this device")
    ctx.say(f"{ctx.args.id}: {_status_text(report_status(session, ctx.args.id))}")
    for e in entries:
        head = f"[{when(e.created_ms)}] {who(session, e.sender_user)}  {portion(e.label)}"
        if e.report is not None:
            r = e.report
            ctx.say(f"{head}  {r.stage.value} {r.report_id}")
            ctx.say(f"    {r.entity.name} ({r.entity.sector.value}), {r.category.value}, "
                    f"{r.containment.value}")
            for line in r.summary.splitlines():
                ctx.say(f"    {line}")
        elif e.what == "status" and e.status is not None:
            ctx.say(f"{head}  status → {_status_text(e.status)}"
                    + ("" if e.from_intake else t(" (not from intake staff: ignored)",
                                                  "（受付担当以外からのため無視）")))
            if e.note:
                ctx.say(f"    {e.note}")
        elif e.question is not None:
            q = e.question
            if e.what == "question":
                ctx.say(f"{head}  {t('question', '質問')} {q.question_id}"
                        + (f" ({', '.join(q.fields)})" if q.fields else ""))
                ctx.say(f"    {q.question}")
            else:
                ctx.say(f"{head}  {t('answer to', '回答')} {q.question_id}")
                ctx.say(f"    {q.answer}")


@guarded("nothing was sent")
def cmd_status(ctx: Context) -> None:
    from sync.flows import set_report_status

    online(ctx)
    set_report_status(ctx.engine(), ctx.args.id, ctx.args.status, ctx.args.note)
    ctx.say(t(f"Report {ctx.args.id} is now {ctx.args.status}.",
              f"報告 {ctx.args.id} の状態を {ctx.args.status} にしました。"))


@guarded("nothing was sent")
def cmd_ask(ctx: Context) -> None:
    from sync.flows import ask_follow_up

    online(ctx)
    qid = ask_follow_up(ctx.engine(), ctx.args.id, ctx.args.question, ctx.args.field)
    ctx.say(qid)


@guarded("nothing was sent")
def cmd_answer(ctx: Context) -> None:
    from sync.flows import answer_follow_up

    online(ctx)
    answer_follow_up(ctx.engine(), ctx.args.question_id, ctx.args.answer)
    ctx.say(t(f"Answer to {ctx.args.question_id} sent.",
              f"{ctx.args.question_id} への回答を送信しました。"))
