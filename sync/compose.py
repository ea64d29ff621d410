"""Composing what a user sends: checked, encrypted, signed and queued in one transaction.

Nothing here does I/O beyond the vault. Each outgoing request goes into the outbox under an
idempotency key (the envelope id, or the epoch for key deliveries), together with the local
copy of the item, so a crash between "compose" and "sent" loses nothing and a retry never
makes a second copy.

Group keys are per sender: each device keeps its own current epoch for every (room, label) it
writes at, and knows exactly which devices it delivered that key to. It rotates when a device
that had the key may no longer read the label, when a new reader joins a room that does not
share history, and periodically; in a room that shares history a new reader receives the
current and past keys instead.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from crypto.certs import Certificate, check_validity
from crypto.envelope import Envelope, Header, new_header, seal_direct, seal_group
from crypto.errors import CryptoError
from crypto.groupkeys import EpochKey, new_epoch_key, seal_epoch_key
from crypto.membership import RoomState, SignedEvent, make_event
from crypto.recipients import may_write, select_recipients
from crypto.rotation import RotationPolicy, needs_periodic_rotation
from intel.errors import LabelError
from intel.markings import TLP, Label, can_read
from store import items as store_items
from store import keys as store_keys
from store import kv, outbox, seqs
from store.vault import transaction
from sync import content
from sync.account import Session
from sync.errors import SyncError
from sync.rooms import current_crl, is_channel, may_post, room_state
from sync.wire import CHANNEL_INTAKE

ROTATION = RotationPolicy()


class SendError(SyncError):
    """Sending was refused before anything left the device; the message says why."""


@dataclass(frozen=True)
class Outgoing:
    """One request for the outbox: where to POST and the JSON body."""

    key: str
    kind: str
    path: str
    body: dict[str, Any]

    def encode(self) -> bytes:
        return json.dumps({"path": self.path, "body": self.body}).encode()


def _enqueue(session: Session, out: Outgoing) -> None:
    outbox.enqueue(session.conn, out.key, out.kind, out.encode(), session.now_ms())


def _label(session: Session, text: str) -> Label:
    try:
        return session.policy.parse_label(text)
    except LabelError as exc:
        raise SendError(str(exc)) from None


def _state(session: Session, room: str) -> RoomState:
    state = room_state(session, room)
    if state is None:
        raise SendError(f"room {room} is unknown on this device; sync first")
    return state


def _check_can_send(session: Session, state: RoomState, label: Label) -> None:
    crl = current_crl(session)
    if not may_write(session.policy, state, session.cert, label, session.now(), crl):
        raise SendError(f"you may not post at {label.canonical()} here: you must be a member "
                        "cleared for the label, within the room's ceiling")
    if is_channel(state.room_id) and not may_post(session.cert, state.room_id):
        raise SendError("only a publisher certificate may post to this channel")
    changed = {c.user_id for c in store_keys.list_key_changes(session.conn)}
    blocked = [u for u in state.members if u in changed]
    if blocked and not is_channel(state.room_id):
        raise SendError("a key changed for " + ", ".join(sorted(blocked)) + "; compare "
                        "fingerprints and accept the change before sending")


# -- epochs ---------------------------------------------------------------------------------
def _my_epoch_setting(room: str, label: str) -> str:
    return f"myepoch:{room}|{label}"


def _delivered_setting(room: str, label: str, epoch: int) -> str:
    return f"delivered:{room}|{label}|{epoch}"


def _fresh_epoch_number(session: Session) -> int:
    # Unique across senders without coordination: time in ms, then 10 random bits.
    return session.now_ms() * 1024 + secrets.randbelow(1024)


def ensure_epoch(session: Session, state: RoomState, label: Label) -> EpochKey:
    """Make sure every current reader holds this device's key for (room, label); queue the
    deliveries needed. Returns the key to encrypt with."""
    conn, text, room = session.conn, label.canonical(), state.room_id
    readers = _readers(session, state, label)
    raw = kv.get_setting(conn, _my_epoch_setting(room, text))
    current = None
    delivered: set[str] = set()
    sent = 0
    if raw is not None:
        row = store_keys.get_epoch_key(conn, room, text, int(raw))
        if row is not None:
            current = EpochKey(room, text, row.epoch, row.key, row.created_ms,
                               session.device_id)
            delivered = set(json.loads(kv.get_setting(
                conn, _delivered_setting(room, text, row.epoch)) or "[]"))
            sent = row.messages_sent
    new_readers = set(readers) - delivered
    rotate = (current is None or bool(delivered - set(readers))
              or needs_periodic_rotation(current, sent, session.now_ms(), ROTATION)
              or (bool(new_readers) and state.history != "shared"))
    if rotate or current is None:
        current = new_epoch_key(room, text, _fresh_epoch_number(session), session.device_id,
                                session.now_ms())
        store_keys.put_epoch_key(conn, room, text, current.epoch, current.key, current.created)
        kv.set_setting(conn, _my_epoch_setting(room, text), str(current.epoch))
        targets = list(readers.values())
        delivered = set()
    else:
        targets = [readers[d] for d in sorted(new_readers)]
        if targets:
            _deliver_history(session, state, label, targets, current.epoch)
    if targets:
        _queue_deliveries(session, current, targets)
        delivered |= {c.device_id for c in targets}
        kv.set_setting(conn, _delivered_setting(room, text, current.epoch),
                       json.dumps(sorted(delivered)))
    return current


def _readers(session: Session, state: RoomState, label: Label) -> dict[str, Certificate]:
    """``select_recipients`` now, reused while the log, certificates and revocation list are
    unchanged and no member's certificate starts or ends its validity: computing it costs
    ~0.8 ms per message in a room of a hundred, on the path of every send."""
    crl = current_crl(session)
    now = session.now()
    key = (state.room_id, state.head, label.canonical(), session.certs_version, crl.signature)
    hit = session.readers_cache.get(key)
    if hit is not None and hit[1] <= now < hit[2]:
        readers: dict[str, Certificate] = hit[0]
        return readers
    readers = select_recipients(session.policy, state, session.certs.values(), label, now, crl)
    until = min((t for c in session.certs.values() if c.user_id in state.members
                 for t in (c.not_before, c.not_after) if t > now), default=now + 3600)
    if len(session.readers_cache) > 256:
        session.readers_cache.clear()
    session.readers_cache[key] = (readers, now, until)
    return readers


def _queue_deliveries(session: Session, ek: EpochKey, targets: list[Certificate]) -> None:
    deliveries = seal_epoch_key(ek, session.keys, targets)
    for i in range(0, len(deliveries), 1000):
        chunk = deliveries[i : i + 1000]
        key = f"keys:{ek.room}|{ek.label}|{ek.epoch}|{chunk[0].to}|{len(chunk)}"
        _enqueue(session, Outgoing(key, "keys", "/v1/keys",
                                   {"deliveries": [d.to_wire() for d in chunk]}))


def _deliver_history(session: Session, state: RoomState, label: Label,
                     targets: list[Certificate], current_epoch: int) -> None:
    """In a room sharing history, newcomers also get this device's past keys for the label."""
    text = label.canonical()
    for row in store_keys.list_epoch_keys(session.conn, state.room_id, text):
        if row.epoch == current_epoch:
            continue
        ek = EpochKey(state.room_id, text, row.epoch, row.key, row.created_ms,
                      session.device_id)
        allowed = [c for c in targets if can_read(session.policy, c.clearance, label)]
        if allowed:
            _queue_deliveries(session, ek, allowed)


