"""Search across everything the reader may read (the backend's index, on a worker thread)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import BackendError, SearchResult
from client.ui.models import SearchResultsModel, ValueRole
from client.ui.page import Page, UiContext, visible_labels_of
from intel.markings import Label

__all__ = ["SearchPage", "page_for_kind"]


def page_for_kind(kind: str) -> str:
    return {"brief": "briefs", "advisory": "advisories"}.get(kind, "rooms")


class SearchPage(Page):
    key = "search"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = SearchResultsModel(ctx.read_filter, self)
        self._task: int | None = None
        self.query = QLineEdit(self)
        self.query.setClearButtonEnabled(True)
        self.button = QPushButton(self)
        self.results = QListView(self)
        self.results.setModel(self.model)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setWordWrap(True)
        self.status = QLabel(self)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.button)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.status)
        lay.addWidget(self.results, 1)
        self.query.returnPressed.connect(self.run)
        self.button.clicked.connect(self.run)
        self.results.activated.connect(self._open)
        self.results.verticalScrollBar().valueChanged.connect(self.labels_moved)
        self.model.modelReset.connect(self.labels_moved)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Search")

    def visible_labels(self) -> list[Label]:
        return visible_labels_of(self.results) if self.isVisible() else []

    def clear(self) -> None:
        if self._task is not None:
            self.ctx.runner.forget(self._task)
            self._task = None
        self.query.clear()
        self.model.clear()
        self.status.clear()

    def run(self) -> None:
        q = self.query.text().strip()
        if not q:
            self.model.clear()
            return
        if self._task is not None:
            self.ctx.runner.forget(self._task)
        backend = self.ctx.backend
        self.status.setText(self.tr("Searching…"))
        self._task = self.ctx.runner.submit(lambda: backend.search(q, 100), self._on_results,
                                            self._on_error)

    def _on_results(self, results: list[SearchResult]) -> None:
        self._task = None
        self.model.set_values(results)
        self.status.setText(self.tr("%n result(s)", "", self.model.rowCount()))

    def _on_error(self, err: BackendError) -> None:
        self._task = None
        self.status.setText(str(err))

    def _open(self, index: QModelIndex) -> None:
        r = index.data(ValueRole)
        if isinstance(r, SearchResult):
            self.navigate.emit(page_for_kind(r.kind), r.item_id)

    def retranslate(self) -> None:
        self.query.setPlaceholderText(self.tr("Search everything you may read"))
        self.query.setAccessibleName(self.tr("Search text"))
        self.button.setText(self.tr("&Search"))
        self.button.setAccessibleName(self.tr("Search"))
        self.results.setAccessibleName(self.tr("Search results"))
        self.status.setAccessibleName(self.tr("Search status"))
        self.model.retranslate()
