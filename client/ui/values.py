"""The immutable values that cross the seam between the UI and the backend.

Frozen dataclasses only: they travel between the sync thread and the GUI thread in signals.
Labels arrive parsed; see :mod:`client.ui.backend` for the protocol that hands them out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from intel.markings import Clearance, Label

__all__ = [
    "Action", "Advisory", "AdvisoryArrived", "AttachmentInfo", "AudienceSpec", "BackendError",
    "BackendEvent", "BackendUnavailable", "Brief", "Cancelled", "CatalogChanged", "Device",
    "DocumentsChanged", "Entry", "EntryState", "ExportPart", "ExportSource", "Identity",
    "Indicator", "KevRow", "KeyChanged", "KeyChangeNotice", "Listener", "Member", "Product",
    "Progress", "ReportEntry", "ReportSummary", "ReportsChanged", "RoomChanged", "RoomSummary",
    "SEVERITIES", "SearchResult", "Section", "SecurityChanged", "SecurityNotice", "Severity",
    "StixExportResult", "StixImportResult", "SyncState", "SyncStatus", "TaxiiPushResult",
    "UploadedFile",
]

EntryState = Literal["ok", "rejected", "gap"]
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")


class BackendError(Exception):
    """A backend call failed; ``str(exc)`` is fit to show a user (English).

    Adapters wrap ``StoreError``/``SyncError`` in this so widgets catch one thing;
    ``message_ja`` carries the Japanese text when the lower layer provides one.
    """

    def __init__(self, message: str, message_ja: str | None = None,
                 problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message_ja = message_ja or message
        self.problems = tuple(problems)  # every problem of a rejected input, one per line


class Cancelled(BackendError):
    """The person cancelled a transfer; nothing was sent (or saved)."""

    def __init__(self) -> None:
        super().__init__("Cancelled: nothing was sent or saved.",
                         "取り消しました。何も送信・保存していません。")


Progress = Callable[[int, int], None]  # (bytes done, bytes in all); may raise Cancelled


class BackendUnavailable(BackendError):
    """No enrolled profile or vault to open (first run, or the adapter is not ready)."""


# -- who I am ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Identity:
    user_id: str
    display_name: str
    org: str
    device_id: str
    fingerprint: str
    clearance: Clearance  # level, compartments and roles, as the authority signed them

    @property
    def roles(self) -> frozenset[str]:
        return self.clearance.roles


# -- rooms and timelines ----------------------------------------------------------------------
@dataclass(frozen=True)
class RoomSummary:
    room_id: str
    name: str
    ceiling: Label  # nothing above this label may be posted in the room
    unread: int


@dataclass(frozen=True)
class Entry:
    """One timeline row. ``pos`` is the stable local arrival position (keyset paging).

    ``state`` "rejected" is an envelope that failed verification, "gap" is a range of sequence
    numbers that never arrived: both carry no content, only ``reason``, and must be shown.
    ``recipients`` names the TLP:RED addressees (None: delivered to this device directly).
    """

    pos: int
    item_id: str
    room_id: str
    state: EntryState
    label: Label | None
    created_ms: int
    sender_user: str = ""
    sender_name: str = ""
    sender_org: str = ""
    kind: str = "message"
    title: str = ""
    body: str = ""
    quote_of: str | None = None
    recipients: frozenset[str] | None = None
    reason: str = ""
    attachments: tuple[AttachmentInfo, ...] = ()


@dataclass(frozen=True)
class AttachmentInfo:
    """A file sent with a message, as the timeline lists it. The file key stays in the
    backend: saving names the message and the attachment's position in it."""

    item_id: str
    index: int
    name: str
    size: int
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class UploadedFile:
    """A file encrypted and stored on the server, waiting to be sent with a message
    (``Backend.send_message(attachments=[upload_id])``)."""

    upload_id: str
    name: str
    size: int


@dataclass(frozen=True)
class Device:
    device_id: str
    fingerprint: str  # 12 groups of 5 digits
    verified: bool


@dataclass(frozen=True)
class Member:
    """A person as their (verified) certificate describes them."""

    user_id: str
    display_name: str
    org: str
    clearance: Clearance
    devices: tuple[Device, ...] = ()


@dataclass(frozen=True)
class KeyChangeNotice:
    """A known user's device key changed; sending to them is blocked until accepted."""

    change_id: int
    user_id: str
    display_name: str
    device_id: str
    old_fingerprint: str | None
    new_fingerprint: str


# -- documents --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    """A portion of a brief or advisory; each has its own label (portion marking)."""

    title: str
    label: Label
    text: str


@dataclass(frozen=True)
class Action:
    text: str
    label: Label
    due: date | None = None


@dataclass(frozen=True)
class Indicator:
    """A labelled technical fact: ``kind`` is e.g. "ipv4", "domain", "sha256", "cve",
    "attack-technique"."""

    kind: str
    value: str
    label: Label
    note: str = ""


@dataclass(frozen=True)
class Brief:
    brief_id: str
    title: str
    label: Label  # the overall marking (least upper bound of the sections)
    author: str
    org: str
    published_ms: int
    sections: tuple[Section, ...]
    acknowledged_ms: int | None = None
    recipients: frozenset[str] | None = None


