"""A response head goes out with its body in one write; nothing is reordered or kept back."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.onewrite import HeadHoldingTransport
from server.runner import start_process
from tests.server.conftest import World

HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n"


class Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return f"extra:{name}"


def _run(steps: Any) -> Recorder:
    rec = Recorder()

    async def main() -> None:
        t = HeadHoldingTransport(rec, asyncio.get_running_loop())  # type: ignore[arg-type]
        await steps(t, rec)

    asyncio.run(main())
    return rec


def test_head_and_body_written_at_once() -> None:
    async def steps(t: HeadHoldingTransport, rec: Recorder) -> None:
        t.write(HEAD)
        assert rec.writes == []  # held for the body
        t.write(b"{}")
        assert rec.writes == [HEAD + b"{}"]
        t.write(b"more")  # not a head: straight through
        assert rec.writes == [HEAD + b"{}", b"more"]
        await asyncio.sleep(0)
        assert rec.writes == [HEAD + b"{}", b"more"]  # nothing left to flush

    _run(steps)


def test_a_head_alone_goes_out_on_the_next_turn_and_before_closing() -> None:
    async def steps(t: HeadHoldingTransport, rec: Recorder) -> None:
        t.write(HEAD)  # e.g. a streamed body still being produced
        await asyncio.sleep(0)
        assert rec.writes == [HEAD]
        t.write(HEAD)
        t.close()
        assert rec.writes == [HEAD, HEAD] and rec.closed

    _run(steps)


def test_body_bytes_that_look_like_a_head_keep_their_order() -> None:
    lookalike = b"HTTP/1.1 a chunk of an attachment that ends like a head\r\n\r\n"

    async def steps(t: HeadHoldingTransport, rec: Recorder) -> None:
        t.write(HEAD)
        t.write(lookalike)  # the body: joined to the head, not held itself
        t.write(lookalike)  # held: goes out with what follows, in order
        t.write(b"tail")
        assert b"".join(rec.writes) == HEAD + lookalike + lookalike + b"tail"
        t.write(lookalike)
        t.abort()  # an aborted connection sends nothing more
        await asyncio.sleep(0)
        assert b"".join(rec.writes) == HEAD + lookalike + lookalike + b"tail"
        assert rec.aborted
        assert t.get_extra_info("peername") == "extra:peername"

    _run(steps)


def test_the_server_process_answers_over_one_write_transport(tmp_path: Path,
                                                             world: World) -> None:
    # The real process (server.cli) uses it: answers and errors arrive whole, several on one
    # connection. (tests/server/test_process.py runs whole exchanges against it too.)
    auth = tmp_path / "authority.pub"
    auth.write_bytes(world.public.to_bytes())
    srv = start_process(["--authority", str(auth), "--data-dir", str(tmp_path / "data"),
                         "--log-level", "warning"], tmp_path / "server.log")
    try:
        with httpx.Client(base_url=srv.url, timeout=10) as c:
            for _ in range(3):
                assert c.get("/v1/health").json()["status"] == "ok"
            r = c.get("/v1/sync?since=0&timeout=0")
            assert r.status_code == 401 and r.json()["error"] == "unauthenticated"
            assert c.get("/v1/authority").content == world.public.to_bytes()
    finally:
        srv.stop()


def test_the_cli_uses_it_unless_h11_is_asked_for_or_httptools_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from server.cli import http_protocol
    from server.onewrite import OneWriteHttpToolsProtocol

    assert http_protocol("auto") is OneWriteHttpToolsProtocol
    assert http_protocol("httptools") is OneWriteHttpToolsProtocol
    assert http_protocol("h11") == "h11"
    monkeypatch.setitem(sys.modules, "server.onewrite", None)  # importing it now fails
    assert http_protocol("auto") == "auto"
    assert http_protocol("httptools") == "httptools"
