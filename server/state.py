"""In-memory view of certificates, the revocation list and room membership logs.

Built by replaying the feed's certificate, revocation-list and event rows in position order,
so each event is checked with the certificates and revocation list as they were when it was
appended. Membership is kept as intervals of feed positions per (room, user): a device is
sent a room's rows only for positions while its user was a member (the invitation and the
removal included, so people learn that they joined or left).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from crypto.certs import (
    Certificate,
    RevocationList,
    SignedCertificate,
    empty_crl,
)
from crypto.errors import CryptoError
from crypto.membership import RoomState, SignedEvent, apply_event
from intel.errors import IntelError
from intel.markings import Label, Policy
from server.errors import ApiError, forbidden, unauthorized
from server.storage.feed import FeedRow

log = logging.getLogger("renkei.server.state")


@dataclass(slots=True)
class DeviceInfo:
    cert: Certificate
    doc: dict[str, Any]  # the signed certificate as registered
    pos: int


@dataclass(slots=True)
class Applied:
    """What applying rows changed: scopes to wake and devices newly cut off."""

    scopes: set[str]
    revoked: set[str]


class State:
    def __init__(self, authority_pk: bytes, policy: Policy) -> None:
        self.authority_pk = authority_pk
        self.policy = policy
        self.devices: dict[str, DeviceInfo] = {}
        self.certs: dict[str, Certificate] = {}
        self.user_devices: dict[str, set[str]] = {}
        self.crl: RevocationList = empty_crl()
        self.crl_doc: dict[str, Any] | None = None
        self.revoked_serials: frozenset[int] = frozenset()
        self.revoked_devices: frozenset[str] = frozenset()
        self.rooms: dict[str, RoomState] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.event_pos: dict[str, list[int]] = {}
        self.intervals: dict[tuple[str, str], list[list[int]]] = {}
        self.user_rooms: dict[str, set[str]] = {}
        self.applied_pos = 0
        self._labels: dict[str, Label | None] = {}

    # -- queries ------------------------------------------------------------------------
    def label(self, text: str | None) -> Label | None:
        """The parsed label if it is valid under the policy, else None (cached)."""
        if text is None:
            return None
        try:
            return self._labels[text]
        except KeyError:
            pass
        try:
            lb: Label | None = self.policy.validate(Label.parse(text))
        except (IntelError, ValueError):
            lb = None
        if len(self._labels) > 10_000:
            self._labels.clear()
        self._labels[text] = lb
        return lb

    def is_revoked(self, cert: Certificate) -> bool:
        return cert.serial in self.revoked_serials or cert.device_id in self.revoked_devices

    def device(self, device_id: str, now_s: int) -> DeviceInfo:
        """The registered, valid, unrevoked device, or the refusal a client should see."""
        info = self.devices.get(device_id)
        if info is None:
            raise unauthorized("unknown_device",
                               "this device is not registered; register its certificate first")
        cert = info.cert
        if self.is_revoked(cert):
            raise forbidden("revoked", "this device's certificate has been revoked")
        if now_s < cert.not_before:
            raise forbidden("certificate_not_yet_valid",
                            "this device's certificate is not valid yet")
        if now_s >= cert.not_after:
            raise forbidden("certificate_expired",
                            "this device's certificate has expired; ask the authority to renew")
        return info

    def usable(self, device_id: str, now_s: int) -> DeviceInfo | None:
        try:
            return self.device(device_id, now_s)
        except ApiError:
            return None

    def is_member(self, room: str, user: str) -> bool:
        st = self.rooms.get(room)
        return st is not None and user in st.members

    def member_at(self, room: str, user: str, pos: int) -> bool:
        for start, end in self.intervals.get((room, user), ()):
            if start <= pos and (end < 0 or pos <= end):
                return True
        return False

    def joined_at(self, room: str, user: str) -> int | None:
        """Position of the event that began the user's current membership; None when the
        user is not a member now."""
        spans = self.intervals.get((room, user))
        if not spans or spans[-1][1] >= 0 or not self.is_member(room, user):
            return None
        return spans[-1][0]

    def rooms_of(self, user: str) -> list[str]:
        """Rooms the user is in now."""
        return sorted(r for r in self.user_rooms.get(user, ()) if self.is_member(r, user))

    def rooms_ever(self, user: str) -> set[str]:
        return self.user_rooms.get(user, set())

    # -- applying rows ------------------------------------------------------------------
    def apply(self, row: FeedRow) -> Applied:
        """Apply one row (any kind) at its position; rows at or below ``applied_pos`` are
        skipped, so replaying the same rows twice is harmless."""
        out = Applied(set(), set())
        if row.pos <= self.applied_pos:
            return out
        self.applied_pos = row.pos
        try:
            if row.kind == "certificate":
                self._apply_cert(row, out)
            elif row.kind == "crl":
                self._apply_crl(row, out)
            elif row.kind == "event":
                self._apply_event(row, out)
            else:
                out.scopes.add(row.scope)
        except (CryptoError, IntelError, ValueError, KeyError, TypeError) as exc:
            # Rows were verified before they were written; this means a damaged database.
            log.error("skipping unreadable %s row at %d: %s", row.kind, row.pos,
                      type(exc).__name__)
        return out

    def _apply_cert(self, row: FeedRow, out: Applied) -> None:
        doc = json.loads(row.payload)["certificate"]
        cert = SignedCertificate.parse(doc).verify_signature(self.authority_pk)
        old = self.devices.get(cert.device_id)
        if old is not None and old.cert.serial > cert.serial:
            return
        self.devices[cert.device_id] = DeviceInfo(cert, doc, row.pos)
        self.certs[cert.device_id] = cert
        self.user_devices.setdefault(cert.user_id, set()).add(cert.device_id)
        out.scopes.add("*")

    def _apply_crl(self, row: FeedRow, out: Applied) -> None:
        doc = json.loads(row.payload)["revocation_list"]
        crl = RevocationList.verify(doc, self.authority_pk)
        if crl.serial < self.crl.serial:
            return
        before = {d for d, i in self.devices.items() if self.is_revoked(i.cert)}
        self.crl, self.crl_doc = crl, doc
        self.revoked_serials = crl.revoked_serials
        self.revoked_devices = crl.revoked_devices
        after = {d for d, i in self.devices.items() if self.is_revoked(i.cert)}
        out.revoked |= after - before
        out.scopes.add("*")

    def _apply_event(self, row: FeedRow, out: Applied) -> None:
        doc = json.loads(row.payload)["event"]
        ev = SignedEvent.parse(doc)
        room = row.scope
        prev = self.rooms.get(room)
        nxt = apply_event(prev, ev, self.certs, self.crl, room)
        self.rooms[room] = nxt
        self.events.setdefault(room, []).append(doc)
        self.event_pos.setdefault(room, []).append(row.pos)
        old = set(prev.members) if prev else set()
        new = set(nxt.members)
        for user in new - old:
            self.intervals.setdefault((room, user), []).append([row.pos, -1])
            self.user_rooms.setdefault(user, set()).add(room)
        for user in old - new:
            self.intervals[(room, user)][-1][1] = row.pos
        out.scopes.add(room)
        for key in ("actor", "target"):
            who = ev.body.get(key)
            if isinstance(who, str):
                out.scopes.add("u:" + who)
