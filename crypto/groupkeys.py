"""Label-scoped group keys with epochs.

For each (room, label) in use a member creates a random epoch key and delivers it, sealed, to
exactly the recipient set of that label. One ephemeral X25519 key and one signature per batch;
per recipient one X25519 and one AEAD, so a rotation is O(devices) once and sending stays O(1).
A delivery binds room, label, epoch, sender, recipient and a key commitment as associated data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crypto import primitives as p
from crypto.certs import Certificate
from crypto.encoding import b64d, b64e, canonical, parse_canonical
from crypto.errors import AuthenticationFailed, EncodingError
from crypto.identity import DeviceKeys


@dataclass(frozen=True)
class EpochKey:
    room: str
    label: str
    epoch: int
    key: bytes
    created: int  # ms
    sender: str  # device that created it

    @property
    def commitment(self) -> bytes:
        return p.hash32(self.key, p.P_COMMIT)


def new_epoch_key(room: str, label: str, epoch: int, sender: str, now_ms: int) -> EpochKey:
    if epoch < 1:
        raise ValueError("epochs start at 1")
    return EpochKey(room, label, epoch, p.random_bytes(p.KEY_BYTES), now_ms, sender)


@dataclass(frozen=True)
class KeyDelivery:
    """What one recipient device receives: the signed batch header and its own wrapped key."""

    header: bytes  # canonical JSON, signed by the sender
    signature: bytes
    to: str
    nonce: bytes
    wrapped: bytes

    def to_wire(self) -> dict[str, Any]:
        return {"h": b64e(self.header), "s": b64e(self.signature), "to": self.to,
                "n": b64e(self.nonce), "k": b64e(self.wrapped)}

    @classmethod
    def from_wire(cls, d: Mapping[str, Any]) -> KeyDelivery:
        try:
            return cls(b64d(d["h"]), b64d(d["s"], size=p.SIG_BYTES), str(d["to"]),
                       b64d(d["n"], size=p.NONCE_BYTES), b64d(d["k"], size=p.KEY_BYTES + 16))
        except (KeyError, TypeError) as exc:
            raise EncodingError("incomplete key delivery") from exc

    def header_unverified(self) -> dict[str, Any]:
        d = parse_canonical(self.header)
        if not isinstance(d, dict):
            raise EncodingError("bad key delivery header")
        return d


def seal_epoch_key(ek: EpochKey, sender: DeviceKeys,
                   recipients: Iterable[Certificate]) -> list[KeyDelivery]:
    """Deliveries of ``ek`` to each recipient device (the caller computed the exact set).

    The header names the delivering device (which signs it), not necessarily the creator."""
    eph_sk, eph_pk = p.x25519_keypair()
    header = canonical({"v": 1, "room": ek.room, "label": ek.label, "epoch": ek.epoch,
                        "sender": sender.device_id, "created": ek.created, "eph": b64e(eph_pk),
                        "commit": b64e(ek.commitment)})
    sig = p.sign(sender.sign_key, p.CTX_KEYBATCH, header)
    out = []
    for cert in recipients:
        rpk = cert.keys.enc_pk
        kek = p.wrap_key(p.x25519(eph_sk, rpk), eph_pk, rpk)
        nonce, wrapped = p.aead_encrypt(kek, ek.key, header + cert.device_id.encode())
        out.append(KeyDelivery(header, sig, cert.device_id, nonce, wrapped))
    return out


def open_key_delivery(kd: KeyDelivery, me: DeviceKeys, sender_sign_pk: bytes) -> EpochKey:
    """Verify the sender's signature and unwrap. The caller checks the sender may hold the
    label in that room (membership and clearance) before trusting the key."""
    p.verify(sender_sign_pk, p.CTX_KEYBATCH, kd.header, kd.signature)
    my_id = me.device_id
    if kd.to != my_id:
        raise AuthenticationFailed()
    try:
        h = kd.header_unverified()
        eph = b64d(h["eph"], size=32)
        ek = EpochKey(str(h["room"]), str(h["label"]), int(h["epoch"]), b"", int(h["created"]),
                      str(h["sender"]))
        commit = b64d(h["commit"], size=32)
    except (KeyError, TypeError, ValueError, EncodingError):
        raise AuthenticationFailed() from None
    my_pk = me.public.enc_pk
    kek = p.wrap_key(p.x25519(me.enc_sk, eph), eph, my_pk)
    key = p.aead_decrypt(kek, kd.nonce, kd.wrapped, kd.header + my_id.encode())
    result = EpochKey(ek.room, ek.label, ek.epoch, key, ek.created, ek.sender)
    if result.commitment != commit:
        raise AuthenticationFailed()
    return result
