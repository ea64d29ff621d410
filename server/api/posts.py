"""Posting content: envelopes, epoch-key deliveries and acks.

The server never reads content. It reads routing fields from the envelope header
(``Envelope.header_unverified``), then, as defence in depth, verifies the envelope
signature with the sender's certificate and refuses what the sender may not post: not a
member, above the room's ceiling, above the sender's own clearance, or a channel its roles
do not open.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request

from crypto import primitives as p
from crypto.certs import Certificate
from crypto.envelope import Envelope, Header
from crypto.errors import CryptoError, RecipientError
from crypto.groupkeys import KeyDelivery
from crypto.recipients import check_label_for_room
from intel.errors import IntelError
from intel.markings import TLP, Label, can_read
from server.api.common import ERRORS, Who, core_of, dumps
from server.core import Caller, Core, now_ms
from server.delivery import INTAKE_ROLE, visible
from server.errors import bad_request, conflict, forbidden, not_found
from server.storage import feed as q
from server.storage.db import Conn
from server.storage.feed import FeedRow
from sync.wire import (
    CHANNEL_INTAKE,
    CHANNELS,
    PUBLISHER_CHANNELS,
    Accepted,
    PostAck,
    Posted,
    PostEnvelope,
    PostKeys,
)

router = APIRouter()
PUBLISHER_ROLE = "publisher"


def _label(core: Core, text: object) -> Label:
    label = core.state.label(text) if isinstance(text, str) else None
    if label is None:
        raise bad_request("bad_label", "the label is not valid under this server's markings "
                          "policy")
    return label


def check_may_post(core: Core, who: Caller, room: str, label: Label, direct: bool) -> None:
    """Refuse a post the sender's certificate, membership or the room do not allow."""
    if not can_read(core.policy, who.cert.clearance, label, [who.user_id]):
        raise forbidden("above_clearance", "you cannot post above your own clearance")
    if room in CHANNELS:
        if room in PUBLISHER_CHANNELS and PUBLISHER_ROLE not in who.cert.roles:
            raise forbidden("not_publisher", "only publishers can post to this channel")
        if room == CHANNEL_INTAKE and not direct:
            raise bad_request("direct_required", "incident reports must be sent in direct "
                              "mode to the intake devices")
        return
    if room.startswith("channel:"):
        raise not_found("no_such_channel", "no such channel")
    state = core.state.rooms.get(room)
    if state is None:
        raise not_found("no_such_room", "no such room")
    if who.user_id not in state.members:
        raise forbidden("not_member", "you are not a member of this room")
    try:
        check_label_for_room(core.policy, state, label)
    except (RecipientError, IntelError):
        raise forbidden("above_ceiling", "this label is above the room's ceiling") from None


@dataclass(frozen=True, slots=True)
class ParsedEnvelope:
    """A posted envelope decoded for routing; its signature is checked separately."""

    wire: dict[str, Any]
    env: Envelope
    header: Header
    json: str  # the envelope as stored and relayed (compact JSON)

    def signature_holds(self, cert: Certificate) -> bool:
        """Pure: may run on the signature thread (``Core.authenticate_with``)."""
        try:
            self.env.check_signature(cert.keys.sign_pk)
        except CryptoError:
            return False
        return True


def parse_envelope(body: PostEnvelope) -> ParsedEnvelope:
    wire = body.envelope.model_dump(exclude_none=True)
    try:
        env = Envelope.from_wire(wire)
        h = env.header_unverified()
    except CryptoError as exc:
        raise bad_request("bad_envelope", f"not a Renkei envelope: {exc}") from None
    return ParsedEnvelope(wire, env, h, body.envelope.model_dump_json(exclude_none=True))


async def accept_envelope(core: Core, who: Caller, body: PostEnvelope) -> Posted:
    """The whole of POST /v1/envelopes after authentication (the reference path)."""
    parsed = parse_envelope(body)
    return await accept_parsed(core, who, parsed, parsed.signature_holds(who.cert))


async def accept_parsed(core: Core, who: Caller, parsed: ParsedEnvelope,
                        signature_holds: bool) -> Posted:
    """Everything after decoding and the signature check (the fast path's shared tail)."""
    env, h, wire = parsed.env, parsed.header, parsed.wire
    if h.sender != who.device_id:
        raise forbidden("sender_mismatch", "the envelope's sender is not this device")
    if not signature_holds:
        raise bad_request("bad_signature", "the envelope signature does not verify with this "
                          "device's certificate")
    label = _label(core, h.label)
    direct = h.mode == "direct"
    recipients: str | None = None
    if direct:
        if not h.to or sorted({w.device for w in env.wraps}) != sorted(h.to):
            raise bad_request("bad_envelope", "a direct envelope needs one key wrap for each "
                              "recipient in its header")
        recipients = " ".join(h.to)
    elif env.wraps:
        raise bad_request("bad_envelope", "a group envelope carries no key wraps")
    elif label.tlp is TLP.RED:
        raise bad_request("direct_required", "TLP:RED content must be sent in direct mode to "
                          "named recipients")
    await core.fresh(lambda: check_may_post(core, who, h.room, label, direct))
    dedup = "e:" + h.id_hex
    # Spliced, not re-serialised: the envelope's JSON comes from its validated model.
    payload = (f'{{"kind":"envelope","room":{dumps(h.room)},"label":{dumps(h.label)},'
               f'"envelope":{parsed.json}}}')
    row = await core.write(q.insert, "envelope", h.room, payload, now_ms(), label=h.label,
                           sender=who.device_id, recipients=recipients, dedup=dedup,
                           scopes={h.room})
    if row is None:
        old = await core.db.run(q.by_dedup, dedup)
        if old is None or old.sender != who.device_id or \
                json.loads(old.payload).get("envelope") != wire:
            raise conflict("envelope_conflict", "another envelope with this id exists")
        return Posted(id=h.id_hex, cursor=str(old.pos), duplicate=True)
    await core.committed([row])
    return Posted(id=h.id_hex, cursor=str(row.pos), duplicate=False)


