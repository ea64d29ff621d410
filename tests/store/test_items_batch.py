"""Batched inserts bind the columns a whole batch shares once and read the rest row by row:
whatever the mix, every stored row and its index entry are exactly what was given."""

from __future__ import annotations

from typing import Any

import pytest

from store import items as si
from store import search, seqs
from store.errors import InvalidData
from store.models import NewItem
from store.vault import Connection, transaction

FIELDS = ("item_id", "room_id", "kind", "sender_device", "sender_user", "sender_name", "seq",
          "label", "content_type", "title", "body", "payload", "created_ms", "received_ms",
          "thread_id", "reply_to", "status", "reject_reason")


def _stored_as_given(conn: Connection, given: list[NewItem]) -> None:
    for it in given:
        got = si.get_item(conn, it.item_id)
        assert got is not None
        assert {f: getattr(got, f) for f in FIELDS} == {f: getattr(it, f) for f in FIELDS}


def test_shared_and_varying_columns_round_trip(vault: Connection, item: Any) -> None:
    batch = [item(body=f"shared-room text {i}", seq=None if i % 3 else i,
                  payload='{"doc": 1}' if i % 2 else None, thread_id="t-1" if i == 4 else None,
                  sender_name="" if i == 7 else "Alice Example") for i in range(20)]
    results = si.insert_items(vault, batch)
    assert [r.outcome for r in results] == ["inserted"] * 20
    assert [r.pos for r in results] == list(range(results[0].pos, results[0].pos + 20))
    _stored_as_given(vault, batch)
    hits = search.search(vault, "shared-room", limit=100)
    assert sorted(h.item.item_id for h in hits) == sorted(i.item_id for i in batch)


def test_every_column_shared_but_position(vault: Connection, item: Any) -> None:
    common: dict[str, Any] = {"seq": 7, "created_ms": 1, "received_ms": 2, "body": "same"}
    batch = [item(**common) for _ in range(12)]
    si.insert_items(vault, batch)
    _stored_as_given(vault, batch)
    assert len(search.search(vault, "same", limit=100)) == 12


def test_positions_not_consecutive_when_a_rejected_copy_is_replaced(vault: Connection,
                                                                     item: Any) -> None:
    rejected = item(status="rejected", reject_reason="tampered", body="")
    si.insert_items(vault, [rejected])
    genuine = NewItem(**{**{f: getattr(rejected, f) for f in FIELDS}, "status": "ok",
                         "reject_reason": None, "body": "genuine text"})
    others = [item(body=f"other text {i}") for i in range(10)]
    # The replaced item keeps its old position: the index rows are not consecutive.
    results = si.insert_items(vault, [others[0], genuine, *others[1:]])
    assert results[1].outcome == "replaced"
    _stored_as_given(vault, [genuine, *others])
    assert [h.item.item_id for h in search.search(vault, "genuine", limit=5)] == [
        genuine.item_id]
    assert len(search.search(vault, "other", limit=100)) == 10


def test_ints_and_bools_are_not_taken_for_one_shared_value(vault: Connection,
                                                          item: Any) -> None:
    # 1 == True in Python, but they are different values: never bound as one.
    batch = [item(seq=1 if i % 2 else 2, created_ms=5) for i in range(10)]
    si.insert_items(vault, batch)
    _stored_as_given(vault, batch)


def test_batches_inside_the_callers_transaction_without_savepoints(vault: Connection,
                                                                   item: Any) -> None:
    batch = [item() for _ in range(10)]
    try:
        with transaction(vault):
            fresh = seqs.record_seqs(vault, [("room-a", "dev", i) for i in (1, 2, 1)],
                                     savepoint=False)
            si.insert_items(vault, batch, savepoint=False)
            raise RuntimeError("the caller's transaction fails")
    except RuntimeError:
        pass
    assert fresh == [True, True, False]
    assert all(si.get_item(vault, i.item_id) is None for i in batch)  # undone with it
    assert not seqs.seq_seen(vault, "room-a", "dev", 1)
    si.insert_items(vault, batch, savepoint=False)  # outside a transaction: its own
    _stored_as_given(vault, batch)


def test_any_text_round_trips_through_the_batch(vault: Connection, item: Any) -> None:
    odd = ["nul \x00 inside", 'quote " and \\ backslash', "emoji 😀 and 攻撃", "line\nbreak\t",
           "\u2028\u2029 separators", "", " ", "\\u0000 literal", "\x7f\x01 controls"]
    batch = [item(body=b, title=b[:3], item_id=f"odd-{i}-\u00e9") for i, b in enumerate(odd)]
    batch += [item(body=f"plain {i}") for i in range(5)]
    si.insert_items(vault, batch)
    _stored_as_given(vault, batch)
    assert len(search.search(vault, "攻撃", limit=10)) == 1


def _smuggled(item: Any, **bad: Any) -> NewItem:
    """A NewItem carrying values its own checks refuse, as a bug elsewhere might."""
    it = item()
    for name, value in bad.items():
        object.__setattr__(it, name, value)
    return it


def test_the_vaults_constraints_still_refuse_a_row_and_undo_the_batch(vault: Connection,
                                                                      item: Any) -> None:
    # Inserts skip refused rows (OR IGNORE, cheaper under memory security); the count of
    # rows written must turn that back into an error that stores nothing.
    for size in (1, 3, si.SMALL_BATCH + 5):
        for bad in ({"kind": "email"}, {"status": "maybe"}):
            good = [item() for _ in range(size - 1)]
            batch = [*good[: size // 2], _smuggled(item, **bad), *good[size // 2:]]
            with pytest.raises(InvalidData, match="refused by the vault's constraints"):
                si.insert_items(vault, batch)
            assert all(si.get_item(vault, it.item_id) is None for it in batch), (size, bad)
    # Inside the caller's transaction without a savepoint, the caller's rollback undoes it.
    first = item()
    with pytest.raises(InvalidData), transaction(vault):
        si.insert_items(vault, [first], savepoint=False)
        si.insert_items(vault, [_smuggled(item, kind="email")], savepoint=False)
    assert si.get_item(vault, first.item_id) is None
    assert si.count_items(vault, "room-a") == 0


def test_one_number_and_many_numbers_record_alike(vault: Connection) -> None:
    # One number per (scope, sender) takes plain statements, several a json_each join.
    seqs.record_seqs(vault, [("s", "d1", 5), ("s", "d2", 7), ("s", "d2", 8)])
    got = seqs.record_seqs(vault, [("s", "d1", 5), ("s", "d1", 6), ("s", "d2", 8),
                                   ("s", "d2", 9), ("s", "d3", 1), ("s", "d3", 1)])
    assert got == [False, True, False, True, True, False]
    assert seqs.record_seqs(vault, [("s", "d1", 6)]) == [False]
    assert seqs.record_seqs(vault, [("s", "d4", 1)]) == [True]
    assert [seqs.seq_seen(vault, "s", d, n) for d, n in
            (("d1", 5), ("d1", 6), ("d2", 7), ("d2", 9), ("d3", 1), ("d4", 1), ("d4", 2))] == \
        [True] * 6 + [False]
