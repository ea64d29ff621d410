"""Full-text search over item titles and bodies, newest first, English and Japanese.

Results can be limited to what the reader may read, either by a set of label texts (checked in
SQL) or by a predicate on each item (checked in Python while streaming), or both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from intel.errors import IntelError
from intel.markings import Clearance, Policy, can_read
from store.errors import InvalidData
from store.items import ITEM_COLUMNS, row_to_item
from store.models import Item, SearchHit
from store.textindex import (
    Prefix,
    match_expression,
    parse_query,
    prefix_bounds,
    query_fragments,
    snippet,
)
from store.vault import Connection

__all__ = [
    "search",
    "labels_in_use",
    "readable_labels",
    "merge_search_index",
    "optimize_search_index",
]

_MAX_LIMIT = 1000
_FETCH = 64
_FIRST_WINDOW = 2048
_WINDOW_GROWTH = 4
# A prefix matching more index terms than this uses only the first ones in term order;
# typing more letters narrows it.
_MAX_EXPANSION = 64


def _columns(prefix: str) -> str:
    return ", ".join(f"{prefix}.{c.strip()}" for c in ITEM_COLUMNS.split(","))


def search(
    conn: Connection,
    query: str,
    limit: int = 50,
    room_id: str | None = None,
    *,
    allowed_labels: Collection[str] | None = None,
    predicate: Callable[[Item], bool] | None = None,
    kinds: Iterable[str] | None = None,
) -> list[SearchHit]:
    """Up to ``limit`` items matching every term of ``query``, newest first.

    Any text is accepted as ``query``: it is reduced to quoted tokens, never parsed as FTS5
    syntax. ``allowed_labels`` (exact label texts) and ``predicate`` exclude what the reader
    may not see; rejected (tampered) items are never search results.
    """
    if limit < 0:
        raise InvalidData("a result limit cannot be negative")
    if limit == 0:
        return []
    expr = _expression(conn, query)
    if expr is None:
        return []
    if allowed_labels is not None and not allowed_labels:
        return []
    where = ["i.pos IN (SELECT value FROM json_each(?))", "i.status = 'ok'"]
    filters: list[Any] = []
    if room_id is not None:
        where.append("i.room_id = ?")
        filters.append(room_id)
    if allowed_labels is not None:
        where.append("i.label IN (SELECT value FROM json_each(?))")
        filters.append(_json_list(allowed_labels))
    if kinds is not None:
        where.append("i.kind IN (SELECT value FROM json_each(?))")
        filters.append(_json_list(kinds))
    fetch_items = f"SELECT {ITEM_COLUMNS} FROM items AS i WHERE {' AND '.join(where)}"
    wanted = min(limit, _MAX_LIMIT)
    frags = query_fragments(query)
    hits: list[SearchHit] = []
    for positions in _matches_newest_first(conn, expr):
        for start in range(0, len(positions), _FETCH):
            chunk = positions[start : start + _FETCH]
            rows = conn.execute(fetch_items, [json.dumps(chunk), *filters]).fetchall()
            by_pos = {int(r[0]): r for r in rows}
            for pos in chunk:
                row = by_pos.get(pos)
                if row is None:
                    continue
                item = row_to_item(row)
                if predicate is not None and not predicate(item):
                    continue
                hits.append(SearchHit(item, snippet(item.body or item.title, frags)))
                if len(hits) >= wanted:
                    return hits
    return hits


def _matches_newest_first(conn: Connection, expr: str) -> Iterator[list[int]]:
    """Positions matching ``expr``, newest first, in growing windows of positions.

    FTS5 walks a doclist backwards (ORDER BY rowid DESC) by rebuilding every page in freshly
    allocated buffers; under cipher_memory_security each allocation is locked and wiped,
    which made DESC ~8x slower than ASC (27 ms against 4.7 ms at 200k items). So we read
    forwards within a window of recent positions, seeking with a rowid range, and only widen
    the window while more results are needed.
    """
    row = conn.execute("SELECT max(pos) FROM items").fetchone()
    high = (0 if row[0] is None else int(row[0])) + 1
    width = _FIRST_WINDOW
    while high > 1:
        low = max(1, high - width)
        found = [
            int(r[0])
            for r in conn.execute(
                "SELECT rowid FROM items_fts WHERE items_fts MATCH ? AND rowid >= ? "
                "AND rowid < ? ORDER BY rowid",
                (expr, low, high),
            )
        ]
        if found:
            found.reverse()
            yield found
        high = low
        width *= _WINDOW_GROWTH


def _expression(conn: Connection, query: str) -> str | None:
    parts = parse_query(query)
    expansions: dict[str, list[str]] = {}
    for part in parts:
        if isinstance(part, Prefix) and part.text not in expansions:
            low, high = prefix_bounds(part.text)
            expansions[part.text] = [
                str(r[0])
                for r in conn.execute(
                    "SELECT term FROM items_fts_vocab WHERE term >= ? AND term < ? LIMIT ?",
                    (low, high, _MAX_EXPANSION),
                )
            ]
    return match_expression(parts, expansions)


def _json_list(values: Iterable[str]) -> str:
    return json.dumps([str(v) for v in values], ensure_ascii=False)


def labels_in_use(conn: Connection) -> list[str]:
    """Every distinct label text of stored items."""
    return [str(r[0]) for r in conn.execute("SELECT DISTINCT label FROM items ORDER BY label")]


def readable_labels(conn: Connection, policy: Policy, reader: Clearance) -> set[str]:
    """The stored labels ``reader`` may read under ``policy`` (for ``allowed_labels``).

    A label that does not parse or is unknown to the policy is left out (fail closed). Items
    at TLP:RED in a local vault were delivered to this reader by name, so RED is judged with
    the reader as a named recipient; the other rules still apply.
    """
    allowed: set[str] = set()
    for text in labels_in_use(conn):
        try:
            label = policy.parse_label(text)
        except IntelError:
            continue
        if can_read(policy, reader, label, named_recipients=[reader.user_id]):
            allowed.add(text)
    return allowed



def merge_search_index(conn: Connection, pages: int = 500) -> bool:
    """Do up to about ``pages`` pages of index merging (for idle moments); True if more
    merging remains. Fewer index segments make searches faster."""
    before = conn.total_changes
    conn.execute("INSERT INTO items_fts(items_fts, rank) VALUES ('merge', ?)", (-abs(pages),))
    return bool(conn.total_changes - before > 1)


def optimize_search_index(conn: Connection) -> None:
    """Merge the whole index into one segment (after a large catch-up; takes seconds)."""
    conn.execute("INSERT INTO items_fts(items_fts) VALUES ('optimize')")