@router.post("/v1/envelopes", response_model=Posted, responses=ERRORS,
             summary="Post one envelope (idempotent on the envelope id)")
async def post_envelope(body: PostEnvelope, request: Request, who: Who) -> Posted:
    # Normally answered by the fast path in server.fastpath; kept for the schema and as
    # the reference implementation of the same function.
    return await accept_envelope(core_of(request), who, body)


def _check_delivery(core: Core, who: Caller, hdr: dict[str, Any], to: str) -> Label:
    room, label = hdr.get("room"), _label(core, hdr.get("label"))
    if hdr.get("sender") != who.device_id:
        raise forbidden("sender_mismatch", "the key batch's sender is not this device")
    if not isinstance(room, str):
        raise bad_request("bad_delivery", "the key batch names no room")
    check_may_post(core, who, room, label, room == CHANNEL_INTAKE)
    target = core.state.usable(to, int(now_ms() / 1000))
    if target is None:
        raise forbidden("unknown_recipient", "a recipient device is not registered, expired "
                        "or revoked")
    tc = target.cert
    if room in CHANNELS:
        if room == CHANNEL_INTAKE and INTAKE_ROLE not in tc.roles:
            raise forbidden("recipient_not_cleared", "a recipient device has no intake role")
    elif not core.state.is_member(room, tc.user_id):
        raise forbidden("not_member", "a recipient device's user is not a member of the room")
    if not can_read(core.policy, tc.clearance, label, [tc.user_id]):
        raise forbidden("recipient_not_cleared", "a recipient device is not cleared for "
                        "this label")
    return label


def _insert_many(conn: Conn, rows: list[tuple[Any, ...]]) -> list[FeedRow]:
    out = []
    for kind, scope, payload, created, kw in rows:
        r = q.insert(conn, kind, scope, payload, created, **kw)
        if r is not None:
            out.append(r)
    return out


@router.post("/v1/keys", response_model=Accepted, responses=ERRORS,
             summary="Deliver epoch keys, one delivery per recipient device")
async def post_keys(body: PostKeys, request: Request,
                    who: Who) -> Accepted:
    core = core_of(request)
    verified: dict[bytes, dict[str, Any]] = {}
    pending: list[tuple[Any, ...]] = []
    created = now_ms()
    for d in body.deliveries:
        wire = d.model_dump()
        try:
            kd = KeyDelivery.from_wire(wire)
            hdr = verified.get(kd.header)
            if hdr is None:
                p.verify(who.cert.keys.sign_pk, p.CTX_KEYBATCH, kd.header, kd.signature)
                hdr = verified[kd.header] = kd.header_unverified()
        except CryptoError:
            raise bad_request("bad_delivery", "a key delivery is malformed or its signature "
                              "does not verify with this device's certificate") from None
        await core.fresh(functools.partial(_check_delivery, core, who, hdr, kd.to))
        dedup = "k:" + p.hash32(kd.header + kd.to.encode() + kd.nonce).hex()
        payload = dumps({"kind": "key", "room": hdr["room"], "label": hdr["label"],
                         "key": wire})
        pending.append(("key", "d:" + kd.to, payload, created,
                        {"label": hdr["label"], "sender": who.device_id, "dedup": dedup}))
    rows = await core.write(_insert_many, pending, scopes={r[1] for r in pending})
    await core.committed(rows)
    return Accepted(accepted=len(rows))


@router.post("/v1/acks", response_model=Accepted, responses=ERRORS,
             summary="Acknowledge reading an envelope (its sender's devices are told)")
async def post_ack(body: PostAck, request: Request, who: Who) -> Accepted:
    core = core_of(request)
    env = await core.db.run(q.by_dedup, "e:" + body.envelope_id)
    if env is None or env.kind != "envelope" or env.scope != body.room or \
            not visible(core.state, who.cert, env):
        raise not_found("no_such_envelope", "no such envelope that you could have read")
    sender = core.state.devices.get(env.sender or "")
    if sender is None:
        raise not_found("no_such_envelope", "the envelope's sender is unknown")
    scope = "u:" + sender.cert.user_id
    ack = {"room": body.room, "envelope_id": body.envelope_id}
    payload = dumps({"kind": "ack", "room": body.room, "ack": ack, "ack_from": who.user_id})
    row = await core.write(q.insert, "ack", scope, payload, now_ms(), sender=who.device_id,
                           dedup=f"a:{body.envelope_id}:{who.device_id}", scopes={scope})
    if row is None:
        return Accepted(accepted=0)
    await core.committed([row])
    return Accepted(accepted=1)
