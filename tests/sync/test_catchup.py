"""Long catch-ups: pages fetched ahead while the previous one is stored, envelopes of big
pages prepared (decoded, verified, opened) on the prefetch thread; a forged envelope in the
middle is still refused."""

from __future__ import annotations

import gc
import json
import time
from typing import Any

import pytest

from crypto.encoding import b64e
from crypto.envelope import new_header, seal_group
from store import audit
from store import keys as store_keys
from store import search as store_search
from sync import engine, prepare_worker, verify
from sync.wire import EnvelopeWire

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


def test_big_catch_up_is_pipelined_and_still_checks_everything(
        relay_world: Any, relay: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    n = 1300  # three full pages of 500
    _, reader, room, ids = _big_room(relay_world, relay, n)
    prepared: list[bool] = []
    real = verify.prepare_one

    def counting(*args: Any) -> Any:
        out = real(*args)
        prepared.append(out is not None and out.content is not None)
        return out

    monkeypatch.setattr(verify, "prepare_one", counting)
    reader.e._helper_process = False  # the thread's pipeline (the helper process: below)
    seen: list[int] = []
    stored = reader.e.catch_up(progress=seen.append)
    # At least the third page (the key arrives with the first, which is applied inline).
    assert prepared.count(True) >= 250, "the pages after the first are prepared ahead"
    assert stored == n  # n - 1 genuine + "first"
    got = {i.item_id for i in reader.items(room) if i.status == "ok"}
    assert set(ids) <= got and len(got) == n
    [bad] = [i for i in reader.items(room) if i.status != "ok"]
    assert "tampered" in (bad.reject_reason or "")
    assert [e.kind for e in audit.list_security_events(reader.s.conn)] == ["rejected-envelope"]
    assert seen == sorted(seen) and seen[-1] == n and len(seen) >= 3


def test_big_catch_up_with_the_helper_process_checks_everything(
        relay_world: Any, relay: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    n = 1300
    _, reader, room, ids = _big_room(relay_world, relay, n)
    helper = prepare_worker.start_helper()
    assert helper is not None
    deadline = time.monotonic() + 60
    while not helper.ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert helper.ready()
    monkeypatch.setattr(prepare_worker, "start_helper", lambda: helper)
    adopted: list[int] = []
    real = prepare_worker.adopt

    def counting(*args: Any) -> Any:
        out = real(*args)
        adopted.append(len(out))
        return out

    monkeypatch.setattr(prepare_worker, "adopt", counting)
    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    assert reader.e.catch_up(on_result=lambda _: during.append(gc.get_threshold())) == n
    # The cycle collector runs rarely during a long catch-up, as before after it.
    assert during and all(t == engine.CATCH_UP_GC_THRESHOLDS for t in during)
    assert gc.get_threshold() == before
    assert sum(adopted) >= 250, "the helper prepared pages after the first"
    assert helper.failed  # closed with the catch-up
    # The index texts the helper made are searchable like those made in the vault.
    hits = store_search.search(reader.s.conn, "m1234")
    assert [h.item.body for h in hits] == ["m1234"]
    got = {i.item_id for i in reader.items(room) if i.status == "ok"}
    assert set(ids) <= got and len(got) == n
    [bad] = [i for i in reader.items(room) if i.status != "ok"]
    assert "tampered" in (bad.reject_reason or "")
    assert [e.kind for e in audit.list_security_events(reader.s.conn)] == ["rejected-envelope"]


def test_nothing_prepared_falls_back_to_inline_checks(relay_world: Any, relay: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _, reader, room, ids = _big_room(relay_world, relay, 1100)  # three pages
    monkeypatch.setattr(verify, "prepare_one", lambda *_: None)
    tries: list[None] = []
    monkeypatch.setattr(prepare_worker, "start_helper", lambda: tries.append(None))
    assert reader.e.catch_up() == 1100
    assert tries == [None], "a helper that cannot start is tried once per catch-up"
    assert len([i for i in reader.items(room) if i.status == "ok"]) == 1100
    assert len([i for i in reader.items(room) if i.status != "ok"]) == 1


def test_preparing_matches_the_crypto_verdict(relay_world: Any, relay: Any) -> None:
    sender, _, room, _ = _big_room(relay_world, relay, 5)
    certs = dict(sender.s.certs)
    now = sender.s.now_ms()
    [ek] = store_keys.list_epoch_keys(sender.s.conn, room, LABEL)
    epoch_keys = {(room, LABEL, ek.epoch): ek.key}
    rows = [r for r in relay.rows if r.kind == "envelope"]
    wires = [EnvelopeWire.model_validate(r.item["envelope"]) for r in rows]
    out = [verify.prepare_one(w, certs, epoch_keys, now) for w in wires]
    assert sum(p is not None for p in out) == len(wires) - 1  # the tampered one
    assert all(p.source is w and p.content is not None and p.item is not None
               and p.item.item_id == p.header.id_hex
               for p, w in zip(out, wires, strict=True) if p)
    # Without the key it is verified, not opened; unknown senders are never "verified".
    assert all(p is not None and p.plain is None
               for p in [verify.prepare_one(w, certs, {}, now) for w in wires[:2]])
    assert [verify.prepare_one(w, {}, epoch_keys, now) for w in wires] == [None] * len(wires)


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
