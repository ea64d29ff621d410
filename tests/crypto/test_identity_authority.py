"""Device identity (ids, fingerprints, one key per purpose) and the authority key file."""

from __future__ import annotations

import json
import re

import pytest

from crypto import authority
from crypto import primitives as p
from crypto.encoding import b64e
from crypto.errors import EncodingError, KeyStorageError
from crypto.identity import DeviceKeys, DevicePublicKeys, authority_fingerprint, safety_number

MIN = {"ops": p.ARGON_OPS_MIN, "mem": p.ARGON_MEM_MIN}


def test_device_keys_round_trip_and_purposes_are_distinct() -> None:
    k = DeviceKeys.generate()
    raw = k.to_bytes()
    assert len(raw) == 96
    k2 = DeviceKeys.from_bytes(raw)
    assert k2.public == k.public and k2.device_id == k.device_id
    pub = k.public
    assert len({pub.sign_pk, pub.auth_pk, pub.enc_pk}) == 3
    assert pub.sign_pk == bytes(k.sign_key.verify_key)
    assert pub.auth_pk == bytes(k.auth_key.verify_key)
    assert pub.enc_pk == p.x25519_public(k.enc_sk)
    with pytest.raises(EncodingError):
        DeviceKeys.from_bytes(raw[:-1])
    for secret in (k.sign_seed, k.auth_seed, k.enc_sk):
        assert repr(secret) not in repr(k) and secret.hex() not in repr(k)


def test_device_id_and_fingerprint_are_bound_to_all_three_keys() -> None:
    pub = DeviceKeys.generate().public
    assert re.fullmatch(r"d[0-9a-f]{32}", pub.device_id)
    assert re.fullmatch(r"(\d{5} ){11}\d{5}", pub.fingerprint)
    other = DeviceKeys.generate().public
    for swapped in (
        DevicePublicKeys(other.sign_pk, pub.auth_pk, pub.enc_pk),
        DevicePublicKeys(pub.sign_pk, other.auth_pk, pub.enc_pk),
        DevicePublicKeys(pub.sign_pk, pub.auth_pk, other.enc_pk),
    ):
        assert swapped.device_id != pub.device_id
        assert swapped.fingerprint != pub.fingerprint
    # Deterministic: the same keys give the same id on every machine.
    again = DevicePublicKeys.from_dict(json.loads(json.dumps(pub.to_dict())))
    assert again.device_id == pub.device_id and again.fingerprint == pub.fingerprint


def test_public_keys_refuse_reuse_across_purposes_and_bad_sizes() -> None:
    pub = DeviceKeys.generate().public
    with pytest.raises(EncodingError, match="distinct key for each purpose"):
        DevicePublicKeys(pub.sign_pk, pub.sign_pk, pub.enc_pk)
    with pytest.raises(EncodingError, match="distinct key for each purpose"):
        DevicePublicKeys(pub.sign_pk, pub.auth_pk, pub.sign_pk)
    with pytest.raises(EncodingError, match="enc_pk must be 32 bytes"):
        DevicePublicKeys(pub.sign_pk, pub.auth_pk, pub.enc_pk[:31])
    d = pub.to_dict()
    del d["auth_pk"]
    with pytest.raises(EncodingError, match="missing public key"):
        DevicePublicKeys.from_dict(d)  # type: ignore[arg-type]
    d = pub.to_dict()
    d["enc_pk"] = b64e(b"\x00" * 31)
    with pytest.raises(EncodingError):
        DevicePublicKeys.from_dict(d)  # type: ignore[arg-type]


def test_safety_number_and_authority_fingerprint_format() -> None:
    assert safety_number(bytes(32)) == " ".join(["00000"] * 12)
    assert safety_number(b"\xff" * 32) == " ".join([f"{0xFFFFFF % 100000:05d}"] * 12)
    fp = authority_fingerprint(b"\x01" * 32)
    assert re.fullmatch(r"([0-9A-F]{4}-){15}[0-9A-F]{4}", fp)
    assert fp != authority_fingerprint(b"\x02" * 32)


def test_authority_key_protect_unprotect_round_trip() -> None:
    key = authority.generate()
    blob = authority.protect(key, "a long passphrase 合言葉", **MIN)
    assert blob.endswith(b"\n")
    d = json.loads(blob)
    assert d["kdf"] == "argon2id" and d["ops"] == p.ARGON_OPS_MIN and d["mem"] == p.ARGON_MEM_MIN
    # The seed never appears in the file.
    assert bytes(key).hex() not in blob.decode() and b64e(bytes(key)) not in blob.decode()
    back = authority.unprotect(blob, "a long passphrase 合言葉")
    assert bytes(back) == bytes(key)


def test_authority_key_wrong_passphrase_or_damage_is_key_storage_error() -> None:
    key = authority.generate()
    blob = authority.protect(key, "right", **MIN)
    with pytest.raises(KeyStorageError, match="wrong passphrase"):
        authority.unprotect(blob, "wrong")
    d = json.loads(blob)
    # Pairing the blob with another public key is refused (the key is associated data).
    d2 = dict(d, public_key=b64e(bytes(authority.generate().verify_key)))
    with pytest.raises(KeyStorageError):
        authority.unprotect(json.dumps(d2).encode(), "right")
    ct = bytearray(d["ciphertext"].encode())
    ct[3] = ord("A") if ct[3] != ord("A") else ord("B")
    with pytest.raises(KeyStorageError, match="wrong passphrase, or the authority key file"):
        authority.unprotect(json.dumps(dict(d, ciphertext=ct.decode())).encode(), "right")


@pytest.mark.parametrize("change", [
    {"renkei_authority_key": 2}, {"kdf": "scrypt"}, {"ops": 0}, {"mem": 1024}, {"ops": 17},
    {"ops": True}, {"salt": "AAAA"}, {"public_key": "AAAA"},
])
def test_authority_key_file_shape_errors(change: dict[str, object]) -> None:
    blob = authority.protect(authority.generate(), "pw", **MIN)
    bad = json.dumps(dict(json.loads(blob), **change)).encode()
    with pytest.raises(EncodingError):
        authority.unprotect(bad, "pw")


def test_authority_public_file_round_trip_and_fingerprint_check() -> None:
    key = authority.generate()
    pub = authority.public_of(key)
    assert authority.AuthorityPublic.parse(pub.to_bytes()) == pub
    d = json.loads(pub.to_bytes())
    d["fingerprint"] = authority_fingerprint(b"\x07" * 32)
    with pytest.raises(EncodingError, match="fingerprint does not match"):
        authority.AuthorityPublic.parse(json.dumps(d))
    other = authority.public_of(authority.generate())
    d["public_key"] = b64e(other.public_key)
    d["fingerprint"] = pub.fingerprint
    with pytest.raises(EncodingError):
        authority.AuthorityPublic.parse(json.dumps(d))


def test_describe_names_the_document_kind() -> None:
    assert authority.describe({"signature": "x", "certificate": {"a": 1}}) == {
        "kind": "certificate", "content": {"a": 1}}
