"""When a (room, label) key must change, and which old keys a new member may receive.

The rule is one comparison: rotate a label when some device that could read it before cannot
read it now. That single rule covers removal, leaving, revocation and a dropped clearance,
and rotates only the labels the person actually lost. Periodic rotation bounds how much one
key protects (message count and age).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crypto.certs import Certificate, RevocationList
from crypto.errors import RecipientError
from crypto.groupkeys import EpochKey
from crypto.membership import RoomState
from crypto.recipients import select_recipients
from intel.markings import Label, Policy, can_read


@dataclass(frozen=True)
class RotationPolicy:
    max_messages: int = 1000
    max_age_ms: int = 7 * 86400 * 1000


def needs_periodic_rotation(ek: EpochKey, messages_sent: int, now_ms: int,
                            rp: RotationPolicy = RotationPolicy()) -> bool:
    return messages_sent >= rp.max_messages or now_ms - ek.created >= rp.max_age_ms


def labels_to_rotate(policy: Policy, labels_in_use: Iterable[str],
                     before: tuple[RoomState, Iterable[Certificate], RevocationList | None],
                     after: tuple[RoomState, Iterable[Certificate], RevocationList | None],
                     now: int) -> set[str]:
    """Labels whose reader set lost at least one device between ``before`` and ``after``."""
    state0, certs0, crl0 = before
    state1, certs1, crl1 = after
    c0, c1 = list(certs0), list(certs1)
    out = set()
    for text in labels_in_use:
        label = Label.parse(text)
        try:
            old = set(select_recipients(policy, state0, c0, label, now, crl0))
        except RecipientError:
            continue
        try:
            new = set(select_recipients(policy, state1, c1, label, now, crl1))
        except RecipientError:
            new = set()
        if old - new:
            out.add(text)
    return out


def history_keys_for(policy: Policy, state: RoomState, cert: Certificate,
                     keys: Iterable[EpochKey]) -> list[EpochKey]:
    """Past epoch keys a newly joined device may receive: none unless the room shares
    history, and then only for labels its clearance admits."""
    if state.history != "shared" or cert.user_id not in state.members:
        return []
    return [k for k in keys
            if k.room == state.room_id and can_read(policy, cert.clearance, Label.parse(k.label))]
