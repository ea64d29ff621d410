"""The request string is assembled by hand for speed; it must stay exactly canonical JSON."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.encoding import b64e, canonical
from crypto.errors import EncodingError
from crypto.requests import request_string

texts = st.text(max_size=40)


@settings(max_examples=500, deadline=None)
@given(texts, st.sampled_from(["get", "POST", "Put", "délète"]), texts,
       st.binary(min_size=32, max_size=32), st.integers(-(2**63) + 1, 2**63 - 1), texts)
def test_is_byte_for_byte_the_canonical_encoding(device: str, method: str, path: str,
                                                 digest: bytes, ts: int, nonce: str) -> None:
    try:
        expected = canonical({"d": device, "m": method.upper(), "p": path,
                              "b": b64e(digest), "t": ts, "n": nonce})
    except EncodingError:
        with pytest.raises(EncodingError):
            request_string(device, method, path, digest, ts, nonce)
        return
    assert request_string(device, method, path, digest, ts, nonce) == expected


def test_refuses_what_canonical_refuses() -> None:
    digest = bytes(32)
    with pytest.raises(EncodingError):
        request_string("d", "GET", "/\ud800", digest, 1, "nonce123")  # lone surrogate
    with pytest.raises(EncodingError):
        request_string("d", "GET", "/", digest, 2**63, "nonce123")  # out of range
    with pytest.raises(EncodingError):
        request_string("d", "GET", "/", digest, True, "nonce123")  # type: ignore[arg-type]
    assert request_string("d", "GET", '/a"b\\c\n', digest, 0, "n") == canonical(
        {"d": "d", "m": "GET", "p": '/a"b\\c\n', "b": b64e(digest), "t": 0, "n": "n"})
