"""Applying a sync response to the vault: the sans-I/O heart of receiving.

Every item is checked before anything is stored: certificates against the pinned authority,
membership events against the chain and the signers' rights, key deliveries against the
sender's membership and clearance, envelopes against routing (room and label as routed must
equal the signed header), the sender's right to write, and the signature and AEAD. What fails
is recorded as a security event and, for envelopes, kept visible as a rejected item. The batch
and the new cursor commit in one transaction, so the cursor is never ahead of the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from crypto.certs import RevocationList, SignedCertificate
from crypto.envelope import Envelope, Header, open_direct, open_group
from crypto.errors import AuthenticationFailed, CryptoError, EncodingError, MembershipError
from crypto.groupkeys import KeyDelivery, open_key_delivery
from crypto.membership import RoomState, SignedEvent, apply_event
from crypto.recipients import may_write
from intel.errors import LabelError
from intel.markings import Label
from store import audit as store_audit
from store import items as store_items
from store import keys as store_keys
from store import kv, seqs
from store import rooms as store_rooms
from store.errors import IntegrityError, InvalidData
from store.models import NewItem
from store.vault import transaction
from sync import content
from sync.account import Session
from sync.rooms import (
    CRL_SETTING,
    current_crl,
    is_channel,
    may_post,
    may_receive_channel,
    room_state,
)
from sync.wire import SyncItem, SyncResponse

CURSOR = "sync"
PENDING_PREFIX = "pending:"


@dataclass
class IngestResult:
    stored: list[str] = field(default_factory=list)  # item ids, in order
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)
    security_events: int = 0
    rooms_changed: set[str] = field(default_factory=set)
    rooms_to_refetch: set[str] = field(default_factory=set)
    keys_received: int = 0
    certificates: int = 0
    revoked_self: bool = False
    pending: int = 0


class _Batch:
    """Caches for one batch: room states are replayed once, not per envelope."""

    def __init__(self, session: Session, result: IngestResult) -> None:
        self.s = session
        self.r = result
        self.states: dict[str, RoomState | None] = {}
        self.crl = current_crl(session)

    def state(self, room: str) -> RoomState | None:
        if room not in self.states:
            self.states[room] = room_state(self.s, room)
        return self.states[room]

    def security(self, kind: str, detail: str, room: str | None = None,
                 device: str | None = None) -> None:
        store_audit.record_security_event(self.s.conn, kind, detail, self.s.now_ms(),
                                          room_id=room, device_id=device)
        self.r.security_events += 1


def apply_sync(session: Session, resp: SyncResponse) -> IngestResult:
    """Apply one response and advance the cursor, atomically."""
    result = IngestResult()
    with transaction(session.conn):
        batch = _Batch(session, result)
        for item in resp.items:
            _apply_item(batch, item)
        kv.set_cursor(session.conn, CURSOR, resp.cursor)
    return result


def cursor(session: Session) -> str:
    return kv.get_cursor(session.conn, CURSOR) or "0"


def _apply_item(b: _Batch, item: SyncItem) -> None:
    if item.kind == "certificate" and item.certificate is not None:
        _certificate(b, item.certificate)
    elif item.kind == "crl" and item.revocation_list is not None:
        _crl(b, item.revocation_list)
    elif item.kind == "event" and item.event is not None and item.room is not None:
        apply_event_doc(b, item.room, item.event)
    elif item.kind == "key" and item.key is not None:
        _key(b, KeyDelivery.from_wire(item.key.model_dump()))
    elif item.kind == "envelope" and item.envelope is not None and item.room is not None:
        _envelope(b, item.room, item.label or "", item.envelope.model_dump(exclude_none=True))
    elif item.kind == "ack" and item.ack is not None:
        _ack(b, item.ack.room, item.ack.envelope_id, item.ack_from or "", item.pos)
    elif item.kind == "revoked":
        b.r.revoked_self = True


# -- directory ------------------------------------------------------------------------------
def _certificate(b: _Batch, doc: dict[str, object]) -> None:
    try:
        sc = SignedCertificate.parse(doc)
        cert = sc.verify_signature(b.s.authority_pk)
    except CryptoError:
        b.security("forged-certificate", "a certificate not signed by the pinned authority "
                   "was refused")
        return
    try:
        store_keys.put_certificate(b.s.conn, cert.device_id, cert.user_id, cert.org,
                                   cert.display_name, cert.keys.fingerprint, sc.to_bytes(),
                                   b.s.now_ms())
    except IntegrityError as exc:
        b.security("device-identity-conflict", str(exc), device=cert.device_id)
        return
    b.s.certs[cert.device_id] = cert
    b.states.clear()
    b.r.certificates += 1


def _crl(b: _Batch, doc: dict[str, object]) -> None:
    try:
        crl = RevocationList.verify(doc, b.s.authority_pk, previous_serial=b.crl.serial)
    except CryptoError as exc:
        b.security("bad-revocation-list", f"revocation list refused: {exc}")
        return
    kv.set_setting(b.s.conn, CRL_SETTING, crl.to_bytes().decode())
    b.crl = crl
    b.states.clear()
    if crl.is_revoked(b.s.cert):
        b.r.revoked_self = True


# -- membership -----------------------------------------------------------------------------
def apply_event_doc(b: _Batch, room: str, doc: dict[str, object]) -> bool:
    try:
        ev = SignedEvent.parse(doc)
    except CryptoError:
        b.security("forged-membership", "malformed membership event refused", room)
        return False
    state = b.state(room)
    have = 0 if state is None else state.length
    if ev.index < have:
        held = store_rooms.list_membership_events(b.s.conn, room, ev.index)
        if held and held[0].event_hash.hex() == ev.hash:
            return False  # a duplicate of what we hold
        b.security("forked-membership", "a different event for a held position was refused",
                   room)
        return False
    if ev.index > have:
        b.r.rooms_to_refetch.add(room)  # we missed some: fetch the log from `have`
        return False
    try:
        new = apply_event(state, ev, b.s.certs, b.crl, room)
    except MembershipError as exc:
        if str(ev.body.get("device")) not in b.s.certs:
            # The signer's certificate may simply not have reached us yet.
            b.r.rooms_to_refetch.add(room)
        b.security("forged-membership", f"membership event refused: {exc}", room)
        return False
    if state is None:
        store_rooms.put_room(b.s.conn, room, new.name, new.ceiling.canonical(), new.history,
                             int(ev.body.get("created", 0) or 0))
    store_rooms.append_membership_event(b.s.conn, room, ev.index, ev.to_bytes(),
                                        bytes.fromhex(ev.hash))
    b.states[room] = new
    b.r.rooms_changed.add(room)
    return True


# -- keys -----------------------------------------------------------------------------------
def _key(b: _Batch, kd: KeyDelivery) -> None:
    try:
        h = kd.header_unverified()
        room, label, sender = str(h["room"]), str(h["label"]), str(h["sender"])
    except (EncodingError, KeyError):
        b.security("bad-key-delivery", "malformed key delivery refused")
        return
    cert = b.s.certs.get(sender)
    state = b.state(room)
    try:
        if cert is None or state is None:
            raise AuthenticationFailed()
        ek = open_key_delivery(kd, b.s.keys, cert.keys.sign_pk)
        if not may_write(b.s.policy, state, cert, Label.parse(label), b.s.now(), b.crl):
            raise AuthenticationFailed()
        if is_channel(room) and not may_post(cert, room):
            raise AuthenticationFailed()
    except (CryptoError, LabelError):
        b.security("bad-key-delivery", "a key delivery failed verification or came from a "
                   "sender not entitled to the label", room, sender)
        return
    try:
        store_keys.put_epoch_key(b.s.conn, ek.room, ek.label, ek.epoch, ek.key, ek.created)
    except IntegrityError as exc:
        b.security("swapped-key", str(exc), room, sender)
        return
    b.r.keys_received += 1
    _retry_pending(b, ek.room, ek.label, ek.epoch)


# -- envelopes ------------------------------------------------------------------------------
def _envelope(b: _Batch, room: str, routed_label: str, wire: dict[str, object]) -> None:
    now_ms = b.s.now_ms()
    try:
        env = Envelope.from_wire(wire)
        h = env.header_unverified()
    except CryptoError:
        b.security("malformed-envelope", "an undecodable envelope was refused", room)
        return
    envelope_id = h.id_hex
    reason = _check_routing(b, h, room, routed_label)
    if reason is None and h.mode == "group" and store_keys.get_epoch_key(
            b.s.conn, h.room, h.label, h.epoch) is None:
        kv.set_setting(b.s.conn, PENDING_PREFIX + envelope_id, json.dumps(wire))
        b.r.pending += 1
        return
    if reason is None:
        reason = _open_and_store(b, env, h)
    if reason is not None:
        _reject(b, h, envelope_id, room, routed_label, reason, now_ms)


def _check_routing(b: _Batch, h: Header, room: str, routed_label: str) -> str | None:
    if h.room != room:
        return "envelope was moved from another room"
    if routed_label and h.label != routed_label:
        return "envelope was relabelled in transit"
    cert = b.s.certs.get(h.sender)
    if cert is None:
        return "sender's certificate is unknown"
    state = b.state(h.room)
    if state is None:
        return "room is unknown or its membership log is invalid"
    try:
        label = Label.parse(h.label)
    except LabelError:
        return "envelope carries an invalid label"
    if not may_write(b.s.policy, state, cert, label, h.created // 1000, b.crl):
        return "sender was not a member cleared for this label"
    if is_channel(h.room) and not may_post(cert, h.room):
        return "sender may not post to this channel"
    if is_channel(h.room) and not may_receive_channel(b.s, h.room, h.to):
        return "this device may not receive this channel's content"
    return None


def _open_and_store(b: _Batch, env: Envelope, h: Header) -> str | None:
    cert = b.s.certs[h.sender]
    try:
        if h.mode == "group":
            ek = store_keys.get_epoch_key(b.s.conn, h.room, h.label, h.epoch)
            if ek is None:
                return "no key for this envelope"
            h2, plain = open_group(env, ek.key, cert.keys.sign_pk, room=h.room, label=h.label)
        else:
            h2, plain = open_direct(env, b.s.keys, cert.keys.sign_pk, room=h.room)
        c = content.decode(plain, h2.ctype)
    except CryptoError:
        return "signature or decryption check failed (tampered or forged)"
    except content.ContentError as exc:
        return str(exc)
    fresh = seqs.record_seq(b.s.conn, h2.room, h2.sender, h2.seq)
    res = store_items.insert_item(b.s.conn, content.to_item(h2, c, cert.user_id,
                                                            cert.display_name, b.s.now_ms()))
    if res.duplicate:
        b.r.duplicates += 1
        return None
    if not fresh:
        b.security("replayed-sequence", f"sequence {h2.seq} was reused by a new envelope",
                   h2.room, h2.sender)
    b.r.stored.append(res.item_id)
    b.r.rooms_changed.add(h2.room)
    return None


def _reject(b: _Batch, h: Header | None, envelope_id: str, room: str, routed_label: str,
            reason: str, now_ms: int) -> None:
    b.security("rejected-envelope", reason, room, h.sender if h else None)
    label = routed_label
    try:
        Label.parse(label)
    except LabelError:
        label = b.s.policy.lowest.key + "//TLP:CLEAR"
    try:
        res = store_items.insert_item(b.s.conn, content.rejected_item(
            h, envelope_id, room, label, reason, now_ms))
    except InvalidData:
        return
    if not res.duplicate:
        b.r.rejected.append(envelope_id)
        b.r.rooms_changed.add(room)


def _retry_pending(b: _Batch, room: str, label: str, epoch: int) -> None:
    for name, raw in kv.list_settings(b.s.conn).items():
        if not name.startswith(PENDING_PREFIX):
            continue
        wire = json.loads(raw)
        try:
            h = Envelope.from_wire(wire).header_unverified()
        except CryptoError:
            kv.delete_setting(b.s.conn, name)
            continue
        if (h.room, h.label, h.epoch) == (room, label, epoch):
            kv.delete_setting(b.s.conn, name)
            _envelope(b, h.room, h.label, wire)


def _ack(b: _Batch, room: str, envelope_id: str, from_user: str, pos: str) -> None:
    store_items.insert_item(b.s.conn, store_items_ack(room, envelope_id, from_user, pos,
                                                      b.s.now_ms()))


def store_items_ack(room: str, envelope_id: str, from_user: str, pos: str,
                    now_ms: int) -> NewItem:
    return NewItem(
        item_id=f"ack:{envelope_id}:{from_user}", room_id=room, kind="ack", sender_device="",
        sender_user=from_user, label="", content_type="renkei/ack", created_ms=now_ms,
        received_ms=now_ms, reply_to=envelope_id)


def ingest_events(session: Session, room: str, events: list[dict[str, object]]) -> IngestResult:
    """Apply a room's log fetched directly (after a gap), in one transaction."""
    result = IngestResult()
    with transaction(session.conn):
        b = _Batch(session, result)
        for ev in events:
            apply_event_doc(b, room, ev)
    return result
