"""``renkei advisory publish | brief send | doc show | doc list | ack``."""

from __future__ import annotations

import json
from typing import Any

from client.cli import CliError, Context, Registry, is_japanese, t
from client.cli_intel import any_queued, guarded, online, queued_error, read_file, who
from client.cli_view import banner, portion, when


def register(reg: Registry) -> None:
    adv = reg.group("advisory", t("advisories: the one voice to everyone cleared",
                                  "注意喚起: 全体への一元的な発信"))
    sp = adv.command("publish", cmd_publish, t(
        "publish an advisory (JSON; publisher role): each section reaches only those cleared "
        "for its label", "注意喚起 (JSON) を発行する（発行者ロール）。各節はそのラベルの"
        "取扱資格者にのみ届く"))
    sp.add_argument("file", metavar="FILE.json")

    brief = reg.group("brief", t("restricted briefs for cleared readers",
                                 "取扱資格者向けの限定ブリーフ"))
    sp = brief.command("send", cmd_brief, t(
        "send a brief (JSON) to named people, organisations, or the briefs channel",
        "ブリーフ (JSON) を指名した人・組織、またはブリーフチャネルへ送る"))
    sp.add_argument("file", metavar="FILE.json")
    to = sp.add_mutually_exclusive_group(required=True)
    to.add_argument("--to", nargs="+", metavar="USER", help="these users (direct)")
    to.add_argument("--org", nargs="+", metavar="ORG", help="everyone of these organisations")
    to.add_argument("--channel", action="store_true",
                    help="everyone cleared, by label, on the briefs channel")

    doc = reg.group("doc", t("read briefs and advisories", "ブリーフと注意喚起を読む"))
    sp = doc.command("show", cmd_show, t(
        "show a brief or advisory with its banner and portion marks",
        "ブリーフ・注意喚起をバナーと区分表示付きで表示する"))
    sp.add_argument("id", metavar="ID")
    sp.add_argument("--json", action="store_true", help="the document as JSON")
    sp = doc.command("list", cmd_list, t("list the briefs and advisories held",
                                         "保持しているブリーフ・注意喚起の一覧"))
    sp.add_argument("--kind", choices=["brief", "advisory"])

    sp = reg.command("ack", cmd_ack, t(
        "acknowledge a brief or advisory: read and understood (the author sees it)",
        "ブリーフ・注意喚起の確認済みを通知する（作成者に届く）"))
    sp.add_argument("id", metavar="ID")


def _load(path: str) -> bytes:
    from intel.documents import MAX_DOCUMENT_BYTES

    return read_file(path, "document", MAX_DOCUMENT_BYTES)


def _sent(ctx: Context, published: Any, what: str) -> None:
    labels = ", ".join(portion(label) for label, _ in published.parts)
    ctx.say(published.document_id)
    if any_queued(ctx, [eid for _, eid in published.parts]):
        raise queued_error(what, published.document_id)
    ctx.note(t(f"Sent {what} {published.document_id} in {len(published.parts)} part(s): "
               f"{labels}", f"{what} {published.document_id} を {len(published.parts)} 部"
               f"に分けて送信しました: {labels}"))


@guarded("nothing was sent")
def cmd_publish(ctx: Context) -> None:
    from sync.flows import publish_advisory, validate_document

    data = _load(ctx.args.file)
    session = ctx.session()
    doc = validate_document(data, session.policy)
    online(ctx)
    _sent(ctx, publish_advisory(ctx.engine(), doc), t("advisory", "注意喚起"))


@guarded("nothing was sent")
def cmd_brief(ctx: Context) -> None:
    from sync.flows import send_brief, validate_document

    data = _load(ctx.args.file)
    session = ctx.session()
    doc = validate_document(data, session.policy)
    online(ctx)
    users = sorted({u for v in ctx.args.to or () for u in v.split(",") if u}) or None
    orgs = sorted({o for v in ctx.args.org or () for o in v.split(",") if o}) or None
    _sent(ctx, send_brief(ctx.engine(), doc, users=users, orgs=orgs), t("brief", "ブリーフ"))


def _section_lines(s: Any, lang: str) -> list[str]:
    lines = [f"  {portion(s.label)} {s.display_title(lang)}"]
    lines += [f"    {line}" for line in s.body.splitlines()]
    for a in s.actions:
        lines.append(f"    - {a.text} ({t('due', '期限')} {a.due.isoformat()})")
    for i in s.indicators:
        lines.append(f"    - {i.type.value}: {i.value}" + (f"  ({i.note})" if i.note else ""))
    if s.techniques:
        lines.append("    ATT&CK: " + ", ".join(s.techniques))
    if s.cves:
        lines.append("    CVE: " + ", ".join(s.cves))
    return lines