def share_history(session: Session, room: str, user: str) -> int:
    """On inviting ``user`` to a room that shares history, hand its devices every epoch key
    this device holds for labels they are cleared for, so past messages open without
    waiting for someone to write at each label again. Returns the deliveries queued."""
    with transaction(session.conn):
        state = room_state(session, room)
        if state is None or state.history != "shared" or user not in state.members:
            return 0
        targets = [c for c in select_all_valid(session, user)]
        if not targets:
            return 0
        queued = 0
        for row in store_keys.list_epoch_keys(session.conn, room):
            try:
                label = session.policy.parse_label(row.label)
            except LabelError:
                continue
            allowed = [c for c in targets if can_read(session.policy, c.clearance, label)]
            if not allowed or not may_write(session.policy, state, session.cert, label,
                                            session.now(), current_crl(session)):
                continue
            ek = EpochKey(room, row.label, row.epoch, row.key, row.created_ms,
                          session.device_id)
            _queue_deliveries(session, ek, allowed)
            queued += len(allowed)
        return queued


def select_all_valid(session: Session, user: str) -> list[Certificate]:
    """The user's devices whose certificates are valid now and not revoked."""
    crl = current_crl(session)
    out = []
    for c in session.certs.values():
        if c.user_id != user:
            continue
        try:
            check_validity(c, session.now(), crl)
        except CryptoError:
            continue
        out.append(c)
    return out


# -- sending --------------------------------------------------------------------------------
def seq_scope(h: Header) -> str:
    """Where a sender's sequence numbers count, as receivers record them.

    Group messages count per (room, label): a reader receives every message of the labels
    it may read, so a gap means a lost message, never one above its clearance (which would
    also reveal that such messages exist). Direct messages count per room and are not
    checked for gaps (each recipient gets only those addressed to it); replays still are."""
    return f"{h.room}|{h.label}" if h.mode == "group" else h.room


def next_own_seq(session: Session, room: str, label: str, mode: str = "group") -> int:
    return seqs.next_seq(session.conn, f"own:{room}|{label}" if mode == "group"
                         else f"own:{room}")


