"""Items: duplicates, rejected envelopes, paging, threads, deletion."""

from __future__ import annotations

import json
from typing import Any

import pytest

from store.errors import InvalidData, StoreError
from store.items import (
    count_items,
    delete_item,
    get_item,
    get_item_at,
    insert_item,
    insert_items,
    item_offset,
    list_items,
    list_items_after,
    list_items_before,
    list_replies,
    list_thread,
)
from store.models import NewItem
from store.search import search


def test_duplicate_is_stored_once(vault: Any, item: Any) -> None:
    first = item(body="only once")
    r1 = insert_item(vault, first)
    r2 = insert_item(vault, first)
    assert r1.outcome == "inserted" and not r1.duplicate
    assert r2.outcome == "duplicate" and r2.duplicate and r2.pos == r1.pos
    assert count_items(vault, "room-a") == 1
    # a replay with altered content under the same id changes nothing
    forged = NewItem(**{**first.__dict__, "body": "altered"})
    assert insert_item(vault, forged).duplicate
    stored = get_item(vault, first.item_id)
    assert stored is not None and stored.body == "only once"
    assert len(search(vault, "only once")) == 1


def test_duplicates_inside_one_batch(vault: Any, item: Any) -> None:
    a, b = item(), item()
    results = insert_items(vault, [a, b, a])
    assert [r.outcome for r in results] == ["inserted", "inserted", "duplicate"]
    assert results[2].pos == results[0].pos
    assert count_items(vault, "room-a") == 2


def test_rejected_item_is_kept_visible(vault: Any, item: Any) -> None:
    bad = item(status="rejected", reject_reason="signature does not verify", body="")
    insert_item(vault, bad)
    stored = get_item(vault, bad.item_id)
    assert stored is not None
    assert stored.status == "rejected" and stored.reject_reason == "signature does not verify"
    assert [i.item_id for i in list_items(vault, "room-a", 0, 10)] == [bad.item_id]


def test_genuine_copy_replaces_rejected_one(vault: Any, item: Any) -> None:
    bad = item(status="rejected", reject_reason="label does not match", body="")
    insert_item(vault, bad)
    good = NewItem(**{**bad.__dict__, "status": "ok", "reject_reason": None,
                      "body": "the real exploit report"})
    r = insert_item(vault, good)
    assert r.outcome == "replaced"
    stored = get_item(vault, bad.item_id)
    assert stored is not None and stored.status == "ok" and stored.body == "the real exploit report"
    assert [h.item.item_id for h in search(vault, "exploit")] == [bad.item_id]
    # an ok item is never replaced, not even by a rejected copy
    assert insert_item(vault, bad).duplicate
    assert get_item(vault, bad.item_id).status == "ok"  # type: ignore[union-attr]


def test_rejected_then_genuine_in_one_batch(vault: Any, item: Any) -> None:
    bad = item(status="rejected", reject_reason="tampered", body="")
    good = NewItem(**{**bad.__dict__, "status": "ok", "reject_reason": None, "body": "genuine"})
    outcomes = [r.outcome for r in insert_items(vault, [bad, good])]
    assert outcomes == ["inserted", "replaced"]
    assert get_item(vault, bad.item_id).body == "genuine"  # type: ignore[union-attr]
    assert len(search(vault, "genuine")) == 1


def test_all_fields_round_trip(vault: Any, item: Any) -> None:
    doc = {"sections": [{"label": "SECRET//TLP:RED", "text": "annex"}], "cve": ["CVE-2024-3400"]}
    new = item(kind="advisory", title="Advisory 1", body="summary", payload=json.dumps(doc),
               thread_id="thr-1", reply_to="env-0", content_type="application/json",
               sender_name="広報担当")
    insert_item(vault, new)
    got = get_item(vault, new.item_id)
    assert got is not None
    for field in ("item_id", "room_id", "kind", "sender_device", "sender_user", "sender_name",
                  "seq", "label", "content_type", "title", "body", "payload", "created_ms",
                  "received_ms", "thread_id", "reply_to", "status", "reject_reason"):
        assert getattr(got, field) == getattr(new, field), field
    assert json.loads(got.payload or "") == doc
    assert get_item_at(vault, got.pos) == got


def test_invalid_items_are_refused(vault: Any, item: Any) -> None:
    with pytest.raises(InvalidData):
        item(kind="email")
    with pytest.raises(InvalidData):
        item(status="rejected")  # no reason
    with pytest.raises(InvalidData):
        item(item_id="")
    with pytest.raises(InvalidData):
        insert_item(vault, item(payload="{not json"))
    assert count_items(vault, "room-a") == 0


