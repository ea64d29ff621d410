"""The thin httpx shell around the sans-I/O core: one shared client, signed requests,
long-poll loop with backoff and jitter, exactly-once outbox.

All decisions live in ``sync.ingest`` and ``sync.compose``; this module only moves bytes. The
transport and the clock are injected (``httpx.MockTransport`` in tests).
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from crypto.encoding import b64d, b64e
from crypto.requests import sign_request
from crypto.stream import CHUNK, decrypt_chunks, encrypt_chunks, encrypted_chunk_size, new_file_key
from crypto.stream import HEADER_BYTES as STREAM_HEADER
from store import audit as store_audit
from store import outbox
from store import rooms as store_rooms
from sync import compose, ingest
from sync.account import Session
from sync.content import Attachment, Content
from sync.errors import SyncError
from sync.wire import SyncResponse

Progress = Callable[[int, int], None]


class Offline(SyncError):
    """The server could not be reached; work is kept and retried."""


class ServerRefused(SyncError):
    """The server answered with an error; ``code`` is its machine-readable reason."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"the server refused: {message} ({code}, HTTP {status})")
        self.status, self.code = status, code


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter."""

    base: float = 0.5
    cap: float = 30.0

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        ceiling: float = min(self.cap, self.base * 2.0 ** min(attempt, 16))
        return rng() * ceiling


class Engine:
    def __init__(self, session: Session, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: Callable[[], float] = random.random,
                 backoff: Backoff = Backoff()) -> None:
        self.session = session
        self.client = httpx.Client(base_url=session.config.server_url, transport=transport,
                                   timeout=httpx.Timeout(15.0, read=90.0))
        self._sleep, self._rng, self._backoff = sleep, rng, backoff

    def close(self) -> None:
        self.client.close()

    # -- transport ------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: dict[str, Any] | None = None, content: bytes | None = None,
                timeout: float | None = None) -> httpx.Response:
        raw = content if content is not None else (
            json.dumps(body, separators=(",", ":")).encode() if body is not None else b"")
        target = path + ("?" + urlencode(params) if params else "")
        headers = sign_request(self.session.keys, method, target, raw, self.session.now_ms())
        if body is not None:
            headers["Content-Type"] = "application/json"
        try:
            r = self.client.request(
                method, target, content=raw, headers=headers,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
        except httpx.HTTPError as exc:
            raise Offline(f"cannot reach {self.session.config.server_url}: {exc}") from None
        if r.status_code >= 400:
            try:
                err = r.json()
                code, msg = str(err.get("error", "error")), str(err.get("message", r.text))
            except ValueError:
                code, msg = "error", r.text[:200] or r.reason_phrase
            if r.status_code >= 500 or r.status_code in (408, 429):
                raise Offline(f"the server is unavailable ({r.status_code}): {msg}")
            raise ServerRefused(r.status_code, code, msg)
        return r

    # -- directory and sync ---------------------------------------------------------------
    def register(self) -> None:
        doc = json.loads((self.session.directory / "certificate.json").read_text("utf-8"))
        self.request("POST", "/v1/devices", body={"certificate": doc})

    def sync_once(self, timeout: float = 0) -> ingest.IngestResult:
        params = {"since": ingest.cursor(self.session), "timeout": int(timeout)}
        r = self.request("GET", "/v1/sync", params=params, timeout=timeout + 15)
        try:
            resp = SyncResponse.model_validate_json(r.content)
        except ValueError as exc:
            raise Offline(f"malformed sync answer (retrying): {exc}") from None
        result = ingest.apply_sync(self.session, resp)
        for room in sorted(result.rooms_to_refetch):
            self.fetch_room_log(room)
        self._more = resp.more
        return result

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Fetch until the server has nothing more; returns the number of items stored."""
        total = 0
        while True:
            res = self.sync_once(0)
            total += len(res.stored)
            if progress is not None:
                progress(total)
            if not self._more:
                return total

    def fetch_room_log(self, room: str) -> None:
        state_len = len(store_rooms.list_membership_events(self.session.conn, room))
        r = self.request("GET", f"/v1/rooms/{room}/events", params={"from": state_len})
        events = r.json().get("events", [])
        ingest.ingest_events(self.session, room, events)

    # -- outbox ---------------------------------------------------------------------------
    def flush_outbox(self) -> int:
        """Send queued requests in order; each is marked sent only after the server took it.
        A retry after a lost answer is harmless: every request is idempotent on its key."""
        sent = 0
        conn = self.session.conn
        while True:
            batch = outbox.pending(conn, 50)
            if not batch:
                return sent
            for entry in batch:
                doc = json.loads(entry.payload)
                try:
                    self.request("POST", doc["path"], body=doc["body"])
                except ServerRefused as exc:
                    outbox.mark_attempt(conn, entry.key, str(exc), self.session.now_ms())
                    # Permanently refused: drop it from the queue but record why.
                    store_audit.record_security_event(
                        conn, "send-refused", str(exc), self.session.now_ms())
                    outbox.mark_sent(conn, entry.key, self.session.now_ms())
                    continue
                except Offline as exc:
                    outbox.mark_attempt(conn, entry.key, str(exc), self.session.now_ms())
                    raise
                outbox.mark_sent(conn, entry.key, self.session.now_ms())
                sent += 1

    def run(self, stop: threading.Event, *, poll_timeout: float = 25,
            on_result: Callable[[ingest.IngestResult], None] | None = None,
            on_status: Callable[[str], None] | None = None) -> None:
        """Long-poll until ``stop`` is set: flush, sync, repeat; back off when offline."""
        attempt = 0
        while not stop.is_set():
            try:
                self.flush_outbox()
                res = self.sync_once(0 if attempt else poll_timeout)
                if on_status:
                    on_status("online")
                attempt = 0
                if on_result:
                    on_result(res)
            except Offline as exc:
                attempt += 1
                if on_status:
                    on_status(f"offline: {exc}")
                stop.wait(self._backoff.delay(attempt, self._rng))

    # -- actions --------------------------------------------------------------------------
    def create_room(self, name: str, ceiling: str, history: str = "none") -> str:
        room = compose.new_room_id()
        ev = compose.room_event(self.session, room, "create", name=name, ceiling=ceiling,
                                history=history)
        self._post_event(room, ev)
        return room

    def invite(self, room: str, user_id: str, role: str = "member") -> None:
        self._post_event(room, compose.room_event(self.session, room, "invite",
                                                  target=user_id, role=role))

    def remove(self, room: str, user_id: str) -> None:
        self._post_event(room, compose.room_event(self.session, room, "remove",
                                                  target=user_id))

    def leave(self, room: str) -> None:
        self._post_event(room, compose.room_event(self.session, room, "leave"))

    def _post_event(self, room: str, ev: Any) -> None:
        self.request("POST", f"/v1/rooms/{room}/events", body=ev.to_dict())
        ingest.ingest_events(self.session, room, [ev.to_dict()])

    def send(self, room: str, label: str, c: Content, *, users: list[str] | None = None,
             direct: bool = False) -> str:
        """Queue and try to deliver at once; offline, it stays queued (never lost)."""
        if direct or users is not None:
            eid = compose.send_direct(self.session, room, label, c, users)
        else:
            eid = compose.send_group(self.session, room, label, c)
        with contextlib.suppress(Offline):
            self.flush_outbox()
        return eid

    def send_text(self, room: str, label: str, text: str, **kw: Any) -> str:
        return self.send(room, label, Content(kind="message", body=text,
                                              sender_name=self.session.cert.display_name), **kw)

    def ack(self, room: str, envelope_id: str) -> None:
        compose.queue_ack(self.session, room, envelope_id)
        with contextlib.suppress(Offline):
            self.flush_outbox()

    # -- attachments ----------------------------------------------------------------------
    def upload_attachment(self, path: Path, progress: Progress | None = None,
                          mime: str = "application/octet-stream") -> Attachment:
        size = path.stat().st_size
        key = new_file_key()
        header_box: list[bytes] = []

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as fh:
                while block := fh.read(CHUNK):
                    yield block

        def body() -> Iterator[bytes]:
            done = 0
            stream = encrypt_chunks(key, chunks())
            header_box.append(next(stream))
            for ct in stream:
                done = min(size, done + len(ct) - (encrypted_chunk_size(0)))
                if progress:
                    progress(done, size)
                yield ct

        # The stream header is sent inside the (encrypted) message, not with the blob.
        data = b"".join(body())
        r = self.request("POST", "/v1/attachments", content=data)
        stored = r.json()
        return Attachment(id=stored["id"], name=path.name, size=size, mime=mime,
                          key=b64e(key), header=b64e(header_box[0]))

    def download_attachment(self, att: Attachment, dest: Path,
                            progress: Progress | None = None) -> Path:
        r = self.request("GET", f"/v1/attachments/{att.id}")
        blob = r.content
        step = encrypted_chunk_size()
        parts: Iterable[bytes] = (blob[i : i + step] for i in range(0, len(blob), step))
        key = b64d(att.key, size=32)
        header = b64d(att.header, size=STREAM_HEADER)
        done = 0
        tmp = dest.with_suffix(dest.suffix + ".part")
        with tmp.open("wb") as fh:
            for plain in decrypt_chunks(key, header, parts):
                fh.write(plain)
                done += len(plain)
                if progress:
                    progress(done, att.size)
        tmp.replace(dest)
        return dest

    _more: bool = False
