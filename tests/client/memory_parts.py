"""The in-memory backend's incident reports, publishing, catalog, attachments and STIX/TAXII
(mixed into ``memory_backend.MemoryBackend``; loaded by path, like it). Synthetic data only.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from client.ui.backend import (
    AttachmentInfo,
    AudienceSpec,
    BackendError,
    CatalogChanged,
    ExportPart,
    ExportSource,
    KevRow,
    Product,
    Progress,
    ReportEntry,
    ReportsChanged,
    ReportSummary,
    StixExportResult,
    StixImportResult,
    TaxiiPushResult,
    UploadedFile,
)
from client.ui.report_followup_rules import follow_up_prefill
from client.ui.stix_rules import plan_export
from intel.documents import parse_document
from intel.reports import parse_report, quick_report_defaults

NOW_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z (as memory_backend)
CHUNK = 64 * 1024


class ReportsMixin:
    """Incident reports, publishing and the catalog, in memory."""

    policy_: Any
    identity_: Any
    reports: list[ReportSummary]
    threads: dict[str, list[ReportEntry]]
    submitted: list[dict[str, Any]]
    published: list[tuple[dict[str, Any], Any, Any]]
    kev: list[KevRow]
    products: list[Product]

    def report_prefill(self) -> dict[str, Any]:
        now = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
        return quick_report_defaults(now, self.policy_)

    def list_reports(self) -> list[ReportSummary]:
        self._open()  # type: ignore[attr-defined]
        return list(self.reports)

    def report_thread(self, thread_id: str) -> list[ReportEntry]:
        self._open()  # type: ignore[attr-defined]
        return list(self.threads.get(thread_id, []))

    def submit_report(self, report: Mapping[str, Any]) -> str:
        self._open()  # type: ignore[attr-defined]
        rep = parse_report(dict(report))  # the real backend validates the same way
        self.submitted.append(dict(report))
        label = self.policy_.parse_label(rep.label)
        old = next((r for r in self.reports if r.thread_id == rep.thread_id), None)
        summary = ReportSummary(rep.thread_id, rep.entity.name, self.identity_.user_id,
                                rep.stage.value, label, old.status if old else "received",
                                (old.reports + 1) if old else 1,
                                old.open_questions if old else 0, NOW_MS, NOW_MS, True)
        self.reports = [summary] + [r for r in self.reports if r.thread_id != rep.thread_id]
        self.threads.setdefault(rep.thread_id, []).append(ReportEntry(
            f"rep-{rep.report_id}", "report", self.identity_.user_id,
            self.identity_.display_name, False, label, NOW_MS, rep.summary,
            report_id=rep.report_id, stage=rep.stage.value, category=rep.category.value,
            entity=rep.entity.name))
        self.emit(ReportsChanged())  # type: ignore[attr-defined]
        return rep.report_id

    def report_follow_up_prefill(self, thread_id: str, stage: str) -> dict[str, Any]:
        self._open()  # type: ignore[attr-defined]
        held = [d for d in self.submitted if d.get("thread_id") == thread_id]
        if not held:
            raise BackendError("That report is not on this device; sync first.")
        previous = parse_report(held[-1]).model_dump(mode="json")
        return follow_up_prefill(previous, stage,
                                 dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC))

    def set_report_status(self, thread_id: str, status: str, note: str = "") -> None:
        self._log("set_report_status", thread_id, status, note)  # type: ignore[attr-defined]
        self.reports = [replace(r, status=status) if r.thread_id == thread_id else r
                        for r in self.reports]
        self.emit(ReportsChanged())  # type: ignore[attr-defined]

    def ask_follow_up(self, thread_id: str, question: str) -> str:
        self._log("ask_follow_up", thread_id, question)  # type: ignore[attr-defined]
        qid = f"Q-{len(self.calls)}"  # type: ignore[attr-defined]
        thread = self.threads.setdefault(thread_id, [])
        label = thread[0].label if thread else self.policy_.parse_label(
            "UNCLASSIFIED//TLP:AMBER+STRICT")
        thread.append(ReportEntry(f"q-{qid}", "question", self.identity_.user_id,
                                  self.identity_.display_name, True, label, NOW_MS, question,
                                  question_id=qid))
        self.emit(ReportsChanged())  # type: ignore[attr-defined]
        return qid

    def answer_follow_up(self, question_id: str, answer: str) -> str:
        self._log("answer_follow_up", question_id, answer)  # type: ignore[attr-defined]
        for thread in self.threads.values():
            for i, e in enumerate(thread):
                if e.question_id == question_id and e.what == "question":
                    thread[i] = replace(e, answered=True)
                    thread.append(ReportEntry(f"a-{question_id}", "answer",
                                              self.identity_.user_id,
                                              self.identity_.display_name, False, e.label,
                                              NOW_MS, answer, question_id=question_id))
        self.emit(ReportsChanged())  # type: ignore[attr-defined]
        return f"a-{question_id}"

    # -- publishing -----------------------------------------------------------------------
    def publish_document(self, document: Mapping[str, Any], *,
                         users: tuple[str, ...] | None = None,
                         orgs: tuple[str, ...] | None = None) -> str:
        self._open()  # type: ignore[attr-defined]
        doc = parse_document(dict(document), self.policy_)
        self.published.append((dict(document), users, orgs))
        return doc.document_id

    # -- catalog --------------------------------------------------------------------------
    def kev_rows(self) -> list[KevRow]:
        self._open()  # type: ignore[attr-defined]
        names = {p.product.casefold() for p in self.products}
        return [replace(r, affects_us=r.product.casefold() in names) for r in self.kev]

    def kev_sources(self) -> dict[str, str]:
        return {"cisa": "Synthetic KEV 2026.01.01"} if self.kev else {}

    def import_kev(self, path: str) -> str:
        self._log("import_kev", path)  # type: ignore[attr-defined]
        return "imported"

    def inventory(self) -> list[Product]:
        return list(self.products)

    def add_product(self, vendor: str, product: str, version: str = "") -> None:
        self.products.append(Product(vendor, product, version))
        self.emit(CatalogChanged())  # type: ignore[attr-defined]


class ExchangeMixin:
    """Attachments, STIX and TAXII, in memory. ``upload_gate`` (when set by a test) is
    waited on after each chunk so a test can watch progress and cancel mid-transfer."""

    policy_: Any
    identity_: Any

    def _init_exchange(self) -> None:
        self.uploads: dict[str, tuple[str, bytes]] = {}
        self.blobs: dict[tuple[str, int], tuple[str, bytes]] = {}
        self.upload_gate: threading.Event | None = None
        self.progress_seen: list[tuple[int, int]] = []
        self.exports: list[tuple[str, tuple[str, ...], AudienceSpec, str]] = []
        self.pushed: list[tuple[str, str, Any, AudienceSpec]] = []
        self.pulled: list[tuple[str, str, Any]] = []

    def _stream(self, data: bytes, progress: Progress | None) -> None:
        total = len(data)
        done = 0
        while True:
            done = min(total, done + CHUNK)
            self.progress_seen.append((done, total))
            if progress is not None:
                progress(done, total)  # may raise Cancelled
            if done >= total:
                return
            if self.upload_gate is not None:
                self.upload_gate.wait(10)

    def upload_attachment(self, path: str, progress: Progress | None = None) -> UploadedFile:
        self._open()  # type: ignore[attr-defined]
        p = Path(path)
        if not p.is_file():
            raise BackendError(f"{p} is not a file that can be attached")
        data = p.read_bytes()
        self._stream(data, progress)
        upload_id = f"up-{len(self.uploads) + 1}"
        self.uploads[upload_id] = (p.name, data)
        return UploadedFile(upload_id, p.name, len(data))

    def attachments_for(self, item_id: str, upload_ids: tuple[str, ...]
                        ) -> tuple[AttachmentInfo, ...]:
        out = []
        for i, uid in enumerate(upload_ids):
            name, data = self.uploads.pop(uid)
            self.blobs[(item_id, i)] = (name, data)
            out.append(AttachmentInfo(item_id, i, name, len(data)))
        return tuple(out)

    def download_attachment(self, item_id: str, index: int, dest: str,
                            progress: Progress | None = None) -> str:
        self._open()  # type: ignore[attr-defined]
        if (item_id, index) not in self.blobs:
            raise BackendError("That file is no longer on this device.")
        _name, data = self.blobs[(item_id, index)]
        self._stream(data, progress)
        Path(dest).write_bytes(data)
        return dest

    # -- STIX ---------------------------------------------------------------------------
    def export_source(self, kind: str, ids: tuple[str, ...]) -> ExportSource:
        self._open()  # type: ignore[attr-defined]
        if kind == "document":
            for b in self.briefs:  # type: ignore[attr-defined]
                if b.brief_id == ids[0]:
                    return ExportSource("document", ids, b.title, b.label, tuple(
                        ExportPart(s.title, s.label) for s in b.sections))
            for a in self.advisories:  # type: ignore[attr-defined]
                if a.advisory_id == ids[0]:
                    return ExportSource("document", ids, a.title, a.label, tuple(
                        ExportPart(s.title, s.label) for s in (*a.summary, *a.annex)))
            raise BackendError("That document is not readable on this device.")
        parts = []
        keep = []
        for item_id in ids:
            e = self.get_entry(item_id)  # type: ignore[attr-defined]
            if e is not None and e.state == "ok" and e.label is not None and e.body:
                keep.append(item_id)
                parts.append(ExportPart(f"{e.sender_name}: {e.body[:57]}", e.label))
        return ExportSource("items", tuple(keep), "", None, tuple(parts))

    def export_stix(self, kind: str, ids: tuple[str, ...], audience: AudienceSpec,
                    path: str) -> StixExportResult:
        source = self.export_source(kind, ids)
        plan = plan_export(self.policy_, self.identity_.org, source, audience)
        if not plan.possible:
            raise BackendError("Nothing of this may go to that audience; nothing was exported.")
        self.exports.append((kind, ids, audience, path))
        Path(path).write_text(json.dumps({"type": "bundle", "parts": [
            p.title for p in plan.included]}), "utf-8")
        return StixExportResult(path, audience.spec, len(plan.included),
                                tuple(sorted({f"TLP:{p.label.tlp.value}" for p in plan.included})),
                                plan.included, plan.left_out)

    def import_stix(self, path: str) -> StixImportResult:
        self._open()  # type: ignore[attr-defined]
        text = Path(path).read_text("utf-8")
        if "bundle" not in text:
            raise BackendError("the STIX bundle has 2 problem(s)", problems=(
                "type: must be 'bundle'", "objects: field required"))
        return StixImportResult(3, 1, 0, 1, (("indicator", 3), ("report", 1)),
                                (("TLP:CLEAR", 1), ("TLP:GREEN", 3)))

    def taxii_push(self, url: str, collection: str, credentials: tuple[str, str] | None,
                   kind: str, ids: tuple[str, ...], audience: AudienceSpec) -> TaxiiPushResult:
        source = self.export_source(kind, ids)
        plan = plan_export(self.policy_, self.identity_.org, source, audience)
        self.pushed.append((url, collection, credentials, audience))
        return TaxiiPushResult(len(plan.included), len(plan.included), 0, 0)

    def taxii_pull(self, url: str, collection: str,
                   credentials: tuple[str, str] | None) -> StixImportResult:
        self.pulled.append((url, collection, credentials))
        return StixImportResult(2, 0, 0, 0, (("indicator", 2),), (("TLP:GREEN", 2),))
