"""The running server: database, in-memory state, wake-up hub, authentication.

After every feed write the state and the hub must learn about the new rows:

- SQLite (one process): the rows are applied at once, inline, and their scopes published.
- PostgreSQL (possibly several instances): the commit sends ``NOTIFY`` with the scopes it
  touched; each instance (this one included, without waiting for its own notification)
  re-reads new certificate, revocation-list and event rows in one snapshot, applies them,
  advances ``applied_pos`` to the newest committed position and wakes the scopes. Sync
  never reads past ``applied_pos``, so a device never gets a row judged with stale
  membership, and nothing is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from crypto.certs import Certificate
from server.auth import (
    NonceCache,
    RateLimiter,
    SessionKeys,
    check_session,
    check_signature,
    parse_headers,
    parse_session,
)
from server.blobs import BlobStore
from server.config import ServerConfig
from server.errors import ApiError, StorageError, unauthorized
from server.hub import Hub
from server.offload import Offload
from server.recent import RecentRows
from server.state import DeviceInfo, State
from server.storage import feed as q
from server.storage.db import Database, open_database
from server.storage.feed import META_KINDS, FeedRow

log = logging.getLogger("renkei.server")
T = TypeVar("T")
BUSY_GAP_S = 0.002  # another request this recently: the server is busy (see authenticate_with)
MAX_NOTIFY = 7000  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more
# Refusals that may only mean this instance has not seen another instance's write yet.
CACHE_CODES = frozenset({"unknown_device", "not_member", "no_such_room", "unknown_recipient",
                         "room_log_conflict", "bad_event"})


@dataclass(frozen=True, slots=True)
class Caller:
    cert: Certificate

    @property
    def device_id(self) -> str:
        return self.cert.device_id

    @property
    def user_id(self) -> str:
        return self.cert.user_id


def now_ms() -> int:
    return int(time.time() * 1000)


class Core:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.limits = config.limits
        self.policy = config.policy
        self.authority_pk = config.authority.public_key
        self.db: Database = open_database(config.data_dir, config.database_url)
        try:
            self.state = State(self.authority_pk, self.policy)
            rows, top = self.db.run_sync(q.meta_since, 0)
            for r in rows:
                self.state.apply(r)
            self.state.applied_pos = max(self.state.applied_pos, top)
            self.blobs = BlobStore(self.db, config.data_dir)
            self.session_keys = SessionKeys(
                self.db.run_sync(q.session_secret, secrets.token_bytes(32)))
        except BaseException:
            self.db.close()
            raise
        self.hub = Hub()
        self.recent = RecentRows(self.state.applied_pos)
        self.instance = secrets.token_hex(8)
        self.nonces = NonceCache(self.db, self.limits.clock_skew_s * 1000)
        self.rate = RateLimiter(self.limits.rate_per_s, self.limits.rate_burst)
        self.anon_rate = RateLimiter(self.limits.anon_rate_per_s, self.limits.anon_rate_burst)
        self._pending: set[str] = set()
        self._dirty = False
        self._refresh_task: asyncio.Task[None] | None = None
        self._applied = asyncio.Event()
        self.closing = asyncio.Event()
        self.offload = Offload()
        self._last_auth = 0.0

    @property
    def pg(self) -> bool:
        return self.db.pg

    async def start(self) -> None:
        self._applied = asyncio.Event()
        self.closing = asyncio.Event()
        if self.pg:
            self.db.start_listener(asyncio.get_running_loop(), self._on_notify)

    async def close(self) -> None:
        self.closing.set()
        self.hub.publish(["*"])
        if self._refresh_task is not None:
            self._refresh_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._refresh_task
        self.db.close()
        self.offload.close()

    # -- authentication -----------------------------------------------------------------
    async def authenticate(self, method: str, target: str, headers: Mapping[str, str],
                           body: bytes) -> Caller:
        who, _ = await self.authenticate_with(method, target, headers, body, None)
        return who

    async def authenticate_with(self, method: str, target: str, headers: Mapping[str, str],
                                body: bytes, also: Callable[[Certificate], T] | None
                                ) -> tuple[Caller, T | None]:
        """Authenticate; ``also(certificate)``, a pure check of the body (an envelope
        signature), runs on the signature thread right after the request signature holds."""
        device, ts, nonce, sig = parse_headers(headers, self.limits.clock_skew_s * 1000,
                                               now_ms())
        info = await self.fresh(lambda: self.state.device(device, int(time.time())))
        cert = info.cert
        # The hand-over to the signature thread costs ~0.2 ms of wake-ups: worth it only
        # while requests keep coming (the loop has other work meanwhile), not for a lone one.
        now = time.monotonic()
        busy = now - self._last_auth < BUSY_GAP_S
        self._last_auth = now
        session = parse_session(headers)
        if session is not None:
            # A MAC under a session key: microseconds, checked here; only ``also`` (an
            # envelope signature) may be worth the thread.
            check_session(self.session_keys, device, method, target, body, ts, nonce,
                          *session, now_ms())

        def check() -> T | None:
            if session is None:
                check_signature(cert.keys.auth_pk, device, method, target, body, ts, nonce,
                                sig)
            return also(cert) if also is not None else None

        if session is not None and also is None:
            return await self._admit(device, nonce, ts, cert, None)

        extra = await self.offload.run(check) if busy else check()
        return await self._admit(device, nonce, ts, cert, extra)

    async def _admit(self, device: str, nonce: str, ts: int, cert: Certificate,
                     extra: T | None) -> tuple[Caller, T | None]:
        if not await self.nonces.claim(device, nonce, ts):
            raise unauthorized("replayed", "this request was already received (nonce reused)")
        self.rate.check(device)
        return Caller(cert), extra

    def device(self, device_id: str) -> DeviceInfo:
        return self.state.device(device_id, int(time.time()))

    # -- writes and their visibility ----------------------------------------------------
    async def write(self, fn: Callable[..., T], *args: Any, scopes: set[str],
                    **kw: Any) -> T:
        """Run a feed-writing ``fn(conn, *args, **kw)``; ``scopes`` are what it touches."""
        if kw:
            fn = functools.partial(fn, **kw)
        notify = None
        if self.pg:
            text = " ".join(sorted(scopes))
            notify = f"{self.instance}|{text if len(text) < MAX_NOTIFY else '*'}"
        return await self.db.write(fn, *args, notify=notify)

    async def committed(self, rows: list[FeedRow]) -> None:
        """Make rows this instance wrote visible to its state and long-polls. Waits until
        they are applied, so the writer's next request sees them (read your writes)."""
        if not rows:
            return
        if not self.pg:
            scopes: set[str] = set()
            revoked: set[str] = set()
            for r in rows:
                applied = self.state.apply(r)
                self.recent.add(r)
                scopes |= applied.scopes
                revoked |= applied.revoked
            self.hub.publish(scopes)
            self.hub.wake_devices(revoked)
            return
        self._pending.update(r.scope for r in rows if r.kind not in META_KINDS)
        await self.caught_up(max(r.pos for r in rows))

    async def caught_up(self, pos: int) -> None:
        while self.state.applied_pos < pos:
            self._kick()
            ev = self._applied
            try:
                await asyncio.wait_for(ev.wait(), 10)
            except TimeoutError:
                raise StorageError("the database did not answer in time; try again") from None

    async def fresh(self, check: Callable[[], T]) -> T:
        """Run ``check``; on PostgreSQL, a refusal that may come from not having seen
        another instance's write yet is retried once after catching up."""
        try:
            return check()
        except ApiError as exc:
            if not self.pg or exc.code not in CACHE_CODES:
                raise
        await self.caught_up(await self.db.run(q.max_pos))
        return check()

    async def fresh_async(self, check: Callable[[], Awaitable[T]]) -> T:
        try:
            return await check()
        except ApiError as exc:
            if not self.pg or exc.code not in CACHE_CODES:
                raise
        await self.caught_up(await self.db.run(q.max_pos))
        return await check()

    def _on_notify(self, payload: str) -> None:
        instance, _, scopes = payload.rpartition("|")
        if instance == self.instance:
            return
        self._pending.update(scopes.split() or ["*"])
        self._kick()

    def _kick(self) -> None:
        self._dirty = True
        if self._refresh_task is None and not self.closing.is_set():
            self._refresh_task = asyncio.get_running_loop().create_task(self._refresh())

    async def _refresh(self) -> None:
        try:
            while self._dirty:
                self._dirty = False
                scopes, self._pending = self._pending, set()
                try:
                    rows, top = await self.db.run(q.meta_since, self.state.applied_pos)
                except StorageError:
                    self._pending |= scopes
                    await asyncio.sleep(0.5)
                    self._dirty = True
                    continue
                revoked: set[str] = set()
                for r in rows:
                    applied = self.state.apply(r)
                    scopes |= applied.scopes
                    revoked |= applied.revoked
                self.state.applied_pos = max(self.state.applied_pos, top)
                self.hub.publish(scopes)
                self.hub.wake_devices(revoked)
                ev, self._applied = self._applied, asyncio.Event()
                ev.set()
        finally:
            self._refresh_task = None
