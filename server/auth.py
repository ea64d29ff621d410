"""Signed-request authentication, replay protection and rate limits.

A request carries the headers of :mod:`crypto.requests`: device id, timestamp (ms), nonce
and an Ed25519 signature by the device's *request* key over method, path with query, a
digest of the body, timestamp and nonce. The server checks, cheapest first: header shape,
timestamp window, that the device is registered, valid and not revoked (memory), the
signature, and finally that the nonce is new (memory on SQLite; a table on PostgreSQL so
several instances share it).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping

from crypto import primitives as p
from crypto.errors import CryptoError, EncodingError
from crypto.requests import parse_auth_headers, verify_request, verify_request_digest
from crypto.sessions import check_request_mac, session_headers, session_key, token_expiry
from server.errors import ApiError, unauthorized
from server.storage import feed as q
from server.storage.db import Database


def request_target(scope: Mapping[str, object]) -> str:
    """The path with query exactly as sent on the request line (what the client signs)."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else str(scope.get("path", ""))
    qs = scope.get("query_string")
    if isinstance(qs, bytes) and qs:
        return path + "?" + qs.decode("latin-1")
    return path


class NonceCache:
    """Nonces seen within the timestamp window, per device."""

    def __init__(self, db: Database, window_ms: int) -> None:
        self._db = db
        self._window = window_ms
        self._seen: set[tuple[str, str]] = set()
        self._order: deque[tuple[int, tuple[str, str]]] = deque()
        self._last_purge = 0.0

    async def claim(self, device: str, nonce: str, ts_ms: int) -> bool:
        # A nonce need only be remembered until its timestamp leaves the window: after
        # that the timestamp check refuses the replay.
        expires = ts_ms + self._window
        if self._db.pg:
            now = time.monotonic()
            if now - self._last_purge > 30:
                self._last_purge = now
                await self._db.run(q.purge_nonces, int(time.time() * 1000))
            return await self._db.run(q.insert_nonce, device, nonce, expires)
        now_ms = int(time.time() * 1000)
        order = self._order
        while order and order[0][0] < now_ms:
            self._seen.discard(order.popleft()[1])
        key = (device, nonce)
        if key in self._seen:
            return False
        self._seen.add(key)
        order.append((max(expires, order[-1][0]) if order else expires, key))
        return True


class RateLimiter:
    """Token buckets keyed by device id or client address; rate 0 disables."""

    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}

    def check(self, key: str) -> None:
        if self._rate <= 0:
            return
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if tokens < 1.0:
            raise ApiError(429, "rate_limited", "too many requests; slow down and retry")
        self._buckets[key] = (tokens - 1.0, now)
        if len(self._buckets) > 100_000:
            self._buckets.clear()


def parse_session(headers: Mapping[str, str]) -> tuple[str, bytes] | None:
    """(token, MAC) of a request made in a session, or None for a signed request."""
    try:
        return session_headers(headers)
    except EncodingError:
        raise unauthorized("unauthenticated", "a session request needs a well-formed "
                           "X-Renkei-Session and X-Renkei-Mac") from None


class SessionKeys:
    """Session keys derived so far (a derivation per request showed in profiles): a key
    depends only on the secret, the device and the token, so it can be kept until the
    token expires."""

    MAX = 20_000

    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._keys: dict[tuple[str, str], bytes] = {}

    def key(self, device: str, token: str) -> bytes:
        k = self._keys.get((device, token))
        if k is None:
            if len(self._keys) >= self.MAX:
                self._keys.clear()  # expired and live alike: live ones come back on use
            k = self._keys[(device, token)] = session_key(self._secret, device, token)
        return k


def check_session(keys: SessionKeys, device: str, method: str, target: str, body: bytes,
                  ts: int, nonce: str, token: str, mac: bytes, now_ms: int) -> None:
    try:
        expires = token_expiry(token)
    except EncodingError:
        raise unauthorized("bad_session", "this session token is malformed; start a new "
                           "session") from None
    if now_ms >= expires:
        raise unauthorized("session_expired", "this session has expired; start a new one")
    try:
        check_request_mac(keys.key(device, token), device, method, target,
                          p.hash32(body), ts, nonce, mac)
    except CryptoError:
        raise unauthorized("bad_session", "the request MAC does not verify in this session "
                           "(or the session belongs to another server)") from None


def parse_headers(headers: Mapping[str, str], skew_ms: int,
                  now_ms: int) -> tuple[str, int, str, bytes]:
    try:
        device, ts, nonce, sig = parse_auth_headers(headers)
    except CryptoError:
        raise unauthorized("unauthenticated", "this request needs the X-Renkei-Device, "
                           "X-Renkei-Time, X-Renkei-Nonce and X-Renkei-Signature "
                           "headers") from None
    if abs(now_ms - ts) > skew_ms:
        raise unauthorized("stale_request", "the request timestamp is outside the accepted "
                           "window; check this computer's clock")
    return device, ts, nonce, sig


def check_signature(auth_pk: bytes, device: str, method: str, target: str, body: bytes,
                    ts: int, nonce: str, sig: bytes) -> None:
    try:
        verify_request(auth_pk, device, method, target, body, ts, nonce, sig)
    except CryptoError:
        raise unauthorized("bad_signature", "the request signature does not verify") from None


def check_signature_digest(auth_pk: bytes, device: str, method: str, target: str,
                           body_digest: bytes, ts: int, nonce: str, sig: bytes) -> None:
    """Same check as :func:`check_signature` for a streamed body whose digest
    (``crypto.primitives.hash32``) was computed while it was spooled."""
    try:
        verify_request_digest(auth_pk, device, method, target, body_digest, ts, nonce, sig)
    except CryptoError:
        raise unauthorized("bad_signature", "the request signature does not verify") from None
