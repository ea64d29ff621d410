"""Certificates, enrolment requests, revocation lists and the signed markings policy.

Signed documents travel as ``{"<kind>": {...}, "signature": b64}``; the signature covers the
canonical encoding of the inner object under the kind's context. Parse, then verify against
the pinned authority key, then check time and revocation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey

from crypto import primitives as p
from crypto.encoding import b64d, b64e, canonical, field, parse_json_object
from crypto.errors import CertificateRejected, EncodingError
from crypto.identity import DeviceKeys, DevicePublicKeys, authority_fingerprint
from intel.markings import Clearance, Policy

ROLES = frozenset({"publisher", "intake", "room-admin", "downgrade", "reporter"})
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MAX_VALIDITY_S = 3 * 366 * 86400


def _ident(d: Mapping[str, Any], key: str, what: str) -> str:
    v = field(dict(d), key, str, what)
    if not _ID_RE.match(v):
        raise EncodingError(f"{what}: {key} {v!r} must be 1-64 letters, digits, . _ @ -")
    return str(v)


def _text(d: Mapping[str, Any], key: str, what: str, limit: int = 200) -> str:
    v = field(dict(d), key, str, what)
    if not v.strip() or len(v) > limit:
        raise EncodingError(f"{what}: {key} must be 1-{limit} characters")
    return str(v)


def _signed(doc: bytes | str | Mapping[str, Any], kind: str) -> tuple[dict[str, Any], bytes]:
    d = dict(doc) if isinstance(doc, Mapping) else parse_json_object(doc, kind)
    inner = d.get(kind)
    if not isinstance(inner, dict) or set(d) != {kind, "signature"}:
        raise EncodingError(f"a signed {kind} must hold exactly '{kind}' and 'signature'")
    return inner, b64d(str(d["signature"]), size=p.SIG_BYTES)


# ---------------------------------------------------------------------------- enrolment
@dataclass(frozen=True)
class EnrolmentRequest:
    user_id: str
    display_name: str
    org: str
    keys: DevicePublicKeys
    created: int

    def body(self) -> dict[str, Any]:
        return {"v": 1, "user_id": self.user_id, "display_name": self.display_name,
                "org": self.org, "keys": self.keys.to_dict(), "created": self.created}

    @classmethod
    def create(cls, keys: DeviceKeys, user_id: str, display_name: str, org: str,
               now: int) -> dict[str, Any]:
        req = cls.from_body({"v": 1, "user_id": user_id, "display_name": display_name,
                             "org": org, "keys": keys.public.to_dict(), "created": now})
        sig = p.sign(keys.sign_key, p.CTX_ENROL, canonical(req.body()))
        return {"enrolment": req.body(), "signature": b64e(sig)}

    @classmethod
    def from_body(cls, b: Mapping[str, Any]) -> EnrolmentRequest:
        what = "enrolment request"
        if b.get("v") != 1:
            raise EncodingError(f"{what}: unsupported version")
        keys = b.get("keys")
        if not isinstance(keys, dict):
            raise EncodingError(f"{what}: 'keys' must be an object")
        return cls(_ident(b, "user_id", what), _text(b, "display_name", what),
                   _ident(b, "org", what), DevicePublicKeys.from_dict(keys),
                   field(dict(b), "created", int, what))

    @classmethod
    def verify(cls, doc: bytes | str | Mapping[str, Any]) -> EnrolmentRequest:
        """Proof of possession: the request is signed by the device's own signing key."""
        inner, sig = _signed(doc, "enrolment")
        req = cls.from_body(inner)
        p.verify(req.keys.sign_pk, p.CTX_ENROL, canonical(inner), sig)
        return req


