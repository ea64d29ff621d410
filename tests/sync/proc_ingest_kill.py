"""Subprocess for test_fault_ingest_kill: a client killed (SIGKILL) while it ingests.

Run as a script. It imports everything once, then for each round forks a child that opens
the account and catches up from a fixed feed served by ``httpx.MockTransport`` (through the
real ``Engine`` and ``sync.ingest.apply_sync``). After a random delay the child is
SIGKILLed; the vault is then opened and checked: ``PRAGMA integrity_check``, and the cursor
against the data (every envelope up to the cursor stored, nothing beyond it). When a child
gets to the end, the vault is reset from its pristine copy. The findings go to a JSON file
for the test to assert on.

    python proc_ingest_kill.py ACCOUNT_DIR FEED.json ROOM KILLS SEED OUT.json PASSPHRASE

FEED.json holds {"feed": [sync items, envelopes tagged with "envelope_id"], "logs": {room:
[membership events]}}.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from store import audit
from store import items as store_items
from sync import ingest
from sync.account import open_session
from sync.engine import Engine

PAGE = 40  # small pages: many commits, so kills land between and inside many of them


def serve(feed: list[dict[str, Any]], logs: dict[str, list[Any]]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        url = urlsplit(str(request.url))
        query = parse_qs(url.query)
        if url.path.endswith("/events"):  # a room's membership log, fetched after an invite
            room = url.path.split("/")[-2]
            start = int(query.get("from", ["0"])[0])
            return httpx.Response(200, json={"events": logs.get(room, [])[start:]})
        since = int(query.get("since", ["0"])[0])
        rest = [it for it in feed if int(it["pos"]) > since]
        page = rest[:PAGE]
        cursor = page[-1]["pos"] if page else str(since)
        return httpx.Response(200, json={"cursor": cursor, "items": page,
                                         "more": len(rest) > len(page)})

    return httpx.MockTransport(handler)


def child(account: Path, feed: list[dict[str, Any]], logs: dict[str, list[Any]],
          passphrase: str) -> None:
    session = open_session(account, passphrase=passphrase, clock=time.time)
    engine = Engine(session, transport=serve(feed, logs))
    engine.catch_up()
    engine.close()
    session.close()


def check(account: Path, feed: list[dict[str, Any]], room: str,
          passphrase: str) -> dict[str, Any]:
    session = open_session(account, passphrase=passphrase, clock=time.time)
    try:
        integrity = [r[0] for r in session.conn.execute("PRAGMA integrity_check")]
        cursor = int(ingest.cursor(session))
        expected = sorted(it["envelope_id"] for it in feed
                          if it["kind"] == "envelope" and int(it["pos"]) <= cursor)
        held = sorted(i.item_id for i in store_items.list_items(session.conn, room, 0, 100_000)
                      if i.status == "ok")
        rejected = [i.item_id for i in store_items.list_items(session.conn, room, 0, 100_000)
                    if i.status != "ok"]
        events = [e.kind for e in audit.list_security_events(session.conn)]
        return {"integrity": integrity, "cursor": cursor, "expected": len(expected),
                "held": len(held), "match": held == expected, "rejected": len(rejected),
                "security_events": events}
    finally:
        session.close()


def main() -> int:
    account, feed_path, room = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    kills, seed, out, passphrase = int(sys.argv[4]), int(sys.argv[5]), Path(sys.argv[6]), \
        sys.argv[7]
    doc = json.loads(feed_path.read_text())
    raw, logs = doc["feed"], doc["logs"]
    feed = [{k: v for k, v in it.items() if k != "envelope_id"} for it in raw]
    pristine = account.parent / (account.name + ".pristine")
    shutil.copytree(account, pristine)
    last = max(int(it["pos"]) for it in raw)
    rng = random.Random(seed)

    # One uninterrupted run tells how long a whole catch-up takes here.
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        child(account, feed, logs, passphrase)
        os._exit(0)
    os.waitpid(pid, 0)
    full = time.monotonic() - started
    first = check(account, raw, room, passphrase)
    rounds: list[dict[str, Any]] = []
    resets = 0
    while len([r for r in rounds if r["killed"]]) < kills:
        if first["cursor"] == last or (rounds and rounds[-1]["cursor"] == last):
            shutil.rmtree(account)
            shutil.copytree(pristine, account)
            resets += 1
            first = {"cursor": 0}
        pid = os.fork()
        if pid == 0:
            try:
                child(account, feed, logs, passphrase)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, full * 0.8))
        killed = True
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            killed = False
        _, status = os.waitpid(pid, 0)
        killed = killed and os.WIFSIGNALED(status)
        result = check(account, raw, room, passphrase)
        result["killed"] = killed
        rounds.append(result)
    # Finally let it finish: everything must be there exactly once.
    pid = os.fork()
    if pid == 0:
        child(account, feed, logs, passphrase)
        os._exit(0)
    os.waitpid(pid, 0)
    final = check(account, raw, room, passphrase)
    out.write_text(json.dumps({"full_s": full, "rounds": rounds, "resets": resets,
                               "final": final, "last": last}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
