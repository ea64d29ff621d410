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


def list_settings(conn: Connection, prefix: str | None = None) -> dict[str, str]:
    """Every setting, or (with ``prefix``) those whose name starts with it, by name."""
    if not prefix:
        rows = conn.execute("SELECT name, value FROM settings ORDER BY name")
        return {str(n): str(v) for n, v in rows}
    # A range over the primary key: only the matching names are read.
    high = _after_prefix(prefix)
    rows = conn.execute(
        "SELECT name, value FROM settings WHERE name >= ?"
        + ("" if high is None else " AND name < ?") + " ORDER BY name",
        (prefix,) if high is None else (prefix, high),
    )
    return {str(n): str(v) for n, v in rows if str(n).startswith(prefix)}


def _after_prefix(prefix: str) -> str | None:
    """The least text greater than every text starting with ``prefix`` (SQLite compares
    UTF-8 bytes, which orders as code points do), or None when there is none."""
    for cut in range(len(prefix) - 1, -1, -1):
        code = ord(prefix[cut]) + 1
        if 0xD800 <= code <= 0xDFFF:
            code = 0xE000  # surrogates cannot be stored as text
        if code <= 0x10FFFF:
            return prefix[:cut] + chr(code)
    return None
