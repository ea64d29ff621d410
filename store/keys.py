"""Known device certificates, key-change tracking, and room epoch keys.

A new device fingerprint for a user we already knew is flagged as an unaccepted key change;
the client must block sending to that user until the change is accepted (safety-number
comparison). Epoch keys are write-once: a different key for the same (room, label, epoch)
is a swapped key and is refused.
"""

from __future__ import annotations

from typing import Any

from store.errors import IntegrityError, InvalidData
from store.models import Certificate, CertificateResult, EpochKey, KeyChange
from store.vault import Connection, transaction

__all__ = [
    "put_certificate",
    "get_certificate",
    "list_certificates",
    "remove_certificate",
    "set_verified",
    "list_key_changes",
    "accept_key_change",
    "has_unaccepted_key_change",
    "put_epoch_key",
    "get_epoch_key",
    "latest_epoch_key",
    "list_epoch_keys",
    "increment_messages_sent",
]

_CERT_COLS = "device_id, user_id, org, display_name, fingerprint, cert, added_ms, verified"
_CHANGE_COLS = (
    "change_id, user_id, device_id, old_fingerprint, new_fingerprint, seen_ms, accepted_ms"
)
_EPOCH_COLS = "room_id, label, epoch, key, created_ms, messages_sent"
EPOCH_KEY_SIZE = 32


def _cert(row: tuple[Any, ...]) -> Certificate:
    return Certificate(
        str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), bytes(row[5]),
        int(row[6]), bool(row[7]),
    )


def _change(row: tuple[Any, ...]) -> KeyChange:
    return KeyChange(
        int(row[0]), str(row[1]), str(row[2]), row[3], str(row[4]), int(row[5]), row[6]
    )


def _epoch(row: tuple[Any, ...]) -> EpochKey:
    return EpochKey(str(row[0]), str(row[1]), int(row[2]), bytes(row[3]), int(row[4]), int(row[5]))


def put_certificate(
    conn: Connection,
    device_id: str,
    user_id: str,
    org: str,
    display_name: str,
    fingerprint: str,
    cert: bytes,
    now_ms: int,
) -> CertificateResult:
    """Record a device certificate (already verified against the authority by the caller)."""
    if not device_id or not user_id or not fingerprint:
        raise InvalidData("a certificate needs a device id, a user id and a fingerprint")
    with transaction(conn):
        old = get_certificate(conn, device_id)
        if old is not None and old.user_id != user_id:
            raise IntegrityError(
                f"device {device_id} is already known as a device of {old.user_id}, not "
                f"{user_id}; the new certificate is refused"
            )
        if old is not None and old.fingerprint == fingerprint:
            # Renewed certificate for the same key: keep the verification.
            conn.execute(
                "UPDATE certificates SET org=?, display_name=?, cert=? WHERE device_id=?",
                (org, display_name, bytes(cert), device_id),
            )
            return CertificateResult("unchanged", None)
        known_user = old is not None or conn.execute(
            "SELECT 1 FROM certificates WHERE user_id = ? UNION ALL "
            "SELECT 1 FROM key_changes WHERE user_id = ? LIMIT 1",
            (user_id, user_id),
        ).fetchone() is not None
        conn.execute(
            f"INSERT INTO certificates({_CERT_COLS}) VALUES (?,?,?,?,?,?,?,0) "
            "ON CONFLICT(device_id) DO UPDATE SET org=excluded.org, "
            "display_name=excluded.display_name, fingerprint=excluded.fingerprint, "
            "cert=excluded.cert, added_ms=excluded.added_ms, verified=0",
            (device_id, user_id, org, display_name, fingerprint, bytes(cert), now_ms),
        )
        change: KeyChange | None = None
        if known_user:
            old_fp = None if old is None else old.fingerprint
            row = conn.execute(
                "INSERT INTO key_changes(user_id, device_id, old_fingerprint, new_fingerprint, "
                f"seen_ms) VALUES (?,?,?,?,?) RETURNING {_CHANGE_COLS}",
                (user_id, device_id, old_fp, fingerprint, now_ms),
            ).fetchone()
            change = _change(row)
        return CertificateResult("new" if old is None else "updated", change)


def get_certificate(conn: Connection, device_id: str) -> Certificate | None:
    row = conn.execute(
        f"SELECT {_CERT_COLS} FROM certificates WHERE device_id = ?", (device_id,)
    ).fetchone()
    return None if row is None else _cert(row)


def list_certificates(conn: Connection, user_id: str | None = None) -> list[Certificate]:
    if user_id is None:
        rows = conn.execute(f"SELECT {_CERT_COLS} FROM certificates ORDER BY user_id, device_id")
    else:
        rows = conn.execute(
            f"SELECT {_CERT_COLS} FROM certificates WHERE user_id = ? ORDER BY device_id",
            (user_id,),
        )
    return [_cert(r) for r in rows]


