"""Receiving envelopes: routing checks, then signature and decryption, then storage.

An envelope is stored only when the room and label it was routed with equal its signed
header, its sender was a member cleared for the label when it was written, this device is
cleared to read it, and its signature and AEAD hold. Anything else is kept visible as a
rejected item (never its content) and recorded as a security event. An envelope whose epoch
key has not arrived yet is parked (after its signature is checked) until the key comes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crypto.certs import Certificate
from crypto.envelope import (
    Envelope,
    Header,
    check_group_header,
    open_direct,
    open_verified_group,
)
from crypto.errors import AuthenticationFailed, CryptoError
from crypto.recipients import may_write
from store import items as store_items
from store import kv
from store.errors import InvalidData
from store.models import NewItem
from sync import content
from sync.compose import seq_scope
from sync.ingest_batch import Batch
from sync.rooms import current_crl, is_channel, may_post, may_receive_channel, room_state_at
from sync.wire import EnvelopeWire

if TYPE_CHECKING:
    from sync.verify import Prepared

PENDING_PREFIX = "pending:"


def wire_dict(e: EnvelopeWire) -> dict[str, Any]:
    """``e.model_dump(exclude_none=True)``, read straight off the model already validated
    with its page (a model dump per envelope costs more than what it copies)."""
    d: dict[str, Any] = {"h": e.h, "n": e.n, "c": e.c, "s": e.s}
    if e.w is not None:
        d["w"] = [{"d": w.d, "n": w.n, "k": w.k} for w in e.w]
    return d


def envelope(b: Batch, room: str, routed_label: str, wire: Mapping[str, Any], *,
             ahead: Prepared | None = None) -> None:
    """Check and store (or park, or reject) one envelope. ``ahead``, when given, was made by
    ``sync.verify`` from this very envelope (the caller checks that by identity)."""
    now_ms = b.s.now_ms()
    env: Envelope | None
    if ahead is not None:
        env, h = ahead.env, ahead.header
    else:
        try:
            env = Envelope.from_wire(wire)
            h = env.header_unverified()
        except CryptoError:
            b.security("malformed-envelope", "an undecodable envelope was refused", room)
            return
    if (h.sender == b.s.device_id or b.resyncing) and store_items.get_item(
            b.s.conn, h.id_hex) is not None:
        b.r.duplicates += 1  # our own envelope coming back, or one seen before a resync
        return
    reason = _check_routing(b, h, room, routed_label)
    if reason is None and h.mode == "group" and b.epoch_key(h.room, h.label, h.epoch) is None:
        reason = _park(b, env, h, wire, _verified_with(b, h, ahead))
        if reason is None:
            return
    if reason is None:
        reason = _open_and_store(b, env, wire, h, room, routed_label, now_ms, ahead)
    if reason is not None:
        _reject(b, h, h.id_hex, room, routed_label, reason, now_ms)


def _could_write_then(b: Batch, cert: Certificate, h: Header) -> bool:
    """A sender who has left since may still have written while a member: judge its right
    by the log as it stood when the envelope was written (residual risk: a removed member
    holding old keys can backdate; see docs/threat-model.md)."""
    now = b.state(h.room)
    if now is None or cert.user_id in now.members:
        return False  # a current member refused now was refused then too
    then = room_state_at(b.s, h.room, h.created)
    label = b.label(h.label)
    return then is not None and label is not None and may_write(
        b.s.policy, then, cert, label, h.created // 1000, current_crl(b.s))


def _check_routing(b: Batch, h: Header, room: str, routed_label: str) -> str | None:
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
    if b.label(h.label) is None:
        return "envelope carries an invalid label"
    if not b.may_write(state, cert, h.label, h.created // 1000) and not _could_write_then(
            b, cert, h):
        return "sender was not a member cleared for this label"
    if not b.readable(h.label, h.mode == "direct" and b.s.device_id in h.to):
        return "this device is not cleared for the envelope's label (misrouted)"
    if is_channel(h.room) and not may_post(cert, h.room):
        return "sender may not post to this channel"
    if is_channel(h.room) and not may_receive_channel(b.s, h.room, h.to, cert):
        return "this device may not receive this channel's content"
    return None


def _verified_with(b: Batch, h: Header, ahead: Prepared | None) -> bool:
    """Whether ``ahead`` checked the signature with the key of the certificate this thread
    holds for the device the header names (routing has found that certificate)."""
    return ahead is not None and h.mode == "group" and \
        ahead.cert.keys.sign_pk == b.s.certs[h.sender].keys.sign_pk


def _decoded(env: Envelope | None, wire: Mapping[str, Any], h: Header) -> Envelope:
    """``env``, or (when the helper process prepared it and left it out) decoded now from
    its wire form, whose header must be ``h``, the one every check was made on. Any failure
    is a ``CryptoError`` like any failed check."""
    if env is not None:
        return env
    env = Envelope.from_wire(wire)
    if env.header_unverified() != h:
        raise AuthenticationFailed()
    return env


def _park(b: Batch, env: Envelope | None, h: Header, wire: Mapping[str, Any],
          verified: bool) -> str | None:
    """Keep an envelope whose key has not arrived yet, once its signature holds (a tampered
    one is refused now, not whenever a key turns up)."""
    try:
        if not verified:
            _decoded(env, wire, h).check_signature(b.s.certs[h.sender].keys.sign_pk)
    except CryptoError:
        return "signature check failed (tampered or forged)"
    kv.set_setting(b.s.conn, pending_name(h.room, h.label, h.epoch) + h.id_hex,
                   json.dumps(dict(wire)))
    b.r.pending += 1
    return None


def pending_name(room: str, label: str, epoch: int) -> str:
    return f"{PENDING_PREFIX}{room}|{label}|{epoch}|"


def _open_and_store(b: Batch, env: Envelope | None, wire: Mapping[str, Any], h: Header,
                    room: str, routed_label: str, now_ms: int,
                    ahead: Prepared | None) -> str | None:
    """Check the signature (unless ``ahead`` checked it with this sender's key) and open
    (unless ``ahead`` opened it with the key the vault holds), with the header decoded
    before the routing checks: the very bytes that are verified."""
    cert = b.s.certs[h.sender]
    try:
        if h.mode == "group":
            key = b.epoch_key(h.room, h.label, h.epoch)
            if key is None:
                return "no key for this envelope"
            if not _verified_with(b, h, ahead):
                env = _decoded(env, wire, h)
                env.check_signature(cert.keys.sign_pk)
                ahead = None
            if ahead is not None and ahead.key == key and ahead.plain is not None:
                check_group_header(h, room=room, label=routed_label or None)
                if ahead.item is not None and ahead.cert is cert:
                    b.store(ahead.item, sender=h.sender, seq=(seq_scope(h), h.sender, h.seq),
                            index_texts=ahead.index_texts)
                    return None
                if ahead.content is None:
                    return ahead.content_error or "malformed content"
                c = ahead.content
            else:
                plain = open_verified_group(_decoded(env, wire, h), h, key, room=room,
                                            label=routed_label or None)
                c = content.decode(plain, h.ctype)
        else:
            h, plain = open_direct(_decoded(env, wire, h), b.s.keys, cert.keys.sign_pk, room=room)
            c = content.decode(plain, h.ctype)
    except CryptoError:
        return "signature or decryption check failed (tampered or forged)"
    except content.ContentError as exc:
        return str(exc)
    b.store(content.to_item(h, c, cert.user_id, cert.display_name, now_ms),
            sender=h.sender, seq=(seq_scope(h), h.sender, h.seq))
    return None


def _reject(b: Batch, h: Header | None, envelope_id: str, room: str, routed_label: str,
            reason: str, now_ms: int) -> None:
    b.security("rejected-envelope", reason, room, h.sender if h else None)
    label = routed_label if b.label(routed_label) is not None else (
        b.s.policy.lowest.key + "//TLP:CLEAR")
    try:
        item = content.rejected_item(h, envelope_id, room, label, reason, now_ms)
    except InvalidData:
        return
    b.store(item, sender=h.sender if h else "", rejected=True)


def retry_pending(b: Batch, room: str, label: str, epoch: int) -> None:
    for name, raw in kv.list_settings(b.s.conn, pending_name(room, label, epoch)).items():
        kv.delete_setting(b.s.conn, name)
        envelope(b, room, label, json.loads(raw))


def ack(b: Batch, room: str, envelope_id: str, from_user: str) -> None:
    b.store(ack_item(room, envelope_id, from_user, b.s.now_ms()))


def ack_item(room: str, envelope_id: str, from_user: str, now_ms: int) -> NewItem:
    return NewItem(
        item_id=f"ack:{envelope_id}:{from_user}", room_id=room, kind="ack", sender_device="",
        sender_user=from_user, label="", content_type="renkei/ack", created_ms=now_ms,
        received_ms=now_ms, reply_to=envelope_id)