@dataclass(frozen=True)
class Advisory:
    """An advisory as the publisher issued it. ``official`` is True only when the backend
    verified the publisher's signature; the UI never infers it."""

    advisory_id: str
    title: str
    label: Label
    severity: Severity
    published_ms: int
    publisher: str
    official: bool
    urgent: bool = False
    summary: tuple[Section, ...] = ()  # executive: what happened
    affects_us: Literal["yes", "no", "unknown"] = "unknown"
    affects_reason: str = ""
    actions: tuple[Action, ...] = ()
    annex: tuple[Section, ...] = ()  # technical annex for analysts
    indicators: tuple[Indicator, ...] = ()
    techniques: tuple[Indicator, ...] = ()  # ATT&CK, value = "T1190", note = name
    cves: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    """A hit. ``label`` covers everything the hit shows: the least upper bound of the
    document's header label (the title) and the label of the portion that matched (the
    snippet). A match inside a SECRET section is a SECRET hit."""

    item_id: str
    kind: str  # "message", "brief", "advisory", ...
    room_id: str
    title: str
    snippet: str
    label: Label
    created_ms: int
    recipients: frozenset[str] | None = None


# -- incident reports ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportSummary:
    """One incident's thread as a list shows it. ``status`` is the centre's intake status
    ("received", "triaged", "need-info", "closed"), changed by intake staff only."""

    thread_id: str
    entity: str
    reporter: str
    stage: str  # of the latest report: "quick", "update", "final"
    label: Label
    status: str
    reports: int
    open_questions: int
    first_ms: int
    latest_ms: int
    mine: bool = False


@dataclass(frozen=True)
class ReportEntry:
    """One entry of a report's thread: a report, a status change, a question or an answer.
    ``question_id`` names the question a "question" or "answer" entry is about."""

    item_id: str
    what: str  # "report" | "status" | "question" | "answer"
    sender_user: str
    sender_name: str
    from_intake: bool
    label: Label
    created_ms: int
    text: str = ""
    status: str | None = None
    question_id: str = ""
    answered: bool = False
    report_id: str = ""
    stage: str = ""
    category: str = ""
    entity: str = ""


# -- STIX and TAXII -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportPart:
    """One part of what an export draws on (a section, or one room message)."""

    title: str
    label: Label


@dataclass(frozen=True)
class ExportSource:
    """A document (``kind`` "document", with its header label) or chosen room messages
    (``kind`` "items", no header) about to be exported as STIX."""

    kind: Literal["document", "items"]
    ids: tuple[str, ...]
    title: str
    header: Label | None
    parts: tuple[ExportPart, ...]


@dataclass(frozen=True)
class AudienceSpec:
    """Who receives an export: the public, the community (every certified user) or one
    organisation, with the highest level and the compartments all its known people hold."""

    kind: Literal["public", "community", "organisation"]
    org: str = ""
    level: str | None = None
    compartments: frozenset[str] = frozenset()

    @property
    def spec(self) -> str:
        return f"org:{self.org}" if self.kind == "organisation" else self.kind


@dataclass(frozen=True)
class StixExportResult:
    path: str
    audience: str
    objects: int
    tlps: tuple[str, ...]  # TLP markings the bundle carries
    included: tuple[ExportPart, ...]  # parts exported
    left_out: tuple[ExportPart, ...]  # parts the audience may not have


@dataclass(frozen=True)
class StixImportResult:
    stored: int
    updated: int
    unchanged: int
    withheld: int  # marked above this reader's clearance: not kept
    by_type: tuple[tuple[str, int], ...] = ()
    by_marking: tuple[tuple[str, int], ...] = ()
    skipped: tuple[tuple[str, int], ...] = ()  # object types not imported


@dataclass(frozen=True)
class TaxiiPushResult:
    objects: int
    succeeded: int
    failed: int
    pending: int


# -- the exploited-vulnerability catalog -----------------------------------------------------------
@dataclass(frozen=True)
class KevRow:
    """One catalog entry as the browser shows it; ``affects_us`` from the local inventory."""

    cve: str
    vendor: str
    product: str
    name: str
    added: date
    due: date
    ransomware: bool
    description: str = ""
    action: str = ""
    notes: str = ""
    source: str = ""  # "domestic" or an imported source such as "cisa"
    affects_us: bool = False
    affects_reason: str = ""  # the inventory product it matches
    label: Label | None = None  # of the catalog it came from (public for imported ones)


@dataclass(frozen=True)
class Product:
    vendor: str
    product: str
    version: str = ""


# -- security -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SecurityNotice:
    """A security event the sync engine recorded (rejected envelope, forged member, swapped
    key...). ``detail`` never holds content."""

    event_id: int
    at_ms: int
    kind: str
    detail: str
    room_id: str | None = None


# -- events -----------------------------------------------------------------------------------
SyncState = Literal["offline", "connecting", "syncing", "idle", "error", "locked"]


@dataclass(frozen=True)
class SyncStatus:
    state: SyncState
    done: int = 0
    total: int = 0  # 0: unknown / nothing in flight
    message: str = ""


@dataclass(frozen=True)
class RoomChanged:
    room_id: str


@dataclass(frozen=True)
class AdvisoryArrived:
    advisory_id: str
    title: str
    severity: Severity
    urgent: bool
    label: Label


@dataclass(frozen=True)
class KeyChanged:
    notice: KeyChangeNotice


@dataclass(frozen=True)
class DocumentsChanged:
    kind: Literal["brief", "advisory"]


@dataclass(frozen=True)
class ReportsChanged:
    """Something arrived in an incident report thread."""


@dataclass(frozen=True)
class CatalogChanged:
    """The exploited-vulnerability catalogs or the inventory changed."""


@dataclass(frozen=True)
class SecurityChanged:
    """New security events were recorded."""


BackendEvent = (SyncStatus | RoomChanged | AdvisoryArrived | KeyChanged | DocumentsChanged
                | ReportsChanged | CatalogChanged | SecurityChanged)
Listener = Callable[[BackendEvent], None]


