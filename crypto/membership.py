"""Room membership: a hash-chained log of signed events, replayed by every client.

Membership is computed here from the log and authority-verified certificates, never taken
from a list the server hands over. Each event names the hash of its predecessor, so the
server cannot drop, reorder or splice events without the chain breaking; each is signed by a
device whose certificate names the acting user, and only admins may invite, remove or change
roles. A forged invitation (the Matrix 2022 attack) therefore never yields a member.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from crypto import primitives as p
from crypto.certs import Certificate, RevocationList
from crypto.encoding import b64d, b64e, canonical, parse_json_object
from crypto.errors import AuthenticationFailed, EncodingError, MembershipError
from crypto.identity import DeviceKeys
from intel.markings import Label

EventType = Literal["create", "invite", "remove", "leave", "role"]
Role = Literal["admin", "member"]
History = Literal["shared", "none"]
EVENT_TYPES = ("create", "invite", "remove", "leave", "role")
GENESIS = "0" * 64


@dataclass(frozen=True)
class SignedEvent:
    body: dict[str, Any]
    signature: bytes

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.body, "signature": b64e(self.signature)}

    def to_bytes(self) -> bytes:
        return canonical(self.to_dict())

    @property
    def hash(self) -> str:
        return p.hash32(self.to_bytes()).hex()

    @classmethod
    def parse(cls, doc: bytes | str | Mapping[str, Any]) -> SignedEvent:
        d = dict(doc) if isinstance(doc, Mapping) else parse_json_object(doc, "membership event")
        if set(d) != {"event", "signature"} or not isinstance(d["event"], dict):
            raise EncodingError("membership event must hold 'event' and 'signature'")
        return cls(d["event"], b64d(str(d["signature"]), size=p.SIG_BYTES))

    @property
    def index(self) -> int:
        v = self.body.get("index")
        return v if isinstance(v, int) else -1


@dataclass(frozen=True)
class RoomState:
    room_id: str
    name: str
    ceiling: Label
    history: History
    creator: str
    members: Mapping[str, Role] = field(default_factory=dict)
    head: str = GENESIS
    length: int = 0
    last_created: int = 0  # events are time-ordered: a revoked signer cannot backdate

    def is_admin(self, user_id: str) -> bool:
        return self.members.get(user_id) == "admin"


def make_event(keys: DeviceKeys, cert: Certificate, *, room_id: str, index: int, prev: str,
               type: EventType, created: int, target: str | None = None,
               role: Role | None = None, name: str | None = None, ceiling: str | None = None,
               history: History | None = None) -> SignedEvent:
    body: dict[str, Any] = {"v": 1, "room": room_id, "index": index, "prev": prev, "type": type,
                            "actor": cert.user_id, "device": cert.device_id, "created": created}
    for k, v in (("target", target), ("role", role), ("name", name), ("ceiling", ceiling),
                 ("history", history)):
        if v is not None:
            body[k] = v
    return SignedEvent(body, p.sign(keys.sign_key, p.CTX_MEMBERSHIP, canonical(body)))


_REQUIRED: dict[str, set[str]] = {
    "create": {"name", "ceiling", "history"},
    "invite": {"target", "role"},
    "remove": {"target"},
    "leave": set(),
    "role": {"target", "role"},
}
_BASE = {"v", "room", "index", "prev", "type", "actor", "device", "created"}


def apply_event(state: RoomState | None, ev: SignedEvent,
                certs: Mapping[str, Certificate], crl: RevocationList | None = None,
                room_id: str | None = None) -> RoomState:
    """Validate one event against the current state and return the next state.

    ``certs`` maps device id to certificates already verified against the authority key
    (expired ones may be included: history stays valid after a certificate expires).
    """
    b = ev.body
    if b.get("v") != 1:
        raise MembershipError("unsupported membership event version")
    etype = b.get("type")
    if etype not in _REQUIRED or set(b) != _BASE | _REQUIRED[str(etype)]:
        raise MembershipError("malformed membership event")
    expected_room = state.room_id if state else room_id
    if expected_room is not None and b.get("room") != expected_room:
        raise MembershipError("event belongs to another room")
    index = 0 if state is None else state.length
    prev = GENESIS if state is None else state.head
    if b.get("index") != index or b.get("prev") != prev:
        raise MembershipError("membership log chain is broken (missing, reordered or forked)")
    cert = certs.get(str(b.get("device")))
    if cert is None or cert.user_id != b.get("actor"):
        raise MembershipError("event signed by an unknown device or for another user")
    created = b.get("created")
    in_validity = cert.not_before * 1000 <= (created if isinstance(created, int) else -1)
    if not isinstance(created, int) or not in_validity or created >= cert.not_after * 1000:
        raise MembershipError("event made outside the signer's certificate validity")
    if state is not None and created < state.last_created:
        raise MembershipError("membership event is dated before its predecessor")
    if crl is not None and crl.is_revoked(cert):
        revoked_at = min(r.revoked_at for r in crl.entries
                          if r.serial == cert.serial or r.device_id == cert.device_id)
        if created >= revoked_at * 1000:
            raise MembershipError("event signed by a revoked device")
    try:
        p.verify(cert.keys.sign_pk, p.CTX_MEMBERSHIP, canonical(b), ev.signature)
    except AuthenticationFailed:
        raise MembershipError("membership event signature is invalid") from None
    actor = cert.user_id
    if state is None:
        if etype != "create":
            raise MembershipError("a room log must start with a create event")
        try:
            ceiling = Label.parse(str(b["ceiling"]))
        except ValueError as exc:
            raise MembershipError(f"invalid room ceiling: {exc}") from None
        if b["history"] not in ("shared", "none") or not isinstance(b["name"], str):
            raise MembershipError("invalid room settings")
        return RoomState(str(b["room"]), b["name"][:200], ceiling, b["history"], actor,
                         {actor: "admin"}, ev.hash, 1, int(created))
    members = dict(state.members)
    target = b.get("target")
    if etype == "create":
        raise MembershipError("a room can be created only once")
    if etype == "leave":
        if actor not in members:
            raise MembershipError("only a member can leave")
        del members[actor]
    else:
        if not state.is_admin(actor):
            raise MembershipError(f"{actor} is not an admin of this room")
        if not isinstance(target, str):
            raise MembershipError("event needs a target user")
        if etype == "invite":
            if target in members:
                raise MembershipError(f"{target} is already a member")
            if b["role"] not in ("admin", "member"):
                raise MembershipError("invalid role")
            members[target] = b["role"]
        elif etype == "remove":
            if target not in members:
                raise MembershipError(f"{target} is not a member")
            del members[target]
        else:  # role
            if target not in members or b["role"] not in ("admin", "member"):
                raise MembershipError("invalid role change")
            members[target] = b["role"]
    return replace(state, members=members, head=ev.hash, length=state.length + 1,
                   last_created=int(created))


def compute_membership(events: list[SignedEvent], certs: Mapping[str, Certificate],
                       crl: RevocationList | None = None,
                       room_id: str | None = None) -> RoomState:
    """Replay a whole log. Raises :class:`MembershipError` at the first invalid event."""
    if not events:
        raise MembershipError("empty membership log")
    state: RoomState | None = None
    for ev in events:
        state = apply_event(state, ev, certs, crl, room_id)
    assert state is not None
    return state
