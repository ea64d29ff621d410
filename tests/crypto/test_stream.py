"""Attachments over secretstream: round trip; truncation, reordering, splicing all fail."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.errors import AuthenticationFailed
from crypto.stream import (
    ABYTES,
    CHUNK,
    HEADER_BYTES,
    decrypt_chunks,
    encrypt_chunks,
    encrypted_chunk_size,
    new_file_key,
)


def _chunks(data: bytes, size: int = CHUNK) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def _seal(data: bytes, key: bytes, aad: bytes = b"") -> tuple[bytes, list[bytes]]:
    out = list(encrypt_chunks(key, _chunks(data), aad))
    return out[0], out[1:]


def _open(key: bytes, header: bytes, chunks: list[bytes], aad: bytes = b"") -> bytes:
    return b"".join(decrypt_chunks(key, header, chunks, aad))


@pytest.fixture(scope="module")
def blob() -> bytes:
    return os.urandom(3 * CHUNK + 1234)


def test_round_trip(blob: bytes) -> None:
    key = new_file_key()
    header, chunks = _seal(blob, key, b"attachment-id")
    assert len(header) == HEADER_BYTES
    assert [len(c) for c in chunks] == [encrypted_chunk_size()] * 3 + [1234 + ABYTES]
    assert _open(key, header, chunks, b"attachment-id") == blob


@settings(deadline=None, max_examples=40)
@given(st.binary(max_size=3000), st.integers(1, 700))
def test_round_trip_any_size(data: bytes, size: int) -> None:
    key = new_file_key()
    out = list(encrypt_chunks(key, _chunks(data, size)))
    assert _open(key, out[0], out[1:]) == data


def test_empty_file_still_has_a_final_chunk() -> None:
    key = new_file_key()
    out = list(encrypt_chunks(key, []))
    assert len(out) == 2 and len(out[1]) == ABYTES
    assert _open(key, out[0], out[1:]) == b""
    with pytest.raises(AuthenticationFailed):
        _open(key, out[0], [])


def test_truncated_stream_fails(blob: bytes) -> None:
    key = new_file_key()
    header, chunks = _seal(blob, key)
    for cut in range(len(chunks)):
        with pytest.raises(AuthenticationFailed):
            _open(key, header, chunks[:cut])
    with pytest.raises(AuthenticationFailed):
        _open(key, header, chunks[:-1] + [chunks[-1][:-1]])


def test_reordered_or_duplicated_chunks_fail(blob: bytes) -> None:
    key = new_file_key()
    header, chunks = _seal(blob, key)
    for bad in ([chunks[1], chunks[0]] + chunks[2:], chunks[:2] + [chunks[1]] + chunks[2:],
                [chunks[0], chunks[2], chunks[1], chunks[3]]):
        with pytest.raises(AuthenticationFailed):
            _open(key, header, bad)


def test_extra_chunk_after_final_fails(blob: bytes) -> None:
    key = new_file_key()
    header, chunks = _seal(blob, key)
    with pytest.raises(AuthenticationFailed):
        _open(key, header, chunks + [chunks[-1]])
    # Splicing the start of another stream under the same key also fails.
    header2, chunks2 = _seal(blob, key)
    with pytest.raises(AuthenticationFailed):
        _open(key, header, chunks[:2] + chunks2[2:])


def test_wrong_key_header_aad_or_flipped_byte_fails(blob: bytes) -> None:
    key = new_file_key()
    header, chunks = _seal(blob[:5000], key, b"id-1")
    with pytest.raises(AuthenticationFailed):
        _open(new_file_key(), header, chunks, b"id-1")
    with pytest.raises(AuthenticationFailed):
        _open(key, header, chunks, b"id-2")
    with pytest.raises(AuthenticationFailed):
        _open(key, header[:-1], chunks, b"id-1")
    with pytest.raises(AuthenticationFailed):
        _open(key, bytes([header[0] ^ 1]) + header[1:], chunks, b"id-1")
    c = chunks[0]
    for i in range(0, len(c), 97):
        bad = c[:i] + bytes([c[i] ^ 0x10]) + c[i + 1:]
        with pytest.raises(AuthenticationFailed):
            _open(key, header, [bad], b"id-1")


def test_oversized_chunk_is_refused() -> None:
    with pytest.raises(ValueError, match="chunk too large"):
        list(encrypt_chunks(new_file_key(), [b"\0" * (CHUNK + 1)]))
