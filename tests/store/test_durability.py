"""Commits of what can be fetched again skip the disk sync; everything else keeps FULL."""

from __future__ import annotations

import contextlib

import pytest
from sqlcipher3.dbapi2 import Connection

from store.kv import get_setting, set_setting
from store.vault import transaction

FULL, NORMAL = 2, 1


def level(conn: Connection) -> int:
    return int(conn.execute("PRAGMA synchronous").fetchone()[0])


def test_vault_commits_are_fully_synced_by_default(vault: Connection) -> None:
    assert level(vault) == FULL
    with transaction(vault):
        assert level(vault) == FULL
        set_setting(vault, "a", "1")
    assert level(vault) == FULL and get_setting(vault, "a") == "1"


def test_a_recoverable_commit_skips_the_sync_then_full_is_back(vault: Connection) -> None:
    with transaction(vault, recoverable=True):
        assert level(vault) == NORMAL
        set_setting(vault, "b", "2")
        with transaction(vault):  # nested: a savepoint inside the same commit
            set_setting(vault, "c", "3")
    assert level(vault) == FULL
    assert get_setting(vault, "b") == "2" and get_setting(vault, "c") == "3"


def test_full_is_back_after_a_recoverable_write_fails(vault: Connection) -> None:
    with pytest.raises(KeyError), transaction(vault, recoverable=True):
        set_setting(vault, "d", "4")
        raise KeyError("boom")
    assert level(vault) == FULL and get_setting(vault, "d") is None


def test_recoverable_inside_an_open_transaction_changes_nothing(vault: Connection) -> None:
    with transaction(vault), transaction(vault, recoverable=True):
        assert level(vault) == FULL  # the outer commit decides, and it is FULL
        set_setting(vault, "e", "5")
    assert level(vault) == FULL and get_setting(vault, "e") == "5"



@pytest.mark.parametrize("savepoint", [True, False])
def test_nested_use_without_a_savepoint_is_undone_only_with_the_outer_one(
        vault: Connection, savepoint: bool) -> None:
    with transaction(vault), contextlib.suppress(KeyError), \
            transaction(vault, savepoint=savepoint):
        set_setting(vault, "g", "7")
        raise KeyError("boom")
    # A savepoint undoes its own part at once; without one, the part stays with the outer
    # transaction (which its caller rolls back whole on an error it does not catch).
    assert get_setting(vault, "g") == (None if savepoint else "7")
    with pytest.raises(KeyError), transaction(vault), transaction(vault, savepoint=False):
        set_setting(vault, "h", "8")
        raise KeyError("boom")
    assert get_setting(vault, "h") is None
