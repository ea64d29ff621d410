"""What the desktop UI needs from the vault and the sync engine, and nothing more.

This module is the single seam between the widgets and ``store``/``sync``: the UI only ever
holds a :class:`Backend`. Values crossing it are frozen dataclasses (safe to pass between the
sync thread and the GUI thread in signals). Labels arrive parsed; an adapter that cannot parse
a stored label must leave the item out or hand it over as ``state="rejected"`` (fail closed).

Threading contract: page reads (``list_rooms``, ``page_items``, ``items_after``,
``count_items``, ``members``, ``pending_key_changes``, ``list_*``, ``get_*``, ``directory``)
and ``mark_read`` are cheap local vault operations called on the GUI thread; ``unlock``,
``search``, ``sync_once``, ``send_message``, ``record_downgrade``, ``acknowledge``,
``accept_key_change`` and ``set_verified`` are called from a worker thread, one at a time.
``lock`` and ``cancel_sync`` come from the GUI thread while a worker may be inside another
call. Listeners registered with ``subscribe`` may be called on any thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol, runtime_checkable

from intel.documents import Document, SectionKind
from intel.errors import IntelError
from intel.markings import Clearance, Label, Policy

__all__ = [
    "Action",
    "Advisory",
    "AdvisoryArrived",
    "Backend",
    "BackendError",
    "BackendEvent",
    "BackendUnavailable",
    "Brief",
    "Device",
    "DocumentsChanged",
    "Entry",
    "Identity",
    "Indicator",
    "KeyChangeNotice",
    "KeyChanged",
    "Listener",
    "Member",
    "RoomChanged",
    "RoomSummary",
    "SearchResult",
    "SEVERITIES",
    "Section",
    "Severity",
    "SyncState",
    "SyncStatus",
    "advisory_from_document",
    "brief_from_document",
    "open_default_backend",
]

EntryState = Literal["ok", "rejected", "gap"]
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")


class BackendError(Exception):
    """A backend call failed; ``str(exc)`` is fit to show a user (English).

    Adapters wrap ``StoreError``/``SyncError`` in this so widgets catch one thing;
    ``message_ja`` carries the Japanese text when the lower layer provides one.
    """

    def __init__(self, message: str, message_ja: str | None = None) -> None:
        super().__init__(message)
        self.message_ja = message_ja or message


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


BackendEvent = SyncStatus | RoomChanged | AdvisoryArrived | KeyChanged | DocumentsChanged
Listener = Callable[[BackendEvent], None]


@runtime_checkable
class Backend(Protocol):
    """Everything the UI asks of the vault and the engine. See the module docstring for
    which calls may block."""

    # identity, policy, vault key
    def policy(self) -> Policy: ...
    def identity(self) -> Identity: ...
    def is_locked(self) -> bool: ...
    def lock(self) -> None:
        """Drop the vault key from memory and close the vault; reads fail until unlock."""
    def unlock(self, passphrase: str | None) -> None:
        """Reopen the vault (None: with the OS keyring). Raises BackendError."""

    # rooms and timelines (newest first, keyset paging on ``pos``)
    def list_rooms(self) -> list[RoomSummary]: ...
    def count_items(self, room_id: str) -> int: ...
    def page_items(self, room_id: str, before_pos: int | None, limit: int) -> list[Entry]:
        """Up to ``limit`` entries older than ``before_pos`` (None: the newest), newest first."""
    def items_after(self, room_id: str, after_pos: int, limit: int) -> list[Entry]:
        """Entries that arrived after ``after_pos``, oldest first (live updates)."""
    def get_entry(self, item_id: str) -> Entry | None: ...
    def mark_read(self, room_id: str, up_to_pos: int) -> None: ...
    def members(self, room_id: str) -> list[Member]: ...
    def pending_key_changes(self, room_id: str | None = None) -> list[KeyChangeNotice]: ...
    def accept_key_change(self, change_id: int) -> None: ...

    # writing (worker thread)
    def send_message(
        self, room_id: str, label: Label, text: str, *, quote_of: str | None = None
    ) -> str:
        """Seal and queue a message; returns its item id. Raises BackendError."""
    def record_downgrade(
        self, item_id: str, source: Label, target: Label, justification: str
    ) -> None:
        """Write a downgrade (posting derived content below its label) to the audit log."""

    # documents
    def list_briefs(self) -> list[Brief]: ...
    def get_brief(self, brief_id: str) -> Brief | None: ...
    def acknowledge(self, brief_id: str) -> int:
        """Record "read and understood" (signed ack); returns its time in ms."""
    def list_advisories(self) -> list[Advisory]: ...
    def get_advisory(self, advisory_id: str) -> Advisory | None: ...

    # directory
    def directory(self) -> list[Member]: ...
    def set_verified(self, device_id: str, verified: bool) -> None: ...

    # search (worker thread)
    def search(
        self, query: str, limit: int = 50, kinds: tuple[str, ...] | None = None
    ) -> list[SearchResult]: ...

    # sync (worker thread) and events
    def sync_once(self, timeout_s: float) -> None:
        """One long-poll round; returns when something arrived or on timeout."""
    def cancel_sync(self) -> None:
        """Make a blocked ``sync_once`` return soon (called from the GUI thread)."""
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Register for events; returns a function that unsubscribes."""


