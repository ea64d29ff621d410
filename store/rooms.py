"""Rooms, read positions, and each room's membership log as received.

The membership log is stored exactly as signed events; computing who is a member (verifying
signatures and the hash chain against certificates) is the sync engine's job. Here we only
refuse a second, different event at an index we already hold: a forked log.
"""

from __future__ import annotations

from typing import Any

from store.errors import IntegrityError, InvalidData
from store.models import MembershipEvent, Room
from store.vault import Connection, transaction

__all__ = [
    "put_room",
    "get_room",
    "list_rooms",
    "delete_room",
    "set_last_read",
    "append_membership_event",
    "list_membership_events",
    "membership_head",
]

_ROOM_SELECT = (
    "SELECT r.room_id, r.name, r.ceiling, r.history, r.created_ms, r.last_read_pos, "
    "(SELECT count(*) FROM items AS i WHERE i.room_id = r.room_id AND i.pos > r.last_read_pos) "
    "FROM rooms AS r"
)


def _room(row: tuple[Any, ...]) -> Room:
    return Room(
        str(row[0]), str(row[1]), str(row[2]), str(row[3]), int(row[4]), int(row[5]), int(row[6])
    )


def put_room(
    conn: Connection, room_id: str, name: str, ceiling: str, history: str, created_ms: int
) -> None:
    """Create a room or update its name, ceiling label and history policy (read position kept)."""
    if not room_id:
        raise InvalidData("a room needs an id")
    conn.execute(
        "INSERT INTO rooms(room_id, name, ceiling, history, created_ms) VALUES (?,?,?,?,?) "
        "ON CONFLICT(room_id) DO UPDATE SET name=excluded.name, ceiling=excluded.ceiling, "
        "history=excluded.history",
        (room_id, name, ceiling, history, created_ms),
    )


def get_room(conn: Connection, room_id: str) -> Room | None:
    row = conn.execute(f"{_ROOM_SELECT} WHERE r.room_id = ?", (room_id,)).fetchone()
    return None if row is None else _room(row)


def list_rooms(conn: Connection) -> list[Room]:
    """All rooms with their unread counts, by name."""
    return [_room(r) for r in conn.execute(f"{_ROOM_SELECT} ORDER BY r.name, r.room_id")]


def delete_room(conn: Connection, room_id: str) -> bool:
    """Forget a room and its membership log (its items stay until deleted separately)."""
    return bool(conn.execute("DELETE FROM rooms WHERE room_id = ?", (room_id,)).rowcount)


def set_last_read(conn: Connection, room_id: str, pos: int) -> None:
    """Mark everything up to item position ``pos`` as read; the mark never moves back."""
    conn.execute(
        "UPDATE rooms SET last_read_pos = max(last_read_pos, ?) WHERE room_id = ?",
        (pos, room_id),
    )


def append_membership_event(
    conn: Connection, room_id: str, index: int, event: bytes, event_hash: bytes
) -> bool:
    """Store event ``index`` of a room's membership log.

    Returns True when stored, False when the same event was already there. Raises
    :class:`IntegrityError` for a different event at a held index (a fork) and
    :class:`InvalidData` when ``index`` leaves a hole.
    """
    with transaction(conn):
        row = conn.execute(
            "SELECT event_hash FROM membership_events WHERE room_id = ? AND idx = ?",
            (room_id, index),
        ).fetchone()
        if row is not None:
            if bytes(row[0]) == bytes(event_hash):
                return False
            raise IntegrityError(
                f"room {room_id}: a different membership event was received for position "
                f"{index}; the room's membership log has been forked and the new event is "
                "refused"
            )
        head = membership_head(conn, room_id)
        expected = 0 if head is None else head + 1
        if index != expected:
            raise InvalidData(
                f"room {room_id}: membership event {index} received but {expected} is next"
            )
        if conn.execute("SELECT 1 FROM rooms WHERE room_id = ?", (room_id,)).fetchone() is None:
            raise InvalidData(f"room {room_id} is not known; store the room first")
        conn.execute(
            "INSERT INTO membership_events(room_id, idx, event, event_hash) VALUES (?,?,?,?)",
            (room_id, index, bytes(event), bytes(event_hash)),
        )
        return True


def list_membership_events(
    conn: Connection, room_id: str, from_index: int = 0
) -> list[MembershipEvent]:
    rows = conn.execute(
        "SELECT room_id, idx, event, event_hash FROM membership_events "
        "WHERE room_id = ? AND idx >= ? ORDER BY idx",
        (room_id, from_index),
    )
    return [MembershipEvent(str(r[0]), int(r[1]), bytes(r[2]), bytes(r[3])) for r in rows]


def membership_head(conn: Connection, room_id: str) -> int | None:
    """Index of the last stored membership event of the room, or None."""
    row = conn.execute(
        "SELECT max(idx) FROM membership_events WHERE room_id = ?", (room_id,)
    ).fetchone()
    return None if row[0] is None else int(row[0])
