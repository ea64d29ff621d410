"""Room and channel state as the client computes it: from the log and certificates only."""

from __future__ import annotations

from crypto.certs import Certificate, RevocationList, SignedCertificate, empty_crl
from crypto.errors import CryptoError, MembershipError
from crypto.membership import RoomState, SignedEvent, apply_event
from intel.markings import TLP, Label
from store import kv
from store import rooms as store_rooms
from sync.account import Session
from sync.wire import CHANNEL_INTAKE, CHANNELS, PUBLISHER_CHANNELS

CRL_SETTING = "crl"


def is_channel(room: str) -> bool:
    return room in CHANNELS


def current_crl(session: Session) -> RevocationList:
    raw = kv.get_setting(session.conn, CRL_SETTING)
    if raw is None:
        return empty_crl()
    if session.crl_cache is not None and session.crl_cache[0] == raw:
        return session.crl_cache[1]  # type: ignore[no-any-return]
    try:
        crl = RevocationList.verify(raw.encode(), session.authority_pk)
    except CryptoError:
        return empty_crl()
    session.crl_cache = (raw, crl)
    return crl


def room_state_at(session: Session, room: str, at_ms: int) -> RoomState | None:
    """The room as its log stood at ``at_ms``: events are time-ordered (the crypto layer
    refuses one dated before its predecessor), so replay those dated up to then."""
    if is_channel(room):
        return channel_state(session, room)
    crl = current_crl(session)
    state: RoomState | None = None
    try:
        for ev in store_rooms.list_membership_events(session.conn, room):
            signed = SignedEvent.parse(ev.event)
            created = signed.body.get("created")
            if not isinstance(created, int) or created > at_ms:
                break
            state = apply_event(state, signed, session.certs, crl, room)
    except (MembershipError, CryptoError):
        return None
    return state


def room_state(session: Session, room: str) -> RoomState | None:
    """The room as its stored log says; None when the room is unknown or its log is invalid.

    Replaying a log verifies every event's signature, so the result is kept per session and
    reused while the certificates and revocation list are unchanged, applying only events
    appended since (the tail must still continue the cached head: a log rewritten under us,
    e.g. a rolled-back transaction, means a full replay)."""
    if is_channel(room):
        return channel_state(session, room)
    crl = current_crl(session)
    stamp = (session.certs_version, crl.signature)
    cached = session.room_cache.get(room)
    if cached is not None and cached[0] == stamp:
        state: RoomState | None = cached[1]
        assert state is not None
        tail = store_rooms.list_membership_events(session.conn, room, state.length - 1)
        if tail and tail[0].index == state.length - 1 and tail[0].event_hash.hex() == state.head:
            try:
                for ev in tail[1:]:
                    state = apply_event(state, SignedEvent.parse(ev.event), session.certs, crl,
                                        room)
            except (MembershipError, CryptoError):
                session.room_cache.pop(room, None)
                return None
            session.room_cache[room] = (stamp, state)
            return state
    events = store_rooms.list_membership_events(session.conn, room)
    if not events:
        session.room_cache.pop(room, None)
        return None
    state = None
    try:
        for ev in events:
            state = apply_event(state, SignedEvent.parse(ev.event), session.certs, crl, room)
    except (MembershipError, CryptoError):
        session.room_cache.pop(room, None)
        return None
    session.room_cache[room] = (stamp, state)
    return state


def channel_state(session: Session, channel: str) -> RoomState:
    """Channels have no log: every certified user is a reader, subject to labels."""
    policy = session.policy
    top = policy.levels[-1].key
    ceiling = Label(top, policy.compartment_keys(), TLP.RED)
    members = {c.user_id: "member" for c in session.certs.values()}
    return RoomState(channel, channel, ceiling, "shared", "", members, "", 0)  # type: ignore[arg-type]


def may_post(cert: Certificate, room: str) -> bool:
    if room in PUBLISHER_CHANNELS:
        return "publisher" in cert.roles
    return True


def may_receive_channel(session: Session, room: str, to: tuple[str, ...],
                        sender: Certificate) -> bool:
    """Intake reports reach intake devices; a device outside intake accepts only what intake
    staff addressed to it by name (follow-ups on its own report)."""
    if room == CHANNEL_INTAKE:
        if "intake" in session.cert.roles:
            return True
        return session.device_id in to and (
            "intake" in sender.roles or sender.device_id == session.device_id)
    return True


def verify_stored_certificate(session: Session, data: bytes) -> Certificate | None:
    try:
        return SignedCertificate.parse(data).verify_signature(session.authority_pk)
    except CryptoError:
        return None