def test_paging(vault: Any, item: Any) -> None:
    ids = [r.item_id for r in insert_items(vault, [item(room_id="r") for _ in range(250)])]
    insert_items(vault, [item(room_id="other") for _ in range(10)])
    assert count_items(vault, "r") == 250
    assert [i.item_id for i in list_items(vault, "r", 0, 100)] == ids[:100]
    assert [i.item_id for i in list_items(vault, "r", 200, 100)] == ids[200:]
    assert list_items(vault, "r", 250, 10) == []
    with pytest.raises(InvalidData):
        list_items(vault, "r", -1, 10)
    # keyset paging
    newest = list_items_before(vault, "r", None, 20)
    assert [i.item_id for i in newest] == ids[-20:]
    older = list_items_before(vault, "r", newest[0].pos, 20)
    assert [i.item_id for i in older] == ids[-40:-20]
    after = list_items_after(vault, "r", older[-1].pos, 5)
    assert [i.item_id for i in after] == ids[-20:-15]
    assert item_offset(vault, "r", newest[0].pos) == 230
    assert count_items(vault, "r", after_pos=newest[0].pos) == 19


def test_positions_increase_and_are_never_reused(vault: Any, item: Any) -> None:
    a = insert_item(vault, item())
    b = insert_item(vault, item())
    assert b.pos > a.pos
    assert delete_item(vault, b.item_id)
    c = insert_item(vault, item())
    assert c.pos > b.pos


def test_thread(vault: Any, item: Any) -> None:
    root = item(kind="report", title="速報", thread_id="inc-1")
    follow = item(kind="report", title="続報", thread_id="inc-1", reply_to=root.item_id)
    insert_items(vault, [root, item(), follow])
    assert [i.title for i in list_thread(vault, "inc-1")] == ["速報", "続報"]


def test_delete_removes_from_search(vault: Any, item: Any) -> None:
    it = item(body="phishing wave")
    insert_item(vault, it)
    assert len(search(vault, "phishing")) == 1
    assert delete_item(vault, it.item_id)
    assert not delete_item(vault, it.item_id)
    assert search(vault, "phishing") == []
    assert get_item(vault, it.item_id) is None
    vault.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 0)")


def test_replies(vault: Any, item: Any) -> None:
    doc, other = item(kind="advisory"), item(kind="brief")
    acks = [item(kind="ack", reply_to=doc.item_id, sender_user=u) for u in ("bob", "carol")]
    answer = item(reply_to=other.item_id)
    insert_items(vault, [doc, acks[0], other, answer, acks[1], item()])
    assert [i.item_id for i in list_replies(vault, [doc.item_id])] == [a.item_id for a in acks]
    assert [i.item_id for i in list_replies(vault, {doc.item_id, other.item_id, "none"})] == [
        acks[0].item_id, answer.item_id, acks[1].item_id]
    assert list_replies(vault, []) == [] and list_replies(vault, ["missing"]) == []


def test_batch_of_every_outcome_in_one_call(vault: Any, item: Any) -> None:
    """The one-statement batch insert keeps every outcome, field and position."""
    old = item(body="stored before")
    tampered = item(status="rejected", reject_reason="bad signature", body="")
    insert_items(vault, [old, tampered])
    genuine = item(item_id=tampered.item_id, title="件名", body="本文 genuine", thread_id="t-1",
                   payload=json.dumps({"doc": {"x": 1}}), seq=None, sender_name="")
    fresh = [item(body=f"fresh {n}", kind=k) for n, k in enumerate(
        ("message", "brief", "advisory", "report", "catalog", "ack", "system"))]
    results = insert_items(vault, [fresh[0], old, genuine, *fresh[1:], fresh[0]])
    assert [r.outcome for r in results] == ["inserted", "duplicate", "replaced"] + [
        "inserted"] * 6 + ["duplicate"]
    positions = [r.pos for r in results]
    assert positions[3:9] == list(range(positions[0] + 1, positions[0] + 7))
    for it, res in zip([fresh[0], old, genuine, *fresh[1:]], results, strict=False):
        got = get_item(vault, it.item_id)
        assert got is not None and got.pos == res.pos
        assert (got.kind, got.title, got.body, got.payload, got.thread_id, got.seq,
                got.status) == (it.kind, it.title, it.body, it.payload, it.thread_id, it.seq,
                                it.status)
    assert [h.item.item_id for h in search(vault, "genuine")] == [genuine.item_id]
    assert len(search(vault, "fresh", limit=100)) == 7


def test_failed_batch_stores_nothing(vault: Any, item: Any) -> None:
    insert_items(vault, [item(body="kept")])
    before = count_items(vault, "room-a")
    # A row the database refuses (here: a NOT NULL column), in the middle of a batch.
    bad = item()
    object.__setattr__(bad, "label", None)
    with pytest.raises(StoreError):
        insert_items(vault, [item(body="not kept"), bad, item(body="not kept")])
    assert count_items(vault, "room-a") == before
    assert search(vault, "kept") and not search(vault, '"not kept"')
