"""Attachments: libsodium secretstream (XChaCha20-Poly1305) over fixed-size chunks.

A truncated, reordered or spliced stream fails; the last chunk carries the FINAL tag, so a
stream cut short is detected rather than silently accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import nacl.bindings as nb
import nacl.exceptions

from crypto import primitives as p
from crypto.errors import AuthenticationFailed

CHUNK = 64 * 1024
HEADER_BYTES = nb.crypto_secretstream_xchacha20poly1305_HEADERBYTES
ABYTES = nb.crypto_secretstream_xchacha20poly1305_ABYTES


def new_file_key() -> bytes:
    return p.random_bytes(p.KEY_BYTES)


def encrypt_chunks(key: bytes, chunks: Iterable[bytes], aad: bytes = b"") -> Iterator[bytes]:
    """Yields the stream header, then one ciphertext per plaintext chunk (≤ CHUNK bytes)."""
    state = nb.crypto_secretstream_xchacha20poly1305_state()
    yield bytes(nb.crypto_secretstream_xchacha20poly1305_init_push(state, key))
    tag_msg = nb.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
    tag_final = nb.crypto_secretstream_xchacha20poly1305_TAG_FINAL
    pending: bytes | None = None
    for chunk in chunks:
        if len(chunk) > CHUNK:
            raise ValueError("chunk too large")
        if pending is not None:
            yield bytes(nb.crypto_secretstream_xchacha20poly1305_push(state, pending, aad,
                                                                       tag_msg))
        pending = chunk
    yield bytes(nb.crypto_secretstream_xchacha20poly1305_push(state, pending or b"", aad,
                                                               tag_final))


def decrypt_chunks(key: bytes, header: bytes, chunks: Iterable[bytes],
                   aad: bytes = b"") -> Iterator[bytes]:
    state = nb.crypto_secretstream_xchacha20poly1305_state()
    try:
        nb.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        raise AuthenticationFailed() from None
    final = False
    for chunk in chunks:
        if final:
            raise AuthenticationFailed()
        try:
            msg, tag = nb.crypto_secretstream_xchacha20poly1305_pull(state, chunk, aad)
        except (nacl.exceptions.CryptoError, ValueError, TypeError):
            raise AuthenticationFailed() from None
        final = tag == nb.crypto_secretstream_xchacha20poly1305_TAG_FINAL
        yield bytes(msg)
    if not final:
        raise AuthenticationFailed()


def encrypted_chunk_size(plain: int = CHUNK) -> int:
    return plain + ABYTES
