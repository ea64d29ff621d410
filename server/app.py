"""The FastAPI application: routes, JSON errors, body-size guard, lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from server import fastpath
from server.api import attachments, devices, posts, rooms, sessions, sync
from server.api.common import describe_validation
from server.config import ServerConfig
from server.core import Core
from server.errors import ApiError, StorageError
from server.middleware import Guard
from sync.wire import Health

log = logging.getLogger("renkei.server")

try:
    VERSION = metadata.version("renkei")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    VERSION = "0.0.0"

_HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden",
               404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
               413: "too_large", 415: "unsupported_media_type", 429: "rate_limited"}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _error(exc.status, exc.code, exc.message)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code if 400 <= exc.status_code < 500 else 400
    detail = exc.detail if isinstance(exc.detail, str) else "request refused"
    return _error(status, _HTTP_CODES.get(status, "bad_request"), detail)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _error(400, "invalid_request", describe_validation(list(exc.errors())))


async def _storage_error(request: Request, exc: Exception) -> JSONResponse:
    return _error(503, "unavailable", str(exc))


class RenkeiApp(FastAPI):
    """FastAPI, except that POST /v1/envelopes and GET /v1/sync, nearly all of the traffic,
    go straight to ``server.fastpath`` (same checks and errors) instead of through the
    framework's stack."""

    fast_guard: Guard | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        guard = self.fast_guard
        if guard is not None and scope["type"] == "http":
            handler = fastpath.HANDLERS.get((scope["method"], scope["path"]))
            if handler is not None:
                await guard.fast(scope, receive, send, handler)
                return
        await super().__call__(scope, receive, send)


def create_app(config: ServerConfig) -> FastAPI:
    """Open the database and build the app. Raises ``ConfigError`` when it cannot start."""
    core = Core(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await core.start()
        try:
            yield
        finally:
            await core.close()

    app = RenkeiApp(title="Renkei sharing server", version=VERSION, lifespan=lifespan,
                  openapi_url="/v1/openapi.json", docs_url=None, redoc_url=None)
    app.state.core = core
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StorageError, _storage_error)

    @app.get("/v1/health", response_model=Health, summary="Liveness (no authentication)")
    async def health() -> Health:
        return Health(status="ok", version=VERSION)

    @app.get("/v1/authority", summary="The pinned authority public key (authority.pub)",
             responses={200: {"content": {"application/json": {}}}},
             response_class=Response)
    async def authority() -> Response:
        # Useful only with a fingerprint obtained out of band: clients compare before trust.
        return Response(content=config.authority.to_bytes(), media_type="application/json")

    for module in (devices, sessions, rooms, posts, sync, attachments):
        app.include_router(module.router)
    app.add_middleware(Guard, limits=config.limits)
    app.fast_guard = Guard(app, config.limits, core)
    return app
