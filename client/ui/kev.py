"""The exploited-vulnerability catalog: search, filters, due dates, the ransomware flag and
"affects us" from the organisation's inventory (matching is ``intel.inventory``'s)."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import BackendError, BackendEvent, CatalogChanged, KevRow
from client.ui.guard import GuardedTextView
from client.ui.kev_rules import KevFilter, filter_rows, kev_counts, row_due
from client.ui.models import ValueRole, ValuesTableModel
from client.ui.page import Page, UiContext, visible_labels_of
from intel.markings import Label

__all__ = ["KevModel", "KevPage"]

translate = QCoreApplication.translate


class KevModel(ValuesTableModel):
    today: Callable[[], date] = date.today

    def _headers(self) -> list[str]:
        return [self.tr("CVE"), self.tr("Vendor"), self.tr("Product"), self.tr("Vulnerability"),
                self.tr("Added"), self.tr("Due"), self.tr("Ransomware"), self.tr("Affects us")]

    def _data(self, r: KevRow, column: int, role: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return [r.cve, r.vendor, r.product, r.name, r.added.isoformat(), r.due.isoformat(),
                    self.tr("Known") if r.ransomware else "",
                    self.tr("Yes") if r.affects_us else ""][column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 5:
                status = row_due(r, self.today())
                if status == "overdue":
                    return QColor("#b71c1c")
                if status == "soon":
                    return QColor("#e65100")
            if column == 6 and r.ransomware:
                return QColor("#b71c1c")
            if column == 7 and r.affects_us:
                return QColor("#b71c1c")
        return None


def kev_detail_html(r: KevRow, today: date) -> str:
    status = row_due(r, today)
    if status == "overdue":
        due = translate("Catalog", "overdue since %1")
    else:
        due = translate("Catalog", "due %1")
    due = html.escape(due.replace("%1", r.due.isoformat()))
    added = html.escape(translate("Catalog", "added %1").replace("%1", r.added.isoformat()))
    colour = "#b71c1c" if status == "overdue" else "#37474f"
    parts = [f"<h2>{html.escape(r.cve)} — {html.escape(r.name)}</h2>",
             f"<p><b>{html.escape(r.vendor)} {html.escape(r.product)}</b> · {added}"
             f' · <span style="color:{colour};">{due}</span></p>']
    if r.affects_us:
        text = translate("Catalog", "Affects us: matches %1 in our inventory").replace(
            "%1", r.affects_reason)
        parts.append(f'<p style="color:#b71c1c;"><b>{html.escape(text)}</b></p>')
    if r.ransomware:
        text = translate("Catalog", "Known to be used in ransomware campaigns")
        parts.append(f'<p style="color:#b71c1c;">{html.escape(text)}</p>')
    for title, body in ((translate("Catalog", "Description"), r.description),
                        (translate("Catalog", "Required action"), r.action),
                        (translate("Catalog", "Notes"), r.notes)):
        if body:
            parts.append(f"<h3>{html.escape(title)}</h3><p>{html.escape(body)}</p>")
    source = (translate("Catalog", "domestic catalog") if r.source == "domestic"
              else r.source)
    where = translate("Catalog", "Source: %1").replace("%1", source)
    parts.append(f"<p><small>{html.escape(where)}</small></p>")
    return "".join(parts)


class KevPage(Page):
    key = "kev"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.rows: list[KevRow] = []
        self.model = KevModel(ctx.read_filter, self)
        self.model.today = ctx.today
        self.current: KevRow | None = None
        self.choose_file: Callable[[QWidget], str] = _choose_catalog

        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.source = QComboBox(self)
        self.ransomware = QCheckBox(self)
        self.affects = QCheckBox(self)
        self.due = QComboBox(self)
        for value in ("any", "soon", "overdue"):
            self.due.addItem("", value)
        self.import_button = QPushButton(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Long vendor and product names must not push the due date and flags out of sight.
        for column, width in ((1, 110), (2, 160)):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            head.resizeSection(column, width)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.detail = GuardedTextView(ctx.guard, self)

        self.inventory_box = QGroupBox(self)
        self.products = QListWidget(self.inventory_box)
        self.vendor_edit = QLineEdit(self.inventory_box)
        self.product_edit = QLineEdit(self.inventory_box)
        self.version_edit = QLineEdit(self.inventory_box)
        self.add_button = QPushButton(self.inventory_box)
        il = QVBoxLayout(self.inventory_box)
        il.addWidget(self.products, 1)
        row = QHBoxLayout()
        for w in (self.vendor_edit, self.product_edit, self.version_edit, self.add_button):
            row.addWidget(w)
        il.addLayout(row)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for f in (self.source, self.due, self.ransomware, self.affects, self.import_button):
            filters.addWidget(f)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.detail)
        right.addWidget(self.inventory_box)
        split = QSplitter(self)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(filters)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)

        for sig in (self.search.textChanged, self.source.currentIndexChanged,
                    self.due.currentIndexChanged, self.ransomware.toggled, self.affects.toggled):
            sig.connect(lambda *_a: self.apply_filter())
        self.table.selectionModel().currentChanged.connect(self._on_selected)
        self.table.verticalScrollBar().valueChanged.connect(self.labels_moved)
        self.model.modelReset.connect(self.labels_moved)
        self.import_button.clicked.connect(self.import_catalog)
        self.add_button.clicked.connect(self.add_product)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Vulnerability catalog")

    def visible_labels(self) -> list[Label]:
        if not self.isVisible():
            return []
        labels = visible_labels_of(self.table)
        if self.current is not None and self.current.label is not None:
            labels.append(self.current.label)
        return labels

    # -- data -------------------------------------------------------------------------------
    def reload(self) -> None:
        self.rows = self.ctx.backend.kev_rows()
        keep = self.source.currentData()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem(self.tr("All catalogs"), "all")
        for src in sorted({r.source for r in self.rows}):
            name = self.tr("Domestic catalog") if src == "domestic" else src.upper()
            self.source.addItem(name, src)
        self.source.setCurrentIndex(max(0, self.source.findData(keep)))
        self.source.blockSignals(False)
        self._reload_inventory()
        self.apply_filter()

    def _reload_inventory(self) -> None:
        self.products.clear()
        for p in self.ctx.backend.inventory():
            self.products.addItem(" ".join(x for x in (p.vendor, p.product, p.version) if x))

    def clear(self) -> None:
        self.rows = []
        self.model.clear()
        self.products.clear()
        self._show(None)

    def on_event(self, event: BackendEvent) -> None:
        if isinstance(event, CatalogChanged):
            self.reload()

    def open_item(self, item_id: str) -> None:
        cve = item_id.rsplit(":", 1)[-1]  # search hits are "kev:<source>:<CVE>"
        self.search.setText(cve)
        self.apply_filter()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def current_filter(self) -> KevFilter:
        return KevFilter(self.search.text(), str(self.source.currentData() or "all"),
                         self.ransomware.isChecked(), self.affects.isChecked(),
                         str(self.due.currentData() or "any"))

    def apply_filter(self) -> None:
        keep = self.current.cve if self.current else None
        shown = filter_rows(self.rows, self.current_filter(), self.ctx.today())
        self.model.set_values(shown)
        c = kev_counts(self.rows, self.ctx.today())
        self.summary.setText(
            self.tr("%1 of %2 entries shown · %3 affect us · %4 known ransomware use · "
                    "%5 of ours overdue").replace("%1", str(len(shown)))
            .replace("%2", str(c["total"])).replace("%3", str(c["affects"]))
            .replace("%4", str(c["ransomware"])).replace("%5", str(c["overdue_ours"])))
        rows = [i for i, r in enumerate(shown) if r.cve == keep]
        if rows:
            self.table.setCurrentIndex(self.model.index(rows[0], 0))
        else:
            self._show(None)

    def _on_selected(self, current: QModelIndex, _prev: QModelIndex) -> None:
        r = current.data(ValueRole) if current.isValid() else None
        self._show(r if isinstance(r, KevRow) else None)

    def _show(self, r: KevRow | None) -> None:
        self.current = r
        if r is None:
            self.detail.clear_content()
        else:
            self.detail.set_content(kev_detail_html(r, self.ctx.today()), r.label)
        self.labels_moved()

    # -- actions ----------------------------------------------------------------------------
    def import_catalog(self) -> None:
        path = self.choose_file(self)
        if not path:
            return
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Importing %1…").replace("%1", path))
        backend = self.ctx.backend
        self.ctx.runner.submit(lambda: backend.import_kev(path), self._imported,
                               self._import_failed)

    def _imported(self, message: str) -> None:
        self.import_button.setEnabled(True)
        self.reload()
        self.ctx.notify(message)

    def _import_failed(self, err: BackendError) -> None:
        self.import_button.setEnabled(True)
        self.summary.setText(self.tr("Import failed: %1").replace("%1", str(err)))

    def add_product(self) -> None:
        product = self.product_edit.text().strip()
        if not product:
            self.ctx.notify(self.tr("Name the product (and its vendor) to add it."))
            return
        try:
            self.ctx.backend.add_product(self.vendor_edit.text().strip(), product,
                                         self.version_edit.text().strip())
        except BackendError as exc:
            self.ctx.notify(str(exc))
            return
        for w in (self.vendor_edit, self.product_edit, self.version_edit):
            w.clear()
        self.reload()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search CVE, vendor, product, description"))
        self.search.setAccessibleName(self.tr("Search the catalog"))
        self.source.setAccessibleName(self.tr("Catalog"))
        if self.source.count():
            self.source.setItemText(0, self.tr("All catalogs"))
        self.due.setItemText(0, self.tr("Any due date"))
        self.due.setItemText(1, self.tr("Due within 7 days"))
        self.due.setItemText(2, self.tr("Overdue"))
        self.due.setAccessibleName(self.tr("Due date"))
        self.ransomware.setText(self.tr("&Ransomware only"))
        self.ransomware.setAccessibleName(self.tr("Ransomware only"))
        self.affects.setText(self.tr("&Affects us only"))
        self.affects.setAccessibleName(self.tr("Affects us only"))
        self.import_button.setText(self.tr("&Import catalog…"))
        self.import_button.setAccessibleName(self.tr("Import a KEV catalog file"))
        self.table.setAccessibleName(self.tr("Catalog entries"))
        self.detail.setAccessibleName(self.tr("Catalog entry"))
        self.inventory_box.setTitle(self.tr("Our products (inventory)"))
        self.products.setAccessibleName(self.tr("Our products"))
        self.vendor_edit.setPlaceholderText(self.tr("Vendor"))
        self.product_edit.setPlaceholderText(self.tr("Product"))
        self.version_edit.setPlaceholderText(self.tr("Version"))
        self.vendor_edit.setAccessibleName(self.tr("Vendor"))
        self.product_edit.setAccessibleName(self.tr("Product"))
        self.version_edit.setAccessibleName(self.tr("Version"))
        self.add_button.setText(self.tr("Add &product"))
        self.add_button.setAccessibleName(self.tr("Add product"))
        self.model.retranslate()
        self._show(self.current)


def _choose_catalog(parent: QWidget) -> str:
    path, _ = QFileDialog.getOpenFileName(
        parent, translate("KevPage", "Import a KEV catalog"), "",
        translate("KevPage", "KEV catalog (*.json);;All files (*)"))
    return path
