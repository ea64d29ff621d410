"""A client killed (SIGKILL) at random moments while ingesting: the vault stays intact and
the sync cursor is never ahead of the data it covers."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import kv
from store.vault import close_vault, create_vault, open_vault

CHILD = Path(__file__).with_name("crash_child.py")
KILLS_PER_TEST = 10  # x 5 seeds = 50 kills in total


def _check(path: Path, key: bytes) -> int:
    conn = open_vault(path, key)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 0)")
        cursor = int(kv.get_cursor(conn, "ingest") or "0")
        count, low, high = conn.execute(
            "SELECT count(*), min(item_id), max(item_id) FROM items"
        ).fetchone()
        # the cursor equals the number of items committed: never ahead, never behind
        assert count == cursor
        if count:
            assert (low, high) == ("item-0000000", f"item-{count - 1:07d}")
        fts = conn.execute(
            "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'ransomware'"
        ).fetchone()[0]
        assert fts == count  # every committed item is indexed, nothing more
        return int(cursor)
    finally:
        close_vault(conn)


@pytest.mark.parametrize("seed", range(5))
def test_sigkill_during_ingest(tmp_path: Path, key: bytes, seed: int) -> None:
    rnd = random.Random(seed)
    path = tmp_path / "vault.db"
    close_vault(create_vault(path, key))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    progress = []
    for run in range(KILLS_PER_TEST):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(path), key.hex(), str(seed * 1000 + run)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )
        try:
            assert child.stdout is not None
            line = child.stdout.readline()
            if line.strip() != b"ready":
                _, err = child.communicate(timeout=30)
                pytest.fail(f"child did not start: {err.decode(errors='replace')}")
            time.sleep(rnd.uniform(0.0, 0.15))
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.wait(timeout=30)
            for stream in (child.stdout, child.stderr):
                if stream is not None:
                    stream.close()
        assert child.returncode == -signal.SIGKILL
        progress.append(_check(path, key))
    assert progress == sorted(progress)  # nothing committed was ever lost
    assert progress[-1] > 0  # and the child really was writing when killed
