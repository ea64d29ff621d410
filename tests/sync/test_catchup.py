"""Long catch-ups: pages fetched ahead while the previous one is stored, signatures of big
pages checked in a process pool; a forged envelope in the middle is still refused."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from crypto.encoding import b64e
from crypto.envelope import new_header, seal_group
from store import audit
from store import keys as store_keys
from sync import verify

LABEL = "CONFIDENTIAL//TLP:AMBER"


def _big_room(relay_world: Any, relay: Any, n: int) -> tuple[Any, Any, str, list[str]]:
    sender = relay_world.person("analyst", "SECRET")
    reader = relay_world.person("responder", "CONFIDENTIAL")
    sender.sync()
    room = sender.e.create_room("Backlog", "SECRET//TLP:AMBER", "none")
    sender.e.invite(room, reader.user)
    sender.e.send_text(room, LABEL, "first")
    [ek] = store_keys.list_epoch_keys(sender.s.conn, room, LABEL)
    ids = []
    for i in range(n):
        h = new_header(room=room, sender=sender.device_id, seq=i + 1000, label=LABEL,
                       epoch=ek.epoch, created=int(time.time() * 1000), ctype="renkei/message")
        env = seal_group(h, json.dumps({"kind": "message", "body": f"m{i}"}).encode(), ek.key,
                         sender.s.keys).to_wire()
        if i == n // 2:  # the server replaces the ciphertext of one envelope
            env = dict(env, c=b64e(b"\x00" * 40))
        else:
            ids.append(h.id_hex)
        relay._append("envelope", room, {"room": room, "label": LABEL, "envelope": env},
                      label=LABEL)
    return sender, reader, room, ids


def test_big_catch_up_is_pipelined_and_still_checks_everything(relay_world: Any,
                                                                relay: Any) -> None:
    n = 1300  # three full pages of 500
    _, reader, room, ids = _big_room(relay_world, relay, n)
    reader.e._verifier = verify.Verifier(1)  # on any machine (auto: only with 4+ cores)
    seen: list[int] = []
    stored = reader.e.catch_up(progress=seen.append)
    assert reader.e._verifier._pool is not None, "big pages are checked by the pool"
    assert stored == n  # n - 1 genuine + "first"
    got = {i.item_id for i in reader.items(room) if i.status == "ok"}
    assert set(ids) <= got and len(got) == n
    [bad] = [i for i in reader.items(room) if i.status != "ok"]
    assert "tampered" in (bad.reject_reason or "")
    assert [e.kind for e in audit.list_security_events(reader.s.conn)] == ["rejected-envelope"]
    assert seen == sorted(seen) and seen[-1] == n and len(seen) >= 3


def test_pool_failure_falls_back_to_inline_checks(relay_world: Any, relay: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _, reader, room, ids = _big_room(relay_world, relay, 600)
    reader.e._verifier = verify.Verifier(1)

    def broken(*_: Any, **__: Any) -> Any:
        raise OSError("no processes here")

    monkeypatch.setattr(verify, "ProcessPoolExecutor", broken)
    assert reader.e.catch_up() == 600
    assert reader.e._verifier._broken
    assert len([i for i in reader.items(room) if i.status == "ok"]) == 600
    assert len([i for i in reader.items(room) if i.status != "ok"]) == 1


def test_worker_check_matches_the_crypto_verdict(relay_world: Any, relay: Any) -> None:
    sender, _, _, _ = _big_room(relay_world, relay, 5)
    keys = {d: c.keys.sign_pk for d, c in sender.s.certs.items()}
    rows = [r for r in relay.rows if r.kind == "envelope"]
    jobs = [(str(r.pos), r.item["envelope"]) for r in rows]
    ok = verify.check_signatures(keys, jobs)
    assert len(ok) == len(jobs) - 1  # the tampered one
    assert verify.check_signatures({}, jobs) == []  # unknown senders are never "verified"


def test_server_that_forgot_our_cursor_means_a_quiet_full_resync(relay_world: Any,
                                                                  relay: Any) -> None:
    sender, reader, room, _ = _big_room(relay_world, relay, 20)
    reader.sync()
    before = [i.item_id for i in reader.items(room)]
    relay.forget_cursors = True
    sender.e.send_text(room, LABEL, "after the reset")
    reader.sync()
    after = [i.item_id for i in reader.items(room)]
    assert after[: len(before)] == before and len(after) == len(before) + 1
    kinds = [e.kind for e in audit.list_security_events(reader.s.conn)]
    assert kinds == ["rejected-envelope", "sync-restarted"]
    sender.e.send_text(room, LABEL, "and later")
    reader.sync()
    assert reader.bodies(room)[-2:] == ["after the reset", "and later"]
