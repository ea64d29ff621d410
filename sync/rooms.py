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
    try:
        return RevocationList.verify(raw.encode(), session.authority_pk)
    except CryptoError:
        return empty_crl()


def room_state(session: Session, room: str) -> RoomState | None:
    """Replay the stored log; None when the room is unknown or its log is invalid."""
    if is_channel(room):
        return channel_state(session, room)
    events = store_rooms.list_membership_events(session.conn, room)
    if not events:
        return None
    state: RoomState | None = None
    crl = current_crl(session)
    try:
        for ev in events:
            state = apply_event(state, SignedEvent.parse(ev.event), session.certs, crl, room)
    except (MembershipError, CryptoError):
        return None
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


def may_receive_channel(session: Session, room: str, to: tuple[str, ...]) -> bool:
    """Intake reports reach intake devices, and follow-ups reach the devices named."""
    if room == CHANNEL_INTAKE:
        return "intake" in session.cert.roles or session.device_id in to
    return True


def verify_stored_certificate(session: Session, data: bytes) -> Certificate | None:
    try:
        return SignedCertificate.parse(data).verify_signature(session.authority_pk)
    except CryptoError:
        return None
