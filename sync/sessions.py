"""How the engine authenticates its requests: a request session when it can, else signed.

One signed request (``POST /v1/sessions``) buys a session of a quarter of an hour; the
requests in it carry a MAC (``crypto.sessions``) instead of an Ed25519 signature, which the
server checks in microseconds. Registration and starting a session are always signed. A
server that does not offer sessions is asked again only after a while; meanwhile every
request is signed, as before. Thread-safe: the catch-up fetches on a second thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from crypto.errors import CryptoError
from crypto.requests import sign_request
from crypto.sessions import mac_request, open_key
from sync.account import Session
from sync.errors import SyncError
from sync.wire import SessionGranted

SIGNED_PATHS = frozenset({"/v1/devices", "/v1/sessions"})
RENEW_BEFORE_MS = 60_000  # start a new session this long before the old one ends
RETRY_UNSUPPORTED_MS = 600_000  # a server without sessions is asked again after this
SESSION_ERRORS = frozenset({"session_expired", "bad_session"})


@dataclass(frozen=True)
class _Active:
    token: str
    key: bytes
    expires_ms: int


class Unsupported(SyncError):
    """The server offers no request sessions (an older server): sign every request."""


class RequestAuth:
    def __init__(self, session: Session, start: Callable[[], SessionGranted]) -> None:
        self._s = session
        self._start = start  # a signed POST /v1/sessions (the engine's transport)
        self._lock = threading.Lock()
        self._active: _Active | None = None
        self._unsupported_until = 0

    def headers(self, method: str, path: str, target: str, body: bytes) -> dict[str, str]:
        """Authentication headers for one request (``target`` is the path with query)."""
        s = self._s
        active = None if path in SIGNED_PATHS else self._current()
        if active is None:
            return sign_request(s.keys, method, target, body, s.now_ms())
        return mac_request(s.device_id, active.token, active.key, method, target, body,
                           s.now_ms())

    def drop(self) -> None:
        """The server refused the session (expired, or its secret changed): start anew."""
        with self._lock:
            self._active = None

    def _current(self) -> _Active | None:
        now = self._s.now_ms()
        with self._lock:
            active = self._active
            if active is not None and now < active.expires_ms - RENEW_BEFORE_MS:
                return active
            if now < self._unsupported_until:
                return None
            try:
                granted = self._start()
            except Unsupported:
                self._unsupported_until = now + RETRY_UNSUPPORTED_MS
                return None
            try:
                key = open_key(self._s.keys, granted.token, granted.key)
            except CryptoError:
                # Not sealed to this device: sign instead (the stronger way) for a while.
                self._unsupported_until = now + RETRY_UNSUPPORTED_MS
                return None
            self._active = _Active(granted.token, key, granted.expires_ms)
            return self._active
