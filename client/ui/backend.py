"""What the desktop UI needs from the vault and the sync engine, and nothing more.

This module is the single seam between the widgets and ``store``/``sync``: the UI only ever
holds a :class:`Backend`. Values crossing it are frozen dataclasses (:mod:`client.ui.values`,
re-exported here) and safe to pass between the sync thread and the GUI thread in signals.
Labels arrive parsed; an adapter that cannot parse a stored label must leave the item out or
hand it over as ``state="rejected"`` (fail closed).

Threading contract: page reads (``list_rooms``, ``page_items``, ``items_after``,
``count_items``, ``members``, ``pending_key_changes``, ``list_*``, ``get_*``, ``directory``,
``kev_rows``, ``report_*``) and the small local writes ``mark_read``, ``record_open`` and
``add_product`` are cheap vault operations called on the GUI thread; ``unlock``, ``search``,
``send_message``, ``record_downgrade``, ``acknowledge``, ``accept_key_change``,
``set_verified``, ``submit_report``, the intake actions, ``publish_document``,
``import_kev``, the attachment transfers and the STIX/TAXII exchanges are called from a
worker thread, one at a time (``export_source`` and ``report_follow_up_prefill`` are cheap
reads); ``run_sync`` runs on its own
thread. ``lock`` and ``cancel_sync`` come from the GUI thread while other threads may be inside
a call. Listeners registered with ``subscribe`` may be called on any thread.

The real adapter is :class:`client.ui.store_backend.StoreBackend`; tests use an in-memory one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from client.ui.values import (
    SEVERITIES,
    Action,
    Advisory,
    AdvisoryArrived,
    AttachmentInfo,
    AudienceSpec,
    BackendError,
    BackendEvent,
    BackendUnavailable,
    Brief,
    Cancelled,
    CatalogChanged,
    Device,
    DocumentsChanged,
    Entry,
    EntryState,
    ExportPart,
    ExportSource,
    Identity,
    Indicator,
    KevRow,
    KeyChanged,
    KeyChangeNotice,
    Listener,
    Member,
    Product,
    Progress,
    ReportEntry,
    ReportsChanged,
    ReportSummary,
    RoomChanged,
    RoomSummary,
    SearchResult,
    Section,
    SecurityChanged,
    SecurityNotice,
    Severity,
    StixExportResult,
    StixImportResult,
    SyncState,
    SyncStatus,
    TaxiiPushResult,
    UploadedFile,
)
from intel.documents import Document, SectionKind
from intel.errors import IntelError
from intel.markings import Label, Policy

__all__ = [
    "Action", "Advisory", "AdvisoryArrived", "AttachmentInfo", "AudienceSpec", "Backend",
    "BackendError", "BackendEvent", "BackendUnavailable", "Brief", "Cancelled",
    "CatalogChanged", "Device", "DocumentsChanged", "Entry", "EntryState", "ExportPart",
    "ExportSource", "Identity", "Indicator", "KevRow", "KeyChanged", "KeyChangeNotice",
    "Listener", "Member", "Product", "Progress", "ReportEntry", "ReportSummary",
    "ReportsChanged", "RoomChanged", "RoomSummary", "SEVERITIES", "SearchResult", "Section",
    "SecurityChanged", "SecurityNotice", "Severity", "StixExportResult", "StixImportResult",
    "SyncState", "SyncStatus", "TaxiiPushResult", "UploadedFile", "advisory_from_document",
    "brief_from_document", "open_default_backend",
]


@runtime_checkable
class Backend(Protocol):
    """Everything the UI asks of the vault and the engine. See the module docstring for
    which calls may block."""

    # identity, policy, vault key
    def policy(self) -> Policy: ...
    def identity(self) -> Identity: ...
    def is_locked(self) -> bool: ...
    def unlock_methods(self) -> tuple[str, ...]:
        """How this account unlocks: ("keyring",), ("passphrase",) or both."""
    def lock(self) -> None:
        """Drop the vault key from memory and close the vault; reads fail until unlock.
        Never blocks: work in flight on other threads ends with an error."""
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
        self, room_id: str, label: Label, text: str, *, quote_of: str | None = None,
        recipients: tuple[str, ...] | None = None, attachments: tuple[str, ...] = (),
    ) -> str:
        """Seal and queue a message; returns its item id. Raises BackendError.

        TLP:RED goes in direct mode to exactly ``recipients`` (user ids; required for RED,
        refused for any other label). ``attachments`` are ``UploadedFile.upload_id`` values
        from :meth:`upload_attachment`; they travel inside the message, at its label."""
    def upload_attachment(self, path: str, progress: Progress | None = None) -> UploadedFile:
        """Encrypt a file and store it on the server (worker thread); ``progress`` gets
        (bytes sent, file size) and may raise :class:`Cancelled` to stop."""
    def download_attachment(self, item_id: str, index: int, dest: str,
                            progress: Progress | None = None) -> str:
        """Fetch, authenticate and decrypt attachment ``index`` of a message into ``dest``
        (nothing is left at ``dest`` on failure or cancellation); returns ``dest``."""
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

    # audit and security
    def record_open(self, item_id: str, label: Label) -> None:
        """Audit that the reader opened a restricted item (``rules.audit_on_open``)."""
    def security_events(self, limit: int = 200) -> list[SecurityNotice]:
        """Newest first."""

    # incident reports (submit, status, questions and answers: worker thread)
    def report_prefill(self) -> dict[str, Any]:
        """Defaults for a new quick report (times, ids, the reporter's entity/contact)."""
    def list_reports(self) -> list[ReportSummary]: ...
    def report_thread(self, thread_id: str) -> list[ReportEntry]: ...
    def submit_report(self, report: Mapping[str, Any]) -> str:
        """Validate, encrypt to the intake devices and send; returns the report id."""
    def set_report_status(self, thread_id: str, status: str, note: str = "") -> None: ...
    def ask_follow_up(self, thread_id: str, question: str) -> str: ...
    def answer_follow_up(self, question_id: str, answer: str) -> str: ...
    def report_follow_up_prefill(self, thread_id: str, stage: str) -> dict[str, Any]:
        """A new update or final report of the thread: the latest report held, with a fresh
        id, ``previous_report_id``, ``stage`` and the report time set. Raises BackendError."""

    # STIX and TAXII (worker thread, except export_source)
    def export_source(self, kind: str, ids: tuple[str, ...]) -> ExportSource:
        """The header and parts an export of a document ("document", one id) or of room
        messages ("items") would draw on, with their labels."""
    def export_stix(self, kind: str, ids: tuple[str, ...], audience: AudienceSpec,
                    path: str) -> StixExportResult:
        """Write a STIX 2.1 bundle of what ``audience`` may receive to ``path``."""
    def import_stix(self, path: str) -> StixImportResult:
        """Validate a bundle file and keep its objects; BackendError.problems lists every
        problem (then nothing is kept)."""
    def taxii_push(self, url: str, collection: str, credentials: tuple[str, str] | None,
                   kind: str, ids: tuple[str, ...], audience: AudienceSpec) -> TaxiiPushResult:
        """Export for ``audience`` (public or community: TLP:CLEAR/GREEN only) and push."""
    def taxii_pull(self, url: str, collection: str,
                   credentials: tuple[str, str] | None) -> StixImportResult:
        """Import what the collection gained since the last pull."""

    # publishing (worker thread)
    def publish_document(self, document: Mapping[str, Any], *,
                         users: tuple[str, ...] | None = None,
                         orgs: tuple[str, ...] | None = None) -> str:
        """Issue an advisory (publisher role) or send a brief (to ``users``/``orgs`` in
        direct mode, else to everyone cleared); returns the document id."""

    # the exploited-vulnerability catalog and the inventory
    def kev_rows(self) -> list[KevRow]: ...
    def kev_sources(self) -> dict[str, str]:
        """Imported catalogs: source -> "title version"."""
    def import_kev(self, path: str) -> str:
        """Import a KEV-format catalog file (worker thread); returns a summary line."""
    def inventory(self) -> list[Product]: ...
    def add_product(self, vendor: str, product: str, version: str = "") -> None: ...

    # sync (sync thread) and events
    def run_sync(self, stop: threading.Event) -> None:
        """Sync until ``stop`` is set (long-poll loop), publishing events as things arrive.
        Raises BackendError when it cannot go on (the caller backs off and calls again)."""
    def cancel_sync(self) -> None:
        """Make ``run_sync`` return as soon as it can (called from the GUI thread)."""
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


def open_default_backend(profile_dir: str | Path | None = None) -> Backend:
    """The enrolled account's backend, still locked (``unlock`` opens the vault).

    Raises :class:`BackendUnavailable` when there is no account yet, or it has no
    certificate: the desktop client then runs the first-run wizard.
    """
    from client.ui.store_backend import StoreBackend, default_account_dir

    return StoreBackend(Path(profile_dir) if profile_dir else default_account_dir())
