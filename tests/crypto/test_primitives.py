"""Primitives and canonical encoding: domain separation, canonical JSON, base64url."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto import primitives as p
from crypto.encoding import b64d, b64e, canonical, field, parse_canonical, parse_json_object
from crypto.errors import AuthenticationFailed, EncodingError

CONTEXTS = [v for k, v in vars(p).items() if k.startswith("CTX_")]
PERSONS = [v for k, v in vars(p).items() if k.startswith("P_")]


def test_contexts_and_personalisations_are_distinct_and_well_formed() -> None:
    assert len(CONTEXTS) == 9 and len(set(CONTEXTS)) == len(CONTEXTS)
    assert all(c.startswith(b"renkei/v1/") for c in CONTEXTS)
    assert len(PERSONS) == 8 and len(set(PERSONS)) == len(PERSONS)
    # BLAKE2b personalisation is 16 bytes; longer would be truncated or refused.
    assert all(0 < len(x) <= 16 for x in PERSONS)


def test_signature_under_one_context_never_verifies_under_another() -> None:
    key = p.new_signing_key()
    pk = bytes(key.verify_key)
    msg = b"the same bytes for every purpose"
    sigs = {c: p.sign(key, c, msg) for c in CONTEXTS}
    for c in CONTEXTS:
        p.verify(pk, c, msg, sigs[c])
    for signed_as, checked_as in itertools.permutations(CONTEXTS, 2):
        with pytest.raises(AuthenticationFailed):
            p.verify(pk, checked_as, msg, sigs[signed_as])


def test_context_framing_prevents_prefix_shifting() -> None:
    # Without the length prefix, ("ab", "cd") and ("abc", "d") would sign the same bytes.
    key = p.new_signing_key()
    sig = p.sign(key, b"renkei/v1/ab", b"cdef")
    with pytest.raises(AuthenticationFailed):
        p.verify(bytes(key.verify_key), b"renkei/v1/abc", b"def", sig)
    with pytest.raises(ValueError):
        p.sign(key, b"", b"x")
    with pytest.raises(ValueError):
        p.sign(key, b"x" * 256, b"x")


@pytest.mark.parametrize("pk_len,sig_len", [(31, 64), (33, 64), (32, 63), (32, 65), (0, 0)])
def test_verify_rejects_bad_lengths_opaquely(pk_len: int, sig_len: int) -> None:
    with pytest.raises(AuthenticationFailed) as exc:
        p.verify(b"k" * pk_len, p.CTX_ENVELOPE, b"m", b"s" * sig_len)
    assert str(exc.value) == "authentication failed"


def test_derivations_are_separated_by_personalisation_and_key() -> None:
    k1, k2 = p.random_bytes(32), p.random_bytes(32)
    outs = {p.derive_key(k1, person, b"info") for person in PERSONS}
    assert len(outs) == len(PERSONS)
    assert p.derive_key(k1, p.P_MSGKEY, b"info") != p.derive_key(k2, p.P_MSGKEY, b"info")
    assert p.derive_key(k1, p.P_MSGKEY, b"info") == p.derive_key(k1, p.P_MSGKEY, b"info")
    assert p.hash32(b"x") != p.hash32(b"x", p.P_COMMIT)
    with pytest.raises(ValueError):
        p.derive_key(b"short", p.P_MSGKEY, b"info")


def test_aead_round_trip_and_every_failure_is_opaque() -> None:
    key = p.random_bytes(32)
    nonce, ct = p.aead_encrypt(key, b"payload", b"aad")
    assert len(nonce) == p.NONCE_BYTES and len(ct) == len(b"payload") + 16
    assert p.aead_decrypt(key, nonce, ct, b"aad") == b"payload"
    bad = [
        (p.random_bytes(32), nonce, ct, b"aad"),
        (key, p.random_bytes(24), ct, b"aad"),
        (key, nonce, ct, b"aaD"),
        (key, nonce, ct[:-1], b"aad"),
        (key, nonce[:-1], ct, b"aad"),
        (key[:31], nonce, ct, b"aad"),
        (key, nonce, b"", b"aad"),
    ]
    for args in bad:
        with pytest.raises(AuthenticationFailed):
            p.aead_decrypt(*args)
    # Random nonces: the same plaintext never gives the same ciphertext twice.
    assert p.aead_encrypt(key, b"payload", b"aad") != p.aead_encrypt(key, b"payload", b"aad")


def test_x25519_agrees_and_refuses_low_order_points() -> None:
    a_sk, a_pk = p.x25519_keypair()
    b_sk, b_pk = p.x25519_keypair()
    assert p.x25519(a_sk, b_pk) == p.x25519(b_sk, a_pk)
    assert p.x25519_public(a_sk) == a_pk
    # The identity point and a small-order point give an all-zero secret: refused.
    for low in (bytes(32), bytes([1]) + bytes(31)):
        with pytest.raises(AuthenticationFailed):
            p.x25519(a_sk, low)
    # The KEK binds both public keys: swapping them changes it.
    shared = p.x25519(a_sk, b_pk)
    assert p.wrap_key(shared, a_pk, b_pk) != p.wrap_key(shared, b_pk, a_pk)


def test_passphrase_key_checks_inputs() -> None:
    salt = p.random_bytes(p.SALT_BYTES)
    k = p.passphrase_key("correct horse", salt, p.ARGON_OPS_MIN, p.ARGON_MEM_MIN)
    assert len(k) == 32
    assert k != p.passphrase_key("correct horsf", salt, p.ARGON_OPS_MIN, p.ARGON_MEM_MIN)
    with pytest.raises(EncodingError):
        p.passphrase_key("", salt, p.ARGON_OPS_MIN, p.ARGON_MEM_MIN)
    with pytest.raises(EncodingError):
        p.passphrase_key("x", salt[:-1], p.ARGON_OPS_MIN, p.ARGON_MEM_MIN)
    with pytest.raises(EncodingError):
        p.signing_key_from_seed(b"short")


# ---------------------------------------------------------------------- canonical JSON
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63) + 1, 2**63 - 1)
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(st.characters(exclude_categories=["Cs"]), max_size=8), children,
                      max_size=4),
    max_leaves=20,
)


@settings(deadline=None, max_examples=200)
@given(json_values)
def test_canonical_round_trip_and_uniqueness(value: object) -> None:
    data = canonical(value)
    assert parse_canonical(data) == value
    # Any other serialisation of the same value is refused as non-canonical, unless identical.
    pretty = json.dumps(value, indent=1, sort_keys=False).encode()
    if pretty != data:
        with pytest.raises(EncodingError):
            parse_canonical(pretty)


def test_canonical_rules() -> None:
    assert canonical({"b": 1, "a": [True, None, "日本"]}) == \
        '{"a":[true,null,"日本"],"b":1}'.encode()
    for bad in (1.5, float("nan"), b"bytes", {1: 2}, {"a": {1, 2}}, 2**63, -(2**63)):
        with pytest.raises(EncodingError):
            canonical(bad)
    deep: object = 0
    for _ in range(18):
        deep = [deep]
    with pytest.raises(EncodingError):
        canonical(deep)
    for bad_bytes in (b'{"a":1, "b":2}', b'{"b":1,"a":2}', b'{"a":1.0}', b"\xff",
                      b'{"a":1,"a":1}', b'"\\u65e5"', b"[" * 100_000, b"NaN"):
        with pytest.raises(EncodingError):
            parse_canonical(bad_bytes)


def test_lone_surrogates_are_an_encoding_error() -> None:
    with pytest.raises(EncodingError):
        canonical({"a": "\ud800"})
    with pytest.raises(EncodingError):
        parse_canonical(b'{"a":"\\ud800"}')


@settings(deadline=None, max_examples=200)
@given(st.binary(max_size=80))
def test_base64url_round_trip_is_unpadded_and_canonical(data: bytes) -> None:
    text = b64e(data)
    assert "=" not in text and "+" not in text and "/" not in text
    assert b64d(text) == data
    assert b64d(text, size=len(data)) == data
    with pytest.raises(EncodingError):
        b64d(text, size=len(data) + 1)


def test_base64url_rejects_non_canonical_forms() -> None:
    good = b64e(b"\xfb\xff\x01")
    assert good == "-_8B"
    for bad in ("+/8B", "-_8B=", "-_9", " -_8B", "-_8B\n", "-_!8B", "A", "AB", 5):
        with pytest.raises(EncodingError):
            b64d(bad)  # type: ignore[arg-type]
    # Trailing bits must be zero: "AB" decodes like "AA" but is not its canonical form.
    assert b64e(b64d("AA")) == "AA"
    with pytest.raises(EncodingError):
        b64d("AB")


def test_field_and_object_helpers() -> None:
    d = {"n": 3, "b": True, "s": "x"}
    assert field(d, "n", int, "doc") == 3
    with pytest.raises(EncodingError, match="must be an integer"):
        field(d, "b", int, "doc")
    with pytest.raises(EncodingError, match="'missing' must be str"):
        field(d, "missing", str, "doc")
    assert parse_json_object('{"a": 1}', "doc") == {"a": 1}
    with pytest.raises(EncodingError, match="doc must be a JSON object"):
        parse_json_object("[1]", "doc")
    with pytest.raises(EncodingError, match="doc is not valid JSON"):
        parse_json_object("{", "doc")
