"""Pure-ASGI guard: request body limits before the body is read, and a last-resort handler
that answers 500 as JSON and logs only the exception type (never content)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import fastpath
from server.config import Limits
from server.core import Core

log = logging.getLogger("renkei.server")


async def _send_json(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app: ASGIApp, limits: Limits, core: Core | None = None) -> None:
        self.app = app
        self.limits = limits
        self.core = core

    async def _declared_ok(self, scope: Scope, send: Send, limit: int) -> bool:
        """Refuse a Content-Length that is invalid or above ``limit`` before reading."""
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0:
                    await _send_json(send, 400, "bad_request", "invalid Content-Length")
                    return False
                if declared > limit:
                    await _send_json(send, 413, "too_large",
                                     f"request bodies here are limited to {limit} bytes")
                    return False
        return True

    async def fast(self, scope: Scope, receive: Receive, send: Send,
                   handler: fastpath.Handler) -> None:
        """A ``server.fastpath`` handler, called by the app before its framework stack,
        with the same limits and last-resort handler."""
        assert self.core is not None
        core, limit = self.core, self.limits.max_body
        if await self._declared_ok(scope, send, limit):
            await _last_resort(scope, send, lambda tracked: fastpath.answer(
                handler, core, scope, receive, tracked, limit))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"] == "/v1/attachments" and scope["method"] == "POST"
        limit = self.limits.max_attachment if upload else self.limits.max_body
        if not await self._declared_ok(scope, send, limit):
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:
                    raise StarletteHTTPException(
                        413, f"request bodies here are limited to {limit} bytes")
            return msg

        await _last_resort(scope, send, lambda tracked: self.app(scope, limited, tracked))


async def _last_resort(scope: Scope, send: Send,
                       run: Callable[[Send], Awaitable[None]]) -> None:
    """``run(send)``, answering 500 as JSON if it fails before answering, and logging only
    the exception type (never content)."""
    started = False

    async def tracked(msg: Message) -> None:
        nonlocal started
        if msg["type"] == "http.response.start":
            started = True
        await send(msg)

    try:
        await run(tracked)
    except Exception as exc:  # the last resort: never a traceback with content
        log.error("internal error on %s: %s", scope.get("method"), type(exc).__name__)
        if not started:
            await _send_json(send, 500, "internal", "internal server error")
