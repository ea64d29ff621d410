"""A lean path for POST /v1/envelopes, the endpoint that carries nearly all traffic.

It makes the same checks as the FastAPI route (``accept_envelope``), with the same
authentication, strict model and JSON errors, but skips the framework's middleware, routing
and dependency machinery, which cost more than the signature checks themselves, and checks
both signatures on the signature thread (``server.offload``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from pydantic import ValidationError
from starlette.types import Receive, Scope, Send

from server.api.common import describe_validation
from server.api.posts import ParsedEnvelope, accept_parsed, parse_envelope
from server.api.sync import long_poll, parse_query
from server.auth import request_target
from server.core import Core
from server.errors import ApiError, StorageError
from sync.wire import PostEnvelope

PATH = "/v1/envelopes"
SYNC_PATH = "/v1/sync"


async def send_json(send: Send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _read(receive: Receive, limit: int) -> bytes:
    chunks = []
    size = 0
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            raise ConnectionResetError
        chunk = msg.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", f"request bodies here are limited to {limit} bytes")
        chunks.append(chunk)
        if not msg.get("more_body", False):
            return b"".join(chunks)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}


async def post_envelope(core: Core, scope: Scope, receive: Receive, body: bytes) -> bytes:
    # Decode first, so that the request's check and the envelope's signature check run
    # together (on the signature thread when busy). A body that does not decode is refused
    # only once the request itself has been authenticated, as on other routes.
    parsed: ParsedEnvelope | None = None
    refusal: ApiError | None = None
    try:
        parsed = parse_envelope(PostEnvelope.model_validate_json(body))
    except ValidationError as exc:
        refusal = ApiError(400, "invalid_request",
                           describe_validation(list(exc.errors()), ("body",)))
    except ApiError as exc:
        refusal = exc
    who, holds = await core.authenticate_with(
        "POST", request_target(scope), _headers(scope), body,
        parsed.signature_holds if parsed is not None else None)
    if parsed is None:
        assert refusal is not None
        raise refusal
    posted = await accept_parsed(core, who, parsed, bool(holds))
    return posted.model_dump_json().encode()


async def get_sync(core: Core, scope: Scope, receive: Receive, body: bytes) -> bytes | None:
    """GET /v1/sync: the long-poll, answered by ``server.api.sync.long_poll`` as the route
    does. Every live client holds one open and repeats it after each answer, so the
    framework's per-request cost was most of what a fan-out to a big room cost."""
    who = await core.authenticate("GET", request_target(scope), _headers(scope), body)
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                           keep_blank_values=True))
    cursor, timeout = parse_query(query)

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    text = await long_poll(core, who, cursor, timeout, disconnected)
    return None if text is None else text.encode("utf-8")  # None: the client has gone


Handler = Callable[[Core, Scope, Receive, bytes], Awaitable[bytes | None]]
HANDLERS: dict[tuple[str, str], Handler] = {("POST", PATH): post_envelope,
                                            ("GET", SYNC_PATH): get_sync}


async def answer(handler: Handler, core: Core, scope: Scope, receive: Receive, send: Send,
                 limit: int) -> None:
    """Read the body, run ``handler`` and answer, with the JSON errors of the routes."""
    try:
        out = await handler(core, scope, receive, await _read(receive, limit))
        if out is not None:
            await send_json(send, 200, out)
            if handler is get_sync:
                # A post wakes every long-poll of its room in one turn of the loop, and each
                # waits for those answered before it: finishing this request (returning
                # through the ASGI stack, ending its task) can wait until all are answered.
                await asyncio.sleep(0)
    except ApiError as exc:
        await send_json(send, exc.status, json.dumps(
            {"error": exc.code, "message": exc.message}).encode())
    except StorageError as exc:
        await send_json(send, 503, json.dumps(
            {"error": "unavailable", "message": str(exc)}).encode())
    except ConnectionResetError:
        return
