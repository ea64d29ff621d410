"""Sync engine benchmark: ``python -m bench.sync [--quick] [--profile]``.

A real ``renkei-server`` process on loopback; the clients are the real sync engine with
SQLCipher vaults. Figures, last stdout line (one JSON object):

- ``latency_p50_ms`` / ``latency_p99_ms``: client A sends 5 messages a second into a room;
  time from A starting to compose each one until client B has it decrypted and stored in
  its vault. 100 other members of the room long-poll and receive every message meanwhile
  (lightweight async long-pollers in a separate process, each in a request session as
  the sync engine is). Targets 15 / 60 ms.
- ``catchup_per_s``: a new device fetches, verifies, decrypts, stores and indexes 100,000
  envelopes (``--quick``: 10,000), in a fresh process of its own as a new device would.
  Target 8,000. Measured with SQLCipher's ``cipher_memory_security`` ON, as users run it
  (ADR 0005).
- ``catchup_per_s_memsec_off``: for comparison only, a second new device catches up the same
  envelopes in a child process that turned memory security off with the bench-only switch
  ``store.vault.BENCH_ONLY_MEMORY_SECURITY`` (the pragma is process-wide and one-way).
- ``verify_floor_per_s``: bare Ed25519 verifications per second in this process, the floor
  the catch-up rate should be compared with.

``--profile`` prints where the catch-up spends its time (cProfile, to stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import nacl.pwhash

from crypto import authority as auth_keys
from crypto import primitives as p
from crypto.authority import AuthorityPublic
from crypto.certs import EnrolmentRequest, SignedCertificate, issue_certificate
from crypto.envelope import new_header, seal_group
from crypto.identity import DeviceKeys
from crypto.requests import sign_request
from crypto.sessions import mac_request, open_key
from server.runner import ProcessServer, start_process
from store import keys as store_keys
from store import vault
from sync.account import Session, create_account, import_certificate, open_session
from sync.content import Content
from sync.engine import Engine

LABEL = "SECRET//TLP:AMBER"
KDF = (nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN)
PASSPHRASE = "benchmark passphrase (synthetic)"
OTHERS = 100
RATE_HZ = 5.0


def now_ms() -> int:
    return int(time.time() * 1000)


def log(msg: str) -> None:
    print(f"[bench.sync] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- plumbing
class Conn:
    """A keep-alive HTTP/1.1 connection for pre-signed requests (cheap on the client)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.r, self.w = reader, writer

    @classmethod
    async def open(cls, port: int) -> Conn:
        r, w = await asyncio.open_connection("127.0.0.1", port, limit=2**26)
        return cls(r, w)

    async def call(self, raw: bytes) -> tuple[int, bytes]:
        self.w.write(raw)
        await self.w.drain()
        head = await self.r.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        return status, (await self.r.readexactly(length) if length else b"")

    def close(self) -> None:
        self.w.close()


def raw_request(keys: DeviceKeys, method: str, target: str, body: bytes = b"") -> bytes:
    return _http(method, target, body, sign_request(keys, method, target, body, now_ms()))


def session_request(device: str, token: str, key: bytes, method: str, target: str,
                    body: bytes = b"") -> bytes:
    return _http(method, target, body,
                 mac_request(device, token, key, method, target, body, now_ms()))


