"""Envelopes: the unit of end-to-end encrypted content.

Wire form (JSON): ``{"h": header, "n": nonce, "c": ciphertext, "s": signature, "w": wraps}``
with binary values as base64url. ``h`` is the canonical JSON of the header, carried as bytes:
it is the AEAD associated data and is signed with the ciphertext, then parsed only after the
signature checks (verify, then parse). Any tampering ends in the same ``AuthenticationFailed``.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from crypto import primitives as p
from crypto.encoding import b64d, b64e, canonical, parse_canonical
from crypto.errors import AuthenticationFailed, CryptoError, EncodingError
from crypto.identity import DeviceKeys

VERSION = 1
ID_BYTES = 16
# An id starts with its creation time (ms, big-endian) and ends in random bytes, so ids sort
# roughly by time and every vault and server index on them grows at its end (ADR 0007).
_ID_TIME_BYTES = 6
MAX_PLAINTEXT = 1 << 20
MAX_DIRECT_RECIPIENTS = 256
Mode = Literal["group", "direct"]
_SCOPE_RE = re.compile(r"^[a-z][a-z0-9_.:-]{2,79}$")
_CTYPE_RE = re.compile(r"^[a-z0-9.+/-]{1,64}$")


@dataclass(frozen=True)
class Header:
    id: bytes
    room: str  # room id or channel id ("channel:advisories", "intake")
    sender: str  # device id
    seq: int
    label: str  # canonical label text
    epoch: int  # 0 in direct mode
    created: int  # ms since the epoch
    ctype: str
    mode: Mode
    to: tuple[str, ...] = ()  # direct mode: recipient device ids, sorted
    eph: bytes = b""  # direct mode: ephemeral X25519 public key
    kc: bytes = b""  # direct mode: commitment to the content key (all recipients get one key)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"v": VERSION, "id": b64e(self.id), "room": self.room,
                             "sender": self.sender, "seq": self.seq, "label": self.label,
                             "epoch": self.epoch, "created": self.created, "ctype": self.ctype,
                             "mode": self.mode}
        if self.mode == "direct":
            d["to"] = list(self.to)
            d["eph"] = b64e(self.eph)
            d["kc"] = b64e(self.kc)
        return d

    def encode(self) -> bytes:
        return canonical(self.to_dict())

    @property
    def id_hex(self) -> str:
        return self.id.hex()

    @classmethod
    def decode(cls, data: bytes) -> Header:
        d = parse_canonical(data)
        if not isinstance(d, dict) or d.get("v") != VERSION:
            raise EncodingError("unsupported envelope header")
        try:
            mode = d["mode"]
            if mode not in ("group", "direct"):
                raise EncodingError("bad mode")
            seq, epoch, created = d["seq"], d["epoch"], d["created"]
            # type() is int: JSON gives no int subclass but bool, which is refused here.
            if type(seq) is not int or type(epoch) is not int or type(created) is not int or \
                    seq < 0 or epoch < 0 or created < 0:
                raise EncodingError("bad integer field")
            if seq < 1:
                raise EncodingError("sequence numbers start at 1")
            room, sender, label, ctype = d["room"], d["sender"], d["label"], d["ctype"]
            for s in (room, sender, label, ctype):
                if not isinstance(s, str) or len(s) > 512:
                    raise EncodingError("bad text field")
            to: tuple[str, ...] = ()
            eph = kc = b""
            if mode == "direct":
                raw_to = d["to"]
                if not isinstance(raw_to, list) or not all(isinstance(t, str) for t in raw_to):
                    raise EncodingError("bad recipients")
                to = tuple(raw_to)
                eph = b64d(d["eph"], size=32)
                kc = b64d(d["kc"], size=32)
                expected = _DIRECT_FIELDS
            else:
                expected = _GROUP_FIELDS
            if d.keys() != expected:
                raise EncodingError("unexpected header fields")
            return cls(b64d(d["id"], size=ID_BYTES), room, sender, seq, label, epoch, created,
                       ctype, mode, to, eph, kc)
        except (KeyError, TypeError) as exc:
            raise EncodingError("incomplete envelope header") from exc


_GROUP_FIELDS = frozenset(("v", "id", "room", "sender", "seq", "label", "epoch", "created",
                           "ctype", "mode"))
_DIRECT_FIELDS = _GROUP_FIELDS | {"to", "eph", "kc"}


@dataclass(frozen=True)
class Wrap:
    device: str
    nonce: bytes
    key: bytes


@dataclass(frozen=True)
class Envelope:
    header_bytes: bytes
    nonce: bytes
    ciphertext: bytes
    signature: bytes
    wraps: tuple[Wrap, ...] = ()

    def to_wire(self) -> dict[str, Any]:
        d: dict[str, Any] = {"h": b64e(self.header_bytes), "n": b64e(self.nonce),
                             "c": b64e(self.ciphertext), "s": b64e(self.signature)}
        if self.wraps:
            d["w"] = [{"d": w.device, "n": b64e(w.nonce), "k": b64e(w.key)} for w in self.wraps]
        return d

    @classmethod
    def from_wire(cls, d: Mapping[str, Any]) -> Envelope:
        if not isinstance(d, Mapping) or not set(d) <= {"h", "n", "c", "s", "w"}:
            raise EncodingError("not an envelope")
        try:
            wraps = tuple(Wrap(str(w["d"]), b64d(w["n"], size=p.NONCE_BYTES),
                               b64d(w["k"], size=p.KEY_BYTES + 16))
                          for w in d["w"]) if "w" in d else ()
            return cls(b64d(d["h"]), b64d(d["n"], size=p.NONCE_BYTES), b64d(d["c"]),
                       b64d(d["s"], size=p.SIG_BYTES), wraps)
        except (KeyError, TypeError) as exc:
            raise EncodingError("incomplete envelope") from exc

    def header_unverified(self) -> Header:
        """Routing fields for the server and for looking up keys. Trust nothing in it yet."""
        return Header.decode(self.header_bytes)

    def _signed_bytes(self) -> bytes:
        return struct.pack(">I", len(self.header_bytes)) + self.header_bytes + self.nonce + \
            self.ciphertext

    def check_signature(self, sender_sign_pk: bytes) -> None:
        """The signature check of :meth:`verify_signature` alone, for a caller that already
        holds this envelope's :meth:`header_unverified` (decoding a header is as costly as the
        check): after it returns, that header is the verified one."""
        p.verify(sender_sign_pk, p.CTX_ENVELOPE, self._signed_bytes(), self.signature)

    def verify_signature(self, sender_sign_pk: bytes) -> Header:
        self.check_signature(sender_sign_pk)
        try:
            return Header.decode(self.header_bytes)
        except EncodingError:
            raise AuthenticationFailed() from None


def new_header(*, room: str, sender: str, seq: int, label: str, epoch: int, created: int,
               ctype: str, mode: Mode = "group", envelope_id: bytes | None = None) -> Header:
    if not _SCOPE_RE.match(room):
        raise EncodingError(f"invalid room or channel id {room!r}")
    if not _CTYPE_RE.match(ctype):
        raise EncodingError(f"invalid content type {ctype!r}")
    if seq < 1:
        raise EncodingError("sequence numbers start at 1")
    return Header(envelope_id or new_envelope_id(created), room, sender, seq, label, epoch,
                  created, ctype, mode)


def new_envelope_id(created_ms: int) -> bytes:
    """A fresh envelope id: ``created_ms`` in its first six bytes (big-endian, so ids of later
    envelopes sort after), then ten random bytes (80 bits: ids made in one millisecond still
    never meet). Only uniqueness matters to the crypto (message keys are derived from the id);
    the time is the header's own ``created``, which the server sees anyway. A time outside
    six bytes' range (a broken clock) keeps only its low bits: still unique, merely unsorted.
    """
    stamp = (created_ms % (1 << (8 * _ID_TIME_BYTES))).to_bytes(_ID_TIME_BYTES, "big")
    return stamp + p.random_bytes(ID_BYTES - _ID_TIME_BYTES)


def message_key(epoch_key: bytes, envelope_id: bytes) -> bytes:
    return p.derive_key(epoch_key, p.P_MSGKEY, envelope_id)


def _finish(header_bytes: bytes, nonce: bytes, ct: bytes, sender: DeviceKeys,
            wraps: tuple[Wrap, ...] = ()) -> Envelope:
    env = Envelope(header_bytes, nonce, ct, b"", wraps)
    sig = p.sign(sender.sign_key, p.CTX_ENVELOPE, env._signed_bytes())
    return Envelope(header_bytes, nonce, ct, sig, wraps)


def seal_group(header: Header, plaintext: bytes, epoch_key: bytes,
               sender: DeviceKeys) -> Envelope:
    """Encrypt and sign for everyone holding the (room, label, epoch) key. O(1) in room size."""
    if header.mode != "group" or header.sender != sender.device_id:
        raise CryptoError("header does not describe a group message from this device")
    if len(plaintext) > MAX_PLAINTEXT:
        raise CryptoError("message too large; send it as an attachment")
    hb = header.encode()
    nonce, ct = p.aead_encrypt(message_key(epoch_key, header.id), plaintext, hb)
    return _finish(hb, nonce, ct, sender)


def _check_expected(h: Header, room: str, label: str | None) -> None:
    if h.room != room or (label is not None and h.label != label):
        raise AuthenticationFailed()


def open_group(env: Envelope, epoch_key: bytes, sender_sign_pk: bytes, *, room: str,
               label: str | None = None) -> tuple[Header, bytes]:
    """Verify, check it belongs to ``room`` (and ``label`` as routed), then decrypt."""
    h = env.verify_signature(sender_sign_pk)
    return h, open_verified_group(env, h, epoch_key, room=room, label=label)


def check_group_header(header: Header, *, room: str, label: str | None = None) -> None:
    """The checks :func:`open_verified_group` makes before decrypting: a group header for
    ``room`` (and ``label`` as routed). For a caller that opened the envelope with
    ``room=header.room, label=header.label`` beforehand (on another thread) and now learns
    where it was routed. Any failure is :class:`AuthenticationFailed`."""
    _check_expected(header, room, label)
    if header.mode != "group":
        raise AuthenticationFailed()


def open_verified_group(env: Envelope, header: Header, epoch_key: bytes, *, room: str,
                        label: str | None = None) -> bytes:
    """:func:`open_group` for an envelope whose signature the caller has already checked
    with the sender's key, e.g. in a pool of parallel verifiers (:meth:`Envelope.
    check_signature`). ``header`` must be ``env.header_unverified()`` of this very envelope:
    the same checks as :func:`open_group` follow, then the decryption, whose associated data
    is the envelope's header bytes. Any failure is :class:`AuthenticationFailed`."""
    check_group_header(header, room=room, label=label)
    return p.aead_decrypt(message_key(epoch_key, header.id), env.nonce, env.ciphertext,
                          env.header_bytes)


def seal_direct(header: Header, plaintext: bytes, sender: DeviceKeys,
                recipients: Sequence[tuple[str, bytes]]) -> Envelope:
    """Direct mode: a fresh content key wrapped for each (device id, X25519 key) recipient."""
    if header.sender != sender.device_id:
        raise CryptoError("header sender is not this device")
    if not recipients or len(recipients) > MAX_DIRECT_RECIPIENTS:
        raise CryptoError(f"direct mode needs 1 to {MAX_DIRECT_RECIPIENTS} recipient devices")
    if len(plaintext) > MAX_PLAINTEXT:
        raise CryptoError("message too large; send it as an attachment")
    eph_sk, eph_pk = p.x25519_keypair()
    ordered = sorted(dict(recipients).items())
    content_key = p.random_bytes(p.KEY_BYTES)
    h = Header(header.id, header.room, header.sender, header.seq, header.label, 0,
               header.created, header.ctype, "direct", tuple(d for d, _ in ordered), eph_pk,
               p.hash32(content_key, p.P_COMMIT))
    hb = h.encode()
    wraps = []
    for device_id, enc_pk in ordered:
        kek = p.wrap_key(p.x25519(eph_sk, enc_pk), eph_pk, enc_pk)
        n, wk = p.aead_encrypt(kek, content_key, hb + device_id.encode())
        wraps.append(Wrap(device_id, n, wk))
    nonce, ct = p.aead_encrypt(content_key, plaintext, hb)
    return _finish(hb, nonce, ct, sender, tuple(wraps))


def open_direct(env: Envelope, me: DeviceKeys, sender_sign_pk: bytes, *,
                room: str) -> tuple[Header, bytes]:
    h = env.verify_signature(sender_sign_pk)
    _check_expected(h, room, None)
    my_id = me.device_id
    if h.mode != "direct" or my_id not in h.to:
        raise AuthenticationFailed()
    wrap = next((w for w in env.wraps if w.device == my_id), None)
    if wrap is None:
        raise AuthenticationFailed()
    my_pk = me.public.enc_pk
    kek = p.wrap_key(p.x25519(me.enc_sk, h.eph), h.eph, my_pk)
    content_key = p.aead_decrypt(kek, wrap.nonce, wrap.key, env.header_bytes + my_id.encode())
    if p.hash32(content_key, p.P_COMMIT) != h.kc:
        raise AuthenticationFailed()
    return h, p.aead_decrypt(content_key, env.nonce, env.ciphertext, env.header_bytes)
