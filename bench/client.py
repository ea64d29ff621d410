"""Desktop client benchmark: cold start, opening a 100,000-message room, memory.

    python -m bench.client [--runs N] [--messages N]

- ``cold_start_ms``: from starting a fresh ``python -c`` process to an unlocked main window
  shown offscreen with content (rooms listed, the newest page of the timeline loaded, the
  advisories and home screens populated), over a vault prepared beforehand by the demo
  world (real server, real sync). Median of ``--runs`` processes. Target <= 1,500.
- ``open_room_100k_ms``: open a room holding 100,000 messages in the real store-backed
  window (room list click to the first page laid out and painted), median of 5 opens.
  Target <= 200.
- ``cold_start_ms_without_rfc3987_syntax``: the same with the optional ``rfc3987_syntax``
  module hidden, as in an installation without the development extras (``jsonschema``
  imports it when present and it spends over a second building a grammar).
- ``rss_mb``: resident memory of that process after opening the big room.

The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHILD = r"""
import sys
if sys.argv[3:] == ["without-rfc3987-syntax"]:
    sys.modules["rfc3987_syntax"] = None  # as in an install without the dev extras
from PySide6.QtWidgets import QApplication
from client.app import application, create_window
from client.ui.config import UiSettings
from client.ui.store_backend import StoreBackend
app = application()
backend = StoreBackend(sys.argv[1])
backend.unlock(sys.argv[2])
w = create_window(backend, UiSettings("en"), None, start_sync=False, use_tray=False)
w.show()
rooms = w.pages["rooms"]
while not (rooms.room_model.rowCount() and rooms.timeline_model.rowCount()
           and w.pages["advisories"].model.rowCount() and w.pages["home"].tile_buttons):
    app.processEvents()