def _http(method: str, target: str, body: bytes, hdrs: dict[str, str]) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}",
             "Content-Type: application/json", *(f"{k}: {v}" for k, v in hdrs.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Person:
    """An account with a vault, a session and an engine (the real client)."""

    def __init__(self, base: Path, authority: Any, url: str, user: str, serial: int) -> None:
        self.dir = base / user
        self.user = user
        req = create_account(self.dir, server_url=url, authority=auth_keys.public_of(authority),
                             user_id=user, display_name=user.title(), org="org-bench",
                             secrets="passphrase", passphrase=PASSPHRASE,
                             now=int(time.time()), kdf=KDF)
        sc = issue(authority, req.read_bytes(), serial)
        import_certificate(self.dir, sc.to_bytes(), now=int(time.time()))
        self.session: Session | None = None
        self.engine: Engine | None = None

    def open(self) -> Person:
        self.session = open_session(self.dir, passphrase=PASSPHRASE, clock=time.time)
        self.engine = Engine(self.session)
        return self

    @property
    def e(self) -> Engine:
        assert self.engine is not None
        return self.engine

    @property
    def s(self) -> Session:
        assert self.session is not None
        return self.session

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
        if self.session is not None:
            self.session.close()
        self.engine = self.session = None


def issue(authority: Any, request: bytes | dict[str, Any], serial: int) -> SignedCertificate:
    now = int(time.time())
    return issue_certificate(authority, EnrolmentRequest.verify(request), serial=serial,
                             level="SECRET", compartments=(), roles=(), not_before=now - 600,
                             not_after=now + 86400, now=now)


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return round(s[min(len(s) - 1, int(q * len(s)))], 2)


# ---------------------------------------------------------------------------- pollers
async def _poller_main(spec: dict[str, Any]) -> dict[str, int]:
    """Runs in the separate process: register, then long-poll until stdin closes."""
    port = int(spec["port"])
    room = spec["room"]
    devs = [(DeviceKeys.from_bytes(bytes.fromhex(d["keys"])), d["cert"]) for d in spec["devs"]]
    conns = [await Conn.open(port) for _ in devs]
    sessions: dict[str, tuple[str, bytes]] = {}
    for (keys, cert), c in zip(devs, conns, strict=True):
        body = json.dumps({"certificate": cert}).encode()
        status, text = await c.call(raw_request(keys, "POST", "/v1/devices", body))
        if status != 200:
            raise RuntimeError(f"register: {status} {text[:200]!r}")
        # A request session, as the sync engine starts one (sync.sessions).
        status, text = await c.call(raw_request(keys, "POST", "/v1/sessions", b"{}"))
        if status != 200:
            raise RuntimeError(f"session: {status} {text[:200]!r}")
        got = json.loads(text)
        sessions[keys.device_id] = (got["token"], open_key(keys, got["token"], got["key"]))
    counts = {keys.device_id: 0 for keys, _ in devs}
    stop = asyncio.Event()

    async def poll(keys: DeviceKeys, c: Conn) -> None:
        cursor = "0"
        first = True
        token, key = sessions[keys.device_id]
        while not stop.is_set():
            timeout = 0 if first else 20
            target = f"/v1/sync?since={cursor}&timeout={timeout}"
            status, body = await c.call(session_request(keys.device_id, token, key, "GET",
                                                        target))
            if status != 200:
                raise RuntimeError(f"sync: {status} {body[:200]!r}")
            doc = json.loads(body)
            cursor = doc["cursor"]
            counts[keys.device_id] += sum(1 for it in doc["items"]
                                          if it["kind"] == "envelope" and it["room"] == room)
            first = doc["more"]

    tasks = [asyncio.create_task(poll(k, c)) for (k, _), c in zip(devs, conns, strict=True)]
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin
    stop.set()
    for t in tasks:
        t.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*tasks, return_exceptions=True)
    return counts