# -- intel documents -> UI values (used by the adapter) ------------------------------------------
_SEVERITY: dict[str, Severity] = {"critical": "critical", "high": "high", "medium": "medium",
                                  "low": "low", "informational": "info"}


def _label(policy: Policy, text: str) -> Label | None:
    try:
        return policy.parse_label(text)
    except IntelError:
        return None  # fail closed: a portion with an unknown label is left out


def _ms(doc: Document) -> int:
    return int(doc.issued_at.timestamp() * 1000)


def _sections(doc: Document, policy: Policy, kinds: set[SectionKind], lang: str
              ) -> tuple[Section, ...]:
    out = []
    for s in doc.sections:
        label = _label(policy, s.label)
        if s.kind in kinds and s.body and label is not None:
            out.append(Section(s.display_title(lang), label, s.body))
    return tuple(out)


def brief_from_document(
    doc: Document, policy: Policy, *, author: str, org: str,
    acknowledged_ms: int | None = None, recipients: frozenset[str] | None = None,
    lang: str = "en",
) -> Brief | None:
    """A brief for the UI; None when its header label is unknown to the policy."""
    header = _label(policy, doc.header_label)
    if header is None:
        return None
    return Brief(doc.document_id, doc.title, header, author, org, _ms(doc),
                 _sections(doc, policy, set(SectionKind), lang), acknowledged_ms, recipients)


def advisory_from_document(
    doc: Document, policy: Policy, *, official: bool, urgent: bool = False,
    affects_us: Literal["yes", "no", "unknown"] = "unknown", affects_reason: str = "",
    lang: str = "en",
) -> Advisory | None:
    """An advisory for the UI. ``official`` must come from verifying the publisher's
    signature; "affects us" from the organisation's inventory. Indicators, techniques, CVEs
    and actions carry the label of the section they are in."""
    header = _label(policy, doc.header_label)
    if header is None:
        return None
    actions: list[Action] = []
    indicators: list[Indicator] = []
    techniques: list[Indicator] = []
    cves: list[Indicator] = []
    for s in doc.sections:
        label = _label(policy, s.label)
        if label is None:
            continue
        actions += [Action(a.text, label, a.due) for a in s.actions]
        indicators += [Indicator(i.type.value, i.value, label, i.note or "") for i in s.indicators]
        techniques += [Indicator("attack-technique", t, label) for t in s.techniques]
        cves += [Indicator("cve", c, label) for c in s.cves]
    actions.sort(key=lambda a: a.due or date.max)
    return Advisory(
        doc.document_id, doc.title, header, _SEVERITY.get(doc.severity.value, "info"), _ms(doc),
        doc.publisher, official, urgent,
        summary=_sections(doc, policy, {SectionKind.EXECUTIVE_SUMMARY,
                                        SectionKind.BUSINESS_IMPACT}, lang),
        affects_us=affects_us, affects_reason=affects_reason, actions=tuple(actions),
        annex=_sections(doc, policy, {SectionKind.TECHNICAL_ANNEX}, lang),
        indicators=tuple(indicators), techniques=tuple(techniques), cves=tuple(cves),
    )


def open_default_backend(profile_dir: str | None = None) -> Backend:
    """Open the enrolled profile's vault and engine.

    Phase 1: ``store`` and ``sync`` are still being written, so this raises
    :class:`BackendUnavailable`; the adapter that calls them goes here and nowhere else.
    """
    del profile_dir
    raise BackendUnavailable(
        "Renkei is not set up on this computer yet: enrol this device first "
        "(renkei enrol), then start the desktop client again.",
        "この端末はまだ登録されていません。先に端末を登録してから(renkei enrol)、"
        "もう一度起動してください。",
    )
