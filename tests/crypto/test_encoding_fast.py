"""The fast paths of ``crypto.encoding`` and ``crypto.envelope`` against the implementations
they replaced (the checked paths of ``crypto.encoding``; the old header decoder, kept here
verbatim): the same bytes or values out, the same inputs refused with the same message."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import nacl.bindings as nb
import nacl.exceptions
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey, VerifyKey

from crypto import encoding
from crypto import primitives as p
from crypto.encoding import b64d, b64e, parse_canonical
from crypto.envelope import ID_BYTES, VERSION, Header
from crypto.errors import AuthenticationFailed, EncodingError

SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# -- the reference implementations ----------------------------------------------------------
# The checked paths are the implementations the fast paths replaced, kept in crypto.encoding
# because they decide every input the fast paths do not accept (and word its error).
def ref_b64d(text: str, *, size: int | None = None) -> bytes:
    return encoding._b64d_checked(text, size)


ref_parse_canonical = encoding._parse_canonical_checked


# Header.decode as it was before its fast path (not kept in crypto.envelope).
def ref_header_decode(data: bytes) -> Header:
    d = ref_parse_canonical(data)
    if not isinstance(d, dict) or d.get("v") != VERSION:
        raise EncodingError("unsupported envelope header")
    try:
        mode = d["mode"]
        if mode not in ("group", "direct"):
            raise EncodingError("bad mode")
        ints = [d["seq"], d["epoch"], d["created"]]
        if any(isinstance(i, bool) or not isinstance(i, int) or i < 0 for i in ints):
            raise EncodingError("bad integer field")
        if d["seq"] < 1:
            raise EncodingError("sequence numbers start at 1")
        strs = [d["room"], d["sender"], d["label"], d["ctype"]]
        if any(not isinstance(s, str) or len(s) > 512 for s in strs):
            raise EncodingError("bad text field")
        to: tuple[str, ...] = ()
        eph = kc = b""
        if mode == "direct":
            raw_to = d["to"]
            if not isinstance(raw_to, list) or not all(isinstance(t, str) for t in raw_to):
                raise EncodingError("bad recipients")
            to = tuple(raw_to)
            eph = ref_b64d(d["eph"], size=32)
            kc = ref_b64d(d["kc"], size=32)
            expected = {"v", "id", "room", "sender", "seq", "label", "epoch", "created",
                        "ctype", "mode", "to", "eph", "kc"}
        else:
            expected = {"v", "id", "room", "sender", "seq", "label", "epoch", "created",
                        "ctype", "mode"}
        if set(d) != expected:
            raise EncodingError("unexpected header fields")
        return Header(ref_b64d(d["id"], size=ID_BYTES), d["room"], d["sender"], d["seq"],
                      d["label"], d["epoch"], d["created"], d["ctype"], mode, to, eph, kc)
    except (KeyError, TypeError) as exc:
        raise EncodingError("incomplete envelope header") from exc


def outcome(f: Any, *args: Any, **kw: Any) -> tuple[str, Any]:
    """("ok", value as exact JSON-ish repr) or ("error", message)."""
    try:
        v = f(*args, **kw)
    except EncodingError as exc:
        return "error", str(exc)
    return "ok", repr(v) if not isinstance(v, bytes | Header) else v


# -- base64url --------------------------------------------------------------------------------
B64ISH = st.text(alphabet=st.sampled_from(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n.é\x00"),
    max_size=40)


@SETTINGS
@given(B64ISH, st.one_of(st.none(), st.integers(0, 30)))
@example("", None)
@example("A", None)
@example("AB", None)
@example("AQ", None)  # spare bits set: non-canonical
@example("AA==", None)
@example("ab+c", None)
@example("ab c", None)
def test_b64d_same_as_reference(text: str, size: int | None) -> None:
    assert outcome(b64d, text, size=size) == outcome(ref_b64d, text, size=size)


@SETTINGS
@given(st.binary(max_size=200))
def test_b64d_round_trips_every_byte_string(data: bytes) -> None:
    assert b64d(b64e(data)) == data == ref_b64d(b64e(data))


def test_b64d_refuses_what_is_not_text() -> None:
    for bad in (b"AAAA", None, 5):
        assert outcome(b64d, bad) == outcome(ref_b64d, bad) == (
            "error", "expected base64url text")


# -- canonical JSON ---------------------------------------------------------------------------
SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.sampled_from([2**63 - 1, -(2**63 - 1), 2**63, -(2**63), 10**18, 10**19]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),  # includes lone surrogates
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=20,
)


def _renderings(value: Any) -> list[bytes]:
    out = []
    for kw in ({"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False},
               {"sort_keys": False, "separators": (",", ":"), "ensure_ascii": False},
               {"sort_keys": True, "ensure_ascii": True}):
        with contextlib.suppress(ValueError, TypeError):
            out.append(json.dumps(value, **kw).encode("utf-8", "surrogatepass"))
    return out


def _same(data: bytes) -> None:
    assert outcome(parse_canonical, data) == outcome(ref_parse_canonical, data)


@SETTINGS
@given(VALUES)
def test_parse_canonical_same_as_reference(value: Any) -> None:
    for data in _renderings(value):
        _same(data)


def _nested(depth: int) -> bytes:
    return ("[" * depth + "1" + "]" * depth).encode()


@pytest.mark.parametrize("data", [
    b'{"a":1}', b'{"a":1.0}', b'{"a":1e3}', b'{"a":NaN}', b'{"a":Infinity}', b'{"a":-Infinity}',
    b'{"a":-0}', b'{"b":1,"a":2}', b'{"a":1,"a":1}', b'{"a":"\\ud800"}', b'"\\ud83d\\ude00"',
    '"\U0001f600"'.encode(), b'"\xff"', b"\xef\xbb\xbf{}", b"", b" {}", b"{} ", b"[1,2]",
    b"9223372036854775807", b"-9223372036854775807", b"9223372036854775808",
    b"-9223372036854775808", b"00", b'{"a":"\\u00e9"}', '{"a":"é"}'.encode(), b'"\\/"',
    b"true", b"null", b"1" * 5000, _nested(16), _nested(17), _nested(40), _nested(5000),
    b'{"a":[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]}',
    b'[{"a":[{"b":[{"c":[{"d":[{"e":[{"f":[{"g":[{"h":1}]}]}]}]}]}]}]}]',
    b'[1.5e999]', b'[1,"x",[true,false,null]]',
])
def test_parse_canonical_edge_cases(data: bytes) -> None:
    _same(data)


@SETTINGS
@given(st.binary(max_size=40))
def test_parse_canonical_same_on_any_bytes(data: bytes) -> None:
    _same(data)


def test_canonical_output_is_unchanged() -> None:
    value = {"b": [1, {"z": "é\u2028\x00\"\\", "a": None}], "a": True, "c": -5}
    assert encoding.canonical(value) == json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    for bad in (1.5, 2**63, {"a": "\ud800"}, {1: 2}, b"x"):
        with pytest.raises(EncodingError):
            encoding.canonical(bad)


# -- envelope headers -------------------------------------------------------------------------
GOOD = {"v": 1, "id": b64e(b"\x01" * 16), "room": "room-abc", "sender": "d" + "a" * 32,
        "seq": 5, "label": "SECRET//TLP:AMBER", "epoch": 1, "created": 1_700_000_000_000,
        "ctype": "renkei/message", "mode": "group"}
DIRECT = dict(GOOD, mode="direct", epoch=0, to=["d" + "b" * 32],
              eph=b64e(b"\x02" * 32), kc=b64e(b"\x03" * 32))
FIELD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([2**62, "", "x" * 513]),
    st.text(max_size=6), st.lists(st.text(max_size=3), max_size=2),
    st.sampled_from(["group", "direct", b64e(b"\x01" * 16), b64e(b"\x01" * 15), "AQ"]),
)


@SETTINGS
@given(st.sampled_from([GOOD, DIRECT]),
       st.dictionaries(st.sampled_from(sorted(DIRECT) + ["extra"]), FIELD_VALUES, max_size=3),
       st.sets(st.sampled_from(sorted(DIRECT)), max_size=2))
def test_header_decode_same_as_reference(base: dict[str, Any], changes: dict[str, Any],
                                         dropped: set[str]) -> None:
    doc = {k: v for k, v in dict(base, **changes).items() if k not in dropped}
    data = encoding.canonical(doc)
    assert outcome(Header.decode, data) == outcome(ref_header_decode, data)


def test_header_round_trip() -> None:
    for doc in (GOOD, DIRECT):
        h = Header.decode(encoding.canonical(doc))
        assert h.encode() == encoding.canonical(doc) and h == ref_header_decode(h.encode())


# -- primitives -------------------------------------------------------------------------------
@SETTINGS
@given(st.binary(max_size=300), st.binary(max_size=16), st.binary(max_size=64))
def test_hash32_is_libsodium_generichash(data: bytes, person: bytes, key: bytes) -> None:
    want = bytes(nb.crypto_generichash_blake2b_salt_personal(
        data, digest_size=32, key=key, person=person.ljust(16, b"\0")))
    assert p.hash32(data, person, key) == want


def test_hash32_refuses_oversized_parameters() -> None:
    with pytest.raises(ValueError):
        p.hash32(b"x", b"p" * 17)
    with pytest.raises(ValueError):
        p.hash32(b"x", p.P_HASH, b"k" * 65)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200), st.integers(0, 63), st.integers(0, 7))
def test_verify_agrees_with_pynacl(message: bytes, where: int, bit: int) -> None:
    sk = SigningKey(b"\x07" * 32)
    pk = bytes(sk.verify_key)
    sig = p.sign(sk, p.CTX_ENVELOPE, message)
    p.verify(pk, p.CTX_ENVELOPE, message, sig)
    bad = bytearray(sig)
    bad[where] ^= 1 << bit
    with pytest.raises(AuthenticationFailed):
        p.verify(pk, p.CTX_ENVELOPE, message, bytes(bad))
    with pytest.raises(nacl.exceptions.BadSignatureError):
        VerifyKey(pk).verify(bytes([len(p.CTX_ENVELOPE)]) + p.CTX_ENVELOPE + message,
                             bytes(bad))
    with pytest.raises(AuthenticationFailed):
        p.verify(pk, p.CTX_CERT, message, sig)  # another context
