"""Shared fixtures for the crypto tests: a synthetic authority, devices and room logs.

Everything is generated here (no real keys or people). Helpers are exposed as fixtures because
the suite runs with ``--import-mode=importlib`` (test modules cannot import each other).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from nacl.signing import SigningKey

from crypto.certs import (
    Certificate,
    EnrolmentRequest,
    Revocation,
    RevocationList,
    SignedCertificate,
    issue_certificate,
)
from crypto.identity import DeviceKeys
from crypto.membership import GENESIS, RoomState, SignedEvent, apply_event, make_event
from intel.markings import Policy

NOW = 1_760_000_000  # seconds; certificates use seconds, events and envelopes milliseconds
NOW_MS = NOW * 1000
DAY = 86400


@dataclass
class Dev:
    """One enrolled device: its private keys and its authority-signed certificate."""

    keys: DeviceKeys
    signed: SignedCertificate

    @property
    def cert(self) -> Certificate:
        return self.signed.cert

    @property
    def device_id(self) -> str:
        return self.keys.device_id

    @property
    def user_id(self) -> str:
        return self.cert.user_id

    @property
    def sign_pk(self) -> bytes:
        return self.cert.keys.sign_pk


class Pki:
    """A synthetic authority that enrols devices and signs revocation lists."""

    NOW = NOW
    NOW_MS = NOW_MS
    DAY = DAY

    def __init__(self, authority: SigningKey | None = None) -> None:
        self.authority = authority or SigningKey.generate()
        self.pk = bytes(self.authority.verify_key)
        self._serials = itertools.count(1)

    def next_serial(self) -> int:
        return next(self._serials)

    def device(self, user_id: str, *, org: str = "org-a", level: str = "SECRET",
               compartments: Iterable[str] = (), roles: Iterable[str] = (),
               not_before: int = NOW - DAY, not_after: int = NOW + 365 * DAY,
               keys: DeviceKeys | None = None, serial: int | None = None) -> Dev:
        k = keys or DeviceKeys.generate()
        req = EnrolmentRequest.verify(
            EnrolmentRequest.create(k, user_id, f"Test {user_id}", org, NOW - 2 * DAY))
        signed = issue_certificate(
            self.authority, req, serial=serial if serial is not None else self.next_serial(),
            level=level, compartments=compartments, roles=roles, not_before=not_before,
            not_after=not_after, now=NOW - 2 * DAY)
        return Dev(k, signed)

    def crl(self, serial: int, entries: Iterable[Revocation],
            issued_at: int = NOW) -> RevocationList:
        return RevocationList.sign(self.authority, serial, issued_at, entries)

    @staticmethod
    def revocation(dev: Dev, *, at: int = NOW - 10, by_device: bool = False,
                   reason: str = "key compromise") -> Revocation:
        # Revoking "by device" uses a serial no certificate has, so only the id can match.
        serial = 10**9 + dev.cert.serial if by_device else dev.cert.serial
        device_id = dev.device_id if by_device else "d" + "0" * 32
        return Revocation(serial, device_id, at, reason)


@dataclass
class RoomLog:
    """A room's membership log built by honest, correctly chained events."""

    room_id: str
    events: list[SignedEvent] = field(default_factory=list)
    certs: dict[str, Certificate] = field(default_factory=dict)
    state: RoomState | None = None
    clock: int = NOW_MS

    def know(self, *devs: Dev) -> None:
        for d in devs:
            self.certs[d.device_id] = d.cert

    def make(self, actor: Dev, type: Any, **kw: Any) -> SignedEvent:
        """The next event, correctly chained, but not applied."""
        self.clock += 1000
        kw.setdefault("created", self.clock)
        return make_event(actor.keys, actor.cert, room_id=self.room_id,
                          index=0 if self.state is None else self.state.length,
                          prev=GENESIS if self.state is None else self.state.head,
                          type=type, **kw)

    def add(self, actor: Dev, type: Any, crl: RevocationList | None = None,
            **kw: Any) -> SignedEvent:
        self.know(actor)
        ev = self.make(actor, type, **kw)
        self.state = apply_event(self.state, ev, self.certs, crl, self.room_id)
        self.events.append(ev)
        return ev

    def create(self, creator: Dev, *, ceiling: str = "TOP-SECRET/CYBER,FIN,OT//TLP:RED",
               history: str = "shared", name: str = "Joint response room") -> RoomLog:
        self.add(creator, "create", name=name, ceiling=ceiling, history=history)
        return self

    def invite(self, admin: Dev, target: Dev | str, role: str = "member") -> SignedEvent:
        if isinstance(target, Dev):
            self.know(target)
        uid = target.user_id if isinstance(target, Dev) else target
        return self.add(admin, "invite", target=uid, role=role)

    def remove(self, admin: Dev, target: Dev | str) -> SignedEvent:
        uid = target.user_id if isinstance(target, Dev) else target
        return self.add(admin, "remove", target=uid)

    def leave(self, member: Dev) -> SignedEvent:
        return self.add(member, "leave")

    def set_role(self, admin: Dev, target: Dev, role: str) -> SignedEvent:
        return self.add(admin, "role", target=target.user_id, role=role)

    @property
    def room(self) -> RoomState:
        assert self.state is not None
        return self.state


def flip(data: bytes, i: int, mask: int = 0x01) -> bytes:
    return data[:i] + bytes([data[i] ^ mask]) + data[i + 1:]


@pytest.fixture(scope="session")
def policy() -> Policy:
    return Policy.default()


@pytest.fixture(scope="session")
def pki() -> Pki:
    return Pki()


@pytest.fixture(scope="session")
def other_pki() -> Pki:
    """A second, unpinned authority (an attacker's)."""
    return Pki()


@pytest.fixture(scope="session")
def room_log():  # type: ignore[no-untyped-def]
    def make(room_id: str = "room-joint-1") -> RoomLog:
        return RoomLog(room_id)
    return make


@pytest.fixture(scope="session")
def flipper():  # type: ignore[no-untyped-def]
    return flip
