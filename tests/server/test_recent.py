"""The in-memory tail of the feed answers exactly as the feed query would, or not at all."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from server import recent
from server.recent import RecentRows
from server.storage.feed import FeedRow

SCOPES = ["room-a", "room-b", "d:dev1", "u:alice", "*"]


def row(pos: int, scope: str, size: int = 10) -> FeedRow:
    return FeedRow(pos, "envelope", scope, None, None, None, "{" + "x" * size + "}", 0)


def reference(rows: list[FeedRow], scopes: list[str], after: int, upto: int,
              limit: int) -> list[FeedRow]:
    return [r for r in rows if after < r.pos <= upto and r.scope in scopes][:limit]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 50), st.lists(st.sampled_from(SCOPES), max_size=60),
       st.lists(st.sampled_from(SCOPES), min_size=1, max_size=3),
       st.integers(0, 120), st.integers(0, 120), st.integers(1, 10))
def test_scan_matches_the_query_or_declines(start: int, scopes_of_rows: list[str],
                                            wanted: list[str], after: int, upto: int,
                                            limit: int) -> None:
    cache = RecentRows(start)
    rows = [row(start + 1 + i, s) for i, s in enumerate(scopes_of_rows)]
    for r in rows:
        cache.add(r)
    got = cache.scan(wanted, after, upto, limit)
    if after < start or upto > start + len(rows):
        assert got is None  # rows before the cache or not yet applied: ask the database
    else:
        assert got == reference(rows, wanted, after, upto, limit)


def test_a_gap_restarts_the_cache_instead_of_hiding_rows() -> None:
    cache = RecentRows(10)
    cache.add(row(11, "room-a"))
    cache.add(row(13, "room-a"))  # 12 never reached the cache
    assert cache.scan(["room-a"], 10, 13, 10) is None
    assert cache.scan(["room-a"], 11, 13, 10) is None  # would have to hold 12
    assert cache.scan(["room-a"], 12, 13, 10) == [row(13, "room-a")]


def test_old_rows_are_dropped_by_count_and_bytes() -> None:
    cache = RecentRows(0)
    for pos in range(1, recent.MAX_ROWS + 11):
        cache.add(row(pos, "room-a"))
    assert cache.lo == 10 and cache.hi == recent.MAX_ROWS + 10
    assert cache.scan(["room-a"], 9, cache.hi, 1) is None
    big = RecentRows(0)
    size = recent.MAX_BYTES // 3
    for pos in range(1, 6):
        big.add(row(pos, "room-a", size))
    assert big.hi == 5 and big.lo >= 2  # at most ~3 of the big rows are kept
    assert big.scan(["room-a"], 4, 5, 10) == [row(5, "room-a", size)]
