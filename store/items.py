"""Items: messages, briefs, advisories, reports, catalog entries, acks and system notices.

Items are ordered by ``pos``, their local arrival position. It is stable and increasing, so a
lazily loading view never sees rows shift under it, and the sync engine's order is kept.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from store import rowsource
from store.errors import InvalidData
from store.models import InsertResult, Item, NewItem
from store.textindex import index_text
from store.vault import Connection, transaction

__all__ = [
    "insert_item",
    "insert_items",
    "get_item",
    "get_item_at",
    "count_items",
    "list_items",
    "list_items_before",
    "list_items_after",
    "item_offset",
    "list_thread",
    "list_replies",
    "delete_item",
    "ITEM_COLUMNS",
]

ITEM_COLUMNS = (
    "pos, item_id, room_id, kind, sender_device, sender_user, sender_name, seq, label, "
    "content_type, title, body, payload, created_ms, received_ms, thread_id, reply_to, "
    "status, reject_reason"
)
_MAX_LIMIT = 10_000
IndexTexts = tuple[str, str]  # store.textindex.index_text of an item's title and body

_INSERT_COLUMNS = (
    "pos, item_id, room_id, kind, sender_device, sender_user, sender_name, seq, label, "
    "content_type, title, body, payload, created_ms, received_ms, thread_id, reply_to, status, "
    "reject_reason"
)
# One statement per batch, rows fed by store.rowsource (not executemany: see there); the
# SELECT list is made per batch (_batch_statement).
_INSERT_TARGET = f"items({_INSERT_COLUMNS})"
_INDEX_TARGET = "items_fts(rowid, title, body)"
_REPLACE = (
    "UPDATE items SET room_id=?, kind=?, sender_device=?, sender_user=?, sender_name=?, seq=?, "
    "label=?, content_type=?, title=?, body=?, payload=?, created_ms=?, received_ms=?, "
    "thread_id=?, reply_to=?, status=?, reject_reason=? WHERE pos=?"
)
# The ids as a JSON array, not through renkei_row (see _batch_statement); a join driven by
# them, not "item_id IN (SELECT ...)", which builds a temporary index (ADR 0008).
_KNOWN = (
    "SELECT i.item_id, i.pos, i.status FROM json_each(?) AS j CROSS JOIN items AS i "
    "WHERE i.item_id = j.value"
)
# Small batches (live sync, one message sent) use plain statements instead: the batch
# statement's fixed cost under memory security (about 0.6 ms for the items insert, measured)
# is what about ten plain inserts cost.
SMALL_BATCH = 8
# OR IGNORE: under memory security, a statement that might have to undo part of itself
# (CHECK constraints with the default ABORT, on a table with indexes) keeps a statement
# journal, each page it touches copied into locked memory: ~55 µs of a 110 µs single-row
# insert (measured). The constraints still hold: a row they refuse is skipped, the count of
# rows written tells, and the batch fails as a whole (_check_written).
_INSERT_VERB = "INSERT OR IGNORE INTO"
_INSERT_ONE = f"{_INSERT_VERB} items({_INSERT_COLUMNS}) VALUES ({', '.join('?' * 19)})"
_INDEX_ONE = "INSERT INTO items_fts(rowid, title, body) VALUES (?, ?, ?)"
_KNOWN_ONE = "SELECT item_id, pos, status FROM items WHERE item_id = ?"


def row_to_item(row: tuple[Any, ...]) -> Item:
    return Item(*row)


# An item's column values after pos and item_id, in _INSERT_COLUMNS order (read in C).
_values: Callable[[NewItem], tuple[Any, ...]] = operator.attrgetter(
    "room_id", "kind", "sender_device", "sender_user", "sender_name", "seq", "label",
    "content_type", "title", "body", "payload", "created_ms", "received_ms", "thread_id",
    "reply_to", "status", "reject_reason")


def _check_payload(item: NewItem) -> None:
    if item.payload is None:
        return
    try:
        json.loads(item.payload)
    except ValueError as exc:
        raise InvalidData(f"item {item.item_id}: payload is not valid JSON ({exc})") from None


def _fts_row(pos: int, item: NewItem, texts: IndexTexts | None) -> tuple[int, str, str]:
    if texts is None:
        return (pos, index_text(item.title), index_text(item.body))
    return (pos, *texts)


def insert_item(conn: Connection, item: NewItem) -> InsertResult:
    """Store one item; an item id already stored is reported as a duplicate, not an error."""
    return insert_items(conn, [item])[0]


def insert_items(conn: Connection, items: Iterable[NewItem], *,
                 savepoint: bool = True,
                 index_texts: Sequence[IndexTexts | None] | None = None) -> list[InsertResult]:
    """Store a batch in one transaction (or inside the caller's, e.g. with the sync cursor).

    One result per item, in order. A batch is a handful of statements whatever its size, and
    positions are assigned here: with ``cipher_memory_security`` every SQLite allocation is
    locked and wiped, which makes per-row statement overhead the dominant cost (see
    :mod:`store.rowsource`).

    Inside the caller's transaction the batch is a savepoint, undone alone on error; with
    ``savepoint=False`` it is not (see :func:`store.vault.transaction`).

    ``index_texts``, when given, holds for each item its ``index_text`` of title and body
    already made (e.g. by the catch-up's helper process), or None to make them here.
    """
    batch = list(items)
    texts: Sequence[IndexTexts | None] = (
        index_texts if index_texts is not None else [None] * len(batch))
    if len(texts) != len(batch):
        raise InvalidData("one index text entry is needed per item")
    for item in batch:
        _check_payload(item)
    if not batch:
        return []
    with transaction(conn, savepoint=savepoint):
        known: dict[str, tuple[int, str]] = {}
        small = len(batch) <= SMALL_BATCH
        if small:
            found = [r for it in batch for r in conn.execute(_KNOWN_ONE, (it.item_id,))]
        else:
            ids = json.dumps([it.item_id for it in batch], ensure_ascii=False)
            found = conn.execute(_KNOWN, (ids,)).fetchall()
        for item_id, pos, status in found:
            known[str(item_id)] = (int(pos), str(status))
        # Never reuse a position, even of a deleted item: read positions depend on it.
        row = conn.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'items'), 0), "
            "coalesce((SELECT max(pos) FROM items), 0))"
        ).fetchone()
        next_pos = int(row[0]) + 1
        inserts: list[tuple[Any, ...]] = []
        fts: list[tuple[int, str, str]] = []
        results: list[InsertResult] = []
        pending: dict[str, int] = {}
        for item, item_texts in zip(batch, texts, strict=True):
            seen = known.get(item.item_id)
            if seen is None:
                pos = next_pos
                next_pos += 1
                pending[item.item_id] = len(inserts)
                inserts.append((pos, item.item_id, *_values(item)))
                if item.status == "ok":
                    fts.append(_fts_row(pos, item, item_texts))
                known[item.item_id] = (pos, item.status)
                results.append(InsertResult(item.item_id, pos, "inserted"))
            elif seen[1] == "rejected" and item.status == "ok":
                # A copy the server tampered with may arrive before the genuine one; the one
                # that verified (status ok) takes its place. An ok item is never replaced.
                pos = seen[0]
                if item.item_id in pending:
                    inserts[pending[item.item_id]] = (pos, item.item_id, *_values(item))
                else:
                    conn.execute(_REPLACE, (*_values(item), pos))
                fts.append(_fts_row(pos, item, item_texts))
                known[item.item_id] = (pos, "ok")
                results.append(InsertResult(item.item_id, pos, "replaced"))
            else:
                results.append(InsertResult(item.item_id, seen[0], "duplicate"))
        for rows, target, one, verb in (
                (inserts, _INSERT_TARGET, _INSERT_ONE, _INSERT_VERB),
                (fts, _INDEX_TARGET, _INDEX_ONE, "INSERT INTO")):
            if rows and small:
                written = conn.executemany(one, rows).rowcount
            elif rows:
                sql, params = _batch_statement(target, rows, verb)
                with rowsource.rows_for(rows) as numbers:
                    written = conn.execute(
                        sql, [numbers if p is _ROW_NUMBERS else p for p in params]).rowcount
            if rows and verb is _INSERT_VERB:
                _check_written(written, rows)
        return results


def _check_written(written: int, rows: list[tuple[Any, ...]]) -> None:
    """Every row was written, or the batch fails (its transaction is then undone)."""
    if written != len(rows):
        raise InvalidData(
            f"{len(rows) - written} of {len(rows)} items were refused by the vault's "
            "constraints (unknown kind or status, or a missing value); none was stored")


_ROW_NUMBERS = object()  # stands for rowsource's json_each argument in a parameter list


def _batch_statement(target: str, rows: list[tuple[Any, ...]],
                     verb: str = "INSERT INTO") -> tuple[str, list[Any]]:
    """``INSERT INTO target SELECT ... FROM json_each(?)`` for ``rows``, and its parameters
    (``verb`` in place of ``INSERT INTO``).

    Reading a value through ``renkei_row`` is a call into Python, per row and column, each
    needing the GIL: during a catch-up another thread runs Python, and every such call may
    wait for it (measured: the statements took twice as long). So only what must goes that
    way: a column with one value in every row (in a page: room, sender, label, type...) is
    bound once; consecutive numbers (positions; sequence numbers of one sender) are computed
    from json_each's row number; and one column of text is the JSON array json_each walks
    (its values are copied as the function's would be). The rest is read through
    ``renkei_row`` (reading integers from JSON arrays too was measured slower: each lookup
    walks the array).

    ``_ROW_NUMBERS`` in the parameters stands for ``rowsource.rows_for``'s argument."""
    n = len(rows)
    columns = list(zip(*rows, strict=True))
    exprs: list[str | None] = []
    params: list[Any] = []
    varying: list[int] = []
    # Each test runs in C over a whole column (this runs on the vault's thread, per page).
    # One type throughout first: 1 == True, yet they are different values.
    for k, column in enumerate(columns):
        v = column[0]
        t = type(v)
        one_type = set(map(type, column)) == {t}
        if one_type and column.count(v) == n:
            params.append(v)
            exprs.append(f"?{len(params)}")
        elif one_type and t is int and column == tuple(range(v, v + n)):
            params.append(v)
            exprs.append(f"?{len(params)} + key")
        else:
            varying.append(k)
            exprs.append(None)
    texts = [k for k in varying if set(map(type, columns[k])) == {str}]
    if texts:  # the last column of text only (the body, in items) drives json_each
        params.append(json.dumps([r[texts[-1]] for r in rows], ensure_ascii=False))
        exprs[texts[-1]] = "value"
        varying.remove(texts[-1])
    else:
        params.append(_ROW_NUMBERS)
    for k in varying:
        exprs[k] = f"{rowsource.FUNCTION}(key, {k})"
    return (f"{verb} {target} SELECT {', '.join(str(e) for e in exprs)} "
            f"FROM json_each(?{len(params)})"), params


def get_item(conn: Connection, item_id: str) -> Item | None:
    row = conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM items WHERE item_id = ?", (item_id,)
    ).fetchone()
    return None if row is None else row_to_item(row)


def get_item_at(conn: Connection, pos: int) -> Item | None:
    row = conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE pos = ?", (pos,)).fetchone()
    return None if row is None else row_to_item(row)


def count_items(conn: Connection, room_id: str, *, after_pos: int = 0) -> int:
    """Items in a room (with ``after_pos``: only those that arrived after that position)."""
    row = conn.execute(
        "SELECT count(*) FROM items WHERE room_id = ? AND pos > ?", (room_id, after_pos)
    ).fetchone()
    return int(row[0])


def _limit(limit: int) -> int:
    if limit < 0:
        raise InvalidData("a page size cannot be negative")
    return min(limit, _MAX_LIMIT)


def list_items(conn: Connection, room_id: str, offset: int, limit: int) -> list[Item]:
    """Rows ``offset``..``offset+limit`` of a room, oldest first (for lazy list models).

    Offset paging walks the (room_id, pos) index, which holds no row data; measured at
    100,000 items it stays in the low milliseconds. For scrolling, prefer the keyset
    functions :func:`list_items_before` and :func:`list_items_after`.
    """
    if offset < 0:
        raise InvalidData("a page offset cannot be negative")
    rows = conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM items WHERE pos IN ("
        " SELECT pos FROM items WHERE room_id = ? ORDER BY pos LIMIT ? OFFSET ?"
        ") ORDER BY pos",
        (room_id, _limit(limit), offset),
    ).fetchall()
    return [row_to_item(r) for r in rows]


def list_items_after(conn: Connection, room_id: str, after_pos: int, limit: int) -> list[Item]:
    """Up to ``limit`` items that arrived after ``after_pos``, oldest first."""
    rows = conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM items WHERE room_id = ? AND pos > ? ORDER BY pos LIMIT ?",
        (room_id, after_pos, _limit(limit)),
    ).fetchall()
    return [row_to_item(r) for r in rows]


def list_items_before(
    conn: Connection, room_id: str, before_pos: int | None, limit: int
) -> list[Item]:
    """Up to ``limit`` items before ``before_pos`` (None: the newest), returned oldest first."""
    bound = before_pos if before_pos is not None else (1 << 62)
    rows = conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM items WHERE room_id = ? AND pos < ? "
        "ORDER BY pos DESC LIMIT ?",
        (room_id, bound, _limit(limit)),
    ).fetchall()
    return [row_to_item(r) for r in reversed(rows)]


