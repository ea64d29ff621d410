"""Real processes over HTTP on loopback: the CLI, persistence across restarts, and two
instances sharing one PostgreSQL (LISTEN/NOTIFY wakes a long-poll across instances)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.config import ServerConfig
from server.runner import ProcessServer, free_port, serve_in_thread, start_process
from tests.server.conftest import Client, Harness, World
from tests.server.test_routing import CONF, envelope_ids, post

pytestmark = pytest.mark.anyio


def write_authority(tmp_path: Path, world: World) -> Path:
    path = tmp_path / "authority.pub"
    path.write_bytes(world.public.to_bytes())
    return path


def test_cli_refuses_to_start_without_a_pinned_authority(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "server", "--data-dir", str(tmp_path / "d"), "--port",
           str(free_port())]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "--authority" in r.stderr
    bad = tmp_path / "authority.pub"
    bad.write_text('{"renkei_authority": 1, "public_key": "AAAA", "fingerprint": "x"}')
    r = subprocess.run([*cmd, "--authority", str(bad)], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and "authority" in r.stderr


def test_second_sqlite_process_on_one_data_dir_is_refused(tmp_path: Path,
                                                           world: World) -> None:
    auth = write_authority(tmp_path, world)
    args = ["--authority", str(auth), "--data-dir", str(tmp_path / "d")]
    first = start_process(args, tmp_path / "one.log")
    try:
        r = subprocess.run([sys.executable, "-m", "server", *args, "--port",
                            str(free_port())], capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and "already using" in r.stderr
    finally:
        assert first.stop() in (0, -15)  # uvicorn re-raises SIGTERM after a clean shutdown


@pytest.fixture
def process_args(tmp_path: Path, world: World, database_url: str | None) -> list[str]:
    args = ["--authority", str(write_authority(tmp_path, world)), "--data-dir",
            str(tmp_path / "data")]
    if database_url:
        args += ["--database-url", database_url]
    return args


@pytest.fixture
def proc(tmp_path: Path, process_args: list[str]) -> Iterator[ProcessServer]:
    server = start_process(process_args, tmp_path / "server.log")
    yield server
    server.stop()


async def test_real_process_roundtrip_and_restart(tmp_path: Path, world: World,
                                                  process_args: list[str],
                                                  proc: ProcessServer) -> None:
    async with httpx.AsyncClient(base_url=proc.url) as http:
        h = Harness(http, world, None)
        admin = await h.enrol("admin")
        bob = await h.enrol("bob")
        room = await h.room(admin, "room-proc", [bob])
        _, cursor = await bob.sync_all()
        poll = asyncio.create_task(bob.sync(cursor, timeout=30))
        await asyncio.sleep(0.2)
        eid = await post(admin, world.envelope(admin.dev, room.room_id, CONF))
        data = await asyncio.wait_for(poll, 20)
        assert envelope_ids(data["items"]) == {eid}
        blob = os.urandom(300_000)
        r = await admin.request("POST", "/v1/attachments", content=blob)
        assert r.status_code == 200
        blob_id = r.json()["id"]
        before, _ = await bob.sync_all()
    assert proc.stop() in (0, -15)
    assert "CONFIDENTIAL" not in proc.log()  # logs hold no labels or content
    again = start_process(process_args, tmp_path / "server2.log")
    try:
        async with httpx.AsyncClient(base_url=again.url) as http:
            bob2 = Client(http, bob.dev)
            after, _ = await bob2.sync_all()
            assert after == before
            r = await bob2.get(f"/v1/attachments/{blob_id}")
            assert r.status_code == 200 and r.content == blob
            r = await bob2.get("/v1/rooms")
            assert r.json()["rooms"] == [{"room_id": room.room_id, "length": 2}]
    finally:
        assert again.stop() in (0, -15)


async def waiting_poll(hub: Any, c: Client, cursor: str) -> asyncio.Task[Any]:
    """A long-poll that is waiting on the instance whose hub is ``hub`` (this instance may
    first hand over rows it learnt about from the other instance meanwhile)."""
    while True:
        poll = asyncio.create_task(c.sync(cursor, timeout=60))
        for _ in range(4000):
            if hub.waiting(c.dev.device_id) or poll.done():
                break
            await asyncio.sleep(0.005)
        if not poll.done():
            return poll
        cursor = (await poll)["cursor"]


async def test_two_instances_on_one_postgres(tmp_path: Path, world: World, backend: str,
                                             database_url: str | None,
                                             process_args: list[str]) -> None:
    if backend != "postgres":
        pytest.skip("several instances need PostgreSQL")
    proc = start_process(process_args, tmp_path / "second.log")
    config = ServerConfig(authority=world.public, database_url=database_url,
                          data_dir=tmp_path / "first")
    first = serve_in_thread(config)  # in this process, so the test can see its waiters
    try:
        hub = first.server.config.app.state.core.hub
        async with httpx.AsyncClient(base_url=first.url) as h1, \
                httpx.AsyncClient(base_url=proc.url) as h2:
            admin = await Harness(h2, world, None).enrol("admin")
            bob = await Harness(h1, world, None).enrol("bob")
            room = await Harness(h2, world, None).room(admin, "room-two", [Client(h2, bob.dev)])
            _, cursor = await bob.sync_all()
            poll = await waiting_poll(hub, bob, cursor)
            eid = await post(admin, world.envelope(admin.dev, room.room_id, CONF))
            data = await asyncio.wait_for(poll, 20)
            assert envelope_ids(data["items"]) == {eid}
            # A revocation uploaded to the second instance cuts the first one's poll too.
            poll = asyncio.create_task(bob.get("/v1/sync", params={
                "since": data["cursor"], "timeout": 60}))
            for _ in range(2000):
                if hub.waiting(bob.dev.device_id):
                    break
                await asyncio.sleep(0.005)
            r = await h2.post("/v1/crl", json={"revocation_list": world.crl(1, [bob.dev])})
            assert r.status_code == 200
            resp = await asyncio.wait_for(poll, 20)
            assert resp.status_code == 403 and resp.json()["error"] == "revoked"
    finally:
        first.stop()
        proc.stop()
