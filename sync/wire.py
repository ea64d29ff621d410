"""Wire models shared by the sync engine and the server (JSON over HTTPS).

Strict: unknown fields are refused and every string and list is bounded, so a malformed
request is a 4xx with a clear message, never a 500. Signed documents (certificates, events,
envelopes, key deliveries) travel as the JSON objects their ``crypto`` types define; the
models here only bound their shape, the receivers verify them. See docs/protocol.md.

Request authentication headers are defined in ``crypto.requests``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

API_PREFIX = "/v1"
MAX_ENVELOPE_B64 = 1_500_000  # a 1 MiB plaintext, base64url, with header and signature
MAX_SYNC_ITEMS = 500
MAX_TIMEOUT_S = 60

RoomId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.:-]{2,79}$")]
DeviceId = Annotated[str, StringConstraints(pattern=r"^d[0-9a-f]{32}$")]
B64 = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]*$", max_length=MAX_ENVELOPE_B64)]
Cursor = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,19}$")]

# Channels are rooms without a membership log: their rules live in the server and client.
CHANNEL_ADVISORIES = "channel:advisories"  # publisher role posts; every device reads (by label)
CHANNEL_CATALOG = "channel:catalog"  # publisher role posts; every device reads (by label)
CHANNEL_BRIEFS = "channel:briefs"  # any device posts; delivered by label and direct recipients
CHANNEL_INTAKE = "channel:intake"  # any device posts incident reports; intake role receives
CHANNELS = (CHANNEL_ADVISORIES, CHANNEL_CATALOG, CHANNEL_BRIEFS, CHANNEL_INTAKE)
PUBLISHER_CHANNELS = (CHANNEL_ADVISORIES, CHANNEL_CATALOG)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorBody(Strict):
    error: str = Field(max_length=64)
    message: str = Field(max_length=2000)


class Health(Strict):
    status: Literal["ok"]
    version: str


# -- signed documents (shape only) ----------------------------------------------------------
class SignedDoc(BaseModel):
    """A signed document: one content object and a signature. Verified by the receiver."""

    model_config = ConfigDict(extra="allow", frozen=True)
    signature: B64 = Field(max_length=100)


class EnvelopeWire(Strict):
    h: B64 = Field(max_length=8192)
    n: B64 = Field(max_length=64)
    c: B64
    s: B64 = Field(max_length=100)
    w: list[WrapWire] | None = Field(default=None, max_length=256)


class WrapWire(Strict):
    d: DeviceId
    n: B64 = Field(max_length=64)
    k: B64 = Field(max_length=100)


class KeyDeliveryWire(Strict):
    h: B64 = Field(max_length=4096)
    s: B64 = Field(max_length=100)
    to: DeviceId
    n: B64 = Field(max_length=64)
    k: B64 = Field(max_length=100)


# -- requests -------------------------------------------------------------------------------
class RegisterDevice(Strict):
    """POST /v1/devices: present an authority-signed certificate (request signed by the
    auth key it names)."""

    certificate: dict[str, Any]


class UploadCrl(Strict):
    """POST /v1/crl: a revocation list signed by the authority (no device auth needed)."""

    revocation_list: dict[str, Any]


class AppendEvent(Strict):
    """POST /v1/rooms/{room_id}/events: one signed membership event."""

    event: dict[str, Any]
    signature: B64 = Field(max_length=100)


class PostEnvelope(Strict):
    """POST /v1/envelopes: idempotent on the envelope id inside the header."""

    envelope: EnvelopeWire


class PostKeys(Strict):
    """POST /v1/keys: epoch key deliveries, one per recipient device."""

    deliveries: list[KeyDeliveryWire] = Field(min_length=1, max_length=5000)


class PostAck(Strict):
    """POST /v1/acks: a receipt that the sender of a brief sees (content-free)."""

    room: RoomId
    envelope_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


# -- responses ------------------------------------------------------------------------------
class Registered(Strict):
    device_id: DeviceId
    user_id: str


class SessionGranted(Strict):
    """POST /v1/sessions: a request session (crypto.sessions); ``key`` is sealed to the
    device's encryption key."""

    token: str = Field(max_length=64)
    key: B64 = Field(max_length=200)
    expires_ms: int


class Posted(Strict):
    id: str  # envelope id (hex)
    cursor: Cursor
    duplicate: bool


class Accepted(Strict):
    accepted: int


class RoomSummary(Strict):
    room_id: RoomId
    length: int  # number of membership events


class RoomList(Strict):
    rooms: list[RoomSummary]


class EventList(Strict):
    events: list[dict[str, Any]]


class Directory(Strict):
    certificates: list[dict[str, Any]]
    revocation_list: dict[str, Any] | None


SyncKind = Literal["envelope", "key", "event", "certificate", "crl", "ack", "revoked"]


class SyncItem(Strict):
    """One item of a device's feed. ``pos`` is the server's monotonic position."""

    pos: Cursor
    kind: SyncKind
    room: RoomId | None = None
    label: str | None = Field(default=None, max_length=512)
    envelope: EnvelopeWire | None = None
    key: KeyDeliveryWire | None = None
    event: dict[str, Any] | None = None
    certificate: dict[str, Any] | None = None
    revocation_list: dict[str, Any] | None = None
    ack: PostAck | None = None
    ack_from: str | None = Field(default=None, max_length=64)


class SyncResponse(Strict):
    """GET /v1/sync?since=CURSOR&timeout=S. ``cursor`` is opaque; pass it back as ``since``.
    ``more`` is true when the answer was cut at MAX_SYNC_ITEMS: ask again at once."""

    cursor: Cursor
    items: list[SyncItem]
    more: bool = False


class AttachmentStored(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    size: int


EnvelopeWire.model_rebuild()
