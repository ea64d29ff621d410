"""Attachments: already-encrypted bytes, content-addressed by SHA-256.

Uploads are spooled to a temporary file while their SHA-256 and the request-body digest
are computed; only after the request signature verifies is the blob published:

- SQLite deployments keep blobs as files under ``DATA_DIR/attachments/ab/abcdef…``;
- PostgreSQL deployments keep them in the database (``attachment_chunks``, 256 KiB rows),
  so every instance sharing the database can serve every blob. The spool file lives in
  ``--data-dir`` when given, else in the system temporary directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from crypto import primitives as p
from server.errors import ApiError
from server.storage.db import Conn, Database

CHUNK = 256 * 1024


@dataclass
class Spooled:
    file: IO[bytes]
    path: Path
    sha256: str
    size: int
    body_digest: bytes  # what the request signature covers (crypto.requests)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


def _insert_meta(conn: Conn, blob_id: str, size: int, uploader: str) -> bool:
    r = conn.one("INSERT INTO attachments (id, size, uploader, created) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT (id) DO NOTHING RETURNING 1",
                 (blob_id, size, uploader, int(time.time())))
    return r is not None


def _size(conn: Conn, blob_id: str) -> int | None:
    r = conn.one("SELECT size FROM attachments WHERE id = ?", (blob_id,))
    return int(r[0]) if r else None


def _insert_chunks(conn: Conn, blob_id: str, size: int, uploader: str, path: Path) -> None:
    if not _insert_meta(conn, blob_id, size, uploader):
        return
    with open(path, "rb") as f:
        n = 0
        while chunk := f.read(CHUNK):
            conn.x("INSERT INTO attachment_chunks (id, n, data) VALUES (?, ?, ?)",
                   (blob_id, n, chunk))
            n += 1


def _chunk(conn: Conn, blob_id: str, n: int) -> bytes | None:
    r = conn.one("SELECT data FROM attachment_chunks WHERE id = ? AND n = ?", (blob_id, n))
    return bytes(r[0]) if r else None


class BlobStore:
    def __init__(self, db: Database, data_dir: Path | None) -> None:
        self._db = db
        if db.pg:
            self._dir = None
            spool = data_dir / "spool" if data_dir is not None else Path(tempfile.gettempdir())
        else:
            assert data_dir is not None
            self._dir = data_dir / "attachments"
            spool = self._dir / "tmp"
        spool.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._spool = spool

    async def spool(self, stream: AsyncIterator[bytes], limit: int) -> Spooled:
        fd, name = tempfile.mkstemp(dir=self._spool, prefix="up-")
        f = os.fdopen(fd, "wb")
        sp = Spooled(f, Path(name), "", 0, b"")
        sha = hashlib.sha256()
        body = hashlib.blake2b(digest_size=32, person=p.P_HASH.ljust(16, b"\0"))
        try:
            async for chunk in stream:
                sp.size += len(chunk)
                if sp.size > limit:
                    raise ApiError(413, "too_large",
                                   f"attachments are limited to {limit} bytes")
                sha.update(chunk)
                body.update(chunk)
                f.write(chunk)
            f.close()
        except BaseException:
            sp.discard()
            raise
        sp.sha256 = sha.hexdigest()
        sp.body_digest = body.digest()
        return sp

    async def publish(self, sp: Spooled, uploader: str) -> None:
        try:
            if self._dir is None:
                await self._db.run(_insert_chunks, sp.sha256, sp.size, uploader, sp.path)
                return
            final = self._dir / sp.sha256[:2] / sp.sha256
            final.parent.mkdir(exist_ok=True, mode=0o700)
            if not final.exists():
                os.replace(sp.path, final)
            await self._db.run(_insert_meta, sp.sha256, sp.size, uploader)
        finally:
            sp.discard()

    async def size(self, blob_id: str) -> int | None:
        return await self._db.run(_size, blob_id)

    async def read(self, blob_id: str) -> AsyncIterator[bytes]:
        if self._dir is None:
            n = 0
            while (chunk := await self._db.run(_chunk, blob_id, n)) is not None:
                yield chunk
                n += 1
            return
        with open(self._dir / blob_id[:2] / blob_id, "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