def remove_certificate(conn: Connection, device_id: str) -> bool:
    """Forget a device (e.g. revoked). Its user stays known, so a new device is flagged."""
    return bool(conn.execute("DELETE FROM certificates WHERE device_id = ?", (device_id,)).rowcount)


def set_verified(conn: Connection, device_id: str, verified: bool) -> bool:
    """Record that the safety number of a device was compared (or un-verify it)."""
    cur = conn.execute(
        "UPDATE certificates SET verified = ? WHERE device_id = ?", (int(verified), device_id)
    )
    return bool(cur.rowcount)


def list_key_changes(
    conn: Connection, user_id: str | None = None, *, include_accepted: bool = False
) -> list[KeyChange]:
    """Key changes, oldest first; by default only those not yet accepted."""
    where, params = [], []
    if user_id is not None:
        where.append("user_id = ?")
        params.append(user_id)
    if not include_accepted:
        where.append("accepted_ms IS NULL")
    sql = f"SELECT {_CHANGE_COLS} FROM key_changes"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [_change(r) for r in conn.execute(sql + " ORDER BY change_id", params)]


def accept_key_change(conn: Connection, change_id: int, now_ms: int) -> bool:
    """Accept one flagged change; returns False if it does not exist or was accepted."""
    cur = conn.execute(
        "UPDATE key_changes SET accepted_ms = ? WHERE change_id = ? AND accepted_ms IS NULL",
        (now_ms, change_id),
    )
    return bool(cur.rowcount)


def has_unaccepted_key_change(conn: Connection, user_id: str) -> bool:
    """True while sending to ``user_id`` must stay blocked."""
    row = conn.execute(
        "SELECT 1 FROM key_changes WHERE user_id = ? AND accepted_ms IS NULL LIMIT 1", (user_id,)
    ).fetchone()
    return row is not None


def put_epoch_key(
    conn: Connection, room_id: str, label: str, epoch: int, key: bytes, created_ms: int
) -> bool:
    """Store an epoch key; True if new, False if this exact key was already stored.

    Raises :class:`IntegrityError` when a different key is already stored for the same
    (room, label, epoch): that is a swapped key and the stored one is kept.
    """
    if len(key) != EPOCH_KEY_SIZE:
        raise InvalidData(f"an epoch key must be {EPOCH_KEY_SIZE} bytes")
    if epoch < 0:
        raise InvalidData("an epoch cannot be negative")
    with transaction(conn):
        old = get_epoch_key(conn, room_id, label, epoch)
        if old is not None:
            if old.key == bytes(key):
                return False
            raise IntegrityError(
                f"room {room_id}, label {label}: a different key was offered for epoch {epoch}; "
                "it is refused and the stored key kept"
            )
        conn.execute(
            f"INSERT INTO epoch_keys({_EPOCH_COLS}) VALUES (?,?,?,?,?,0)",
            (room_id, label, epoch, bytes(key), created_ms),
        )
        return True


def get_epoch_key(conn: Connection, room_id: str, label: str, epoch: int) -> EpochKey | None:
    row = conn.execute(
        f"SELECT {_EPOCH_COLS} FROM epoch_keys WHERE room_id = ? AND label = ? AND epoch = ?",
        (room_id, label, epoch),
    ).fetchone()
    return None if row is None else _epoch(row)


def latest_epoch_key(conn: Connection, room_id: str, label: str) -> EpochKey | None:
    row = conn.execute(
        f"SELECT {_EPOCH_COLS} FROM epoch_keys WHERE room_id = ? AND label = ? "
        "ORDER BY epoch DESC LIMIT 1",
        (room_id, label),
    ).fetchone()
    return None if row is None else _epoch(row)


def list_epoch_keys(conn: Connection, room_id: str, label: str | None = None) -> list[EpochKey]:
    if label is None:
        rows = conn.execute(
            f"SELECT {_EPOCH_COLS} FROM epoch_keys WHERE room_id = ? ORDER BY label, epoch",
            (room_id,),
        )
    else:
        rows = conn.execute(
            f"SELECT {_EPOCH_COLS} FROM epoch_keys WHERE room_id = ? AND label = ? "
            "ORDER BY epoch",
            (room_id, label),
        )
    return [_epoch(r) for r in rows]


def increment_messages_sent(conn: Connection, room_id: str, label: str, epoch: int) -> int:
    """Count one more message sent under an epoch key; returns the new count."""
    # UPDATE then SELECT, not RETURNING: see store.seqs.next_seq.
    where = "WHERE room_id = ? AND label = ? AND epoch = ?"
    with transaction(conn, savepoint=False):
        conn.execute(f"UPDATE epoch_keys SET messages_sent = messages_sent + 1 {where}",
                     (room_id, label, epoch))
        row = conn.execute(f"SELECT messages_sent FROM epoch_keys {where}",
                           (room_id, label, epoch)).fetchone()
    if row is None:
        raise InvalidData(f"no epoch key {epoch} for room {room_id}, label {label}")
    return int(row[0])
