"""The newest feed rows in memory, so a woken long-poll is answered without a query.

When a post wakes a room's hundred long-polls, each would otherwise run the same feed query
for the one new row. SQLite only (one process writes every row, and hands each to
``Core.committed`` in position order); PostgreSQL instances also see rows other instances
wrote, so they always query. The cache answers only for a range it holds whole: positions
are contiguous from ``lo + 1`` to ``hi``; anything else falls back to the database.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from server.storage.feed import FeedRow

MAX_ROWS = 4096
MAX_BYTES = 32 * 1024 * 1024


class RecentRows:
    def __init__(self, top: int) -> None:
        self.lo = top  # rows lo+1 .. hi are held
        self._rows: deque[FeedRow] = deque()
        self._bytes = 0

    @property
    def hi(self) -> int:
        return self.lo + len(self._rows)

    def add(self, row: FeedRow) -> None:
        if row.pos != self.hi + 1:
            # Not the next position (should not happen on SQLite): start afresh from here.
            self._rows.clear()
            self._bytes = 0
            self.lo = row.pos - 1
        self._rows.append(row)
        self._bytes += len(row.payload)
        while len(self._rows) > MAX_ROWS or (self._bytes > MAX_BYTES and len(self._rows) > 1):
            old = self._rows.popleft()
            self._bytes -= len(old.payload)
            self.lo += 1

    def scan(self, scopes: Iterable[str], after: int, upto: int, limit: int
             ) -> list[FeedRow] | None:
        """What ``storage.feed.scan`` would return, or None when not all of it is held."""
        if after < self.lo or upto > self.hi:
            return None
        wanted = set(scopes)
        out: list[FeedRow] = []
        rows = self._rows
        for i in range(after - self.lo, upto - self.lo):
            r = rows[i]
            if r.scope in wanted:
                out.append(r)
                if len(out) >= limit:
                    break
        return out
