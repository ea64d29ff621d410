"""Epoch key batches and deliveries: round trips, tampering, commitment, misdirection."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from crypto import primitives as p
from crypto.encoding import b64e, canonical
from crypto.errors import AuthenticationFailed, EncodingError
from crypto.groupkeys import (
    EpochKey,
    KeyDelivery,
    new_epoch_key,
    open_key_delivery,
    seal_epoch_key,
)
from crypto.identity import DeviceKeys
from sync.wire import KeyDeliveryWire

ROOM = "room-joint-1"
LABEL = "CONFIDENTIAL//TLP:GREEN"


@pytest.fixture(scope="module")
def setup(pki: Any) -> tuple[Any, list[Any], EpochKey, list[KeyDelivery]]:
    sender = pki.device("keymaker", level="SECRET")
    readers = [pki.device(f"reader{i}", level="CONFIDENTIAL") for i in range(4)]
    ek = new_epoch_key(ROOM, LABEL, 7, sender.device_id, pki.NOW_MS)
    deliveries = seal_epoch_key(ek, sender.keys, [r.cert for r in readers])
    return sender, readers, ek, deliveries


def test_delivery_round_trip_through_wire_and_json(setup: Any) -> None:
    sender, readers, ek, deliveries = setup
    assert [d.to for d in deliveries] == [r.device_id for r in readers]
    for r, kd in zip(readers, deliveries, strict=True):
        wire = json.loads(json.dumps(kd.to_wire()))
        assert KeyDeliveryWire.model_validate(wire).model_dump() == wire
        back = KeyDelivery.from_wire(wire)
        assert back == kd
        got = open_key_delivery(back, r.keys, sender.sign_pk)
        assert got == ek
        assert got.commitment == ek.commitment


def test_one_ephemeral_key_and_one_signature_per_batch(setup: Any) -> None:
    _, _, _, deliveries = setup
    assert len({d.header for d in deliveries}) == 1
    assert len({d.signature for d in deliveries}) == 1
    assert len({d.wrapped for d in deliveries}) == len(deliveries)
    h = deliveries[0].header_unverified()
    assert set(h) == {"v", "room", "label", "epoch", "sender", "created", "eph", "commit"}
    assert h["room"] == ROOM and h["label"] == LABEL and h["epoch"] == 7
    # The epoch key itself never appears in the clear, only its commitment.
    assert h["commit"] != b64e(setup[2].key)


def test_delivery_every_byte_flip_fails(setup: Any) -> None:
    sender, readers, _, deliveries = setup
    kd, me = deliveries[2], readers[2]
    survivors = []
    for part in ("header", "signature", "nonce", "wrapped"):
        data: bytes = getattr(kd, part)
        for i in range(len(data)):
            for mask in (0x01, 0x80):
                bad = replace(kd, **{part: data[:i] + bytes([data[i] ^ mask]) + data[i + 1:]})
                try:
                    open_key_delivery(bad, me.keys, sender.sign_pk)
                except AuthenticationFailed:
                    continue
                survivors.append(f"{part}[{i}]^{mask:#x}")
    assert survivors == []


def test_delivery_cannot_be_redirected(setup: Any) -> None:
    sender, readers, _, deliveries = setup
    # The server hands reader 0's delivery to reader 1, relabelled or not.
    with pytest.raises(AuthenticationFailed):
        open_key_delivery(deliveries[0], readers[1].keys, sender.sign_pk)
    with pytest.raises(AuthenticationFailed):
        open_key_delivery(replace(deliveries[0], to=readers[1].device_id), readers[1].keys,
                          sender.sign_pk)
    # An uncleared device that got hold of the batch cannot open anyone's copy.
    outsider = DeviceKeys.generate()
    for kd in deliveries:
        with pytest.raises(AuthenticationFailed):
            open_key_delivery(replace(kd, to=outsider.device_id), outsider, sender.sign_pk)


def test_delivery_from_an_impostor_fails(setup: Any) -> None:
    sender, readers, _, deliveries = setup
    with pytest.raises(AuthenticationFailed):
        open_key_delivery(deliveries[0], readers[0].keys, readers[1].sign_pk)
    # The device's encryption key is not a signing key.
    with pytest.raises(AuthenticationFailed):
        open_key_delivery(deliveries[0], readers[0].keys, sender.cert.keys.enc_pk)


def test_key_commitment_stops_a_sender_splitting_the_room(pki: Any, setup: Any) -> None:
    # A malicious sender signs one header but wraps a different key for one recipient.
    sender, readers, ek, deliveries = setup
    other_key = p.random_bytes(32)
    h = deliveries[0].header
    eph_sk, eph_pk = p.x25519_keypair()
    hd = json.loads(h)
    hd["eph"] = b64e(eph_pk)
    header = canonical(hd)
    sig = p.sign(sender.keys.sign_key, p.CTX_KEYBATCH, header)
    me = readers[0]
    kek = p.wrap_key(p.x25519(eph_sk, me.cert.keys.enc_pk), eph_pk, me.cert.keys.enc_pk)
    nonce, wrapped = p.aead_encrypt(kek, other_key, header + me.device_id.encode())
    forged = KeyDelivery(header, sig, me.device_id, nonce, wrapped)
    with pytest.raises(AuthenticationFailed):
        open_key_delivery(forged, me.keys, sender.sign_pk)
    # The same construction with the committed key opens (the test is not vacuous).
    nonce, wrapped = p.aead_encrypt(kek, ek.key, header + me.device_id.encode())
    assert open_key_delivery(KeyDelivery(header, sig, me.device_id, nonce, wrapped), me.keys,
                             sender.sign_pk).key == ek.key


def test_signed_but_malformed_batch_header_is_opaque(setup: Any) -> None:
    sender, readers, _, deliveries = setup
    me, kd = readers[0], deliveries[0]
    for header in (b"[]", canonical({"v": 1}), canonical({"eph": "AAAA", "commit": "AAAA"}),
                   b"not json"):
        sig = p.sign(sender.keys.sign_key, p.CTX_KEYBATCH, header)
        with pytest.raises(AuthenticationFailed):
            open_key_delivery(replace(kd, header=header, signature=sig), me.keys, sender.sign_pk)


def test_redelivery_names_and_is_signed_by_the_delivering_device(setup: Any) -> None:
    # History sharing: a member other than the creator re-delivers an old epoch key.
    sender, readers, ek, _ = setup
    relay, newcomer = readers[0], readers[1]
    (kd,) = seal_epoch_key(ek, relay.keys, [newcomer.cert])
    assert kd.header_unverified()["sender"] == relay.device_id
    with pytest.raises(AuthenticationFailed):
        open_key_delivery(kd, newcomer.keys, sender.sign_pk)
    got = open_key_delivery(kd, newcomer.keys, relay.sign_pk)
    assert (got.key, got.epoch, got.sender) == (ek.key, ek.epoch, relay.device_id)


def test_seal_and_new_epoch_key_checks(setup: Any) -> None:
    sender, readers, ek, _ = setup
    with pytest.raises(ValueError, match="epochs start at 1"):
        new_epoch_key(ROOM, LABEL, 0, sender.device_id, 0)
    assert seal_epoch_key(ek, sender.keys, []) == []
    a = new_epoch_key(ROOM, LABEL, 1, sender.device_id, 0)
    b = new_epoch_key(ROOM, LABEL, 1, sender.device_id, 0)
    assert a.key != b.key and a.commitment != b.commitment


@pytest.mark.parametrize("wire", [
    {}, {"h": "AA", "s": "AA", "to": "x", "n": "AA", "k": "AA"},
    {"h": "AA", "s": "A" * 86, "to": "x", "n": "A" * 32, "k": "A" * 43},
    {"h": 1, "s": "A" * 86, "to": "x", "n": "A" * 32, "k": "A" * 64},
])
def test_delivery_from_wire_rejects_malformed(wire: dict[str, Any]) -> None:
    with pytest.raises(EncodingError):
        KeyDelivery.from_wire(wire)
