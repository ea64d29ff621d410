"""A plaintext canary never reaches the disk: not the vault, its WAL, or any temporary file."""

from __future__ import annotations

import json
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from store import audit, kv, outbox
from store.items import get_item, insert_items
from store.search import search
from store.vault import checkpoint, close_vault, create_vault, open_vault


def _needles(canary: str, hex_part: str, ja_part: str) -> list[bytes]:
    out = []
    for text in (canary, hex_part, hex_part.lower(), hex_part.upper(), ja_part):
        out += [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]
    return out


def _leaks(files: list[Path], needles: list[bytes]) -> list[str]:
    found = []
    for f in files:
        try:
            data = f.read_bytes()
        except (FileNotFoundError, PermissionError, IsADirectoryError):
            continue
        found += [f"{f}: {n!r}" for n in needles if n in data]
    return found


def _files_to_check(tmp_path: Path, since: float) -> list[Path]:
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    # temporary files SQLite (or anything else) may have written next to the system's others
    tmpdir = Path(tempfile.gettempdir())
    files += [p for p in tmpdir.iterdir()
              if p.is_file() and p.stat().st_mtime >= since and p.stat().st_size < 64 << 20]
    return files


def test_canary_never_on_disk(tmp_path: Path, key: bytes, item: Any) -> None:
    start = time.time() - 1
    hex_part = secrets.token_hex(16)
    ja_part = "機密カナリア" + "".join(chr(0x4E00 + b) for b in secrets.token_bytes(6))
    canary = f"CANARY-{hex_part}-{ja_part}"
    needles = _needles(canary, hex_part, ja_part)
    path = tmp_path / "vault.db"

    conn = create_vault(path, key)
    filler = [item(body="ordinary text " * 20) for _ in range(200)]
    secret_item = item(
        title=f"title {canary}", body=f"the body holds {canary} in the middle",
        payload=json.dumps({"note": canary}), label="SECRET//TLP:AMBER",
    )
    insert_items(conn, [*filler, secret_item])
    kv.set_setting(conn, "draft", canary)
    outbox.enqueue(conn, "idem-1", "draft", canary.encode("utf-8"), 1)
    audit.record_open(conn, "alice", secret_item.item_id, secret_item.label, 2, detail=canary)
    audit.record_security_event(conn, "test", canary, 3)
    assert search(conn, hex_part)  # indexed, and searchable
    assert search(conn, ja_part)
    # a large sorting query that could spill to a temp file if temp_store were not MEMORY
    conn.execute("SELECT body FROM items ORDER BY body DESC").fetchall()

    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0
    assert _leaks(_files_to_check(tmp_path, start), needles) == []

    checkpoint(conn)
    assert _leaks(_files_to_check(tmp_path, start), needles) == []
    # deleting and updating leaves no plaintext behind either
    conn.execute("DELETE FROM settings WHERE name = 'draft'")
    close_vault(conn)
    assert _leaks(_files_to_check(tmp_path, start), needles) == []

    # the data is really there, in encrypted form
    conn = open_vault(path, key)
    got = get_item(conn, secret_item.item_id)
    assert got is not None and canary in got.body
    close_vault(conn)
    assert _leaks(_files_to_check(tmp_path, start), needles) == []


def test_the_leak_check_can_fail(tmp_path: Path) -> None:
    # the detector itself works: a plaintext file with the canary is found
    canary = "CANARY-" + secrets.token_hex(8)
    (tmp_path / "plain.txt").write_text(f"x {canary} y", encoding="utf-16-le")
    assert _leaks([tmp_path / "plain.txt"], _needles(canary, canary[7:], "カナリア"))
