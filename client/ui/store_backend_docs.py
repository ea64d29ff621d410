"""Briefs, advisories, incident reports and the catalog for
:class:`~client.ui.store_backend.StoreBackend`, through ``sync.flows``.

Putting a document back together from its per-label parts, the official mark (every part from
a publisher-role certificate on the advisories channel) and "does it affect us" (catalogs and
inventory) are decided by ``sync.flows``; this module only caches the results for the GUI
thread until something new arrives.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from client.ui.backend import advisory_from_document, brief_from_document
from client.ui.i18n import current_language
from client.ui.report_followup_rules import follow_up_prefill
from client.ui.store_convert import kev_row, parse_label, report_entry, report_summary
from client.ui.values import (
    Advisory,
    BackendError,
    Brief,
    CatalogChanged,
    DocumentsChanged,
    KevRow,
    Product,
    ReportEntry,
    ReportsChanged,
    ReportSummary,
)
from intel.markings import TLP, Label
from intel.reports import Contact, ReportingEntity, quick_report_defaults
from store import items as store_items
from store import kv
from sync import flows
from sync.wire import CHANNEL_CATALOG

__all__ = ["DocumentsMixin", "affects_text"]

translate = QCoreApplication.translate
_REPORTER_SETTING = "desktop:report-reporter"
_MAX_CATALOG_BYTES = 64 << 20


def affects_text(reason: str) -> str:
    """``sync.flows.affects_us`` explains in English; the known sentences in the UI's
    language (anything else as it is)."""
    fixed = {
        "the advisory names no CVE": translate("Affects", "the advisory names no CVE"),
        "no product inventory on this device": translate(
            "Affects", "no product inventory on this device"),
        "none of the products in the inventory matches the advisory's CVEs": translate(
            "Affects", "none of the products in the inventory matches the advisory's CVEs"),
        "some of the advisory's CVEs are in no catalog held here": translate(
            "Affects", "some of the advisory's CVEs are in no catalog held here"),
    }
    if reason in fixed:
        return fixed[reason]
    head = "probably affected, check versions: "
    if reason.startswith(head):
        return translate("Affects", "probably affected, check versions: %1").replace(
            "%1", reason[len(head):])
    return reason


class DocumentsMixin:
    """Mixed into StoreBackend; uses its ``_use``, ``_engine``, ``_emit`` and policy."""

    def _init_docs(self) -> None:
        self._cache_lock = threading.Lock()
        self._cache: dict[tuple[str, ...], Any] = {}
        self._cache_gen = 0

    def _clear_doc_caches(self) -> None:
        with self._cache_lock:
            self._cache.clear()
            self._cache_gen += 1

    def _cached(self, key: tuple[str, ...], build: Any) -> Any:
        with self._cache_lock:
            if key in self._cache:
                return self._cache[key]
            gen = self._cache_gen
        value = build()
        with self._cache_lock:
            if gen == self._cache_gen:  # nothing arrived while we were building
                self._cache[key] = value
        return value

    # -- briefs and advisories --------------------------------------------------------------
    def _views(self, kind: str) -> list[Any]:
        def build() -> list[Any]:
            with self._use() as slot:  # type: ignore[attr-defined]
                return list(flows.list_documents(slot.session, kind))

        return list(self._cached(("views", kind), build))

    def list_briefs(self) -> list[Brief]:
        lang = current_language()

        def build() -> list[Brief]:
            out = []
            with self._use() as slot:  # type: ignore[attr-defined]
                s = slot.session
                for v in self._views("brief"):
                    author = s.certs.get(v.author_device)
                    # The author has read their own brief: nothing for them to acknowledge.
                    acked = (v.published_ms if v.mine
                             else flows.my_acknowledgement(s, v.document.document_id))
                    brief = brief_from_document(
                        v.document, self._policy, author=v.author_name or v.author_user,  # type: ignore[attr-defined]
                        org=author.org if author is not None else "", acknowledged_ms=acked,
                        lang=lang)
                    if brief is not None:
                        out.append(brief)
            return out

        return list(self._cached(("briefs", lang), build))

    def get_brief(self, brief_id: str) -> Brief | None:
        return next((b for b in self.list_briefs() if b.brief_id == brief_id), None)

    def acknowledge(self, brief_id: str) -> int:
        with self._use() as slot:  # type: ignore[attr-defined]
            ms = int(flows.acknowledge_document(self._engine(slot), brief_id))  # type: ignore[attr-defined]
        self._clear_doc_caches()
        return ms

    def list_advisories(self) -> list[Advisory]:
        lang = current_language()

        def build() -> list[Advisory]:
            out = []
            with self._use() as slot:  # type: ignore[attr-defined]
                for v in self._views("advisory"):
                    doc = v.document
                    affects, why = flows.affects_us(slot.session, doc)
                    adv = advisory_from_document(
                        doc, self._policy, official=v.official,  # type: ignore[attr-defined]
                        urgent=doc.severity.value == "critical", affects_us=affects,
                        affects_reason=affects_text(why), lang=lang)
                    if adv is not None:
                        out.append(adv)
            return out

        return list(self._cached(("advisories", lang), build))

    def get_advisory(self, advisory_id: str) -> Advisory | None:
        return next((a for a in self.list_advisories() if a.advisory_id == advisory_id), None)

    def _doc_titles(self, lang: str) -> dict[str, tuple[str, Label]]:
        out: dict[str, tuple[str, Label]] = {}
        for b in self.list_briefs():
            out[b.brief_id] = (b.title, b.label)
        for a in self.list_advisories():
            out[a.advisory_id] = (a.title, a.label)
        return out

    def publish_document(self, document: Mapping[str, Any], *,
                         users: tuple[str, ...] | None = None,
                         orgs: tuple[str, ...] | None = None) -> str:
        with self._use() as slot:  # type: ignore[attr-defined]
            published = flows.publish_document(self._engine(slot), dict(document),  # type: ignore[attr-defined]
                                               users=users, orgs=orgs)
        self._clear_doc_caches()
        kind = str(document.get("kind", "brief"))
        self._emit(DocumentsChanged("advisory" if kind == "advisory" else "brief"))  # type: ignore[attr-defined]
        return str(published.document_id)

    # -- incident reports -------------------------------------------------------------------
    def report_prefill(self) -> dict[str, Any]:
        now = dt.datetime.fromtimestamp(self._clock(), dt.UTC).astimezone()  # type: ignore[attr-defined]
        entity = contact = None
        with self._use() as slot:  # type: ignore[attr-defined]
            raw = kv.get_setting(slot.session.conn, _REPORTER_SETTING)
        if raw:
            try:
                saved = json.loads(raw)
                # JSON mode: the models are strict about Python types, not about JSON text.
                entity = ReportingEntity.model_validate_json(json.dumps(saved.get("entity")))
                contact = Contact.model_validate_json(json.dumps(saved.get("contact")))
            except (ValueError, TypeError):
                entity = contact = None
        return quick_report_defaults(now, self._policy, entity, contact)  # type: ignore[attr-defined]

    def list_reports(self) -> list[ReportSummary]:
        me = self._cert.user_id  # type: ignore[attr-defined]
        with self._use() as slot:  # type: ignore[attr-defined]
            threads = flows.list_reports(slot.session)
        out = [report_summary(t, self._policy, me) for t in threads]  # type: ignore[attr-defined]
        return [r for r in out if r is not None]

    def report_thread(self, thread_id: str) -> list[ReportEntry]:
        with self._use() as slot:  # type: ignore[attr-defined]
            entries = flows.report_thread(slot.session, thread_id)
        answered = {e.question.question_id for e in entries
                    if e.what == "answer" and e.question is not None}
        out = [report_entry(e, self._policy, answered) for e in entries]  # type: ignore[attr-defined]
        return [e for e in out if e is not None]

    def submit_report(self, report: Mapping[str, Any]) -> str:
        with self._use() as slot:  # type: ignore[attr-defined]
            rid = str(flows.submit_report(self._engine(slot), dict(report)))  # type: ignore[attr-defined]
            remember = {"entity": report.get("entity"), "contact": report.get("contact")}
            kv.set_setting(slot.session.conn, _REPORTER_SETTING,
                           json.dumps(remember, ensure_ascii=False))
        self._emit(ReportsChanged())  # type: ignore[attr-defined]
        return rid

    def set_report_status(self, thread_id: str, status: str, note: str = "") -> None:
        with self._use() as slot:  # type: ignore[attr-defined]
            flows.set_report_status(self._engine(slot), thread_id, status, note)  # type: ignore[attr-defined]
        self._emit(ReportsChanged())  # type: ignore[attr-defined]

    def ask_follow_up(self, thread_id: str, question: str) -> str:
        with self._use() as slot:  # type: ignore[attr-defined]
            qid = str(flows.ask_follow_up(self._engine(slot), thread_id, question))  # type: ignore[attr-defined]
        self._emit(ReportsChanged())  # type: ignore[attr-defined]
        return qid

    def report_follow_up_prefill(self, thread_id: str, stage: str) -> dict[str, Any]:
        if stage not in ("update", "final"):
            raise BackendError(f"unknown report stage {stage!r}")
        with self._use() as slot:  # type: ignore[attr-defined]
            entries = flows.report_thread(slot.session, thread_id)
        reports = [e for e in entries if e.report is not None]
        # The incident's own reports: those from the organisation that opened the thread.
        reports = [e for e in reports if e.sender_org == reports[0].sender_org]
        if not reports or reports[-1].report is None:
            raise BackendError("That report is not on this device; sync first.",
                               "その報告はこの端末にありません。同期してください。")
        return follow_up_prefill(reports[-1].report.model_dump(mode="json"), stage,
                                 dt.datetime.fromtimestamp(self._clock(), dt.UTC).astimezone())  # type: ignore[attr-defined]

    def answer_follow_up(self, question_id: str, answer: str) -> str:
        with self._use() as slot:  # type: ignore[attr-defined]
            eid = str(flows.answer_follow_up(self._engine(slot), question_id, answer))  # type: ignore[attr-defined]
        self._emit(ReportsChanged())  # type: ignore[attr-defined]
        return eid

    # -- the catalog and the inventory ------------------------------------------------------
    def kev_rows(self) -> list[KevRow]:
        def build() -> list[KevRow]:
            with self._use() as slot:  # type: ignore[attr-defined]
                s = slot.session
                entries = flows.catalog_entries(s)
                affects: dict[str, str] = {}
                for m in flows.inventory_matches(s):
                    name = " ".join(x for x in (m.product.vendor, m.product.product,
                                                m.product.version) if x)
                    affects.setdefault(m.entry.cveID, name)
                domestic = self._catalog_label(s)
            public = Label(self._policy.lowest.key, tlp=TLP.CLEAR)  # type: ignore[attr-defined]
            seen: set[str] = set()
            rows = []
            for e in entries:  # domestic first: it wins over an imported copy
                if e.entry.cveID not in seen:
                    seen.add(e.entry.cveID)
                    label = domestic if e.source == "domestic" else public
                    rows.append(kev_row(e.source, e.entry, affects, label))
            return rows

        return list(self._cached(("kev",), build))

    def _catalog_label(self, s: Any) -> Label | None:
        """The domestic catalog's marking: never lower than any part held (its parts may
        carry different labels; flows does not say which entry came in which)."""
        labels = [parse_label(self._policy, i.label)  # type: ignore[attr-defined]
                  for i in store_items.list_items_before(s.conn, CHANNEL_CATALOG, None, 10_000)
                  if i.status == "ok" and i.kind == "catalog"]
        known = [lb for lb in labels if lb is not None]
        if not known:
            return None
        from client.ui.rules import banner_label

        return banner_label(self._policy, known)  # type: ignore[attr-defined]

    def kev_sources(self) -> dict[str, str]:
        with self._use() as slot:  # type: ignore[attr-defined]
            sources = flows.kev_sources(slot.session)
        return {k: f"{v.get('title') or k} {v.get('version', '')}".strip()
                for k, v in sources.items()}

    def import_kev(self, path: str) -> str:
        p = Path(path)
        with self._errors():  # type: ignore[attr-defined]
            if p.stat().st_size > _MAX_CATALOG_BYTES:
                raise BackendError(f"{p.name} is larger than {_MAX_CATALOG_BYTES >> 20} MiB")
            data = p.read_bytes()
        title = ""
        try:
            head = json.loads(data)
            title = str(head.get("title") or "") if isinstance(head, dict) else ""
        except ValueError:
            pass  # load_catalog explains what is wrong with it
        source = "cisa" if "CISA" in title.upper() else "imported"
        with self._use() as slot:  # type: ignore[attr-defined]
            res = flows.import_kev(slot.session, data, source=source)
        self._clear_doc_caches()
        self._emit(CatalogChanged())  # type: ignore[attr-defined]
        return translate("Catalog", "Imported %1 version %2: %3 entries (%4 new, %5 updated, "
                         "%6 withdrawn).").replace("%1", res.source).replace(
            "%2", res.version).replace("%3", str(res.count)).replace(
            "%4", str(res.added)).replace("%5", str(res.updated)).replace(
            "%6", str(res.removed))

    def inventory(self) -> list[Product]:
        with self._use() as slot:  # type: ignore[attr-defined]
            inv = flows.get_inventory(slot.session)
        return [Product(p.vendor or "", p.product, p.version or "") for p in inv.products]

    def add_product(self, vendor: str, product: str, version: str = "") -> None:
        with self._use() as slot:  # type: ignore[attr-defined]
            flows.add_product(slot.session, vendor or None, product, version or None)
        self._clear_doc_caches()
        self._emit(CatalogChanged())  # type: ignore[attr-defined]

