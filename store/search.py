"""Full-text search over item titles and bodies, newest first, English and Japanese.

Results can be limited to what the reader may read, either by a set of label texts (checked in
SQL) or by a predicate on each item (checked in Python while streaming), or both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from typing import Any

from intel.errors import IntelError
from intel.markings import Clearance, Policy, can_read
from store.errors import InvalidData
from store.items import ITEM_COLUMNS, row_to_item
from store.models import Item, SearchHit
from store.textindex import match_query, query_fragments, snippet
from store.vault import Connection

__all__ = ["search", "labels_in_use", "readable_labels"]

_MAX_LIMIT = 1000
_FETCH = 200


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
    expr = match_query(query)
    if expr is None or limit == 0:
        return []
    if allowed_labels is not None and not allowed_labels:
        return []
    where = ["items_fts MATCH ?", "i.status = 'ok'"]
    params: list[Any] = [expr]
    if room_id is not None:
        where.append("i.room_id = ?")
        params.append(room_id)
    if allowed_labels is not None:
        where.append("i.label IN (SELECT value FROM json_each(?))")
        params.append(_json_list(allowed_labels))
    if kinds is not None:
        where.append("i.kind IN (SELECT value FROM json_each(?))")
        params.append(_json_list(kinds))
    sql = (
        f"SELECT {_columns('i')} FROM items_fts JOIN items AS i ON i.pos = items_fts.rowid "
        f"WHERE {' AND '.join(where)} ORDER BY items_fts.rowid DESC"
    )
    wanted = min(limit, _MAX_LIMIT)
    if predicate is None:
        sql += " LIMIT ?"
        params.append(wanted)
    frags = query_fragments(query)
    hits: list[SearchHit] = []
    cur = conn.execute(sql, params)
    try:
        while len(hits) < wanted and (rows := cur.fetchmany(_FETCH)):
            for row in rows:
                item = row_to_item(row)
                if predicate is not None and not predicate(item):
                    continue
                hits.append(SearchHit(item, snippet(item.body or item.title, frags)))
                if len(hits) >= wanted:
                    break
    finally:
        cur.close()
    return hits


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

