"""Sync cursors and small settings: named text values.

Commit a cursor in the same :func:`store.vault.transaction` as the data it covers, so the
cursor is never ahead of what is stored.
"""

from __future__ import annotations

from store.vault import Connection

__all__ = [
    "get_cursor",
    "set_cursor",
    "get_setting",
    "set_setting",
    "delete_setting",
    "list_settings",
]


def get_cursor(conn: Connection, name: str) -> str | None:
    row = conn.execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def set_cursor(conn: Connection, name: str, value: str) -> None:
    conn.execute(
        "INSERT INTO cursors(name, value) VALUES (?, ?) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        (name, str(value)),
    )


def get_setting(conn: Connection, name: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
    return default if row is None else str(row[0])


def set_setting(conn: Connection, name: str, value: str) -> None:
    conn.execute(
        "INSERT INTO settings(name, value) VALUES (?, ?) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        (name, str(value)),
    )


def delete_setting(conn: Connection, name: str) -> bool:
    return bool(conn.execute("DELETE FROM settings WHERE name = ?", (name,)).rowcount)


def list_settings(conn: Connection) -> dict[str, str]:
    return {str(n): str(v) for n, v in conn.execute("SELECT name, value FROM settings")}
