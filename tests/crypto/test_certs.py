"""Enrolment requests, certificates, revocation lists and the signed markings policy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crypto import primitives as p
from crypto.certs import (
    MAX_VALIDITY_S,
    Certificate,
    EnrolmentRequest,
    Revocation,
    RevocationList,
    SignedCertificate,
    check_validity,
    empty_crl,
    issue_certificate,
    sign_policy,
    verify_policy,
)
from crypto.encoding import b64e, canonical
from crypto.errors import (
    AuthenticationFailed,
    CertificateRejected,
    CryptoError,
    EncodingError,
)
from crypto.identity import DeviceKeys, authority_fingerprint
from intel.errors import LabelError, PolicyError
from intel.markings import Policy


# ---------------------------------------------------------------------------- enrolment
def test_enrolment_request_round_trip(pki: Any) -> None:
    k = DeviceKeys.generate()
    doc = EnrolmentRequest.create(k, "analyst.1@example", "山田 太郎", "org-a", pki.NOW)
    req = EnrolmentRequest.verify(json.dumps(doc))
    assert (req.user_id, req.display_name, req.org, req.created) == (
        "analyst.1@example", "山田 太郎", "org-a", pki.NOW)
    assert req.keys == k.public
    assert EnrolmentRequest.verify(doc) == req


def test_enrolment_request_is_proof_of_possession(pki: Any) -> None:
    k, other = DeviceKeys.generate(), DeviceKeys.generate()
    doc = EnrolmentRequest.create(k, "alice", "Alice", "org-a", pki.NOW)
    # Someone else's keys pasted into the request: the signature no longer matches.
    forged = json.loads(json.dumps(doc))
    forged["enrolment"]["keys"] = other.public.to_dict()
    with pytest.raises(AuthenticationFailed):
        EnrolmentRequest.verify(forged)
    # Signed with the auth key instead of the signing key: refused.
    req = EnrolmentRequest.from_body(doc["enrolment"])
    wrong = {"enrolment": doc["enrolment"],
             "signature": b64e(p.sign(k.auth_key, p.CTX_ENROL, canonical(req.body())))}
    with pytest.raises(AuthenticationFailed):
        EnrolmentRequest.verify(wrong)
    tampered = json.loads(json.dumps(doc))
    tampered["enrolment"]["org"] = "org-b"
    with pytest.raises(AuthenticationFailed):
        EnrolmentRequest.verify(tampered)


@pytest.mark.parametrize("change,message", [
    ({"v": 2}, "unsupported version"),
    ({"user_id": "bad user"}, "user_id"),
    ({"user_id": ""}, "user_id"),
    ({"display_name": " "}, "display_name"),
    ({"display_name": "x" * 201}, "display_name"),
    ({"org": "org/a"}, "org"),
    ({"keys": "nope"}, "'keys' must be an object"),
    ({"created": "now"}, "created"),
])
def test_enrolment_request_field_errors(pki: Any, change: dict[str, Any], message: str) -> None:
    doc = EnrolmentRequest.create(DeviceKeys.generate(), "alice", "Alice", "org-a", pki.NOW)
    doc["enrolment"].update(change)
    with pytest.raises(EncodingError, match=message):
        EnrolmentRequest.verify(doc)


@pytest.mark.parametrize("doc", [
    "not json", "[]", {"enrolment": {}}, {"signature": "AAAA"},
    {"enrolment": {}, "signature": "AAAA", "extra": 1}, {"enrolment": [], "signature": "AA"},
])
def test_signed_document_shape_errors(doc: Any) -> None:
    with pytest.raises(EncodingError):
        EnrolmentRequest.verify(doc)


# ---------------------------------------------------------------------------- certificates
def test_certificate_round_trip(pki: Any) -> None:
    dev = pki.device("alice", org="org-a", level="SECRET", compartments=["CYBER", "OT"],
                     roles=["room-admin", "downgrade"])
    for form in (dev.signed.to_bytes(), dev.signed.to_bytes().decode(), dev.signed.to_dict(),
                 json.loads(json.dumps(dev.signed.to_dict()))):
        back = SignedCertificate.parse(form)
        assert back == dev.signed
        cert = back.verify(pki.pk, pki.NOW)
        assert cert.device_id == dev.device_id
        assert cert.issuer == authority_fingerprint(pki.pk)
        assert cert.clearance.level == "SECRET"
        assert cert.clearance.compartments == {"CYBER", "OT"}
        assert cert.clearance.roles == {"room-admin", "downgrade"}
    body = dev.signed.to_dict()["certificate"]
    assert body["compartments"] == ["CYBER", "OT"] and body["roles"] == ["downgrade", "room-admin"]


def test_certificate_validity_window(pki: Any) -> None:
    dev = pki.device("bob", not_before=pki.NOW, not_after=pki.NOW + 100)
    dev.signed.verify(pki.pk, pki.NOW)  # first second is valid
    dev.signed.verify(pki.pk, pki.NOW + 99)
    with pytest.raises(CertificateRejected, match="not valid yet"):
        dev.signed.verify(pki.pk, pki.NOW - 1)
    with pytest.raises(CertificateRejected, match="has expired"):
        dev.signed.verify(pki.pk, pki.NOW + 100)


def test_certificate_revoked_by_serial_and_by_device(pki: Any) -> None:
    a, b, c = pki.device("a"), pki.device("b"), pki.device("c")
    crl = pki.crl(1, [pki.revocation(a), pki.revocation(b, by_device=True)])
    crl = RevocationList.verify(crl.to_bytes(), pki.pk)
    assert crl.is_revoked(a.cert) and crl.is_revoked(b.cert) and not crl.is_revoked(c.cert)
    for dev in (a, b):
        with pytest.raises(CertificateRejected, match="has been revoked"):
            dev.signed.verify(pki.pk, pki.NOW, crl)
    c.signed.verify(pki.pk, pki.NOW, crl)
    # A new certificate for the same revoked device keys is still refused (by device id).
    again = pki.device("b", keys=b.keys)
    with pytest.raises(CertificateRejected):
        check_validity(again.cert, pki.NOW, crl)
    assert not empty_crl().is_revoked(a.cert)


def test_certificate_forged_by_another_authority(pki: Any, other_pki: Any) -> None:
    forged = other_pki.device("mallory", level="TOP-SECRET")
    with pytest.raises(AuthenticationFailed):
        forged.signed.verify(pki.pk, pki.NOW)
    # Re-labelling the issuer field to the pinned authority does not help.
    cert = forged.cert
    body = dict(cert.body(), issuer=authority_fingerprint(pki.pk))
    doc = {"certificate": body, "signature": b64e(forged.signed.signature)}
    with pytest.raises(AuthenticationFailed):
        SignedCertificate.parse(doc).verify(pki.pk, pki.NOW)


def test_certificate_issuer_must_name_the_verifying_authority(pki: Any, other_pki: Any) -> None:
    dev = pki.device("alice")
    body = dict(dev.cert.body(), issuer=authority_fingerprint(other_pki.pk))
    cert = Certificate.from_body(body)
    signed = SignedCertificate(cert, p.sign(pki.authority, p.CTX_CERT, canonical(cert.body())))
    with pytest.raises(CertificateRejected, match="different authority"):
        signed.verify(pki.pk, pki.NOW)


@pytest.mark.parametrize("field_name,value", [
    ("level", "TOP-SECRET"), ("compartments", ["CYBER", "FIN", "OT"]), ("roles", ["downgrade"]),
    ("not_after", 1_760_000_000 + 3 * 365 * 86400), ("not_before", 0), ("user_id", "mallory"),
    ("org", "org-z"), ("display_name", "Someone Else"), ("serial", 999_999),
    ("issued_at", 1), ("issuer", "ABCD"),
])
def test_certificate_tampered_fields_fail(pki: Any, field_name: str, value: Any) -> None:
    dev = pki.device("carol", level="CONFIDENTIAL")
    d = dev.signed.to_dict()
    assert d["certificate"][field_name] != value
    d["certificate"][field_name] = value
    with pytest.raises(AuthenticationFailed):
        SignedCertificate.parse(d).verify(pki.pk, pki.NOW)


def test_certificate_with_swapped_keys_is_refused(pki: Any) -> None:
    dev = pki.device("dave")
    other = DeviceKeys.generate().public
    d = dev.signed.to_dict()
    # Other keys with the old device id: the id no longer matches the keys.
    d["certificate"]["keys"] = other.to_dict()
    with pytest.raises(EncodingError, match="device id does not match"):
        SignedCertificate.parse(d)
    # Other keys with their matching id: the authority never signed that.
    d["certificate"]["device_id"] = other.device_id
    with pytest.raises(AuthenticationFailed):
        SignedCertificate.parse(d).verify(pki.pk, pki.NOW)


@pytest.mark.parametrize("change,message", [
    ({"v": 2}, "unsupported version"),
    ({"roles": ["root"]}, "unknown role"),
    ({"roles": "publisher"}, "required"),
    ({"compartments": [1]}, "must be strings"),
    ({"serial": "1"}, "serial"),
    ({"not_after": 0}, "validity period is empty"),
    ({"device_id": "d" + "0" * 32}, "device id does not match"),
    ({"level": ""}, "level"),
])
def test_certificate_body_errors(pki: Any, change: dict[str, Any], message: str) -> None:
    d = pki.device("erin").signed.to_dict()
    d["certificate"].update(change)
    with pytest.raises(EncodingError, match=message):
        SignedCertificate.parse(d)


def test_issue_certificate_checks_policy_and_validity(pki: Any, policy: Policy) -> None:
    req = EnrolmentRequest.verify(
        EnrolmentRequest.create(DeviceKeys.generate(), "frank", "Frank", "org-a", pki.NOW))
    common: dict[str, Any] = {"serial": 1, "roles": [], "now": pki.NOW, "policy": policy}
    with pytest.raises(LabelError, match="unknown level"):
        issue_certificate(pki.authority, req, level="COSMIC", compartments=[],
                          not_before=pki.NOW, not_after=pki.NOW + 10, **common)
    with pytest.raises(EncodingError, match="unknown compartment"):
        issue_certificate(pki.authority, req, level="SECRET", compartments=["NUCLEAR"],
                          not_before=pki.NOW, not_after=pki.NOW + 10, **common)
    with pytest.raises(EncodingError, match="at most three years"):
        issue_certificate(pki.authority, req, level="SECRET", compartments=[],
                          not_before=pki.NOW, not_after=pki.NOW + MAX_VALIDITY_S + 1, **common)
    with pytest.raises(EncodingError, match="validity must be positive"):
        issue_certificate(pki.authority, req, level="SECRET", compartments=[],
                          not_before=pki.NOW, not_after=pki.NOW, **common)
    with pytest.raises(EncodingError, match="unknown role"):
        issue_certificate(pki.authority, req, serial=1, level="SECRET", compartments=[],
                          roles=["god"], not_before=pki.NOW, not_after=pki.NOW + 10,
                          now=pki.NOW)


def test_certificate_signature_covers_the_received_bytes(pki: Any) -> None:
    dev = pki.device("grace", compartments=["CYBER"])
    for change in ({"extra": "injected"}, {"compartments": ["CYBER", "CYBER"]}):
        d = dev.signed.to_dict()
        d["certificate"].update(change)
        with pytest.raises((AuthenticationFailed, EncodingError)):
            SignedCertificate.parse(d).verify(pki.pk, pki.NOW)


# ---------------------------------------------------------------------------- revocation
def test_crl_round_trip_and_order(pki: Any) -> None:
    entries = [Revocation(7, "d" + "7" * 32, pki.NOW, "left"),
               Revocation(3, "d" + "3" * 32, pki.NOW - 5, "key compromise 鍵の漏洩")]
    crl = pki.crl(4, entries)
    back = RevocationList.verify(crl.to_bytes(), pki.pk)
    assert back.serial == 4 and back.issued_at == pki.NOW
    assert [e.serial for e in back.entries] == [3, 7]
    assert back.revoked_serials == {3, 7} and back.revoked_devices == {"d" + "7" * 32,
                                                                        "d" + "3" * 32}
    assert RevocationList.verify(crl.to_dict(), pki.pk, previous_serial=4).serial == 4


def test_crl_rollback_is_refused(pki: Any) -> None:
    old = pki.crl(5, [])
    with pytest.raises(CertificateRejected, match="refusing a rollback"):
        RevocationList.verify(old.to_bytes(), pki.pk, previous_serial=6)
    assert RevocationList.verify(pki.crl(7, []).to_bytes(), pki.pk, previous_serial=6).serial == 7


def test_crl_forged_or_tampered(pki: Any, other_pki: Any) -> None:
    dev = pki.device("henry")
    crl = pki.crl(9, [pki.revocation(dev)])
    with pytest.raises(AuthenticationFailed):
        RevocationList.verify(other_pki.crl(10, []).to_bytes(), pki.pk)
    # The server drops an entry (un-revokes a device): refused.
    d = crl.to_dict()
    d["revocation_list"]["revoked"] = []
    with pytest.raises(AuthenticationFailed):
        RevocationList.verify(d, pki.pk)
    # The server bumps the serial of an old list to pass the rollback check: refused.
    d = pki.crl(1, []).to_dict()
    d["revocation_list"]["serial"] = 100
    with pytest.raises(AuthenticationFailed):
        RevocationList.verify(d, pki.pk, previous_serial=9)


def test_crl_malformed_entries(pki: Any) -> None:
    for body in ({"v": 1, "serial": 1, "issued_at": 1, "revoked": ["x"]},
                 {"v": 1, "serial": 1, "issued_at": 1, "revoked": {}},
                 {"v": 2, "serial": 1, "issued_at": 1, "revoked": []},
                 {"v": 1, "serial": "1", "issued_at": 1, "revoked": []},
                 {"v": 1, "serial": 1, "issued_at": 1,
                  "revoked": [{"serial": 1, "device_id": 5, "revoked_at": 1, "reason": ""}]}):
        doc = {"revocation_list": body,
               "signature": b64e(p.sign(pki.authority, p.CTX_CRL, canonical(body)))}
        with pytest.raises(EncodingError):
            RevocationList.verify(doc, pki.pk)


def test_lone_surrogate_in_a_signed_document_is_a_crypto_error(pki: Any) -> None:
    body = {"v": 1, "serial": 1, "issued_at": 1,
            "revoked": [{"serial": 1, "device_id": "d", "revoked_at": 1, "reason": "\ud800"}]}
    doc = {"revocation_list": body, "signature": b64e(bytes(64))}
    with pytest.raises(CryptoError):
        RevocationList.verify(json.dumps(doc), pki.pk)
    with pytest.raises((CryptoError, PolicyError)):
        verify_policy(json.dumps({"policy": {"name": "\ud800"}, "signature": b64e(bytes(64))}),
                      pki.pk)


# ---------------------------------------------------------------------------- policy
def test_policy_signing_round_trip(pki: Any, policy: Policy) -> None:
    doc = sign_policy(pki.authority, policy)
    back = verify_policy(json.dumps(doc, ensure_ascii=False).encode(), pki.pk)
    assert back == policy and back.to_dict() == policy.to_dict()
    assert back.level("SECRET").name_ja == "極秘"


def test_policy_tampered_or_forged(pki: Any, other_pki: Any, policy: Policy) -> None:
    doc = sign_policy(pki.authority, policy)
    doc["policy"]["levels"][0]["key"] = "PUBLIC"
    with pytest.raises(AuthenticationFailed):
        verify_policy(doc, pki.pk)
    with pytest.raises(AuthenticationFailed):
        verify_policy(sign_policy(other_pki.authority, policy), pki.pk)
    # Authentic but malformed content is a policy error, not a crash.
    bad = {"name": "x", "version": 0, "levels": []}
    doc = {"policy": bad, "signature": b64e(p.sign(pki.authority, p.CTX_POLICY, canonical(bad)))}
    with pytest.raises(PolicyError):
        verify_policy(doc, pki.pk)
