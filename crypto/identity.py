"""Device identity: three key pairs, one per purpose, and fingerprints people can compare.

- content signing (Ed25519): envelopes, membership events, key batches
- request authentication (Ed25519): HTTP requests and challenges to the server only
- encryption (X25519): receiving epoch keys and direct-mode content keys
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from nacl.signing import SigningKey

from crypto import primitives as p
from crypto.encoding import b64d, b64e, canonical
from crypto.errors import EncodingError

DEVICE_ID_BYTES = 16


@dataclass(frozen=True)
class DevicePublicKeys:
    sign_pk: bytes
    auth_pk: bytes
    enc_pk: bytes

    def __post_init__(self) -> None:
        for name in ("sign_pk", "auth_pk", "enc_pk"):
            if len(getattr(self, name)) != 32:
                raise EncodingError(f"{name} must be 32 bytes")
        if len({self.sign_pk, self.auth_pk, self.enc_pk}) != 3:
            raise EncodingError("a device must use a distinct key for each purpose")

    def to_dict(self) -> dict[str, str]:
        return {"sign_pk": b64e(self.sign_pk), "auth_pk": b64e(self.auth_pk),
                "enc_pk": b64e(self.enc_pk)}

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> DevicePublicKeys:
        try:
            return cls(b64d(str(d["sign_pk"]), size=32), b64d(str(d["auth_pk"]), size=32),
                       b64d(str(d["enc_pk"]), size=32))
        except KeyError as exc:
            raise EncodingError(f"missing public key {exc}") from None

    @cached_property
    def device_id(self) -> str:
        """Derived from the keys, so nobody can pair an id with other keys unnoticed."""
        return "d" + p.hash32(canonical(self.to_dict()), p.P_DEVICE_ID)[:DEVICE_ID_BYTES].hex()

    @cached_property
    def fingerprint(self) -> str:
        return safety_number(p.hash32(canonical(self.to_dict()), p.P_FINGERPRINT))


def safety_number(digest: bytes) -> str:
    """60 digits in 12 groups of 5, as in Signal's safety numbers: easy to read aloud."""
    groups = []
    for i in range(12):
        chunk = int.from_bytes(digest[i * 2 + i // 2 : i * 2 + i // 2 + 3], "big")
        groups.append(f"{chunk % 100000:05d}")
    return " ".join(groups)


@dataclass(frozen=True)
class DeviceKeys:
    """The private side. ``to_bytes`` is what goes into the OS keyring (96 bytes)."""

    sign_seed: bytes = field(repr=False)
    auth_seed: bytes = field(repr=False)
    enc_sk: bytes = field(repr=False)

    @classmethod
    def generate(cls) -> DeviceKeys:
        return cls(p.random_bytes(32), p.random_bytes(32), p.random_bytes(32))

    def to_bytes(self) -> bytes:
        return self.sign_seed + self.auth_seed + self.enc_sk

    @classmethod
    def from_bytes(cls, data: bytes) -> DeviceKeys:
        if len(data) != 96:
            raise EncodingError("device key material must be 96 bytes")
        return cls(data[:32], data[32:64], data[64:])

    @cached_property
    def sign_key(self) -> SigningKey:
        return p.signing_key_from_seed(self.sign_seed)

    @cached_property
    def auth_key(self) -> SigningKey:
        return p.signing_key_from_seed(self.auth_seed)

    @cached_property
    def public(self) -> DevicePublicKeys:
        return DevicePublicKeys(bytes(self.sign_key.verify_key), bytes(self.auth_key.verify_key),
                                p.x25519_public(self.enc_sk))

    @property
    def device_id(self) -> str:
        return self.public.device_id


def authority_fingerprint(public_key: bytes) -> str:
    """What operators pin and compare: 64 hex digits in groups of four."""
    h = p.hash32(public_key, p.P_AUTHORITY).hex().upper()
    return "-".join(h[i : i + 4] for i in range(0, 64, 4))
