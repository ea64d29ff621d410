"""The thin httpx shell around the sans-I/O core: one shared client, signed requests,
long-poll loop with backoff and jitter, exactly-once outbox.

All decisions live in ``sync.ingest`` and ``sync.compose``; this module only moves bytes. The
transport and the clock are injected (``httpx.MockTransport`` in tests).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from crypto.authority import AuthorityPublic
from crypto.encoding import b64d, b64e
from crypto.errors import CryptoError
from crypto.requests import sign_request
from crypto.stream import HEADER_BYTES as STREAM_HEADER
from store import audit as store_audit
from store import kv, outbox
from store import rooms as store_rooms
from sync import attachments, compose, history, ingest, prepare_worker, sessions
from sync.account import Session
from sync.content import Attachment, Content
from sync.errors import SyncError
from sync.verify import Prefetch, PreparedPage
from sync.wire import API_PREFIX, AttachmentStored, EventList, SessionGranted, SyncResponse

Progress = Callable[[int, int], None]
REGISTERED_SETTING = "registered-certificate"


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


# A long catch-up makes millions of short-lived objects, none in reference cycles that
# matter: with the default thresholds the cycle collector ran every 700 of them and took a
# tenth of the catch-up's time (measured: 7,700-7,900/s with them, 8,300-9,000/s without).
CATCH_UP_GC_THRESHOLDS = (100_000, 50, 100)


def _fewer_gc_passes() -> tuple[int, int, int]:
    """Raise the cycle collector's thresholds for a long catch-up; returns the old ones
    (process-wide: the catch-up puts them back when it ends)."""
    old = gc.get_threshold()
    gc.set_threshold(*CATCH_UP_GC_THRESHOLDS)
    return old


class Engine:
    def __init__(self, session: Session, *, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: Callable[[], float] = random.random,
                 backoff: Backoff = Backoff(), helper_process: bool = True) -> None:
        """``helper_process``: let long catch-ups prepare pages in a helper process
        (``sync.prepare_worker``); without it they use a thread, which is slower."""
        self.session = session
        self._helper_process = helper_process
        self.client = httpx.Client(base_url=session.config.server_url, transport=transport,
                                   timeout=httpx.Timeout(15.0, read=90.0))
        self._sleep, self._rng, self._backoff = sleep, rng, backoff
        self._auth = sessions.RequestAuth(session, self._start_session)
        self._history = history.HistoryFetcher(session, self._history_page)

    def close(self) -> None:
        self.client.close()

    # -- transport ------------------------------------------------------------------------
    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: dict[str, Any] | None = None, content: bytes | None = None,
                timeout: float | None = None) -> httpx.Response:
        raw = content if content is not None else (
            json.dumps(body, separators=(",", ":")).encode() if body is not None else b"")
        target = path + ("?" + urlencode(params) if params else "")
        for attempt in (0, 1, 2):
            try:
                headers = self._auth.headers(method, path, target, raw)
                if body is not None:
                    headers["Content-Type"] = "application/json"
                return self._send(method, target, headers, raw, timeout)
            except ServerRefused as exc:
                if attempt == 2:
                    raise
                if exc.code in sessions.SESSION_ERRORS:
                    self._auth.drop()  # expired, or the server's secret changed: renew
                    continue
                # The server forgot this device (e.g. restored from an old backup): present
                # the certificate again, once, and repeat the request.
                if exc.code != "unknown_device" or path == "/v1/devices" or attempt:
                    raise
                self._present_certificate()
        raise AssertionError("unreachable")

    def _start_session(self) -> SessionGranted:
        try:
            r = self.request("POST", "/v1/sessions", body={})
        except ServerRefused as exc:
            if exc.status in (404, 405):
                raise sessions.Unsupported(str(exc)) from None
            raise
        try:
            return SessionGranted.model_validate_json(r.content)
        except ValueError:
            # Not a session (an older or odd server): requests are signed instead.
            raise sessions.Unsupported("malformed session answer") from None

    def _send(self, method: str, target: str, headers: dict[str, str],
              content: bytes | Iterator[bytes], timeout: float | None = None) -> httpx.Response:
        try:
            r = self.client.request(
                method, target, content=content, headers=headers,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
        except httpx.HTTPError as exc:
            raise Offline(f"cannot reach {self.session.config.server_url}: {exc}") from None
        if r.status_code >= 400:
            self._raise_for(r)
        return r

    @staticmethod
    def _raise_for(r: httpx.Response) -> None:
        code, msg = "error", r.text[:200] or r.reason_phrase
        try:
            err = r.json()
            if isinstance(err, dict):
                code = str(err.get("error", code))[:64]
                msg = str(err.get("message", msg))[:500]
        except ValueError:
            pass
        if r.status_code >= 500 or r.status_code in (408, 429):
            raise Offline(f"the server is unavailable ({r.status_code}): {msg}")
        raise ServerRefused(r.status_code, code, msg)

    # -- directory and sync ---------------------------------------------------------------
    def register(self) -> None:
        self._present_certificate()
        kv.set_setting(self.session.conn, REGISTERED_SETTING, str(self.session.cert.serial))

    def _present_certificate(self) -> None:
        # HTTP only (it may run on the prefetch thread; the vault belongs to the caller's).
        doc = json.loads((self.session.directory / "certificate.json").read_text("utf-8"))
        self.request("POST", "/v1/devices", body={"certificate": doc})

    def ensure_registered(self) -> bool:
        """Present this device's certificate unless already done for this certificate."""
        if kv.get_setting(self.session.conn, REGISTERED_SETTING) == str(
                self.session.cert.serial):
            return False
        self.register()
        return True

    def sync_once(self, timeout: float = 0) -> ingest.IngestResult:
        """One sync request (long-polling up to ``timeout`` seconds) applied to the vault."""
        resp = self._fetch_from_vault_cursor(timeout)
        result = self._apply(resp)
        if not self._more:
            for extra in self._fetch_history():
                history.merge(result, extra)
        return result

    def _fetch_from_vault_cursor(self, timeout: float) -> SyncResponse:
        since = ingest.cursor(self.session)
        try:
            return self._fetch(since, timeout)
        except ServerRefused as exc:
            if exc.code != "bad_cursor" or since == "0":
                raise
        ingest.restart(self.session, "the server did not recognise this device's sync "
                       "position (its database was reset or replaced); syncing from the start")
        return self._fetch("0", timeout)

    def _fetch(self, since: str, timeout: float) -> SyncResponse:
        return self._parse_page(self._fetch_raw(since, timeout))

    def _fetch_raw(self, since: str, timeout: float) -> bytes:
        # May run on the prefetch thread: touches the HTTP client only, never the vault.
        r = self.request("GET", "/v1/sync", params={"since": since, "timeout": int(timeout)},
                         timeout=timeout + 15)
        return r.content

    @staticmethod
    def _parse_page(raw: bytes) -> SyncResponse:
        try:
            return SyncResponse.model_validate_json(raw)
        except ValueError as exc:
            raise Offline(f"malformed sync answer (retrying): {exc}") from None

    def _apply(self, resp: SyncResponse, prepared: PreparedPage | None = None,
               key_cache: dict[tuple[str, str, int], bytes] | None = None
               ) -> ingest.IngestResult:
        result = ingest.apply_sync(self.session, resp, self._refetched, prepared, key_cache)
        self._refetched = frozenset()
        self._history.note(result.rooms_changed)
        for room in sorted(result.rooms_to_refetch):
            self.fetch_room_log(room)
        if result.stopped:
            self._refetched = frozenset(result.rooms_to_refetch)
        self._more = resp.more or result.stopped
        return result

    @property
    def more(self) -> bool:
        """The last sync answer was cut short (or stopped at a log gap): ask again at once."""
        return self._more

    def catch_up(self, progress: Callable[[int], None] | None = None, *,
                 on_result: Callable[[ingest.IngestResult], None] | None = None) -> int:
        """Fetch until the server has nothing more; returns the number of items stored.

        A pipeline for long catch-ups: while one page is being stored, a thread fetches the
        next and prepares its envelopes (``sync.verify``: decoded, signatures checked,
        opened where the key is known), never touching the vault, which stays on this one;
        this thread helps with the preparing once its page is stored. A catch-up longer
        than a page starts a helper process for that preparing (``sync.prepare_worker``);
        the thread does it until the helper is up, or if it fails."""
        total = 0
        # Epoch keys the batches found, for opening the next pages ahead, only for the
        # duration of this catch-up. The prefetch thread reads it as it grows (only added
        # to, read with get: atomic operations); what it opens with a key is used only if
        # the vault holds that very key.
        keys: dict[tuple[str, str, int], bytes] = {}
        helper: prepare_worker.Helper | None = None
        helper_tried = False
        gc_thresholds: tuple[int, int, int] | None = None
        # Two threads: with the helper process, the page after the next is fetched while
        # the next one is being prepared (Prefetch.chain).
        with ThreadPoolExecutor(2, thread_name_prefix="renkei-prefetch") as prefetch:
            resp, prepared = self._fetch_from_vault_cursor(0), None
            pending: Prefetch | None = None  # the next page, already on its way
            ahead: Prefetch | None = None
            try:
                while True:
                    if resp.more and gc_thresholds is None:
                        gc_thresholds = _fewer_gc_passes()
                    if resp.more and not helper_tried and self._helper_process:
                        helper_tried = True  # once: a helper that cannot start is not retried
                        helper = prepare_worker.start_helper()
                    ahead = pending if pending is not None else Prefetch(
                        prefetch, functools.partial(self._fetch_raw, timeout=0), resp.cursor,
                        self._parse_page, lambda: dict(self.session.certs), keys,
                        self.session.now_ms, helper) if resp.more else None
                    pending = None
                    if ahead is not None and helper is not None:
                        ahead.chain()
                    res = self._apply(resp, prepared, keys)
                    total += len(res.stored)
                    if on_result is not None:
                        on_result(res)
                    if progress is not None:
                        progress(total)
                    if ahead is not None and not res.stopped:
                        resp, prepared = ahead.result()  # Offline propagates; cursor committed
                        pending = ahead.next
                        continue
                    if ahead is not None:  # the batch stopped at a log gap: that page is stale
                        ahead.discard()
                    if not self._more:
                        for extra in self._fetch_history():
                            total += len(extra.stored)
                            if on_result is not None:
                                on_result(extra)
                            if progress is not None:
                                progress(total)
                        return total
                    resp, prepared = self._fetch_from_vault_cursor(0), None
            finally:
                # Pages still on their way (after an error, or a stop): let them end first.
                for stale in (ahead, pending):
                    if stale is not None:
                        stale.discard()
                keys.clear()
                if helper is not None:
                    helper.close()
                if gc_thresholds is not None:
                    gc.set_threshold(*gc_thresholds)

    def _fetch_history(self) -> list[ingest.IngestResult]:
        """Shared history of rooms this user newly became a member of (``sync.history``).
        Only once the live feed is caught up: the history then never overlaps it."""
        return self._history.run(ingest.cursor(self.session))

    def _history_page(self, room: str, before: str | None, limit: int) -> SyncResponse | None:
        params: dict[str, Any] = {"limit": limit}
        if before is not None:
            params["before"] = before
        try:
            r = self.request("GET", f"/v1/rooms/{room}/history", params=params)
        except ServerRefused:
            return None  # removed meanwhile, or a server without shared history
        try:
            return SyncResponse.model_validate_json(r.content)
        except ValueError as exc:
            raise Offline(f"malformed history answer (retrying): {exc}") from None

    def fetch_room_log(self, room: str) -> None:
        state_len = len(store_rooms.list_membership_events(self.session.conn, room))
        r = self.request("GET", f"/v1/rooms/{room}/events", params={"from": state_len})
        try:
            events = EventList.model_validate_json(r.content).events
        except ValueError as exc:
            raise Offline(f"malformed room log answer (retrying): {exc}") from None
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
        if compose.share_history(self.session, room, user_id):
            with contextlib.suppress(Offline):
                self.flush_outbox()

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
        """Encrypt ``path`` to a temporary file (hashing as it goes), then stream it up."""
        target = "/v1/attachments"
        with attachments.seal_file(path, self.session.directory) as sealed:
            headers = attachments.sign_request_digest(self.session.keys, "POST", target,
                                                      sealed.digest, self.session.now_ms())
            headers["Content-Type"] = "application/octet-stream"
            headers["Content-Length"] = str(sealed.size)
            r = self._send("POST", target, headers, sealed.chunks(progress))
            if progress is not None and sealed.plain_size == 0:
                progress(0, 0)
            try:
                stored = AttachmentStored.model_validate_json(r.content)
            except ValueError as exc:
                raise Offline(f"malformed upload answer (retrying): {exc}") from None
            if stored.size != sealed.size:
                raise Offline("the server stored a different number of bytes; try again")
            # The stream header travels inside the (encrypted) message, not with the blob.
            return Attachment(id=stored.id, name=path.name[:255], size=sealed.plain_size,
                              mime=mime, key=b64e(sealed.key), header=b64e(sealed.header))

    def download_attachment(self, att: Attachment, dest: Path,
                            progress: Progress | None = None) -> Path:
        """Stream the blob down and decrypt it into ``dest`` (never whole in memory)."""
        target = f"/v1/attachments/{att.id}"
        headers = sign_request(self.session.keys, "GET", target, b"", self.session.now_ms())
        key = b64d(att.key, size=32)
        header = b64d(att.header, size=STREAM_HEADER)
        try:
            with self.client.stream("GET", target, headers=headers) as r:
                if r.status_code >= 400:
                    r.read()
                    self._raise_for(r)
                return attachments.open_to_file(key, header, r.iter_bytes(), dest, att.size,
                                                progress)
        except httpx.HTTPError as exc:
            raise Offline(f"cannot reach {self.session.config.server_url}: {exc}") from None

    _more: bool = False
    _refetched: frozenset[str] = frozenset()


def fetch_authority(server_url: str, *, transport: httpx.BaseTransport | None = None,
                    timeout: float = 15.0) -> AuthorityPublic:
    """The authority public key a server says it pins (``GET /v1/authority``).

    Only useful together with a fingerprint obtained out of band: the caller compares it,
    and refuses on any difference, before trusting the key."""
    url = server_url.rstrip("/") + API_PREFIX + "/authority"
    try:
        with httpx.Client(transport=transport, timeout=timeout) as client:
            r = client.get(url)
    except httpx.HTTPError as exc:
        raise Offline(f"cannot reach {server_url}: {exc}") from None
    if r.status_code == 404:
        raise ServerRefused(404, "not_found", "this server does not publish its authority key "
                            "(GET /v1/authority); give the authority.pub file instead")
    if r.status_code >= 400:
        Engine._raise_for(r)
    try:
        return AuthorityPublic.parse(r.content)
    except CryptoError as exc:
        raise SyncError(f"the server's answer is not an authority key: {exc}") from None
