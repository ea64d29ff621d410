"""Every bad input gets a 4xx JSON error; internal failures a content-free 500."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from server.app import create_app
from server.config import ServerConfig
from tests.server.conftest import Client, Harness, World
from tests.server.test_auth import err

pytestmark = pytest.mark.anyio


async def test_error_shapes(harness: Harness) -> None:
    alice = await harness.enrol("alice")
    r = await harness.http.get("/v1/nowhere")
    assert r.status_code == 404 and err(r) == "not_found"
    r = await harness.http.delete("/v1/health")
    assert r.status_code == 405 and err(r) == "method_not_allowed"
    r = await alice.request("POST", "/v1/envelopes", content=b"{not json")
    assert r.status_code == 400 and err(r) == "invalid_request"
    r = await alice.post("/v1/acks", {"room": "room-x", "envelope_id": "0" * 32, "extra": 1})
    assert r.status_code == 400 and err(r) == "invalid_request"
    r = await alice.post("/v1/acks", {"room": "BAD ROOM", "envelope_id": "0" * 32})
    assert r.status_code == 400 and "BAD ROOM" not in r.text
    r = await alice.post("/v1/keys", {"deliveries": []})
    assert r.status_code == 400
    r = await alice.post("/v1/envelopes", {"envelope": {"h": "!!", "n": "", "c": "", "s": ""}})
    assert r.status_code == 400
    r = await alice.post("/v1/envelopes", {"envelope": {"h": "", "n": "", "c": "", "s": ""}})
    assert r.status_code == 400 and err(r) == "bad_envelope"


@pytest.fixture
async def small(world: World, make_config: Callable[..., ServerConfig]
                ) -> AsyncIterator[Harness]:
    app = create_app(make_config(max_body=4096, max_attachment=10_000))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://renkei.test") as http:
        yield Harness(http, world, app)


async def test_body_limits(small: Harness) -> None:
    alice = await small.enrol("alice")
    big = {"envelope": {"h": "A" * 8000, "n": "", "c": "", "s": ""}}
    r = await alice.post("/v1/envelopes", big)
    assert r.status_code == 413 and err(r) == "too_large"

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b" " * 1000

    # Without Content-Length (chunked): cut off while reading.
    r = await small.http.post("/v1/envelopes", content=chunks(),
                              headers={"content-type": "application/json"})
    assert r.status_code == 413 and err(r) == "too_large"
    r = await alice.request("POST", "/v1/attachments", content=b"x" * 10_001)
    assert r.status_code == 413 and err(r) == "too_large"


async def test_internal_errors_are_json_and_content_free(
        harness: Harness, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    alice = await harness.enrol("alice")
    core = harness.app.state.core

    def boom(user: str) -> list[str]:
        raise RuntimeError("CANARY-PLAINTEXT")

    monkeypatch.setattr(core.state, "rooms_of", boom)
    with caplog.at_level(logging.DEBUG):
        r = await alice.get("/v1/rooms")
    assert r.status_code == 500 and err(r) == "internal"
    assert "CANARY" not in r.text and "CANARY" not in caplog.text


async def test_rate_limit(world: World, make_config: Callable[..., ServerConfig]) -> None:
    app = create_app(make_config(rate_per_s=0.001, rate_burst=3))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://renkei.test") as http:
        c = Client(http, world.device("alice"))
        assert (await c.register()).status_code == 200
        codes = [(await c.get("/v1/rooms")).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
