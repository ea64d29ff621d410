"""``renkei rooms`` and ``renkei room create | invite | remove | leave | show``."""

from __future__ import annotations

import json
from typing import Any

from client.cli import EXIT_FAILED, CliError, Context, Registry, t


def register(reg: Registry) -> None:
    sp = reg.command("rooms", cmd_rooms, t("list the rooms this device knows",
                                           "この端末が知っているルームの一覧"))
    sp.add_argument("--json", action="store_true", help="one JSON object per line")

    room = reg.group("room", t("create rooms and manage their members",
                               "ルームの作成とメンバー管理"))
    sp = room.command("create", cmd_create, t("create a room with a ceiling label",
                                              "上限ラベルを指定してルームを作成する"))
    sp.add_argument("name", metavar="NAME")
    sp.add_argument("--ceiling", required=True, metavar="LABEL",
                    help="the highest label allowed in the room, e.g. SECRET//TLP:AMBER")
    sp.add_argument("--history", choices=("shared", "none"), default="none",
                    help="whether new members may read what came before (default: none)")

    sp = room.command("invite", cmd_invite, t("invite a user (room admins only)",
                                              "利用者を招待する（管理者のみ）"))
    sp.add_argument("room", metavar="ROOM", help="room id or name")
    sp.add_argument("user", metavar="USER")
    sp.add_argument("--admin", action="store_true", help="as a room admin")

    sp = room.command("remove", cmd_remove, t(
        "remove a user (room admins only); the room's keys change",
        "利用者を外す（管理者のみ）。ルームの鍵は更新されます"))
    sp.add_argument("room", metavar="ROOM", help="room id or name")
    sp.add_argument("user", metavar="USER")

    sp = room.command("leave", cmd_leave, t("leave a room", "ルームから退出する"))
    sp.add_argument("room", metavar="ROOM", help="room id or name")

    sp = room.command("show", cmd_show, t("members, their clearance and what they may read",
                                          "メンバー、その資格と閲覧できる範囲"))
    sp.add_argument("room", metavar="ROOM", help="room id or name")


def resolve_room(session: Any, text: str) -> str:
    """A room id, or the name of exactly one room this device knows."""
    from store import rooms as store_rooms
    from sync.wire import CHANNELS

    if text in CHANNELS or store_rooms.get_room(session.conn, text) is not None:
        return text
    matches = [r for r in store_rooms.list_rooms(session.conn)
               if r.name.casefold() == text.casefold()]
    if len(matches) == 1:
        return str(matches[0].room_id)
    if matches:
        raise CliError(f"several rooms are called {text!r}: "
                       + ", ".join(r.room_id for r in matches) + "; give the room id")
    raise CliError(f"no room {text!r} on this device; see 'renkei rooms' (or 'renkei sync' "
                   "first)")


def _state(session: Any, room: str) -> Any:
    from sync.rooms import room_state

    return room_state(session, room)


def cmd_rooms(ctx: Context) -> None:
    from store import rooms as store_rooms

    session = ctx.session()
    rows = store_rooms.list_rooms(session.conn)
    out: list[dict[str, Any]] = []
    for r in rows:
        st = _state(session, r.room_id)
        role = st.members.get(session.user_id) if st is not None else None
        out.append({"room": r.room_id, "name": r.name, "ceiling": r.ceiling,
                    "history": r.history, "members": len(st.members) if st else 0,
                    "role": role or "left", "unread": r.unread})
    if ctx.args.json:
        for d in out:
            ctx.say(json.dumps(d, ensure_ascii=False))
        return
    if not out:
        ctx.say(t("No rooms yet. 'renkei sync' fetches them; 'renkei room create' makes one.",
                  "ルームはまだありません。'renkei sync' で取得、'renkei room create' で作成"
                  "できます。"))
        return
    width = max(len(d["name"]) for d in out)
    for d in out:
        ctx.say(f"{d['room']}  {d['name']:<{width}}  {d['ceiling']:<24}  "
                f"{t('members', 'メンバー')} {d['members']:<3}  {d['role']:<6}  "
                f"{t('unread', '未読')} {d['unread']}")