def _finish(session: Session, env: Envelope, c: content.Content) -> str:
    h = env.header_unverified()
    _enqueue(session, Outgoing("env:" + h.id_hex, "envelope", "/v1/envelopes",
                               {"envelope": env.to_wire()}))
    seqs.record_seq(session.conn, seq_scope(h), h.sender, h.seq)
    # Part of the caller's transaction, not a savepoint of its own: under memory security a
    # savepoint copies every page it touches into locked memory (~0.4 ms here, measured),
    # and any error undoes the whole of what is being sent anyway.
    store_items.insert_items(session.conn, [content.to_item(
        h, c, session.user_id, session.cert.display_name, session.now_ms())], savepoint=False)
    return h.id_hex


def send_group(session: Session, room: str, label_text: str, c: content.Content) -> str:
    """Encrypt for everyone in ``room`` cleared for the label; returns the envelope id."""
    label = _label(session, label_text)
    if label.tlp is TLP.RED:
        raise SendError("TLP:RED goes to named people only: choose the recipients")
    with transaction(session.conn):
        state = _state(session, room)
        _check_can_send(session, state, label)
        try:
            ek = ensure_epoch(session, state, label)
        except CryptoError as exc:
            raise SendError(str(exc)) from None
        header = new_header(room=room, sender=session.device_id,
                            seq=next_own_seq(session, room, label.canonical()),
                            label=label.canonical(), epoch=ek.epoch, created=session.now_ms(),
                            ctype=c.ctype)
        env = seal_group(header, c.encode(), ek.key, session.keys)
        store_keys.increment_messages_sent(session.conn, room, label.canonical(), ek.epoch)
        return _finish(session, env, c)


def direct_recipients(session: Session, state: RoomState, label: Label,
                      users: list[str] | None) -> list[Certificate]:
    crl = current_crl(session)
    if state.room_id == CHANNEL_INTAKE and users is None:
        users = sorted({c.user_id for c in session.certs.values() if "intake" in c.roles})
    if not users:
        raise SendError("name at least one recipient")
    found = select_recipients(session.policy, state, session.certs.values(), label,
                              session.now(), crl, named=users)
    # Only the people named (for a label other than TLP:RED, select_recipients would also
    # admit every other member cleared for it), plus intake devices for an incident report.
    intake = state.room_id == CHANNEL_INTAKE
    found = {d: c for d, c in found.items()
             if c.user_id in users or (intake and "intake" in c.roles)}
    missing = set(users) - {c.user_id for c in found.values()}
    if missing:
        raise SendError("not cleared for this label or not reachable: "
                        + ", ".join(sorted(missing)))
    return list(found.values())


def send_direct(session: Session, room: str, label_text: str, c: content.Content,
                users: list[str] | None = None) -> str:
    """Direct mode: a fresh key wrapped for each device of the named users (or, for incident
    reports, every intake device)."""
    label = _label(session, label_text)
    with transaction(session.conn):
        state = _state(session, room)
        _check_can_send(session, state, label)
        named = list(users) if users is not None else None
        targets = direct_recipients(session, state, label, named)
        header = new_header(room=room, sender=session.device_id,
                            seq=next_own_seq(session, room, label.canonical(), "direct"),
                            label=label.canonical(), epoch=0, created=session.now_ms(),
                            ctype=c.ctype, mode="direct")
        env = seal_direct(header, c.encode(), session.keys,
                          [(t.device_id, t.keys.enc_pk) for t in targets])
        return _finish(session, env, c)


def queue_ack(session: Session, room: str, envelope_id: str) -> None:
    with transaction(session.conn):
        _enqueue(session, Outgoing(f"ack:{envelope_id}", "ack", "/v1/acks",
                                   {"room": room, "envelope_id": envelope_id}))


# -- membership (sent at once, not queued: each event must extend the current chain) --------
def new_room_id() -> str:
    return "room:" + secrets.token_hex(12)


def room_event(session: Session, room: str, type: str, **kw: Any) -> SignedEvent:
    state = room_state(session, room) if type != "create" else None
    if type != "create" and state is None:
        raise SendError(f"room {room} is unknown on this device; sync first")
    index = 0 if state is None else state.length
    prev = "0" * 64 if state is None else state.head
    if type == "create":
        try:
            ceiling = session.policy.parse_label(kw["ceiling"])
        except LabelError as exc:
            raise SendError(str(exc)) from None
        if not can_read(session.policy, session.cert.clearance, ceiling, [session.user_id]):
            raise SendError("a room's ceiling cannot be above your own clearance")
        kw["ceiling"] = ceiling.canonical()
    elif state is not None and type in ("invite", "remove", "role") and not state.is_admin(
            session.user_id):
        raise SendError("only a room admin can do that")
    return make_event(session.keys, session.cert, room_id=room, index=index, prev=prev,
                      type=type, created=session.now_ms(), **kw)  # type: ignore[arg-type]
