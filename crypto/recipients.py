"""Who may read a label in a room: the exact set of devices, computed by the client.

A device is a recipient when its certificate is authentic (verified by the caller against the
pinned authority), valid now, not revoked, its user is a member by the room's log, and its
clearance admits the label under the markings policy. Nothing here consults the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crypto.certs import Certificate, RevocationList, check_validity
from crypto.errors import CertificateRejected, RecipientError
from crypto.membership import RoomState
from intel.markings import Label, Policy, can_read


def check_label_for_room(policy: Policy, state: RoomState, label: Label) -> None:
    """A room's ceiling caps level and compartments. TLP and releasability only narrow who
    may read, so any of them fits under any ceiling."""
    policy.validate(label)
    ceiling = state.ceiling
    if (policy.rank(label.level) > policy.rank(ceiling.level)
            or not label.compartments <= ceiling.compartments):
        raise RecipientError(
            f"label {label.canonical()} is above this room's ceiling {ceiling.canonical()}")


def select_recipients(policy: Policy, state: RoomState, certs: Iterable[Certificate],
                      label: Label, now: int, crl: RevocationList | None = None,
                      named: Iterable[str] | None = None) -> dict[str, Certificate]:
    """Device id → certificate for every device allowed to read ``label`` in this room."""
    check_label_for_room(policy, state, label)
    named_set = set(named) if named is not None else None
    out: dict[str, Certificate] = {}
    for cert in certs:
        if cert.user_id not in state.members:
            continue
        try:
            check_validity(cert, now, crl)
        except CertificateRejected:
            continue
        if can_read(policy, cert.clearance, label, named_set):
            out[cert.device_id] = cert
    return out


def may_write(policy: Policy, state: RoomState, cert: Certificate, label: Label, now: int,
              crl: RevocationList | None = None) -> bool:
    """A sender must be a member, valid, and cleared for the label it writes at."""
    if cert.user_id not in state.members:
        return False
    try:
        check_validity(cert, now, crl)
        check_label_for_room(policy, state, label)
    except (CertificateRejected, RecipientError, ValueError):
        return False
    return can_read(policy, cert.clearance, label, [cert.user_id])


def devices_by_user(certs: Iterable[Certificate]) -> Mapping[str, list[Certificate]]:
    out: dict[str, list[Certificate]] = {}
    for c in certs:
        out.setdefault(c.user_id, []).append(c)
    return out