# ---------------------------------------------------------------------------- certificate
@dataclass(frozen=True)
class Certificate:
    serial: int
    user_id: str
    display_name: str
    org: str
    keys: DevicePublicKeys
    level: str
    compartments: frozenset[str]
    roles: frozenset[str]
    not_before: int
    not_after: int
    issued_at: int
    issuer: str

    @property
    def device_id(self) -> str:
        return self.keys.device_id

    @property
    def clearance(self) -> Clearance:
        return Clearance(self.user_id, self.org, self.level, self.compartments, self.roles)

    def body(self) -> dict[str, Any]:
        return {
            "v": 1, "serial": self.serial, "device_id": self.device_id, "user_id": self.user_id,
            "display_name": self.display_name, "org": self.org, "keys": self.keys.to_dict(),
            "level": self.level, "compartments": sorted(self.compartments),
            "roles": sorted(self.roles), "not_before": self.not_before,
            "not_after": self.not_after, "issued_at": self.issued_at, "issuer": self.issuer,
        }

    @classmethod
    def from_body(cls, b: Mapping[str, Any]) -> Certificate:
        what = "certificate"
        if b.get("v") != 1:
            raise EncodingError(f"{what}: unsupported version")
        keys = b.get("keys")
        comps, roles = b.get("compartments"), b.get("roles")
        if not isinstance(keys, dict) or not isinstance(comps, list) or not isinstance(
                roles, list):
            raise EncodingError(f"{what}: keys, compartments and roles are required")
        if not all(isinstance(c, str) for c in comps + roles):
            raise EncodingError(f"{what}: compartments and roles must be strings")
        unknown = set(roles) - ROLES
        if unknown:
            raise EncodingError(f"{what}: unknown role(s) {', '.join(sorted(unknown))}")
        cert = cls(field(dict(b), "serial", int, what), _ident(b, "user_id", what),
                   _text(b, "display_name", what), _ident(b, "org", what),
                   DevicePublicKeys.from_dict(keys), _text(b, "level", what, 32),
                   frozenset(comps), frozenset(roles), field(dict(b), "not_before", int, what),
                   field(dict(b), "not_after", int, what), field(dict(b), "issued_at", int, what),
                   _text(b, "issuer", what, 100))
        if b.get("device_id") != cert.device_id:
            raise EncodingError(f"{what}: device id does not match the device keys")
        if cert.not_after <= cert.not_before:
            raise EncodingError(f"{what}: validity period is empty")
        return cert


@dataclass(frozen=True)
class SignedCertificate:
    cert: Certificate
    signature: bytes

    def to_dict(self) -> dict[str, Any]:
        return {"certificate": self.cert.body(), "signature": b64e(self.signature)}

    def to_bytes(self) -> bytes:
        return canonical(self.to_dict())

    @classmethod
    def parse(cls, doc: bytes | str | Mapping[str, Any]) -> SignedCertificate:
        inner, sig = _signed(doc, "certificate")
        cert = Certificate.from_body(inner)
        # The signature covers exactly what was received: no extra, repeated or reordered
        # fields that a re-encoding would silently drop.
        if canonical(cert.body()) != canonical(inner):
            raise EncodingError("certificate is not in canonical form")
        return cls(cert, sig)

    def verify(self, authority_pk: bytes, now: int,
               crl: RevocationList | None = None) -> Certificate:
        """Authentic (signature by the pinned authority), in its validity period, not revoked."""
        self.verify_signature(authority_pk)
        check_validity(self.cert, now, crl)
        return self.cert

    def verify_signature(self, authority_pk: bytes) -> Certificate:
        p.verify(authority_pk, p.CTX_CERT, canonical(self.cert.body()), self.signature)
        if self.cert.issuer != authority_fingerprint(authority_pk):
            raise CertificateRejected("certificate was issued by a different authority")
        return self.cert


def check_validity(cert: Certificate, now: int, crl: RevocationList | None = None) -> None:
    if now < cert.not_before:
        raise CertificateRejected(f"certificate of {cert.user_id} is not valid yet")
    if now >= cert.not_after:
        raise CertificateRejected(f"certificate of {cert.user_id} has expired")
    if crl is not None and crl.is_revoked(cert):
        raise CertificateRejected(f"certificate of {cert.user_id} has been revoked")


def issue_certificate(authority: SigningKey, request: EnrolmentRequest, *, serial: int,
                      level: str, compartments: Iterable[str], roles: Iterable[str],
                      not_before: int, not_after: int, now: int,
                      policy: Policy | None = None) -> SignedCertificate:
    comps, rls = frozenset(compartments), frozenset(roles)
    if policy is not None:
        policy.level(level)
        unknown = comps - policy.compartment_keys()
        if unknown:
            raise EncodingError(f"unknown compartment(s) {', '.join(sorted(unknown))}")
    if not 0 < not_after - not_before <= MAX_VALIDITY_S:
        raise EncodingError("validity must be positive and at most three years")
    cert = Certificate(serial, request.user_id, request.display_name, request.org, request.keys,
                       level, comps, rls, not_before, not_after, now,
                       authority_fingerprint(bytes(authority.verify_key)))
    Certificate.from_body(cert.body())  # same checks as a verifier applies
    return SignedCertificate(cert, p.sign(authority, p.CTX_CERT, canonical(cert.body())))


