"""Feeding a batch of Python rows to a single SQL statement.

With ``cipher_memory_security`` on, every allocation SQLite cannot serve from its small
per-connection pool costs a locked and wiped round trip to the system allocator. A statement
step allocates its cursors afresh, so ``executemany`` pays that once per row and per index.
One ``INSERT ... SELECT`` over the whole batch opens them once: its rows come from
``renkei_row(i, k)`` (column ``k`` of row ``i`` of the batch), driven by ``json_each`` over the
row numbers. Measured on the items table (three indexes): 81 µs per row with ``executemany``,
21 µs this way (11.7 and 7.7 µs with memory security off).

Usage::

    with rows_for(rows) as numbers:
        conn.execute(f"INSERT INTO t(a, b) SELECT {columns(2)} FROM json_each(?)", (numbers,))
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from store.errors import StoreError

__all__ = ["FUNCTION", "install", "rows_for", "columns"]

FUNCTION = "renkei_row"
# The batch of the statement running on this thread: SQLite calls the function synchronously
# on the thread that executes the statement, and a connection serves one thread at a time.
_current = threading.local()


def _value(i: int, k: int) -> Any:
    rows: Sequence[Sequence[Any]] | None = getattr(_current, "rows", None)
    if rows is None:
        raise StoreError(f"{FUNCTION}() was called outside a batch statement")
    return rows[i][k]


def install(conn: Any) -> None:
    """Register ``renkei_row`` on a connection (``store.vault`` does it for every vault)."""
    conn.create_function(FUNCTION, 2, _value)


@contextlib.contextmanager
def rows_for(rows: Sequence[Sequence[Any]]) -> Iterator[str]:
    """Make ``rows`` what ``renkei_row`` reads on this thread; yields the ``json_each``
    argument (a JSON array with one element per row, whose ``key`` is the row number)."""
    previous = getattr(_current, "rows", None)
    _current.rows = rows
    try:
        yield "[" + ",".join("0" * len(rows)) + "]"
    finally:
        _current.rows = previous


def columns(n: int) -> str:
    """``renkei_row(key, 0), ..., renkei_row(key, n - 1)`` for a SELECT over json_each."""
    return ", ".join(f"{FUNCTION}(key, {k})" for k in range(n))
