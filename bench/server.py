"""Sharing-server benchmark: ``python -m bench.server``.

Starts ``renkei-server`` as a separate process on loopback and drives it from this process
with a minimal keep-alive HTTP/1.1 client (requests are signed before the clock starts,
so the client side stays cheap on the shared 2-core machine). Figures, last stdout line:

- ``idle_longpolls``: long-polls held open at once by one server process and all answered
  correctly by one post that concerns every one of them;
- ``wake_p50_ms`` / ``wake_p99_ms``: post sent → a waiting long-poll's answer received;
- ``fanout100_p50_ms``: post to a room whose 100 members all long-poll → last answer;
- ``ingest_per_s``: envelopes accepted and committed per second on SQLite (concurrent
  keep-alive connections); ``ingest_per_s_pg`` the same on PostgreSQL (null without one).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from crypto import authority as auth_keys
from crypto.certs import EnrolmentRequest, SignedCertificate, issue_certificate
from crypto.envelope import new_header, seal_group
from crypto.identity import DeviceKeys
from crypto.membership import GENESIS, make_event
from crypto.requests import sign_request
from crypto.sessions import mac_request, open_key
from server.runner import ProcessServer, start_process

LABEL = "CONFIDENTIAL//TLP:AMBER"
IDLE_POLLS = int(os.environ.get("BENCH_IDLE_POLLS", "2500"))
INGEST_N = int(os.environ.get("BENCH_INGEST_N", "8000"))
INGEST_CONNS = 32


def now_ms() -> int:
    return int(time.time() * 1000)


class Conn:
    """One keep-alive HTTP/1.1 connection; requests are pre-serialised bytes."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.r, self.w = reader, writer

    @classmethod
    async def open(cls, port: int) -> Conn:
        r, w = await asyncio.open_connection("127.0.0.1", port, limit=2**24)
        return cls(r, w)

    async def send(self, raw: bytes) -> None:
        self.w.write(raw)
        await self.w.drain()

    async def response(self) -> tuple[int, bytes]:
        head = await self.r.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        body = await self.r.readexactly(length) if length else b""
        return status, body

    async def call(self, raw: bytes) -> tuple[int, bytes]:
        await self.send(raw)
        return await self.response()

    def close(self) -> None:
        self.w.close()