def _catch_up(ctx: Context) -> None:
    from client.cli_messaging import catch_up

    catch_up(ctx, quiet=True)


def cmd_create(ctx: Context) -> None:
    from client.cli_view import parse_label

    session = ctx.session()
    ceiling = parse_label(session.policy, ctx.args.ceiling, "--ceiling")
    eng = ctx.engine()
    eng.ensure_registered()
    room = eng.create_room(ctx.args.name, ceiling, ctx.args.history)
    ctx.say(t(f"Created room {room} ({ctx.args.name}, ceiling {ceiling}, history "
              f"{ctx.args.history})", f"ルーム {room} を作成しました（{ctx.args.name}、上限 "
              f"{ceiling}、履歴 {ctx.args.history}）"))


def _known_user(ctx: Context, user: str) -> None:
    if not any(c.user_id == user for c in ctx.session().certs.values()):
        ctx.warn(t(f"no device of {user!r} is known to this device yet (check the user id); "
                   "they receive keys once a device of theirs has registered",
                   f"{user!r} の端末はまだ知られていません（利用者 ID を確認してください）。"
                   "端末が登録されると鍵が配布されます"))


def cmd_invite(ctx: Context) -> None:
    _catch_up(ctx)
    session = ctx.session()
    room = resolve_room(session, ctx.args.room)
    _known_user(ctx, ctx.args.user)
    ctx.engine().invite(room, ctx.args.user, "admin" if ctx.args.admin else "member")
    ctx.say(t(f"Invited {ctx.args.user} to {room}", f"{ctx.args.user} を {room} に招待しました"))


def cmd_remove(ctx: Context) -> None:
    _catch_up(ctx)
    session = ctx.session()
    room = resolve_room(session, ctx.args.room)
    st = _state(session, room)
    if st is None or ctx.args.user not in st.members:
        raise CliError(f"{ctx.args.user} is not a member of {room}")
    ctx.engine().remove(room, ctx.args.user)
    ctx.say(t(f"Removed {ctx.args.user} from {room}; new keys are used from the next message",
              f"{ctx.args.user} を {room} から外しました。次のメッセージから新しい鍵を使います"))


def cmd_leave(ctx: Context) -> None:
    _catch_up(ctx)
    room = resolve_room(ctx.session(), ctx.args.room)
    ctx.engine().leave(room)
    ctx.say(t(f"Left {room}", f"{room} から退出しました"))


def cmd_show(ctx: Context) -> None:
    from intel.errors import IntelError

    session = ctx.session()
    room = resolve_room(session, ctx.args.room)
    st = _state(session, room)
    if st is None:
        raise CliError(f"the membership log of {room} is missing or invalid on this device",
                       EXIT_FAILED)
    ctx.say(f"{st.name}  ({room})")
    ctx.say(f"  {t('ceiling', '上限')}: {st.ceiling.canonical()}   "
            f"{t('history', '履歴')}: {st.history}")
    for user, role in sorted(st.members.items()):
        devices = [c for c in session.certs.values() if c.user_id == user]
        if not devices:
            ctx.say(f"  {user:<20} {role:<6} " + t("(no device known)", "（端末不明）"))
            continue
        c = devices[0]
        try:
            rank = min(session.policy.rank(c.level), session.policy.rank(st.ceiling.level))
            reads = session.policy.levels[rank].key
        except IntelError:
            reads = "-"
        ctx.say(f"  {user:<20} {role:<6} {c.display_name} ({c.org})  "
                f"{t('cleared', '資格')} {c.level}  {t('reads up to', '閲覧上限')} {reads}  "
                f"{len(devices)} {t('device(s)', '台')}")
