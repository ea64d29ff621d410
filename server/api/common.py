"""Shared pieces of the endpoints: the caller dependency, JSON helpers, error docs."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from server.auth import request_target
from server.core import Caller, Core
from sync.wire import ErrorBody

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 429)
}


def core_of(request: Request) -> Core:
    core: Core = request.app.state.core
    return core


async def caller(request: Request) -> Caller:
    """Dependency: the authenticated device (signed request, fresh, not replayed)."""
    body = await request.body()
    return await core_of(request).authenticate(request.method, request_target(request.scope),
                                               request.headers, body)


Who = Annotated[Caller, Depends(caller)]


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def json_text(text: str, status: int = 200) -> Response:
    return Response(content=text.encode("utf-8"), status_code=status,
                    media_type="application/json")


def describe_validation(errors: list[Any], prefix: tuple[str, ...] = ()) -> str:
    """A short account of what is wrong, never the offending input (it may be content)."""
    parts = []
    for e in errors[:3]:
        loc = ".".join(str(x) for x in (*prefix, *e.get("loc", ())))
        parts.append(f"{loc}: {e.get('msg', 'invalid')}"[:300])
    return "; ".join(parts) or "the request is malformed"
