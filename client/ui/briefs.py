"""Briefs: list, search, reading pane with portion-marked sections, acknowledgement."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import BackendError, BackendEvent, Brief, DocumentsChanged, SearchResult
from client.ui.docview import brief_html, document_labels
from client.ui.guard import GuardedTextView
from client.ui.models import BriefListModel, ValueRole
from client.ui.page import Page, UiContext, visible_labels_of
from client.ui.rules import banner_label
from client.ui.stix_dialogs import ExchangeButtons
from client.ui.timeline import format_time
from intel.markings import Label

__all__ = ["BriefsPage"]


class BriefsPage(Page):
    key = "briefs"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = BriefListModel(ctx.read_filter, self)
        self.brief: Brief | None = None
        self._all: list[Brief] = []
        self._search_task: int | None = None

        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search_button = QPushButton(self)
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(True)
        self.reader = GuardedTextView(ctx.guard, self)
        self.ack_button = QPushButton(self)
        self.ack_state = QLabel(self)
        self.exchange = ExchangeButtons(
            ctx, lambda: self.brief.brief_id if self.brief else None, self)

        left = QWidget(self)
        ll = QVBoxLayout(left)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.search_button)
        ll.addLayout(row)
        ll.addWidget(self.list, 1)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.addWidget(self.reader, 1)
        ack = QHBoxLayout()
        ack.addWidget(self.ack_state, 1)
        ack.addWidget(self.ack_button)
        rl.addLayout(ack)
        rl.addWidget(self.exchange)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        self.list.selectionModel().currentChanged.connect(self._on_selected)
        self.search.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)
        self.search.textChanged.connect(lambda t: None if t else self.show_all())
        self.ack_button.clicked.connect(self.acknowledge)
        self.list.verticalScrollBar().valueChanged.connect(self.labels_moved)
        self.model.modelReset.connect(self.labels_moved)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Briefs")

    def visible_labels(self) -> list[Label]:
        if not self.isVisible():
            return []
        labels = visible_labels_of(self.list)
        if self.brief is not None:
            labels += document_labels(self.brief)
        return labels

    def reload(self) -> None:
        self._all = self.ctx.backend.list_briefs()
        self.show_all()

    def show_all(self) -> None:
        keep = self.brief.brief_id if self.brief else None
        self._set_briefs(self._all, keep, first=True)

    def clear(self) -> None:
        self._all = []
        self.model.clear()
        self._show(None)

    def on_event(self, event: BackendEvent) -> None:
        if isinstance(event, DocumentsChanged) and event.kind == "brief":
            keep = self.brief.brief_id if self.brief else None
            self._all = self.ctx.backend.list_briefs()
            if not self.search.text():
                self._set_briefs(self._all, keep, first=True)

    def open_item(self, item_id: str) -> None:
        self.search.clear()
        self._set_briefs(self._all, item_id)

    def _set_briefs(
        self, briefs: list[Brief], select: str | None = None, first: bool = False
    ) -> None:
        self.model.set_values(briefs)
        rows = [i for i, b in enumerate(self.model.values()) if b.brief_id == select]
        if not rows and first and self.model.rowCount():
            rows = [0]
        if rows:
            self.list.setCurrentIndex(self.model.index(rows[0]))
        else:
            self._show(None)

    # -- search (worker thread) ---------------------------------------------------------
    def run_search(self) -> None:
        query = self.search.text().strip()
        if not query:
            self.show_all()
            return
        backend = self.ctx.backend
        if self._search_task is not None:
            self.ctx.runner.forget(self._search_task)
        self._search_task = self.ctx.runner.submit(
            lambda: backend.search(query, 200, ("brief",)), self._on_results,
            lambda err: self.ctx.notify(str(err)))

    def _on_results(self, results: list[SearchResult]) -> None:
        self._search_task = None
        ids = [r.item_id for r in results if self.ctx.read_filter.result(r) is not None]
        by_id = {b.brief_id: b for b in self._all}
        self._set_briefs([by_id[i] for i in ids if i in by_id], first=True)

    # -- reading and acknowledging ------------------------------------------------------
    def _on_selected(self, current: QModelIndex, _prev: QModelIndex) -> None:
        brief = current.data(ValueRole) if current.isValid() else None
        self._show(brief if isinstance(brief, Brief) else None)

    def _show(self, brief: Brief | None) -> None:
        if brief is not None:
            brief = self.ctx.read_filter.brief(brief)
        self.brief = brief
        if brief is None:
            self.reader.clear_content()
        else:
            label = banner_label(self.ctx.policy, document_labels(brief))
            self.reader.set_content(brief_html(self.ctx.policy, brief), label)
            self.ctx.audit_open(brief.brief_id, label)
        self._update_ack()
        self.exchange.refresh()
        self.labels_moved()

    def _update_ack(self) -> None:
        b = self.brief
        self.ack_button.setVisible(b is not None and b.acknowledged_ms is None)
        if b is None:
            self.ack_state.clear()
        elif b.acknowledged_ms is None:
            self.ack_state.setText(self.tr("Not yet acknowledged."))
        else:
            self.ack_state.setText(self.tr("Read and understood on %1.")
                                   .replace("%1", format_time(b.acknowledged_ms)))

    def acknowledge(self) -> None:
        b = self.brief
        if b is None or b.acknowledged_ms is not None:
            return
        self.ack_button.setEnabled(False)
        backend = self.ctx.backend
        self.ctx.runner.submit(lambda: backend.acknowledge(b.brief_id),
                               lambda ms: self._acked(b.brief_id, ms), self._ack_failed)

    def _acked(self, brief_id: str, ms: int) -> None:
        from dataclasses import replace

        self.ack_button.setEnabled(True)
        self._all = [replace(x, acknowledged_ms=ms) if x.brief_id == brief_id else x
                     for x in self._all]
        if self.brief is not None and self.brief.brief_id == brief_id:
            self.brief = replace(self.brief, acknowledged_ms=ms)
            self._update_ack()
        self.model.set_values([replace(x, acknowledged_ms=ms) if x.brief_id == brief_id else x
                               for x in self.model.values()])
        rows = [i for i, x in enumerate(self.model.values()) if x.brief_id == brief_id]
        if rows:
            self.list.setCurrentIndex(self.model.index(rows[0]))

    def _ack_failed(self, err: BackendError) -> None:
        self.ack_button.setEnabled(True)
        self.ctx.notify(str(err))

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search briefs"))
        self.search.setAccessibleName(self.tr("Search briefs"))
        self.search_button.setText(self.tr("Search"))
        self.search_button.setAccessibleName(self.tr("Search briefs"))
        self.list.setAccessibleName(self.tr("Briefs"))
        self.reader.setAccessibleName(self.tr("Brief text"))
        self.ack_button.setText(self.tr("Read and &understood"))
        self.ack_button.setAccessibleName(self.tr("Acknowledge: read and understood"))
        self.ack_state.setAccessibleName(self.tr("Acknowledgement"))
        self.model.retranslate()
        if self.brief is not None:
            self._show(self.brief)
        else:
            self._update_ack()
