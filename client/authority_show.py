"""``renkei-authority show``: a readable summary of any Renkei document.

Signatures are checked only against an authority key the operator names (``--authority``);
without one the summary says so plainly, because an unchecked document proves nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from client.authority_store import PUB_NAME, CliError, State, read_input
from crypto.authority import AuthorityPublic
from crypto.certs import (
    EnrolmentRequest,
    Revocation,
    RevocationList,
    SignedCertificate,
    verify_policy,
)
from crypto.encoding import b64d, field
from crypto.errors import AuthenticationFailed, CryptoError
from crypto.identity import authority_fingerprint
from intel.errors import IntelError
from intel.markings import Policy

NOT_CHECKED = "not checked (give --authority authority.pub to verify)"


def when(ts: int) -> str:
    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return f"{ts} (out of range)"


def _lines(title: str, rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows) + 1
    return "\n".join([title] + [f"  {k + ':':<{width}} {v}" for k, v in rows])


def _list(items: Any) -> str:
    return ", ".join(sorted(items)) if items else "none"


def load_authority(path: str) -> AuthorityPublic:
    p = Path(path)
    if p.is_dir():
        p = p / PUB_NAME
    try:
        return AuthorityPublic.parse(read_input(p, "authority public key"))
    except CryptoError as exc:
        raise CliError(f"authority public key {p}: {exc}") from None


def load_crl(path: str, pub: AuthorityPublic | None) -> RevocationList:
    if pub is None:
        raise CliError("--crl needs --authority to check the revocation list's signature")
    try:
        return RevocationList.verify(read_input(path, "revocation list"), pub.public_key)
    except AuthenticationFailed:
        raise CliError(f"revocation list {path}: signature does not verify against the given "
                       "authority") from None
    except CryptoError as exc:
        raise CliError(f"revocation list {path}: {exc}") from None


def _bad_signature(what: str, name: str) -> CliError:
    return CliError(f"{what} {name}: signature does not verify against the given authority "
                    "(forged, altered, or issued by another authority)")


def show_certificate(doc: dict[str, Any], name: str, pub: AuthorityPublic | None,
                     crl: RevocationList | None, now: int) -> str:
    try:
        sc = SignedCertificate.parse(doc)
    except CryptoError as exc:
        raise CliError(f"certificate {name}: {exc}") from None
    c = sc.cert
    if pub is not None:
        try:
            sc.verify_signature(pub.public_key)
        except CryptoError:
            raise _bad_signature("certificate", name) from None
    if now < c.not_before:
        status = "not valid yet"
    elif now >= c.not_after:
        status = "EXPIRED"
    else:
        status = "within its validity period"
    if crl is not None:
        status += (f"; REVOKED (revocation list {crl.serial})" if crl.is_revoked(c)
                   else f"; not revoked (revocation list {crl.serial})")
    return _lines("Renkei device certificate", [
        ("serial", str(c.serial)),
        ("user", f"{c.user_id} ({c.display_name})"),
        ("organisation", c.org),
        ("clearance level", c.level),
        ("compartments", _list(c.compartments)),
        ("roles", _list(c.roles)),
        ("valid from", when(c.not_before)),
        ("valid until", when(c.not_after)),
        ("issued at", when(c.issued_at)),
        ("device id", c.device_id),
        ("device fingerprint", c.keys.fingerprint),
        ("issuer", c.issuer),
        ("signature", "valid, signed by the given authority" if pub else NOT_CHECKED),
        ("status", status),
    ])


def show_enrolment(doc: dict[str, Any], name: str) -> str:
    try:
        req = EnrolmentRequest.verify(doc)
    except AuthenticationFailed:
        raise CliError(f"enrolment request {name}: the device signature does not verify "
                       "(forged or altered request)") from None
    except CryptoError as exc:
        raise CliError(f"enrolment request {name}: {exc}") from None
    return _lines("Renkei enrolment request", [
        ("user", f"{req.user_id} ({req.display_name})"),
        ("organisation", req.org),
        ("created", when(req.created)),
        ("device id", req.keys.device_id),
        ("device fingerprint", req.keys.fingerprint),
        ("proof of possession", "valid (signed by the device's own key)"),
    ])


def _unchecked_crl(inner: Any) -> RevocationList:
    what = "revocation list"
    if not isinstance(inner, dict) or not isinstance(inner.get("revoked"), list):
        raise CryptoError(f"{what}: malformed")
    entries = []
    for r in inner["revoked"]:
        if not isinstance(r, dict):
            raise CryptoError(f"{what}: malformed entry")
        entries.append(Revocation(field(r, "serial", int, what), field(r, "device_id", str, what),
                                  field(r, "revoked_at", int, what),
                                  field(r, "reason", str, what)))
    return RevocationList(field(inner, "serial", int, what), field(inner, "issued_at", int, what),
                          tuple(entries))


def show_crl(doc: dict[str, Any], name: str, pub: AuthorityPublic | None) -> str:
    try:
        if pub is not None:
            crl = RevocationList.verify(doc, pub.public_key)
        else:
            b64d(str(doc.get("signature")), size=64)
            crl = _unchecked_crl(doc.get("revocation_list"))
    except AuthenticationFailed:
        raise _bad_signature("revocation list", name) from None
    except CryptoError as exc:
        raise CliError(f"revocation list {name}: {exc}") from None
    rows = [("serial", str(crl.serial)), ("issued at", when(crl.issued_at)),
            ("signature", "valid, signed by the given authority" if pub else NOT_CHECKED),
            ("revoked", f"{len(crl.entries)} certificate(s)")]
    text = _lines("Renkei revocation list", rows)
    for r in sorted(crl.entries, key=lambda e: e.serial):
        text += (f"\n    serial {r.serial}  device {r.device_id}  since {when(r.revoked_at)}"
                 f"  reason: {r.reason}")
    return text


def _policy_text(title: str, pol: Policy, signature: str) -> str:
    text = _lines(title, [
        ("name", pol.name), ("version", str(pol.version)),
        ("copy blocked from", pol.copy_block_level),
        ("idle lock", f"{pol.idle_lock_seconds} s"), ("signature", signature),
        ("levels", "lowest first")])
    for lv in pol.levels:
        text += f"\n    {lv.key}  ({lv.name_en} / {lv.name_ja})  banner {lv.banner_bg}"
    text += "\n  compartments:" + ("" if pol.compartments else " none")
    for c in pol.compartments:
        text += f"\n    {c.key}  ({c.name_en} / {c.name_ja})"
    return text


def show_policy(doc: dict[str, Any], name: str, pub: AuthorityPublic | None) -> str:
    try:
        if pub is not None:
            pol = verify_policy(doc, pub.public_key)
        else:
            b64d(str(doc.get("signature")), size=64)
            pol = Policy.from_dict(doc.get("policy"))  # type: ignore[arg-type]
    except AuthenticationFailed:
        raise _bad_signature("signed policy", name) from None
    except (CryptoError, IntelError) as exc:
        raise CliError(f"signed policy {name}: {exc}") from None
    return _policy_text("Renkei markings policy (signed)", pol,
                        "valid, signed by the given authority" if pub else NOT_CHECKED)


def show_authority(data: bytes, name: str, pub: AuthorityPublic | None) -> str:
    try:
        this = AuthorityPublic.parse(data)
    except CryptoError as exc:
        raise CliError(f"authority public key {name}: {exc}") from None
    rows = [("fingerprint", this.fingerprint)]
    if pub is not None:
        if pub.public_key != this.public_key:
            raise CliError(f"authority public key {name} is not the given authority "
                           f"({pub.fingerprint})")
        rows.append(("matches", "the given authority"))
    return _lines("Renkei authority public key", rows)


def show_key(d: dict[str, Any], name: str) -> str:
    try:
        fp = authority_fingerprint(b64d(str(d.get("public_key")), size=32))
    except CryptoError as exc:
        raise CliError(f"authority key {name}: {exc}") from None
    if d.get("renkei_authority_key_ref") == 1:
        where = f"OS keyring (service {d.get('service')!r}, user {d.get('username')!r})"
    else:
        where = f"this file, Argon2id (ops {d.get('ops')}, mem {d.get('mem')} bytes) + AEAD"
    return _lines("Renkei authority private key (not shown)",
                  [("fingerprint", fp), ("key kept in", where)])


def show_state(data: bytes, name: str, now: int) -> str:
    st = State.parse(data, name)
    revoked = st.revoked_serials()
    text = _lines("Renkei authority state", [
        ("fingerprint", st.fingerprint), ("key kept in", st.key_storage),
        ("next serial", str(st.next_serial)),
        ("last revocation list", str(st.last_crl_serial) if st.last_crl_serial else "none yet"),
        ("issued", str(len(st.issued))), ("revoked", str(len(revoked)))])
    for i in st.issued:
        status = ("revoked" if i.serial in revoked or i.device_id in st.revoked_devices()
                  else "expired" if now >= i.not_after else "valid")
        text += (f"\n    serial {i.serial}  {i.user_id}@{i.org}  {i.level}"
                 f"  [{_list(i.compartments)}]  until {when(i.not_after)}  {status}")
    return text


def show(path: str, authority_path: str | None, crl_path: str | None, now: int) -> str:
    pub = load_authority(authority_path) if authority_path else None
    crl = load_crl(crl_path, pub) if crl_path else None
    data = read_input(path, "file")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise CliError(f"{path} is not a Renkei document (not valid JSON)") from None
    if not isinstance(doc, dict):
        raise CliError(f"{path} is not a Renkei document (not a JSON object)")
    if "renkei_authority" in doc:
        return show_authority(data, path, pub)
    if "renkei_authority_key" in doc or "renkei_authority_key_ref" in doc:
        return show_key(doc, path)
    if "renkei_authority_state" in doc:
        return show_state(data, path, now)
    if "certificate" in doc:
        return show_certificate(doc, path, pub, crl, now)
    if "enrolment" in doc:
        return show_enrolment(doc, path)
    if "revocation_list" in doc:
        return show_crl(doc, path, pub)
    if "policy" in doc and "signature" in doc:
        return show_policy(doc, path, pub)
    if "levels" in doc:
        try:
            pol = Policy.from_dict(doc)
        except IntelError as exc:
            raise CliError(f"policy {path}: {exc}") from None
        return _policy_text("Renkei markings policy (unsigned)", pol, "none (not signed)")
    raise CliError(f"{path} is not a Renkei document this tool knows (authority.pub, "
                   "certificate, enrolment request, revocation list, policy)")