@guarded()
def cmd_show(ctx: Context) -> None:
    from store import audit
    from sync.flows import acknowledgements, affects_us, load_document, my_acknowledgement

    session = ctx.session()
    online(ctx)
    view = load_document(session, ctx.args.id)
    if view is None:
        raise CliError(t(f"no document {ctx.args.id} readable on this device",
                         f"この端末で読める文書 {ctx.args.id} はありません"))
    doc = view.document
    if ctx.args.json:
        ctx.say(json.dumps({"document": doc.model_dump(mode="json"), "official": view.official,
                            "author": view.author_user, "label": view.label.canonical(),
                            "parts_held": view.parts_held, "parts_total": view.parts_total},
                           ensure_ascii=False))
    else:
        lang = "ja" if is_japanese() else "en"
        labels = [doc.header_label, *(s.label for s in doc.sections)]
        top = banner(session.policy, labels, lang) or ""
        ctx.say(top)
        mark = t("OFFICIAL — issued by a publisher", "公式 — 発行者による発信") if view.official \
            else t("not official: not issued by a publisher on the advisories channel",
                   "非公式: 発行者が注意喚起チャネルで発信したものではありません")
        ctx.say(f"{portion(doc.header_label)} {doc.title}")
        ctx.say(f"  {doc.kind.display(lang)} {doc.document_id} v{doc.version}  "
                f"{t('severity', '深刻度')}: {doc.severity.display(lang)}  "
                f"{doc.publisher}  {when(view.published_ms)}")
        ctx.say(f"  {mark}; {t('from', '送信者')} {who(session, view.author_user)}")
        if doc.kind.value == "advisory":
            answer, why = affects_us(session, doc)
            ctx.say(f"  {t('Affects us', '自組織への影響')}: {answer} ({why})")
        for s in doc.sections:
            for line in _section_lines(s, lang):
                ctx.say(line)
        if view.parts_held < view.parts_total:
            n = view.parts_total - view.parts_held
            ctx.say(t(f"  ({n} part(s) of this document were not delivered to this device)",
                      f"  （この文書のうち {n} 部はこの端末に配信されていません）"))
        if view.mine:
            acks = acknowledgements(session, doc.document_id)
            ctx.say(f"  {t('Acknowledged by', '確認済み')}: " + (
                ", ".join(f"{who(session, u)} {when(ms)}" for u, ms in acks.items())
                or t("nobody yet", "まだいません")))
        else:
            mine = my_acknowledgement(session, doc.document_id)
            if mine is not None:
                ctx.say(f"  {t('You acknowledged it', '確認済みを通知しました')}: {when(mine)}")
        ctx.say(top)
    if view.label.level != session.policy.lowest.key:
        for eid in view.envelope_ids:
            audit.record_open(session.conn, session.user_id, eid, view.label.canonical(),
                              session.now_ms(), "renkei doc show")


@guarded()
def cmd_list(ctx: Context) -> None:
    from sync.flows import list_documents

    session = ctx.session()
    online(ctx)
    views = list_documents(session, ctx.args.kind)
    if not views:
        ctx.say(t("No briefs or advisories on this device.",
                  "この端末にブリーフ・注意喚起はありません。"))
    lang = "ja" if is_japanese() else "en"
    for v in views:
        d = v.document
        official = t(" OFFICIAL", " 公式") if v.official else ""
        ctx.say(f"{d.document_id}  {portion(v.label.canonical())}  {d.kind.display(lang)}"
                f"{official}  [{d.severity.value}] {d.title}  — {who(session, v.author_user)}"
                f"  {when(v.published_ms)}")


@guarded("nothing was sent")
def cmd_ack(ctx: Context) -> None:
    from sync.flows import ack_pending, acknowledge_document

    session = ctx.session()
    online(ctx)
    ms = acknowledge_document(ctx.engine(), ctx.args.id)
    if ack_pending(session, ctx.args.id):
        raise queued_error(t("acknowledgement of", "確認済み通知"), ctx.args.id)
    ctx.say(t(f"Acknowledged {ctx.args.id} (read and understood) at {when(ms)}.",
              f"{ctx.args.id} の確認済みを通知しました（{when(ms)}）。"))