class Dev:
    def __init__(self, authority: Any, user: str, serial: int, roles: tuple[str, ...] = ()
                 ) -> None:
        self.keys = DeviceKeys.generate()
        now = int(time.time())
        req = EnrolmentRequest.verify(EnrolmentRequest.create(self.keys, user, user, "org",
                                                              now))
        self.signed: SignedCertificate = issue_certificate(
            authority, req, serial=serial, level="SECRET", compartments=(), roles=roles,
            not_before=now - 60, not_after=now + 86400, now=now)
        self.id = self.keys.device_id
        self.seq = 0
        self.session: tuple[str, bytes] | None = None  # as the sync engine: see Bench.register

    def request(self, method: str, target: str, body: bytes = b"") -> bytes:
        if self.session is not None:
            hdrs = mac_request(self.id, *self.session, method, target, body, now_ms())
        else:
            hdrs = sign_request(self.keys, method, target, body, now_ms())
        lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1",
                 f"Content-Length: {len(body)}", "Content-Type: application/json"]
        lines += [f"{k}: {v}" for k, v in hdrs.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def post_json(self, target: str, doc: Any) -> bytes:
        return self.request("POST", target, json.dumps(doc).encode())

    def envelope(self, room: str, label: str = LABEL) -> bytes:
        self.seq += 1
        h = new_header(room=room, sender=self.id, seq=self.seq, label=label, epoch=1,
                       created=now_ms(), ctype="text/plain")
        env = seal_group(h, b"benchmark message " * 8, bytes(32), self.keys)
        return self.post_json("/v1/envelopes", {"envelope": env.to_wire()})

    def sync(self, since: str, timeout: int) -> bytes:
        return self.request("GET", f"/v1/sync?since={since}&timeout={timeout}")


class Bench:
    def __init__(self, port: int, authority: Any) -> None:
        self.port = port
        self.authority = authority
        self.serial = 0

    def dev(self, user: str, roles: tuple[str, ...] = ()) -> Dev:
        self.serial += 1
        return Dev(self.authority, user, self.serial, roles)

    async def ok(self, c: Conn, raw: bytes) -> dict[str, Any]:
        status, body = await c.call(raw)
        if status != 200:
            raise RuntimeError(f"server answered {status}: {body[:300]!r}")
        out: dict[str, Any] = json.loads(body)
        return out

    async def register(self, devs: list[Dev]) -> None:
        c = await Conn.open(self.port)
        for d in devs:
            await self.ok(c, d.post_json("/v1/devices", {"certificate": d.signed.to_dict()}))
            # Then a request session, as the sync engine starts one (sync.sessions).
            got = await self.ok(c, d.post_json("/v1/sessions", {}))
            d.session = (got["token"], open_key(d.keys, got["token"], got["key"]))
        c.close()

    async def room(self, admin: Dev, room_id: str, members: list[Dev]) -> None:
        c = await Conn.open(self.port)
        prev, index = GENESIS, 0
        users = [admin.signed.cert.user_id] + sorted({m.signed.cert.user_id for m in members}
                                                      - {admin.signed.cert.user_id})
        for user in users:
            kw: dict[str, Any] = ({"type": "create", "name": "bench", "ceiling":
                                   "SECRET//TLP:AMBER", "history": "shared"} if index == 0
                                  else {"type": "invite", "target": user, "role": "member"})
            ev = make_event(admin.keys, admin.signed.cert, room_id=room_id, index=index,
                            prev=prev, created=now_ms(), **kw)
            await self.ok(c, admin.post_json(f"/v1/rooms/{room_id}/events", ev.to_dict()))
            prev, index = ev.hash, index + 1
        c.close()

    async def cursor(self, d: Dev) -> str:
        c = await Conn.open(self.port)
        since = "0"
        while True:
            data = await self.ok(c, d.sync(since, 0))
            since = data["cursor"]
            if not data["more"]:
                c.close()
                return str(since)

    # -- figures -----------------------------------------------------------------------
    async def idle_longpolls(self, n: int) -> int:
        devs = [self.dev(f"idle{i}") for i in range(-(-n // 10))]
        await self.register(devs)
        poster = self.dev("poster")
        await self.register([poster])
        since = await self.cursor(poster)
        conns = await asyncio.gather(*(Conn.open(self.port) for _ in range(n)))
        polls = [asyncio.create_task(c.call(devs[i // 10].sync(since, 50)))
                 for i, c in enumerate(conns)]
        await asyncio.sleep(3 + n / 1000)  # let every poll reach its wait
        early = sum(p.done() for p in polls)
        c = await Conn.open(self.port)
        posted = await self.ok(c, poster.envelope("channel:briefs"))
        results = await asyncio.gather(*polls)
        good = 0
        for status, body in results:
            if status == 200:
                items = json.loads(body)["items"]
                if any(i["kind"] == "envelope" and i["pos"] == posted["cursor"]
                       for i in items):
                    good += 1
        for x in (*conns, c):
            x.close()
        return good if early == 0 else good - early

    async def wake(self, rounds: int = 200) -> list[float]:
        a, b = self.dev("wake-a"), self.dev("wake-b")
        await self.register([a, b])
        await self.room(a, "room-wake", [b])
        since = await self.cursor(b)
        pc, sc = await Conn.open(self.port), await Conn.open(self.port)
        out = []
        for _ in range(rounds):
            await pc.send(b.sync(since, 30))
            await asyncio.sleep(0.01)
            raw = a.envelope("room-wake")
            t0 = time.perf_counter()
            await sc.send(raw)
            status, body = await pc.response()
            out.append((time.perf_counter() - t0) * 1000)
            await sc.response()
            since = json.loads(body)["cursor"]
        pc.close()
        sc.close()
        return out

    async def fanout(self, members: int = 100, rounds: int = 30) -> list[float]:
        admin = self.dev("fan-admin")
        devs = [self.dev(f"fan{i}") for i in range(members)]
        await self.register([admin, *devs])
        await self.room(admin, "room-fan", devs)
        cursors = [await self.cursor(d) for d in devs]
        conns = await asyncio.gather(*(Conn.open(self.port) for _ in devs))
        sc = await Conn.open(self.port)
        out = []
        for _ in range(rounds):
            for c, d, cur in zip(conns, devs, cursors, strict=True):
                await c.send(d.sync(cur, 30))
            await asyncio.sleep(0.05)
            raw = admin.envelope("room-fan")
            t0 = time.perf_counter()
            await sc.send(raw)
            answers = await asyncio.gather(*(c.response() for c in conns))
            out.append((time.perf_counter() - t0) * 1000)
            await sc.response()
            cursors = [json.loads(body)["cursor"] for _, body in answers]
        for c in (*conns, sc):
            c.close()
        return out

    async def ingest(self, n: int, conns: int = INGEST_CONNS) -> float:
        senders = [self.dev(f"ingest{i}") for i in range(conns)]
        await self.register(senders)
        room = "room-ingest-" + secrets.token_hex(3)
        await self.room(senders[0], room, senders[1:])
        per = n // conns
        batches = [[s.envelope(room) for _ in range(per)] for s in senders]
        cs = await asyncio.gather(*(Conn.open(self.port) for _ in senders))

        async def run(c: Conn, batch: list[bytes]) -> None:
            for raw in batch:
                status, body = await c.call(raw)
                if status != 200:
                    raise RuntimeError(f"ingest refused: {status} {body[:200]!r}")

        t0 = time.perf_counter()
        await asyncio.gather(*(run(c, b) for c, b in zip(cs, batches, strict=True)))
        elapsed = time.perf_counter() - t0
        for c in cs:
            c.close()
        return per * conns / elapsed


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return round(s[min(len(s) - 1, int(q * len(s)))], 2)


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def pg_url() -> str | None:
    url = os.environ.get("RENKEI_TEST_PG_URL")
    if url:
        return url
    script = Path(__file__).resolve().parent.parent / "tools" / "pg_test.sh"
    if os.geteuid() != 0 or not script.exists():
        return None
    try:
        out = subprocess.run(["bash", str(script)], capture_output=True, text=True,
                             timeout=120, check=True).stdout
    except (subprocess.SubprocessError, OSError):
        return None
    for line in out.splitlines():
        if line.startswith("export RENKEI_TEST_PG_URL="):
            return line.split("=", 1)[1]
    return None


def start(work: Path, authority: Any, extra: list[str], name: str) -> ProcessServer:
    auth = work / "authority.pub"
    auth.write_bytes(auth_keys.public_of(authority).to_bytes())
    tuning = os.environ.get("BENCH_SERVER_ARGS", "").split()  # e.g. "--http h11"
    return start_process(["--authority", str(auth), "--rate", "0", "--anon-rate", "0",
                          "--log-level", "warning", *tuning, *extra], work / f"{name}.log")


async def main_async(work: Path) -> dict[str, Any]:
    authority = auth_keys.generate()
    out: dict[str, Any] = {}
    srv = start(work, authority, ["--data-dir", str(work / "sqlite")], "sqlite")
    try:
        port = int(srv.url.rsplit(":", 1)[1])
        b = Bench(port, authority)
        out["ingest_per_s"] = round(await b.ingest(INGEST_N))
        wake = await b.wake()
        out["wake_p50_ms"], out["wake_p99_ms"] = pct(wake, 0.5), pct(wake, 0.99)
        fan = await b.fanout()
        out["fanout100_p50_ms"] = round(statistics.median(fan), 2)
        out["idle_longpolls"] = await b.idle_longpolls(IDLE_POLLS)
    finally:
        srv.stop()
    url = pg_url()
    out["ingest_per_s_pg"] = None
    if url:
        import psycopg

        schema = "bench_" + secrets.token_hex(4)
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in url else "?"
        try:
            srv = start(work, authority, ["--database-url",
                                          f"{url}{sep}options=-csearch_path%3D{schema}",
                                          "--data-dir", str(work / "pg")], "pg")
            try:
                b = Bench(int(srv.url.rsplit(":", 1)[1]), authority)
                out["ingest_per_s_pg"] = round(await b.ingest(INGEST_N // 2))
            finally:
                srv.stop()
        finally:
            with psycopg.connect(url, autocommit=True) as c:
                c.execute(f"DROP SCHEMA {schema} CASCADE")
    return out


def main() -> None:
    raise_fd_limit()
    work = Path(tempfile.mkdtemp(prefix="renkei-bench-"))
    try:
        figures = asyncio.run(main_async(work))
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(work)
    print(f"python {sys.version.split()[0]}, server and client share this machine",
          file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
