"""Immutable row types handed out by the store functions.

They are plain frozen dataclasses so they can cross threads (sync worker → Qt models) safely.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from store.errors import InvalidData

__all__ = [
    "ITEM_KINDS",
    "ITEM_STATUSES",
    "ItemKind",
    "ItemStatus",
    "Certificate",
    "CertificateResult",
    "KeyChange",
    "Room",
    "MembershipEvent",
    "EpochKey",
    "NewItem",
    "Item",
    "InsertResult",
    "SearchHit",
    "SeqGap",
    "OutboxEntry",
    "AuditEntry",
    "AuditReport",
    "SecurityEvent",
]

ItemKind = Literal["message", "brief", "advisory", "report", "catalog", "ack", "system"]
ItemStatus = Literal["ok", "rejected"]
ITEM_KINDS: Final = ("message", "brief", "advisory", "report", "catalog", "ack", "system")
ITEM_STATUSES: Final = ("ok", "rejected")


@dataclass(frozen=True)
class Certificate:
    device_id: str
    user_id: str
    org: str
    display_name: str
    fingerprint: str
    cert: bytes
    added_ms: int
    verified: bool


@dataclass(frozen=True)
class KeyChange:
    """A new device key seen for a user we already knew. Sending to that user is blocked until
    the change is accepted (``accepted_ms`` set)."""

    change_id: int
    user_id: str
    device_id: str
    old_fingerprint: str | None
    new_fingerprint: str
    seen_ms: int
    accepted_ms: int | None


@dataclass(frozen=True)
class CertificateResult:
    """What :func:`store.keys.put_certificate` did: ``"new"``, ``"unchanged"`` or
    ``"updated"`` (same device, different fingerprint); ``key_change`` is set when flagged."""

    outcome: Literal["new", "unchanged", "updated"]
    key_change: KeyChange | None


@dataclass(frozen=True)
class Room:
    room_id: str
    name: str
    ceiling: str
    history: str
    created_ms: int
    last_read_pos: int
    unread: int


@dataclass(frozen=True)
class MembershipEvent:
    room_id: str
    index: int
    event: bytes
    event_hash: bytes


@dataclass(frozen=True)
class EpochKey:
    room_id: str
    label: str
    epoch: int
    key: bytes
    created_ms: int
    messages_sent: int


@dataclass(frozen=True)
class NewItem:
    """An item to store. ``payload`` is JSON text (structured documents) or None.

    ``status`` "rejected" keeps a tampered envelope visible with ``reject_reason``; clients must
    show it, not hide it.
    """

    item_id: str
    room_id: str
    kind: ItemKind
    sender_device: str
    sender_user: str
    label: str
    content_type: str
    created_ms: int
    received_ms: int
    sender_name: str = ""
    seq: int | None = None
    title: str = ""
    body: str = ""
    payload: str | None = None
    thread_id: str | None = None
    reply_to: str | None = None
    status: ItemStatus = "ok"
    reject_reason: str | None = None

    def __post_init__(self) -> None:
        if not self.item_id or len(self.item_id) > 200:
            raise InvalidData("an item id must be 1–200 characters")
        if not self.room_id:
            raise InvalidData("an item needs a room or channel id")
        if self.kind not in ITEM_KINDS:
            raise InvalidData(
                f"unknown item kind {self.kind!r}; expected one of {', '.join(ITEM_KINDS)}"
            )
        if self.status not in ITEM_STATUSES:
            raise InvalidData(f"unknown item status {self.status!r}; expected 'ok' or 'rejected'")
        if self.status == "rejected" and not self.reject_reason:
            raise InvalidData("a rejected item must say why it was rejected")


@dataclass(frozen=True)
class Item:
    """A stored item. ``pos`` is its local arrival position (stable, increasing)."""

    pos: int
    item_id: str
    room_id: str
    kind: str
    sender_device: str
    sender_user: str
    sender_name: str
    seq: int | None
    label: str
    content_type: str
    title: str
    body: str
    payload: str | None
    created_ms: int
    received_ms: int
    thread_id: str | None
    reply_to: str | None
    status: str
    reject_reason: str | None


@dataclass(frozen=True)
class InsertResult:
    """``outcome``: "inserted"; "duplicate" (already stored, nothing changed); or "replaced"
    (a rejected copy was replaced by one that verified)."""

    item_id: str
    pos: int
    outcome: Literal["inserted", "duplicate", "replaced"]

    @property
    def duplicate(self) -> bool:
        return self.outcome == "duplicate"


@dataclass(frozen=True)
class SearchHit:
    item: Item
    snippet: str


@dataclass(frozen=True)
class SeqGap:
    """Sequence numbers ``first_missing``..``last_missing`` (inclusive) from one sender were
    never received in ``scope``."""

    scope: str
    sender_device: str
    first_missing: int
    last_missing: int


@dataclass(frozen=True)
class OutboxEntry:
    key: str
    kind: str
    payload: bytes
    created_ms: int
    attempts: int
    last_error: str | None
    last_attempt_ms: int | None
    sent_ms: int | None


@dataclass(frozen=True)
class AuditEntry:
    index: int
    at_ms: int
    actor: str
    action: str
    item_id: str
    label: str
    detail: str
    prev_hash: bytes
    row_hash: bytes


@dataclass(frozen=True)
class AuditReport:
    """Result of :func:`store.audit.verify_audit_chain`; ``problem`` is a sentence when not ok."""

    ok: bool
    checked: int
    problem: str | None = None
    bad_index: int | None = None


@dataclass(frozen=True)
class SecurityEvent:
    event_id: int
    at_ms: int
    kind: str
    detail: str
    room_id: str | None
    device_id: str | None