# ---------------------------------------------------------------------------- revocation
@dataclass(frozen=True)
class Revocation:
    serial: int
    device_id: str
    revoked_at: int
    reason: str


@dataclass(frozen=True)
class RevocationList:
    serial: int
    issued_at: int
    entries: tuple[Revocation, ...]
    signature: bytes = b""

    def body(self) -> dict[str, Any]:
        return {"v": 1, "serial": self.serial, "issued_at": self.issued_at,
                "revoked": [{"serial": r.serial, "device_id": r.device_id,
                             "revoked_at": r.revoked_at, "reason": r.reason}
                            for r in sorted(self.entries, key=lambda r: r.serial)]}

    def to_dict(self) -> dict[str, Any]:
        return {"revocation_list": self.body(), "signature": b64e(self.signature)}

    def to_bytes(self) -> bytes:
        return canonical(self.to_dict())

    def is_revoked(self, cert: Certificate) -> bool:
        return cert.serial in self.revoked_serials or cert.device_id in self.revoked_devices

    @property
    def revoked_serials(self) -> frozenset[int]:
        return frozenset(r.serial for r in self.entries)

    @property
    def revoked_devices(self) -> frozenset[str]:
        return frozenset(r.device_id for r in self.entries)

    @classmethod
    def sign(cls, authority: SigningKey, serial: int, issued_at: int,
             entries: Iterable[Revocation]) -> RevocationList:
        unsigned = cls(serial, issued_at, tuple(entries))
        return cls(serial, issued_at, unsigned.entries,
                   p.sign(authority, p.CTX_CRL, canonical(unsigned.body())))

    @classmethod
    def verify(cls, doc: bytes | str | Mapping[str, Any], authority_pk: bytes,
               previous_serial: int | None = None) -> RevocationList:
        """Authentic, and never older than one already seen (no rollback)."""
        inner, sig = _signed(doc, "revocation_list")
        p.verify(authority_pk, p.CTX_CRL, canonical(inner), sig)
        what = "revocation list"
        raw = inner.get("revoked")
        if inner.get("v") != 1 or not isinstance(raw, list):
            raise EncodingError(f"{what}: malformed")
        entries = tuple(Revocation(field(r, "serial", int, what), field(r, "device_id", str, what),
                                   field(r, "revoked_at", int, what), field(r, "reason", str, what))
                        for r in raw if isinstance(r, dict))
        if len(entries) != len(raw):
            raise EncodingError(f"{what}: malformed entry")
        crl = cls(field(inner, "serial", int, what), field(inner, "issued_at", int, what),
                  entries, sig)
        if previous_serial is not None and crl.serial < previous_serial:
            raise CertificateRejected(
                f"revocation list {crl.serial} is older than the one already held "
                f"({previous_serial}); refusing a rollback")
        return crl


def empty_crl() -> RevocationList:
    """What a verifier holds before the first list arrives (revokes nothing, unsigned)."""
    return RevocationList(0, 0, ())


# ---------------------------------------------------------------------------- policy
def sign_policy(authority: SigningKey, policy: Policy) -> dict[str, Any]:
    body = policy.to_dict()
    return {"policy": body, "signature": b64e(p.sign(authority, p.CTX_POLICY, canonical(body)))}


def verify_policy(doc: bytes | str | Mapping[str, Any], authority_pk: bytes,
                  min_version: int | None = None) -> Policy:
    """Authentic, and (given the version already held) never a rollback."""
    inner, sig = _signed(doc, "policy")
    p.verify(authority_pk, p.CTX_POLICY, canonical(inner), sig)
    policy = Policy.from_dict(inner)
    if min_version is not None and policy.version < min_version:
        raise CertificateRejected(
            f"markings policy version {policy.version} is older than the one held "
            f"({min_version}); refusing a rollback")
    return policy
