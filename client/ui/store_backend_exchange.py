"""Files and formats that leave or enter the vault, for
:class:`~client.ui.store_backend.StoreBackend`: attachments (``Engine.upload_attachment`` /
``download_attachment``), STIX export and import, TAXII push and pull (``sync.flows``).

File keys never cross into the UI: an upload is kept here under a random id until the
message carrying it is sent, and a download names the message and the attachment's position.
Saving a file or exporting content of a restricted label is written to the audit log.
"""

from __future__ import annotations

import json
import mimetypes
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from client.ui.i18n import current_language
from client.ui.rules import audit_on_open, banner_label
from client.ui.stix_rules import plan_export
from client.ui.values import (
    AudienceSpec,
    BackendError,
    ExportPart,
    ExportSource,
    Progress,
    StixExportResult,
    StixImportResult,
    TaxiiPushResult,
    UploadedFile,
)
from intel.stix_export import bundle_to_json, exported_tlps
from store import audit
from store import items as store_items
from sync import flows
from sync.content import Attachment
from sync.taxii import TaxiiRefused

__all__ = ["ExchangeMixin"]

_MAX_STIX_BYTES = 50 << 20


def _counts(d: Any) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((str(k), int(v)) for k, v in dict(d or {}).items()))


def _import_result(res: Any) -> StixImportResult:
    return StixImportResult(res.stored, res.updated, res.unchanged, res.withheld,
                            _counts(res.by_type), _counts(res.by_tlp), _counts(res.skipped))


