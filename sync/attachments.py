"""Attachment files: encrypted in one streaming pass, never held whole in memory.

Upload: the file is encrypted chunk by chunk (secretstream) into an anonymous temporary file
in the account directory while the request digest is computed over the ciphertext, so the
request can be signed (``crypto.requests.sign_request_digest``, re-exported here) before the
body is sent and the body then streamed from disk.
Download: the response stream is cut back into ciphertext chunks, decrypted into
``dest.part`` and renamed only once the final chunk authenticated.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import nacl.bindings as nb

from crypto import primitives as p
from crypto.errors import CryptoError
from crypto.requests import sign_request_digest
from crypto.stream import ABYTES, CHUNK, decrypt_chunks, encrypt_chunks, new_file_key
from sync.errors import SyncError

__all__ = ["AttachmentError", "Sealed", "open_to_file", "rechunk", "seal_file",
           "sign_request_digest"]

Progress = Callable[[int, int], None]
READ_BLOCK = 256 * 1024


class AttachmentError(SyncError):
    """An attachment could not be read, written or authenticated."""


@dataclass
class Sealed:
    """An encrypted attachment waiting in a temporary file (deleted when closed)."""

    file: IO[bytes]
    size: int  # ciphertext bytes
    plain_size: int
    digest: bytes  # crypto.primitives.hash32 of the ciphertext: what the request signs
    key: bytes
    header: bytes

    def chunks(self, progress: Progress | None = None) -> Iterator[bytes]:
        """The ciphertext from disk; ``progress`` counts plaintext bytes sent."""
        self.file.seek(0)
        sent = 0
        while block := self.file.read(READ_BLOCK):
            sent += len(block)
            if progress is not None:
                whole, rest = divmod(sent, CHUNK + ABYTES)
                progress(min(self.plain_size, whole * CHUNK + max(0, rest - ABYTES)),
                         self.plain_size)
            yield block


def _hash_state() -> nb.crypto_generichash.Blake2State:
    # The same BLAKE2b-256 with personalisation as crypto.primitives.hash32, streamed.
    return nb.crypto_generichash_blake2b_init(person=p.P_HASH.ljust(16, b"\0"), digest_size=32)


@contextlib.contextmanager
def seal_file(path: Path, tmp_dir: Path) -> Iterator[Sealed]:
    try:
        plain_size = path.stat().st_size
        src = path.open("rb")
    except OSError as exc:
        raise AttachmentError(f"cannot read {path}: {exc.strerror or exc}") from None
    key = new_file_key()
    state = _hash_state()
    size = 0
    with src, tempfile.TemporaryFile(dir=tmp_dir, prefix=".upload-") as out:

        def blocks() -> Iterator[bytes]:
            while block := src.read(CHUNK):
                yield block

        stream = encrypt_chunks(key, blocks())
        header = next(stream)
        for ct in stream:
            out.write(ct)
            nb.crypto_generichash_blake2b_update(state, ct)
            size += len(ct)
        out.flush()
        yield Sealed(out, size, plain_size, nb.crypto_generichash_blake2b_final(state), key,
                     header)


def rechunk(blocks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Cut a byte stream into pieces of ``size`` (the last may be shorter)."""
    buf = bytearray()
    for block in blocks:
        buf += block
        while len(buf) >= size:
            yield bytes(buf[:size])
            del buf[:size]
    if buf:
        yield bytes(buf)


def open_to_file(key: bytes, header: bytes, blocks: Iterable[bytes], dest: Path,
                 plain_size: int, progress: Progress | None = None) -> Path:
    """Decrypt a ciphertext stream into ``dest`` (via ``dest.part``, removed on failure)."""
    tmp = dest.with_name(dest.name + ".part")
    done = 0
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            for plain in decrypt_chunks(key, header, rechunk(blocks, CHUNK + ABYTES)):
                fh.write(plain)
                done += len(plain)
                if progress is not None:
                    progress(done, plain_size)
        os.replace(tmp, dest)
    except CryptoError:
        tmp.unlink(missing_ok=True)
        raise AttachmentError("the attachment failed authentication (damaged or tampered); "
                              "nothing was saved") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AttachmentError(f"cannot write {dest}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest
