"""The helper process of a long catch-up (``sync.prepare_worker``): its answers give exactly
what the thread would have prepared, are adopted only for the very envelope they were made
from and under the engine's own certificates, and a helper that dies costs nothing but time.
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

import pytest

from crypto.encoding import b64e
from crypto.envelope import Envelope
from store import items as store_items
from store.textindex import index_text
from sync import ingest, prepare_worker, verify
from sync.wire import SyncResponse
from tests.sync.test_prepared import (
    LABEL,
    _batch,
    _forged,
    _numbered,
    _page,
    _setup,
    _status,
)


def _targets(resp: SyncResponse) -> list[Any]:
    return [(i, _wire_fields(w)) for i, w in verify.group_targets(resp)]


def _wire_fields(w: Any) -> dict[str, Any]:
    return {"h": w.h, "n": w.n, "c": w.c, "s": w.s}


def _answers(resp: SyncResponse, reader: Any, keys: dict[Any, bytes]) -> list[Any]:
    return prepare_worker.prepare_targets(_targets(resp),
                                          prepare_worker.signers_of(reader.s.certs), keys,
                                          reader.s.now_ms())


def _same(a: verify.Prepared, b: verify.Prepared) -> bool:
    return (a.source is b.source and a.header == b.header and a.cert is b.cert
            and a.key == b.key and a.item == b.item and a.content_error == b.content_error)


def _answers_at(resp: SyncResponse, reader: Any, keys: dict[Any, bytes],
                received: int) -> list[Any]:
    return prepare_worker.prepare_targets(_targets(resp),
                                          prepare_worker.signers_of(reader.s.certs), keys,
                                          received)


def test_answers_give_what_the_thread_prepares(relay_world: Any) -> None:
    sender, reader, room, ek = _setup(relay_world)
    wires = _batch(sender, room, ek, "ahead ")
    forged, _ = _forged(sender, room, ek, 500)
    resp = _page(room, _numbered(wires) +
                 [("6000", forged)])
    keys = {(room, LABEL, ek.epoch): ek.key}
    received = reader.s.now_ms()
    adopted = prepare_worker.adopt(resp, _answers_at(resp, reader, keys, received),
                                   dict(reader.s.certs))
    local = verify.prepare_page(resp, dict(reader.s.certs), keys, lambda: received)
    assert len(adopted) == 60 and set(adopted) == set(local)
    assert id(resp.items[-1].envelope) not in adopted
    for k, pr in adopted.items():
        # The thread keeps the decoded envelope and content; the helper's answer does not.
        assert pr.env is None and pr.item is not None
        assert _same(pr, local[k]) and pr.index_texts == local[k].index_texts
        assert pr.index_texts == (index_text(pr.item.title), index_text(pr.item.body))
    res = ingest.apply_sync(reader.s, resp, prepared=adopted)
    assert len(res.stored) == 60 and len(res.rejected) == 1
    got = store_items.get_item(reader.s.conn, wires[7][0])
    assert got is not None and got.body == "ahead 7" and got.sender_user == sender.user


def test_refused_content_is_answered_with_its_reason(relay_world: Any) -> None:
    sender, reader, room, ek = _setup(relay_world)
    from crypto.envelope import new_header, seal_group

    wires = _batch(sender, room, ek, "w")
    h = new_header(room=room, sender=sender.device_id, seq=900, label=LABEL, epoch=ek.epoch,
                   created=int(time.time() * 1000), ctype="renkei/message")
    bad = seal_group(h, json.dumps({"kind": "nonsense"}).encode(), ek.key, sender.s.keys)
    resp = _page(room, _numbered(wires) +
                 [("6000", bad.to_wire())])
    keys = {(room, LABEL, ek.epoch): ek.key}
    adopted = prepare_worker.adopt(resp, _answers(resp, reader, keys), dict(reader.s.certs))
    refused = adopted[id(resp.items[-1].envelope)]
    assert refused.item is None and refused.content_error
    res = ingest.apply_sync(reader.s, resp, prepared=adopted)
    assert len(res.stored) == 60 and res.rejected == [h.id_hex]


def test_an_answer_is_not_adopted_for_another_envelope(relay_world: Any) -> None:
    sender, reader, room, ek = _setup(relay_world)
    wires = _batch(sender, room, ek, "w")
    resp = _page(room, _numbered(wires))
    keys = {(room, LABEL, ek.epoch): ek.key}
    answers = _answers(resp, reader, keys)
    # The engine's page has another envelope at index 3 (as if the helper had parsed other
    # bytes): that answer must not be adopted for it.
    tampered = dict(wires[3][1], c=b64e(b"\x00" * 40))
    items = _numbered(wires)
    items[3] = ("5003", tampered)
    other = _page(room, items)
    adopted = prepare_worker.adopt(other, answers, dict(reader.s.certs))
    assert id(other.items[3].envelope) not in adopted and len(adopted) == 59
    ingest.apply_sync(reader.s, other, prepared=adopted)
    assert _status(reader, wires[3][0]) == "rejected"


def test_an_answer_checked_with_another_key_or_naming_another_user_is_dropped(
        relay_world: Any) -> None:
    sender, reader, room, ek = _setup(relay_world)
    wires = _batch(sender, room, ek, "w")
    resp = _page(room, _numbered(wires))
    keys = {(room, LABEL, ek.epoch): ek.key}
    answers = _answers(resp, reader, keys)
    other_key = [(*a[:3], b"\x07" * 32, *a[4:]) for a in answers]
    assert prepare_worker.adopt(resp, other_key, dict(reader.s.certs)) == {}
    renamed = []
    for a in answers:
        item = dataclasses.replace(a[5][0], sender_user="mallory")
        renamed.append((*a[:5], (item, a[5][1]), a[6]))
    assert prepare_worker.adopt(resp, renamed, dict(reader.s.certs)) == {}
    not_objects = [(a[0], a[1], tuple(vars(a[2]).values()), *a[3:]) for a in answers]
    assert prepare_worker.adopt(resp, not_objects, dict(reader.s.certs)) == {}
    out_of_range = [(999, *answers[0][1:])]
    assert prepare_worker.adopt(resp, out_of_range, dict(reader.s.certs)) == {}


@pytest.fixture
def helper() -> Any:
    h = prepare_worker.start_helper()
    assert h is not None
    deadline = time.monotonic() + 60
    while not h.ready() and not h.failed and time.monotonic() < deadline:
        time.sleep(0.02)
    assert h.ready(), "the helper process did not start"
    yield h
    h.close()


def _raw_page(relay_world: Any, n: int, prefix: str) -> tuple[Any, bytes, SyncResponse,
                                                             dict[Any, bytes]]:
    """A page of ``n`` group envelopes as the server sends it, parsed, and the key to it."""
    sender, reader, room, ek = _setup(relay_world)
    wires = _batch(sender, room, ek, prefix, n)
    raw = _page(room, _numbered(wires)).model_dump_json(
        exclude_none=True).encode()
    return reader, raw, SyncResponse.model_validate_json(raw), {(room, LABEL, ek.epoch): ek.key}


def test_the_helper_process_answers_like_the_function(relay_world: Any, helper: Any) -> None:
    reader, raw, resp, keys = _raw_page(relay_world, 70, "p")
    received = reader.s.now_ms()
    signers = prepare_worker.signers_of(reader.s.certs)
    assert helper.new_page(raw, signers, keys, received)
    helper.send(0, 32)
    helper.send(32, 70)
    got = helper.receive() + helper.receive()
    want = prepare_worker.prepare_targets(_targets(resp), signers, keys, received)
    assert [i for i, _ in prepare_worker._targets_of(raw)] == [
        i for i, _ in verify.group_targets(resp)]
    assert got == want and len(got) == 70
    # Through the page job, as the prefetch thread uses it.
    assert helper.new_page(raw, signers, keys, received)
    job = verify.PageJob(resp, dict(reader.s.certs), keys, received)
    job.work_remote(helper)
    assert len(job.prepared) == 70 and not helper.failed
    assert all(pr.env is None for pr in job.prepared.values())


def test_a_dead_helper_costs_only_time(relay_world: Any, helper: Any) -> None:
    reader, raw, resp, keys = _raw_page(relay_world, 60, "d")
    helper._proc.kill()
    helper._proc.wait()
    helper.new_page(raw, prepare_worker.signers_of(reader.s.certs), keys, reader.s.now_ms())
    job = verify.PageJob(resp, dict(reader.s.certs), keys, reader.s.now_ms())
    job.work_remote(helper)
    assert helper.failed and not helper.ready()
    # Everything was prepared on this thread instead, also what the dead helper was handed.
    assert len(job.prepared) == 60 and all(pr.env is not None for pr in job.prepared.values())
    res = ingest.apply_sync(reader.s, resp, prepared=job.prepared)
    assert len(res.stored) == 60


def test_the_header_of_an_adopted_answer_binds_a_late_decode(relay_world: Any) -> None:
    """Where the engine must decode an envelope the helper prepared (its certificate changed
    in between), the header every check was made on must be the envelope's own."""
    sender, reader, room, ek = _setup(relay_world)
    wires = _batch(sender, room, ek, "h")
    resp = _page(room, _numbered(wires))
    keys = {(room, LABEL, ek.epoch): ek.key}
    answers = _answers(resp, reader, keys)
    # Swap the headers of two answers (each still bound to its own envelope's signature).
    a, b = answers[0], answers[1]
    answers[0] = (*a[:2], b[2], *a[3:])
    answers[1] = (*b[:2], a[2], *b[3:])
    adopted = prepare_worker.adopt(resp, answers, dict(reader.s.certs))
    # Item ids no longer match the headers' ids: the answers are dropped, and the envelopes
    # are checked inline with their own headers.
    assert id(resp.items[0].envelope) not in adopted
    assert id(resp.items[1].envelope) not in adopted
    res = ingest.apply_sync(reader.s, resp, prepared=adopted)
    assert len(res.stored) == 60 and not res.rejected
    first = Envelope.from_wire(wires[0][1]).header_unverified()
    got = store_items.get_item(reader.s.conn, first.id_hex)
    assert got is not None and got.body == "h0"
