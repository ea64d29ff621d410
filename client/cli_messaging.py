"""``renkei sync | send | read | search | security | attachment``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from client.cli import EXIT_FAILED, CliError, Context, Registry, is_japanese, t
from client.cli_rooms import resolve_room
from client.cli_view import banner, gap_line, item_json, item_lines, parse_label, portion

MAX_TEXT = 500_000


def register(reg: Registry) -> None:
    sp = reg.command("sync", cmd_sync, t("send what is queued and fetch what is new",
                                         "送信待ちを送り、新着を受信する"))
    sp.add_argument("--follow", action="store_true",
                    help="keep listening (long-poll) and print items as they arrive")
    sp.add_argument("--poll-timeout", type=int, default=25, help=argparse.SUPPRESS)

    sp = reg.command("send", cmd_send, t("send a message to a room, at a label",
                                         "ルームにラベル付きのメッセージを送る"))
    sp.add_argument("room", metavar="ROOM", help="room id or name")
    sp.add_argument("text", metavar="TEXT", nargs="?",
                    help="the message (default: read from stdin; '-' also reads stdin)")
    sp.add_argument("--label", required=True, help="e.g. CONFIDENTIAL//TLP:AMBER")
    sp.add_argument("--to", action="append", metavar="USER", default=None,
                    help="send directly to these users only (repeat, or USER,USER); "
                         "required for TLP:RED")
    sp.add_argument("--title", default="", help="a title (briefs)")
    sp.add_argument("--attach", action="append", metavar="FILE", default=[],
                    help="attach a file (encrypted; repeatable)")
    sp.set_defaults(trailing_text=True)

    sp = reg.command("read", cmd_read, t("show a room's messages with their portion marks",
                                         "ルームのメッセージを区分表示付きで表示する"))
    sp.add_argument("room", metavar="ROOM", help="room id or name")
    sp.add_argument("--limit", type=int, default=50, metavar="N", help="last N items")
    sp.add_argument("--json", action="store_true", help="one JSON object per line")
    sp.add_argument("--ack", action="store_true",
                    help="acknowledge the items shown (the senders see a receipt)")

    sp = reg.command("search", cmd_search, t("full-text search of what this device holds",
                                             "この端末が保持する内容を全文検索する"))
    sp.add_argument("query", metavar="QUERY", nargs="+")
    sp.add_argument("--room", help="only this room")
    sp.add_argument("--limit", type=int, default=20, metavar="N")
    sp.add_argument("--json", action="store_true", help="one JSON object per line")

    sp = reg.command("security", cmd_security, t(
        "list the security events this device recorded (refused forgeries, replays, ...)",
        "この端末が記録したセキュリティイベント（偽造・再送の拒否など）を表示する"))
    sp.add_argument("--limit", type=int, default=50, metavar="N")

    sp = reg.command("attachment", cmd_attachment, t("save the attachments of an item",
                                                     "項目の添付ファイルを保存する"))
    sp.add_argument("item", metavar="ITEM_ID")
    sp.add_argument("--out", default=".", metavar="DIR", help="directory to save into")


# ---------------------------------------------------------------------------- sync
def _progress(ctx: Context) -> Callable[[int], None]:
    tty = ctx.err.isatty()
    shown = [0]

    def report(total: int) -> None:
        if tty:
            print(f"\r{t('syncing', '同期中')}… {total} " + t("items", "件"), end="",
                  file=ctx.err, flush=True)
        elif total - shown[0] >= 500:
            shown[0] = total
            ctx.note(t(f"synced {total} items so far…", f"これまでに {total} 件を同期…"))

    return report


def _summary(ctx: Context, stored: int, rejected: int, security: int) -> None:
    if ctx.err.isatty():
        print("\r", end="", file=ctx.err)
    ctx.say(t(f"Synced: {stored} new item(s), {rejected} rejected.",
              f"同期しました: 新着 {stored} 件、拒否 {rejected} 件。"))
    if security:
        ctx.warn(t(f"{security} security event(s) recorded (a server or sender misbehaved); "
                   "see 'renkei security'",
                   f"セキュリティイベントを {security} 件記録しました。'renkei security' で"
                   "確認してください"))


def catch_up(ctx: Context, *, quiet: bool = False) -> tuple[int, int, int]:
    """Register if needed, send the outbox, fetch until nothing is left."""
    eng = ctx.engine()
    eng.ensure_registered()
    eng.flush_outbox()
    counts = [0, 0]
    revoked = [False]

    def seen(res: Any) -> None:
        counts[0] += len(res.rejected)
        counts[1] += res.security_events
        revoked[0] = revoked[0] or res.revoked_self

    stored = eng.catch_up(None if quiet else _progress(ctx), on_result=seen)
    if revoked[0]:
        raise CliError("this device's certificate has been revoked by the authority",
                       EXIT_FAILED)
    return stored, counts[0], counts[1]


def cmd_sync(ctx: Context) -> None:
    stored, rejected, security = catch_up(ctx)
    _summary(ctx, stored, rejected, security)
    if ctx.args.follow:
        _follow(ctx)


def _follow(ctx: Context) -> None:
    from store import items as store_items

    eng, session = ctx.engine(), ctx.session()
    stop = threading.Event()

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    last_status = ["online"]

    def on_status(status: str) -> None:
        if status != last_status[0]:
            last_status[0] = status
            ctx.note(status)

    def on_result(res: Any) -> None:
        for item_id in res.stored:
            item = store_items.get_item(session.conn, item_id)
            if item is not None:
                ctx.say(f"{_room_name(session, item.room_id)}: " + "\n".join(item_lines(item)))
        for item_id in res.rejected:
            item = store_items.get_item(session.conn, item_id)
            if item is not None:
                ctx.say(f"{_room_name(session, item.room_id)}: " + "\n".join(item_lines(item)))
        if res.security_events:
            ctx.warn(f"{res.security_events} security event(s) recorded")

    ctx.note(t("Listening for new items (Ctrl-C to stop)…",
               "新着を待っています（Ctrl-C で終了）…"))
    try:
        eng.run(stop, poll_timeout=ctx.args.poll_timeout, on_result=on_result,
                on_status=on_status)
    except KeyboardInterrupt:
        stop.set()
        ctx.note(t("stopped", "終了しました"))
    finally:
        signal.signal(signal.SIGTERM, previous)


def _room_name(session: Any, room_id: str) -> str:
    from store import rooms as store_rooms

    room = store_rooms.get_room(session.conn, room_id)
    return room.name if room is not None and room.name else room_id


# ---------------------------------------------------------------------------- send
def _text(ctx: Context) -> str:
    text = ctx.args.text
    if text is None or text == "-":
        if sys.stdin.isatty():
            ctx.note(t("Type the message, then Ctrl-D:", "本文を入力し、Ctrl-D で終了:"))
        data = sys.stdin.buffer.read(MAX_TEXT * 4 + 1)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise CliError("the message on stdin is not UTF-8 text") from None
        text = text.removesuffix("\n")
    if not text.strip() and not ctx.args.attach:
        raise CliError("the message is empty")
    if len(text) > MAX_TEXT:
        raise CliError(f"the message is longer than {MAX_TEXT} characters; attach it as a "
                       "file instead (--attach FILE)")
    return str(text)


def _recipients(ctx: Context) -> list[str] | None:
    if ctx.args.to is None:
        return None
    users = sorted({u.strip() for v in ctx.args.to for u in v.split(",") if u.strip()})
    if not users:
        raise CliError("--to needs at least one user id")
    return users


def cmd_send(ctx: Context) -> int:
    from store import outbox
    from sync.content import Content
    from sync.engine import Offline

    text = _text(ctx)
    users = _recipients(ctx)
    session = ctx.session()
    label = parse_label(session.policy, ctx.args.label)
    try:
        catch_up(ctx, quiet=True)
        online = True
    except Offline:
        online = False
    room = resolve_room(session, ctx.args.room)
    eng = ctx.engine()
    atts = []
    for f in ctx.args.attach:
        if not online:
            raise CliError("attachments need the server, which cannot be reached now; "
                           "nothing was sent", EXIT_FAILED)
        path = Path(f)
        if not path.is_file():
            raise CliError(f"--attach {f}: no such file")
        atts.append(eng.upload_attachment(path, progress=_upload_progress(ctx, path.name)))
    content = Content(kind="message", title=ctx.args.title, body=text, attachments=atts,
                      sender_name=session.cert.display_name)
    eid = eng.send(room, label, content, users=users)
    entry = outbox.get_entry(session.conn, "env:" + eid)
    queued = entry is not None and entry.sent_ms is None
    to = (t(" directly to ", " 宛先: ") + ", ".join(users)) if users else ""
    if queued:
        raise CliError(t(
            f"the server cannot be reached; message {eid} is kept in the outbox and will be "
            "sent once by the next 'renkei sync' (do not send it again)",
            f"サーバに接続できません。メッセージ {eid} は送信待ちに保存され、次の "
            "'renkei sync' で一度だけ送信されます（再送しないでください）"), EXIT_FAILED)
    ctx.say(t(f"Sent {eid} {portion(label)} to {_room_name(session, room)}{to}",
              f"{_room_name(session, room)} に {portion(label)} で送信しました{to}: {eid}"))
    return 0


def _upload_progress(ctx: Context, name: str) -> Callable[[int, int], None] | None:
    if not ctx.err.isatty():
        return None

    def report(done: int, total: int) -> None:
        pct = 100 if total == 0 else done * 100 // total
        end = "\n" if done >= total else ""
        print(f"\r{name}: {pct}%", end=end, file=ctx.err, flush=True)

    return report


# ---------------------------------------------------------------------------- read, search
def cmd_read(ctx: Context) -> None:
    from store import audit, seqs
    from store import items as store_items
    from store import rooms as store_rooms
    from store.vault import transaction

    if ctx.args.limit < 1:
        raise CliError("--limit must be at least 1")
    session = ctx.session()
    room = resolve_room(session, ctx.args.room)
    shown = store_items.list_items_before(session.conn, room, None, ctx.args.limit)
    acks: dict[str, list[str]] = {}
    for it in shown:
        if it.kind == "ack" and it.reply_to:
            acks.setdefault(it.reply_to, []).append(it.sender_user)
    items = [it for it in shown if it.kind != "ack"]
    gaps: dict[tuple[str, int | None, str], Any] = {
        (g.sender_device, g.last_missing + 1, g.scope): g
            for label in sorted({it.label for it in items if it.status == "ok"})
            for g in seqs.list_gaps(session.conn, f"{room}|{label}")}
    if ctx.args.json:
        for it in items:
            ctx.say(item_json(it, acks.get(it.item_id, ())))
    else:
        lang = "ja" if is_japanese() else "en"
        top = banner(session.policy, [i.label for i in items if i.status == "ok"], lang)
        ctx.say(f"{_room_name(session, room)}  ({room})")
        if top:
            ctx.say(top)
        if not items:
            ctx.say(t("  (nothing here yet; try 'renkei sync')",
                      "  （まだ何もありません。'renkei sync' を試してください）"))
        for it in items:
            g = gaps.get((it.sender_device, it.seq, f"{room}|{it.label}"))
            if g is not None:
                who = session.certs[g.sender_device].display_name if (
                    g.sender_device in session.certs) else g.sender_device
                ctx.say(gap_line(who, g.first_missing, g.last_missing))
            for line in item_lines(it, acks.get(it.item_id, ())):
                ctx.say(line)
        if top:
            ctx.say(top)
    now = session.now_ms()
    with transaction(session.conn):  # one commit for the audit rows and the read mark
        for it in items:
            if it.status == "ok" and it.label.split("/", 1)[0] != session.policy.lowest.key:
                audit.record_open(session.conn, session.user_id, it.item_id, it.label, now,
                                  "renkei read")
        if shown:
            store_rooms.set_last_read(session.conn, room, shown[-1].pos)
    if ctx.args.ack:
        eng = ctx.engine()
        for it in items:
            if it.status == "ok" and it.sender_device != session.device_id:
                eng.ack(room, it.item_id)


def cmd_search(ctx: Context) -> None:
    from store import search as store_search

    session = ctx.session()
    room = resolve_room(session, ctx.args.room) if ctx.args.room else None
    allowed = store_search.readable_labels(session.conn, session.policy, session.cert.clearance)
    hits = store_search.search(session.conn, " ".join(ctx.args.query),
                               max(1, min(ctx.args.limit, 1000)), room,
                               allowed_labels=allowed)
    if ctx.args.json:
        for h in hits:
            ctx.say(item_json(h.item))
        return
    if not hits:
        ctx.say(t("No matches.", "該当なし。"))
    for h in hits:
        it = h.item
        ctx.say(f"{_room_name(session, it.room_id)}  {portion(it.label)}  "
                f"{it.sender_name or it.sender_user}  {it.item_id}")
        ctx.say(f"    {' '.join(h.snippet.split())}")


def cmd_security(ctx: Context) -> None:
    from client.cli_view import when
    from store import audit

    session = ctx.session()
    events = audit.list_security_events(session.conn, limit=100_000)[-ctx.args.limit:]
    if not events:
        ctx.say(t("No security events.", "セキュリティイベントはありません。"))
    for ev in events:
        where = " ".join(x for x in (ev.room_id or "", ev.device_id or "") if x)
        ctx.say(f"[{when(ev.at_ms)}] {ev.kind}: {ev.detail}" + (f"  ({where})" if where else ""))


def cmd_attachment(ctx: Context) -> None:
    import json

    from store import items as store_items
    from sync.content import Attachment

    session = ctx.session()
    item = store_items.get_item(session.conn, ctx.args.item)
    if item is None or item.status != "ok":
        raise CliError(f"no readable item {ctx.args.item} on this device")
    atts = json.loads(item.payload or "{}").get("attachments", [])
    if not atts:
        raise CliError("this item has no attachments")
    out = Path(ctx.args.out)
    if not out.is_dir():
        raise CliError(f"--out {out}: not a directory")
    for raw in atts:
        att = Attachment(**raw)
        name = Path(att.name).name or att.id
        dest = out / name
        if dest.exists():
            raise CliError(f"{dest} already exists; choose another --out directory")
        ctx.engine().download_attachment(att, dest, _upload_progress(ctx, name))
        ctx.say(t(f"Saved {dest} ({att.size} bytes)",
                  f"{dest} を保存しました（{att.size} バイト）"))
