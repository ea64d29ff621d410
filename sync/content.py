"""The plaintext inside an envelope: one small JSON object, validated after decryption.

``{"kind": "message", "title": "", "body": "...", "doc": {...}, "thread": id, "reply_to": id,
"quote": {"id": id, "label": label}, "attachments": [...]}``. The content type in the header
is ``renkei/<kind>``. Anything else decrypts but is refused (and shown as rejected).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from crypto.envelope import Header
from store.models import NewItem
from sync.errors import SyncError

Kind = Literal["message", "brief", "advisory", "report", "catalog", "ack", "system"]
Id = Annotated[str, StringConstraints(max_length=200)]


class ContentError(SyncError):
    """Decrypted content is not a valid Renkei payload."""


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    name: str = Field(max_length=255)
    size: int = Field(ge=0)
    mime: str = Field(default="application/octet-stream", max_length=100)
    key: str = Field(max_length=64)  # base64url file key (secretstream)
    header: str = Field(max_length=64)  # base64url secretstream header


class Quote(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id
    label: str = Field(max_length=512)


class Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Kind
    title: str = Field(default="", max_length=500)
    body: str = Field(default="", max_length=500_000)
    doc: dict[str, Any] | None = None
    thread: Id | None = None
    reply_to: Id | None = None
    quote: Quote | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=20)
    sender_name: str = Field(default="", max_length=200)

    def encode(self) -> bytes:
        return self.model_dump_json(exclude_defaults=True).encode("utf-8")

    @property
    def ctype(self) -> str:
        return f"renkei/{self.kind}"


def decode(data: bytes, ctype: str) -> Content:
    try:
        c = Content.model_validate_json(data)
    except ValidationError as exc:
        raise ContentError(f"malformed content: {exc.error_count()} problem(s)") from None
    if c.ctype != ctype:
        raise ContentError("content kind does not match the envelope's content type")
    return c


def to_item(h: Header, c: Content, sender_user: str, sender_name: str,
            received_ms: int) -> NewItem:
    payload: dict[str, Any] = {}
    if c.doc is not None:
        payload["doc"] = c.doc
    if c.quote is not None:
        payload["quote"] = c.quote.model_dump()
    if c.attachments:
        payload["attachments"] = [a.model_dump() for a in c.attachments]
    return NewItem(
        item_id=h.id_hex, room_id=h.room, kind=c.kind, sender_device=h.sender,
        sender_user=sender_user, label=h.label, content_type=h.ctype, created_ms=h.created,
        received_ms=received_ms, sender_name=sender_name, seq=h.seq, title=c.title,
        body=c.body, payload=json.dumps(payload, ensure_ascii=False) if payload else None,
        thread_id=c.thread, reply_to=c.reply_to)


def rejected_item(h: Header | None, envelope_id: str, room: str, label: str, reason: str,
                  received_ms: int) -> NewItem:
    """A visible record of an envelope that failed checks (never its content)."""
    return NewItem(
        item_id=envelope_id, room_id=room, kind="system",
        sender_device=h.sender if h else "", sender_user="", label=label or "",
        content_type=h.ctype if h else "", created_ms=h.created if h else received_ms,
        received_ms=received_ms, seq=h.seq if h else None, status="rejected",
        reject_reason=reason)
