"""Issue 4 point 5(e): a plaintext canary sent through the whole system never appears in
the server's data directory, nor in the vaults, their WAL, or temporary files."""

from __future__ import annotations

import base64
import json
import secrets
import tempfile
from pathlib import Path
from typing import Any

import pytest

from store import search
from sync.content import Attachment, Content


def _needles(text: str) -> list[bytes]:
    raw = text.encode("utf-8")
    out = [raw, text.encode("utf-16-le")]
    for shift in range(3):  # base64 of the text at any alignment
        for enc in (base64.b64encode, base64.urlsafe_b64encode):
            chunk = enc(b"\0" * shift + raw)[4:-4]
            out.append(chunk)
    return out


def _hits(roots: list[Path], needles: list[bytes]) -> list[str]:
    found = []
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path}: {n[:12]!r}" for n in needles if n in data]
    return found


def test_canary_never_stored_in_plaintext(tmp_path: Path, authority: Any, wl: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setenv("SQLITE_TMPDIR", str(tmp))
    server = wl.ServerProc(tmp_path / "server-data", authority.write_pub(tmp_path / "a.pub"),
                           env={"TMPDIR": str(tmp), "SQLITE_TMPDIR": str(tmp)})
    server.start()
    world = wl.World(tmp_path / "accounts", authority, server.url)
    (tmp_path / "accounts").mkdir()
    try:
        canary = "CANARY-" + secrets.token_hex(8) + "-カナリア"
        needles = _needles(canary)
        sender = world.person("analyst", "SECRET")
        reader = world.person("responder", "CONFIDENTIAL")
        sender.sync()
        room = sender.e.create_room("Canary " + "room", "SECRET//TLP:AMBER", "none")
        sender.e.invite(room, reader.user)
        world.sync_all([sender, reader])
        sender.e.send(room, "CONFIDENTIAL//TLP:AMBER", Content(
            kind="brief", title=f"title {canary}", body=f"body {canary} " + "x" * 3000))
        sender.e.send_text(room, "CONFIDENTIAL//TLP:RED", f"direct {canary}",
                           users=[reader.user])
        att = tmp_path / "accounts" / "note.bin"
        att.write_bytes((canary + "\n").encode() * 5000)
        sent = sender.e.upload_attachment(att)
        att.unlink()
        sender.e.send(room, "CONFIDENTIAL//TLP:AMBER",
                      Content(kind="message", body="with attachment", attachments=[sent]))
        world.sync_all([sender, reader])
        # It did arrive, readable where it should be (positive control).
        assert len(search.search(reader.s.conn, canary.split("-")[1])) == 2
        dest = tmp_path / "received.bin"
        [item] = [i for i in reader.items(room) if i.body == "with attachment"]
        reader.e.download_attachment(Attachment(**json.loads(item.payload)["attachments"][0]),
                                     dest)
        assert canary.encode() in dest.read_bytes()
        dest.unlink()
        # While both vaults are open (their WAL holds the latest pages) ...
        roots = [tmp_path / "server-data", tmp, tmp_path / "accounts"]
        assert all(r.exists() for r in roots)
        assert any(f.name.endswith("-wal") for f in (tmp_path / "accounts").rglob("*"))
        assert _hits(roots, needles) == []
        # ... and after they are closed and the server has stopped.
        world.close()
        server.stop()
        assert _hits(roots, needles) == []
        # The scan itself can find a canary (it would fail if the data were in the clear).
        (tmp / "control").write_bytes(b"..." + canary.encode() + b"...")
        assert _hits(roots, needles)
    finally:
        world.close()
        server.kill()
