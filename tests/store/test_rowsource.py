"""store.rowsource: a batch of Python rows read by one SQL statement."""

from __future__ import annotations

from typing import Any

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from store import rowsource


def test_rows_reach_one_statement_in_order(vault: Any) -> None:
    vault.execute("CREATE TEMP TABLE t(n INTEGER, s TEXT, b BLOB)")
    rows = [(1, "一", b"\x00"), (2, None, None), (3, "three", b"")]
    with rowsource.rows_for(rows) as numbers:
        assert numbers == "[0,0,0]"
        vault.execute(f"INSERT INTO t SELECT {rowsource.columns(3)} FROM json_each(?)",
                      (numbers,))
    assert vault.execute("SELECT n, s, b FROM t ORDER BY rowid").fetchall() == rows


def test_nested_batches_restore_the_outer_one(vault: Any) -> None:
    with rowsource.rows_for([("outer",)]) as outer:
        with rowsource.rows_for([("inner",), ("inner 2",)]) as inner:
            got = vault.execute(f"SELECT {rowsource.columns(1)} FROM json_each(?)",
                                (inner,)).fetchall()
            assert got == [("inner",), ("inner 2",)]
        assert vault.execute(f"SELECT {rowsource.columns(1)} FROM json_each(?)",
                             (outer,)).fetchall() == [("outer",)]


def test_outside_a_batch_the_function_fails(vault: Any) -> None:
    with pytest.raises(sqlcipher.OperationalError):
        vault.execute(f"SELECT {rowsource.FUNCTION}(0, 0)").fetchall()