app.processEvents()
w.grab()
print("READY", flush=True)
w.close()
backend.lock()
"""


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1 << 20)


def prepare_world(base: Path) -> Any:
    """The demo world (server, five people, real content); the server stops afterwards."""
    from client.demo import demo_world

    with demo_world(base, say=lambda _s: None) as (_server, people):
        return {p.key: p for p in people}


def cold_start(account: Path, passphrase: str, runs: int, *extra: str) -> list[float]:
    times = []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="0")
    for _ in range(runs + 1):  # the first run warms the OS file cache; not counted
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(account), passphrase,
                                 *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                text=True)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = (time.perf_counter() - started) * 1000
        proc.wait(60)
        if line.strip() != "READY":
            raise RuntimeError(f"the cold-start child failed (exit {proc.returncode})")
        times.append(elapsed)
    return times[1:]


def fill_big_room(account: Path, passphrase: str, n: int) -> str:
    """A room with ``n`` messages at mixed labels, stored the way sync stores them."""
    import random

    from store import items as store_items
    from store import rooms as store_rooms
    from store.models import NewItem
    from sync.account import open_session

    session = open_session(account, passphrase=passphrase, clock=time.time)
    room = "room:bench-100k"
    labels = ["UNCLASSIFIED//TLP:GREEN"] * 6 + ["CONFIDENTIAL//TLP:AMBER"] * 3 + [
        "SECRET/CYBER//TLP:AMBER"]
    rng = random.Random(7)
    words = ("patch", "beacon", "firewall", "ransomware", "vpn", "脆弱性", "対応", "確認",
             "server", "indicator", "block", "203.0.113.45", "報告", "exploit")
    try:
        store_rooms.put_room(session.conn, room, "Archive (100k)", "SECRET/CYBER//TLP:AMBER",
                             "shared", 0)
        base_ms = int(time.time() * 1000) - n * 1000
        sender = session.device_id
        batch: list[Any] = []
        for i in range(n):
            body = " ".join(rng.choice(words) for _ in range(rng.randint(8, 30)))
            batch.append(NewItem(
                item_id=f"bench-{i:06d}", room_id=room, kind="message", sender_device=sender,
                sender_user=session.user_id, sender_name="Bench", label=labels[i % 10],
                content_type="renkei/message", created_ms=base_ms + i * 1000,
                received_ms=base_ms + i * 1000, seq=i // 10 + 1, body=f"#{i} {body}"))
            if len(batch) == 2000:
                store_items.insert_items(session.conn, batch)
                batch = []
        if batch:
            store_items.insert_items(session.conn, batch)
    finally:
        session.close()
    return room


def open_room(account: Path, passphrase: str, room: str, opens: int) -> tuple[list[float],
                                                                           float, int]:
    from PySide6.QtWidgets import QApplication

    from client.app import application, create_window
    from client.ui.config import UiSettings
    from client.ui.store_backend import StoreBackend

    app = application()
    backend = StoreBackend(account)
    backend.unlock(passphrase)
    w = create_window(backend, UiSettings("en"), None, start_sync=False, use_tray=False)
    w.resize(1400, 900)
    w.show()
    w.show_page("rooms")
    page = w.pages["rooms"]
    model = page.room_model
    big = model.row_of(room)
    other = next(i for i in range(model.rowCount()) if i != big)
    assert big is not None
    times = []
    for _ in range(opens):
        page.room_list.setCurrentIndex(model.index(other))
        QApplication.processEvents()
        started = time.perf_counter()
        page.room_list.setCurrentIndex(model.index(big))  # what a click does
        page.timeline.viewport().repaint()
        QApplication.processEvents()
        times.append((time.perf_counter() - started) * 1000)
        backend._gaps.clear()  # each open computes its gaps afresh, as after new arrivals
    rows = page.timeline_model.rowCount()
    rss = _rss_mb()
    w.close()
    backend.lock()
    del app
    return times, rss, rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.client")
    ap.add_argument("--runs", type=int, default=5, help="cold starts to time (median)")
    ap.add_argument("--messages", type=int, default=100_000, help="messages in the big room")
    args = ap.parse_args(argv)
    from client.demo_world import DEMO_PASSPHRASE

    with tempfile.TemporaryDirectory(prefix="renkei-bench-client-") as tmp:
        base = Path(tmp)
        t = time.perf_counter()
        people = prepare_world(base)
        print(f"demo world prepared in {time.perf_counter() - t:.1f} s", flush=True)
        analyst = people["analyst"].account
        starts = cold_start(analyst, DEMO_PASSPHRASE, args.runs)
        print("cold starts (ms):", ", ".join(f"{x:.0f}" for x in starts), flush=True)
        lean = cold_start(analyst, DEMO_PASSPHRASE, args.runs, "without-rfc3987-syntax")
        print("cold starts without rfc3987-syntax (ms):", ", ".join(f"{x:.0f}" for x in lean),
              flush=True)
        t = time.perf_counter()
        room = fill_big_room(analyst, DEMO_PASSPHRASE, args.messages)
        print(f"{args.messages} messages stored in {time.perf_counter() - t:.1f} s", flush=True)
        opens, rss, rows = open_room(analyst, DEMO_PASSPHRASE, room, 5)
        print("room opens (ms):", ", ".join(f"{x:.1f}" for x in opens),
              f"— {rows} rows loaded of {args.messages}", flush=True)
    result = {
        "cold_start_ms": round(statistics.median(starts), 1),
        "cold_start_runs": len(starts),
        # jsonschema imports rfc3987-syntax (a dev-only extra here) when present, which
        # builds a grammar for ~1.2 s; intel.kev imports jsonschema at module level.
        "cold_start_ms_without_rfc3987_syntax": round(statistics.median(lean), 1),
        "open_room_100k_ms": round(statistics.median(opens), 1),
        "open_room_messages": args.messages,
        "rss_mb": round(rss, 1),
        "targets": {"cold_start_ms": 1500, "open_room_100k_ms": 200},
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