def item_offset(conn: Connection, room_id: str, pos: int) -> int:
    """The row number of position ``pos`` in its room (to scroll a lazy view to a hit)."""
    row = conn.execute(
        "SELECT count(*) FROM items WHERE room_id = ? AND pos < ?", (room_id, pos)
    ).fetchone()
    return int(row[0])


def list_thread(conn: Connection, thread_id: str, limit: int = 1000) -> list[Item]:
    rows = conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM items WHERE thread_id = ? ORDER BY pos LIMIT ?",
        (thread_id, _limit(limit)),
    ).fetchall()
    return [row_to_item(r) for r in rows]


def list_replies(conn: Connection, item_ids: Iterable[str]) -> list[Item]:
    """Every item replying to one of ``item_ids`` (acknowledgements, answers), oldest first."""
    wanted = sorted({str(i) for i in item_ids})
    if not wanted:
        return []
    rows = conn.execute(
        f"SELECT {ITEM_COLUMNS} FROM items WHERE reply_to IS NOT NULL AND reply_to IN "
        "(SELECT value FROM json_each(?)) ORDER BY pos",
        (json.dumps(wanted),),
    ).fetchall()
    return [row_to_item(r) for r in rows]


def delete_item(conn: Connection, item_id: str) -> bool:
    """Remove an item and its index entry (secure_delete overwrites the freed pages)."""
    with transaction(conn):
        row = conn.execute("SELECT pos FROM items WHERE item_id = ?", (item_id,)).fetchone()
        if row is None:
            return False
        conn.execute("DELETE FROM items_fts WHERE rowid = ?", (row[0],))
        conn.execute("DELETE FROM items WHERE pos = ?", (row[0],))
        return True