def _write_private(path: Path, data: bytes) -> None:
    """Write via a temporary file (mode 0600) renamed into place: never half a bundle."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class ExchangeMixin:
    """Mixed into StoreBackend; uses its ``_use``, ``_errors``, ``_engine`` and policy."""

    def _init_exchange(self) -> None:
        self._uploads: dict[str, Attachment] = {}
        self._uploads_lock = threading.Lock()

    def _clear_uploads(self) -> None:
        with self._uploads_lock:
            self._uploads.clear()

    def _take_uploads(self, ids: tuple[str, ...]) -> list[Attachment]:
        with self._uploads_lock:
            missing = [i for i in ids if i not in self._uploads]
            if missing:
                raise BackendError("An attached file is no longer ready (Renkei was locked "
                                   "meanwhile): attach it again.",
                                   "添付ファイルの準備が失われました（途中でロックされました）。"
                                   "もう一度添付してください。")
            return [self._uploads[i] for i in ids]

    def _forget_uploads(self, ids: tuple[str, ...]) -> None:
        with self._uploads_lock:
            for i in ids:
                self._uploads.pop(i, None)

    def _audit(self, slot: Any, action: str, item_id: str, label: Any, detail: dict[str, Any]
               ) -> None:
        if label is None or audit_on_open(self._policy, label):  # type: ignore[attr-defined]
            audit.record_audit(slot.session.conn, self._cert.user_id, action, item_id,  # type: ignore[attr-defined]
                               label.canonical() if label is not None else "",
                               self._now_ms(), json.dumps(detail, ensure_ascii=False))  # type: ignore[attr-defined]

    # -- attachments ------------------------------------------------------------------------
    def upload_attachment(self, path: str, progress: Progress | None = None) -> UploadedFile:
        p = Path(path)
        with self._errors():  # type: ignore[attr-defined]
            if not p.is_file():
                raise BackendError(f"{p} is not a file that can be attached",
                                   f"{p} は添付できるファイルではありません。")
        mime = (mimetypes.guess_type(p.name)[0] or "application/octet-stream")[:100]
        with self._use() as slot:  # type: ignore[attr-defined]
            att = self._engine(slot).upload_attachment(p, progress, mime=mime)  # type: ignore[attr-defined]
        upload_id = secrets.token_hex(12)
        with self._uploads_lock:
            self._uploads[upload_id] = att
        return UploadedFile(upload_id, att.name, att.size)

    def download_attachment(self, item_id: str, index: int, dest: str,
                            progress: Progress | None = None) -> str:
        with self._use() as slot:  # type: ignore[attr-defined]
            item = store_items.get_item(slot.session.conn, item_id)
            raw: list[Any] = []
            if item is not None and item.status == "ok" and item.payload:
                try:
                    raw = list(json.loads(item.payload).get("attachments") or [])
                except (ValueError, AttributeError):
                    raw = []
            if not 0 <= index < len(raw):
                raise BackendError("That file is no longer on this device.",
                                   "そのファイルはこの端末にありません。")
            try:
                att = Attachment.model_validate(raw[index])
            except ValueError:
                raise BackendError("That attachment is damaged and cannot be saved.",
                                   "この添付ファイルは壊れているため保存できません。") from None
            self._engine(slot).download_attachment(att, Path(dest), progress)  # type: ignore[attr-defined]
            label = self._parse(item.label)  # type: ignore[attr-defined, union-attr]
            self._audit(slot, "save-attachment", item_id, label,
                        {"file": att.name, "size": att.size})
        return dest

    # -- STIX -------------------------------------------------------------------------------
    def export_source(self, kind: str, ids: tuple[str, ...]) -> ExportSource:
        lang = current_language()
        with self._use() as slot:  # type: ignore[attr-defined]
            s = slot.session
            if kind == "document":
                view = flows.load_document(s, ids[0]) if ids else None
                if view is None:
                    raise BackendError("That document is not readable on this device.",
                                       "この文書はこの端末では読めません。")
                doc = view.document
                parts = []
                for sec in doc.sections:
                    label = self._parse(sec.label)  # type: ignore[attr-defined]
                    if label is not None:
                        parts.append(ExportPart(sec.display_title(lang), label))
                return ExportSource("document", (doc.document_id,), doc.title,
                                    self._parse(doc.header_label), tuple(parts))  # type: ignore[attr-defined]
            keep, parts = [], []
            for item_id in ids:
                it = store_items.get_item(s.conn, item_id)
                if it is None or it.status != "ok" or it.kind in ("ack", "system"):
                    continue
                label = self._parse(it.label)  # type: ignore[attr-defined]
                text = " ".join(x for x in (it.title, it.body) if x).strip()
                if label is None or not text:
                    continue  # nothing to export (files travel in no STIX object)
                who = it.sender_name or it.sender_user or "?"
                short = text if len(text) <= 60 else text[:57] + "…"
                keep.append(item_id)
                parts.append(ExportPart(f"{who}: {short}", label))
        return ExportSource("items", tuple(keep), "", None, tuple(parts))

    def _bundle(self, kind: str, ids: tuple[str, ...], audience: AudienceSpec
                ) -> tuple[dict[str, Any], Any, ExportSource]:
        source = self.export_source(kind, ids)
        plan = plan_export(self._policy, self._cert.org, source, audience)  # type: ignore[attr-defined]
        if not plan.possible:
            raise BackendError("Nothing of this may go to that audience; nothing was "
                               "exported.", "この宛先に出せる部分がないため、何も書き出して"
                               "いません。")
        with self._use() as slot:  # type: ignore[attr-defined]
            s = slot.session
            aud = flows.audience_for(s, audience.spec, level=audience.level,
                                     compartments=audience.compartments)
            if kind == "document":
                bundle = flows.export_document_stix(s, source.ids[0], aud)
            else:
                bundle = flows.export_items_stix(s, source.ids, aud)
            shown = banner_label(self._policy, [p.label for p in plan.included])  # type: ignore[attr-defined]
            self._audit(slot, "export-stix", ",".join(source.ids)[:200], shown,
                        {"audience": audience.spec, "parts": len(plan.included)})
        return bundle, plan, source

    def export_stix(self, kind: str, ids: tuple[str, ...], audience: AudienceSpec,
                    path: str) -> StixExportResult:
        bundle, plan, _source = self._bundle(kind, ids, audience)
        with self._errors():  # type: ignore[attr-defined]
            _write_private(Path(path), bundle_to_json(bundle))
        objects = [o for o in bundle["objects"] if o.get("type") != "marking-definition"]
        tlps = tuple(f"TLP:{t.value}" for t in sorted(exported_tlps(bundle),
                                                       key=lambda t: t.rank))
        return StixExportResult(path, audience.spec, len(objects), tlps, plan.included,
                                plan.left_out)

    def import_stix(self, path: str) -> StixImportResult:
        p = Path(path)
        with self._errors():  # type: ignore[attr-defined]
            if p.stat().st_size > _MAX_STIX_BYTES:
                raise BackendError(f"{p.name} is larger than {_MAX_STIX_BYTES >> 20} MiB",
                                   f"{p.name} は {_MAX_STIX_BYTES >> 20} MiB を超えています。")
            data = p.read_bytes()
        with self._use() as slot:  # type: ignore[attr-defined]
            return _import_result(flows.import_stix(slot.session, data))

    # -- TAXII ------------------------------------------------------------------------------
    def taxii_push(self, url: str, collection: str, credentials: tuple[str, str] | None,
                   kind: str, ids: tuple[str, ...], audience: AudienceSpec) -> TaxiiPushResult:
        if audience.kind not in ("public", "community"):
            raise BackendError("TAXII carries TLP:CLEAR and TLP:GREEN only: push for the "
                               "public or the community.",
                               "TAXII で送れるのは TLP:CLEAR と TLP:GREEN だけです。"
                               "宛先は一般公開かコミュニティを選んでください。")
        bundle, _plan, _source = self._bundle(kind, ids, audience)
        with self._errors():  # type: ignore[attr-defined]
            try:
                statuses = flows.taxii_push(url, collection, bundle, auth=credentials)
            except TaxiiRefused as exc:
                raise BackendError(str(exc), problems=tuple(exc.problems)) from None
        return TaxiiPushResult(len(bundle["objects"]), sum(s.success_count for s in statuses),
                               sum(s.failure_count for s in statuses),
                               sum(s.pending_count for s in statuses))

    def taxii_pull(self, url: str, collection: str,
                   credentials: tuple[str, str] | None) -> StixImportResult:
        with self._use() as slot:  # type: ignore[attr-defined]
            return _import_result(flows.taxii_pull(slot.session, url, collection,
                                                   auth=credentials))