def start_pollers(work: Path, port: int, room: str, devs: list[tuple[DeviceKeys, Any]]
                  ) -> subprocess.Popen[str]:
    spec = {"port": port, "room": room,
            "devs": [{"keys": k.to_bytes().hex(), "cert": sc.to_dict()} for k, sc in devs]}
    path = work / "pollers.json"
    path.write_text(json.dumps(spec))
    proc = subprocess.Popen([sys.executable, "-m", "bench.sync", "--pollers", str(path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise RuntimeError(f"the long-pollers did not start: {line!r}")
    return proc


# ---------------------------------------------------------------------------- latency
def latency(work: Path, srv: ProcessServer, authority: Any, messages: int) -> dict[str, Any]:
    port = int(srv.url.rsplit(":", 1)[1])
    a = Person(work, authority, srv.url, "alice", 1).open()
    b = Person(work, authority, srv.url, "bob", 2)
    a.e.register()
    others = []
    for i in range(OTHERS):
        keys = DeviceKeys.generate()
        req = EnrolmentRequest.create(keys, f"member{i:03d}", f"Member {i}", "org-bench",
                                      int(time.time()))
        others.append((keys, issue(authority, req, 100 + i)))
    room = a.e.create_room("Latency", LABEL, "none")
    pollers = start_pollers(work, port, room, others)
    try:
        b.open().e.register()
        b.close()
        a.e.catch_up()
        a.e.invite(room, "bob")
        for _, sc in others:
            a.e.invite(room, sc.cert.user_id)
        a.e.catch_up()
        received: dict[str, float] = {}
        ready = threading.Event()
        stop = threading.Event()

        def bob_loop() -> None:
            b.open()
            b.e.catch_up()
            ready.set()
            while not stop.is_set():
                res = b.e.sync_once(5)
                t = time.perf_counter()
                for item_id in res.stored:
                    received.setdefault(item_id, t)
            b.close()

        th = threading.Thread(target=bob_loop, daemon=True)
        th.start()
        ready.wait(60)
        # Warm up: the first message carries the epoch key to all 102 devices.
        warm = a.e.send_text(room, LABEL, "warm-up")
        _wait(lambda: warm in received, 30)
        started: dict[str, float] = {}
        tick = time.perf_counter()
        for i in range(messages):
            tick += 1 / RATE_HZ
            t0 = time.perf_counter()
            eid = a.e.send(room, LABEL, Content(kind="message", body=f"latency probe {i}"))
            started[eid] = t0
            time.sleep(max(0.0, tick - time.perf_counter()))
        _wait(lambda: all(e in received for e in started), 60)
        stop.set()
        th.join(30)
        lat = [(received[e] - t0) * 1000 for e, t0 in started.items() if e in received]
    finally:
        out, _ = pollers.communicate(input="", timeout=60)
        a.close()
    counts = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    return {"latency_p50_ms": pct(lat, 0.5), "latency_p99_ms": pct(lat, 0.99),
            "latency_samples": len(lat), "latency_missing": len(started) - len(lat),
            "others_received_all": bool(counts) and min(counts.values()) >= messages + 1,
            "others": len(counts)}


def _wait(cond: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting")
        time.sleep(0.005)


# ---------------------------------------------------------------------------- catch-up
async def _post_all(port: int, keys: DeviceKeys, bodies: list[bytes], conns: int = 16) -> None:
    cs = [await Conn.open(port) for _ in range(conns)]

    async def run(c: Conn, part: list[bytes]) -> None:
        for body in part:
            status, text = await c.call(raw_request(keys, "POST", "/v1/envelopes", body))
            if status != 200:
                raise RuntimeError(f"post: {status} {text[:200]!r}")

    await asyncio.gather(*(run(c, bodies[i::conns]) for i, c in enumerate(cs)))
    for c in cs:
        c.close()


def catchup(work: Path, srv: ProcessServer, authority: Any, n: int,
            profile: bool) -> dict[str, Any]:
    port = int(srv.url.rsplit(":", 1)[1])
    a = Person(work, authority, srv.url, "carol", 3).open()
    d = Person(work, authority, srv.url, "dave", 4)  # catches up with memory security on
    e = Person(work, authority, srv.url, "erin", 5)  # the same, off (a child process)
    a.e.register()
    for reader in (d, e):
        reader.open().e.register()
        reader.close()
    a.e.catch_up()
    room = a.e.create_room("Catch-up", LABEL, "none")
    a.e.invite(room, "dave")
    a.e.invite(room, "erin")
    a.e.catch_up()
    a.e.send_text(room, LABEL, "first")  # delivers the epoch key
    [ek] = store_keys.list_epoch_keys(a.s.conn, room, LABEL)
    t0 = time.perf_counter()
    bodies = []
    for i in range(n):
        h = new_header(room=room, sender=a.s.device_id, seq=10 + i, label=LABEL,
                       epoch=ek.epoch, created=now_ms(), ctype="renkei/message")
        text = f"incident update {i}: indicators observed at site {i % 113}, 攻撃 {i % 7}"
        plain = json.dumps({"kind": "message", "body": text}).encode()
        env = seal_group(h, plain, ek.key, a.s.keys)
        bodies.append(json.dumps({"envelope": env.to_wire()}).encode())
    log(f"sealed {n} envelopes in {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    asyncio.run(_post_all(port, a.s.keys, bodies))
    log(f"posted them in {time.perf_counter() - t0:.1f}s")
    a.close()
    # Each new device catches up in a fresh process, as a new device does: a process that
    # has already run the latency phase measured a fifth slower (see ADR 0007).
    on = _catchup_in_child(d.dir, memsec=True, profile=profile)
    log(f"caught up {on['stored']} items in {on['elapsed']:.1f}s (memory security on)")
    off = _catchup_in_child(e.dir, memsec=False, profile=False)
    log(f"caught up {off['stored']} items in {off['elapsed']:.1f}s (memory security off)")
    return {"catchup_per_s": round(on["stored"] / on["elapsed"]), "catchup_items": on["stored"],
            "catchup_per_s_memsec_off": round(off["stored"] / off["elapsed"])}


def memory_security(session: Session) -> str:
    return str(session.conn.execute("PRAGMA cipher_memory_security").fetchone()[0])


def _catchup_in_child(account: Path, *, memsec: bool, profile: bool) -> dict[str, Any]:
    """Catch ``account`` up in a child process (memory security off: comparison only)."""
    out = subprocess.run([sys.executable, "-m", "bench.sync", "--catchup-child", str(account),
                          "--memsec", "on" if memsec else "off",
                          *(["--profile"] if profile else [])],
                         stdout=subprocess.PIPE, text=True, check=True, timeout=900)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _catchup_child(account: Path, memsec: bool, profile: bool) -> dict[str, Any]:
    # Before any vault is opened in this process: the pragma cannot be undone once on.
    vault.BENCH_ONLY_MEMORY_SECURITY = memsec
    session = open_session(account, passphrase=PASSPHRASE, clock=time.time)
    engine = Engine(session)
    prof = cProfile.Profile() if profile else None
    try:
        if memory_security(session) != ("1" if memsec else "0"):
            raise RuntimeError("cipher_memory_security is not as asked in the measuring process")
        t0 = time.perf_counter()
        if prof is not None:
            prof.enable()
        stored = engine.catch_up()
        if prof is not None:
            prof.disable()
        elapsed = time.perf_counter() - t0
    finally:
        engine.close()
        session.close()
    if prof is not None:
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(25)
        print(buf.getvalue(), file=sys.stderr)
    return {"stored": stored, "elapsed": elapsed}


def verify_floor(n: int = 20000) -> int:
    sk = p.new_signing_key()
    pk = bytes(sk.verify_key)
    msg = b"x" * 600
    sig = p.sign(sk, p.CTX_ENVELOPE, msg)
    t0 = time.perf_counter()
    for _ in range(n):
        p.verify(pk, p.CTX_ENVELOPE, msg, sig)
    return round(n / (time.perf_counter() - t0))


# ---------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller sizes (about 30 s)")
    ap.add_argument("--profile", action="store_true", help="profile the catch-up (stderr)")
    ap.add_argument("--pollers", help=argparse.SUPPRESS)
    ap.add_argument("--catchup-child", help=argparse.SUPPRESS)
    ap.add_argument("--memsec", choices=("on", "off"), default="on", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.catchup_child:
        print(json.dumps(_catchup_child(Path(args.catchup_child), args.memsec == "on",
                                        args.profile)), flush=True)
        return 0
    if args.pollers:
        counts = asyncio.run(_poller_main(json.loads(Path(args.pollers).read_text())))
        print(json.dumps(counts), flush=True)
        return 0
    messages = 25 if args.quick else 100
    envelopes = 10_000 if args.quick else 100_000
    work = Path(tempfile.mkdtemp(prefix="renkei-bench-sync-"))
    authority = auth_keys.generate()
    pub = work / "authority.pub"
    pub.write_bytes(AuthorityPublic(bytes(authority.verify_key)).to_bytes())
    srv = start_process(["--authority", str(pub), "--data-dir", str(work / "server"),
                         "--rate", "0", "--anon-rate", "0", "--log-level", "warning"],
                        work / "server.log")
    figures: dict[str, Any] = {}
    try:
        figures["verify_floor_per_s"] = verify_floor()
        figures.update(latency(work, srv, authority, messages))
        figures.update(catchup(work, srv, authority, envelopes, args.profile))
        figures["verify_floor_per_s"] = max(figures["verify_floor_per_s"], verify_floor())
    finally:
        srv.stop()
        shutil.rmtree(work, ignore_errors=True)
    figures["quick"] = bool(args.quick)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
