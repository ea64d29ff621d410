"""Child process for test_crash: ingests batches forever until it is killed.

Each batch (items + sync cursor) is committed in one transaction. The item ids are numbered
so the parent can check that the stored items are exactly 0..cursor-1.
"""

from __future__ import annotations

import random
import sys

from store import kv
from store.items import insert_items
from store.models import NewItem
from store.vault import open_vault, transaction


def main() -> None:
    path, key_hex, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rnd = random.Random(seed)
    conn = open_vault(path, bytes.fromhex(key_hex))
    done = int(kv.get_cursor(conn, "ingest") or "0")
    print("ready", flush=True)
    while True:
        n = rnd.randint(1, 40)
        batch = [
            NewItem(
                item_id=f"item-{done + i:07d}", room_id=f"room-{(done + i) % 3}", kind="message",
                sender_device="dev-1", sender_user="alice", label="CONFIDENTIAL//TLP:AMBER",
                content_type="text/plain", created_ms=done + i, received_ms=done + i,
                seq=done + i + 1, title=f"batch item {done + i}",
                body="ランサムウェア ransomware " * rnd.randint(1, 30),
            )
            for i in range(n)
        ]
        with transaction(conn):
            insert_items(conn, batch)
            # a replay of an earlier item in the same batch must stay a duplicate
            if done:
                insert_items(conn, [NewItem(**{**batch[0].__dict__,
                                               "item_id": f"item-{done - 1:07d}"})])
            kv.set_cursor(conn, "ingest", str(done + n))
        done += n


if __name__ == "__main__":
    main()
