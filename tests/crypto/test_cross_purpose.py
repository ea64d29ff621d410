"""Cross-purpose and cross-protocol confusion: a signature or key made for one job never
works for another (Threema 2023 cross-protocol key reuse, Matrix 2022 protocol confusion)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from crypto import primitives as p
from crypto.certs import EnrolmentRequest, RevocationList, SignedCertificate, verify_policy
from crypto.encoding import b64e, canonical
from crypto.envelope import Envelope, _finish, new_header, open_group, seal_group
from crypto.errors import AuthenticationFailed, EncodingError, MembershipError
from crypto.groupkeys import KeyDelivery, new_epoch_key, open_key_delivery, seal_epoch_key
from crypto.membership import SignedEvent, apply_event
from crypto.requests import (
    sign_challenge,
    sign_request,
    verify_challenge,
    verify_request,
)

ROOM = "room-joint-1"
LABEL = "SECRET//TLP:AMBER"


def _env(dev: Any, key: bytes) -> Envelope:
    h = new_header(room=ROOM, sender=dev.device_id, seq=1, label=LABEL, epoch=1, created=1,
                   ctype="text/plain")
    return seal_group(h, b"hello", key, dev.keys)


def test_request_signature_is_never_a_content_signature(pki: Any) -> None:
    dev = pki.device("alice")
    k = dev.keys
    key = p.random_bytes(32)
    env = _env(dev, key)
    signed = env._signed_bytes()
    # Even a request signature over exactly the envelope's signed bytes (auth key,
    # CTX_REQUEST) does not pass as the envelope signature, under either public key.
    for sig in (p.sign(k.auth_key, p.CTX_REQUEST, signed),
                p.sign(k.sign_key, p.CTX_REQUEST, signed), sign_challenge(k, signed)):
        bad = replace(env, signature=sig)
        for pk in (dev.sign_pk, dev.cert.keys.auth_pk):
            with pytest.raises(AuthenticationFailed):
                open_group(bad, key, pk, room=ROOM)
    # The request key signing with the content context does not pass as the content key.
    bad = replace(env, signature=p.sign(k.auth_key, p.CTX_ENVELOPE, signed))
    with pytest.raises(AuthenticationFailed):
        open_group(bad, key, dev.sign_pk, room=ROOM)
    # And a content signature never authenticates a request.
    msg = b"GET /v1/sync"
    with pytest.raises(AuthenticationFailed):
        verify_challenge(dev.cert.keys.auth_pk, msg, p.sign(k.sign_key, p.CTX_CHALLENGE, msg))
    hdrs = sign_request(k, "GET", "/v1/sync", b"", 1000)
    sig_b = p.sign(k.sign_key, p.CTX_REQUEST, b"x")
    with pytest.raises(AuthenticationFailed):
        verify_request(dev.cert.keys.auth_pk, dev.device_id, "GET", "/v1/sync", b"", 1000,
                       hdrs["X-Renkei-Nonce"], sig_b)


def test_request_signature_is_not_a_membership_or_keybatch_signature(pki: Any) -> None:
    dev = pki.device("bob")
    body = {"v": 1, "room": ROOM, "index": 0, "prev": "0" * 64, "type": "create",
            "actor": dev.user_id, "device": dev.device_id, "created": pki.NOW_MS,
            "name": "r", "ceiling": LABEL, "history": "none"}
    for key, ctx in ((dev.keys.auth_key, p.CTX_REQUEST), (dev.keys.sign_key, p.CTX_REQUEST),
                     (dev.keys.sign_key, p.CTX_ENVELOPE), (dev.keys.sign_key, p.CTX_KEYBATCH),
                     (dev.keys.auth_key, p.CTX_MEMBERSHIP)):
        ev = SignedEvent(body, p.sign(key, ctx, canonical(body)))
        with pytest.raises(MembershipError, match="signature is invalid"):
            apply_event(None, ev, {dev.device_id: dev.cert}, room_id=ROOM)
    # The correct key and context do verify (the checks above are not vacuous).
    good = SignedEvent(body, p.sign(dev.keys.sign_key, p.CTX_MEMBERSHIP, canonical(body)))
    assert apply_event(None, good, {dev.device_id: dev.cert}, room_id=ROOM).members == {
        "bob": "admin"}

    ek = new_epoch_key(ROOM, LABEL, 1, dev.device_id, 0)
    reader = pki.device("reader")
    (kd,) = seal_epoch_key(ek, dev.keys, [reader.cert])
    for sig in (p.sign(dev.keys.auth_key, p.CTX_REQUEST, kd.header),
                p.sign(dev.keys.sign_key, p.CTX_MEMBERSHIP, kd.header),
                p.sign(dev.keys.sign_key, p.CTX_ENVELOPE, kd.header)):
        with pytest.raises(AuthenticationFailed):
            open_key_delivery(replace(kd, signature=sig), reader.keys, dev.sign_pk)


def test_membership_event_signature_does_not_verify_as_an_envelope(pki: Any) -> None:
    dev = pki.device("carol")
    key = p.random_bytes(32)
    env = _env(dev, key)
    as_event = p.sign(dev.keys.sign_key, p.CTX_MEMBERSHIP, env._signed_bytes())
    with pytest.raises(AuthenticationFailed):
        open_group(replace(env, signature=as_event), key, dev.sign_pk, room=ROOM)
    as_batch = p.sign(dev.keys.sign_key, p.CTX_KEYBATCH, env._signed_bytes())
    with pytest.raises(AuthenticationFailed):
        open_group(replace(env, signature=as_batch), key, dev.sign_pk, room=ROOM)
    # A key batch header signed as a batch cannot be replayed as an envelope header.
    ek = new_epoch_key(ROOM, LABEL, 1, dev.device_id, 0)
    (kd,) = seal_epoch_key(ek, dev.keys, [pki.device("x").cert])
    forged = Envelope(kd.header, env.nonce, env.ciphertext, kd.signature)
    with pytest.raises(AuthenticationFailed):
        forged.verify_signature(dev.sign_pk)


def test_encryption_key_is_never_accepted_as_a_signing_key(pki: Any) -> None:
    dev = pki.device("dave")
    key = p.random_bytes(32)
    env = _env(dev, key)
    enc_pk = dev.cert.keys.enc_pk
    with pytest.raises(AuthenticationFailed):
        open_group(env, key, enc_pk, room=ROOM)
    with pytest.raises(AuthenticationFailed):
        verify_request(enc_pk, dev.device_id, "GET", "/", b"", 1, "n" * 16, env.signature)
    # And the X25519 secret interpreted as an Ed25519 seed signs nothing the device key verifies.
    rogue = p.signing_key_from_seed(dev.keys.enc_sk)
    forged = _finish(env.header_bytes, env.nonce, env.ciphertext, replace(
        dev.keys, sign_seed=dev.keys.enc_sk))
    assert bytes(rogue.verify_key) != dev.sign_pk
    with pytest.raises(AuthenticationFailed):
        open_group(forged, key, dev.sign_pk, room=ROOM)


def test_authority_signatures_are_bound_to_the_document_kind(pki: Any, policy: Any) -> None:
    dev = pki.device("erin")
    cert_doc = dev.signed.to_dict()
    body, sig = cert_doc["certificate"], cert_doc["signature"]
    # A certificate's signature presented as a revocation list or a policy: refused.
    with pytest.raises(AuthenticationFailed):
        RevocationList.verify({"revocation_list": body, "signature": sig}, pki.pk)
    with pytest.raises(AuthenticationFailed):
        verify_policy({"policy": body, "signature": sig}, pki.pk)
    # A revocation list's signature presented as a certificate: refused.
    crl = pki.crl(1, [])
    crl_doc = crl.to_dict()
    with pytest.raises((AuthenticationFailed, EncodingError)):
        SignedCertificate.parse({"certificate": crl_doc["revocation_list"],
                                 "signature": crl_doc["signature"]}).verify(pki.pk, pki.NOW)
    # The same bytes signed under CTX_CERT never verify as CRL or policy, and vice versa.
    data = canonical(body)
    for signed_as, checked_as in ((p.CTX_CERT, p.CTX_CRL), (p.CTX_CERT, p.CTX_POLICY),
                                  (p.CTX_CRL, p.CTX_CERT), (p.CTX_POLICY, p.CTX_CERT),
                                  (p.CTX_ENROL, p.CTX_CERT)):
        with pytest.raises(AuthenticationFailed):
            p.verify(pki.pk, checked_as, data, p.sign(pki.authority, signed_as, data))


def test_a_device_cannot_self_certify_with_its_enrolment_signature(pki: Any) -> None:
    dev = pki.device("frank")
    doc = EnrolmentRequest.create(dev.keys, "frank", "Frank", "org-a", pki.NOW)
    body = dev.cert.body()
    forged = {"certificate": body,
              "signature": b64e(p.sign(dev.keys.sign_key, p.CTX_ENROL, canonical(body)))}
    with pytest.raises(AuthenticationFailed):
        SignedCertificate.parse(forged).verify(pki.pk, pki.NOW)
    # An enrolment signature verifies only as enrolment, under the device's own key.
    req_body, req_sig = doc["enrolment"], doc["signature"]
    with pytest.raises(AuthenticationFailed):
        SignedCertificate.parse(forged).verify(dev.sign_pk, pki.NOW)
    assert EnrolmentRequest.verify({"enrolment": req_body, "signature": req_sig}).user_id == \
        "frank"


def test_key_delivery_wrap_cannot_be_replayed_as_a_direct_wrap(pki: Any) -> None:
    # Same KEK derivation (P_WRAP) in both places, but the associated data (the signed
    # header) differs, so a batch's wrapped key is useless as a direct-mode wrap.
    sender, me = pki.device("gina"), pki.device("hank")
    ek = new_epoch_key(ROOM, LABEL, 1, sender.device_id, 0)
    (kd,) = seal_epoch_key(ek, sender.keys, [me.cert])
    assert isinstance(kd, KeyDelivery)
    with pytest.raises(AuthenticationFailed):
        p.aead_decrypt(ek.key, kd.nonce, kd.wrapped, kd.header)
