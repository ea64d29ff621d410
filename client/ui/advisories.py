"""Advisories: an executive view (trend, calm cards, detail without technical noise) and an
analyst view (table, technical annex, indicators, ATT&CK techniques, CVEs)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListView,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import Advisory, AdvisoryArrived, BackendEvent, DocumentsChanged
from client.ui.chart import TrendChart
from client.ui.docview import advisory_annex_html, advisory_summary_html, document_labels
from client.ui.guard import GuardedTextView
from client.ui.i18n import current_language
from client.ui.marks import paint_chip
from client.ui.models import AdvisoryListModel, ValueRole, severity_colour, severity_text
from client.ui.page import Page, UiContext, visible_labels_of
from client.ui.presentation import advisory_trend, due_status
from client.ui.rules import banner_label, portion_mark
from client.ui.stix_dialogs import ExchangeButtons
from intel.markings import Label, Policy

__all__ = ["AdvisoriesPage", "CardDelegate"]

Index = QModelIndex | QPersistentModelIndex


class CardDelegate(QStyledItemDelegate):
    """An advisory as a calm card: severity, marking, title, what happened, does it affect
    us, the next action due."""

    HEIGHT_LINES = 4

    def __init__(self, view: QAbstractItemView, policy: Policy, today_fn: object) -> None:
        super().__init__(view)
        self._policy = policy
        self._today = today_fn

    @staticmethod
    def _line(fm: QFontMetrics) -> int:
        # Room for glyphs from fallback fonts (Japanese), which are taller than Latin ones.
        return int(fm.lineSpacing() * 1.3)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        fm = QFontMetrics(option.font)
        return QSize(300, self._line(fm) * self.HEIGHT_LINES + 24)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        adv = index.data(ValueRole)
        if not isinstance(adv, Advisory):
            super().paint(painter, option, index)
            return
        painter.save()
        pal = option.palette
        card = option.rect.adjusted(4, 4, -4, -4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(pal.color(QPalette.ColorRole.Highlight if selected
                                 else QPalette.ColorRole.Mid))
        painter.setBrush(pal.color(QPalette.ColorRole.AlternateBase if selected
                                   else QPalette.ColorRole.Base))
        painter.drawRoundedRect(card, 6, 6)
        painter.fillRect(QRect(card.left(), card.top(), 6, card.height()),
                         QColor(severity_colour(adv.severity)))
        fm = QFontMetrics(option.font)
        x = card.left() + 14
        y = card.top() + 6
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        sev = severity_text(adv.severity)
        painter.setPen(QColor(severity_colour(adv.severity)))
        painter.drawText(QRect(x, y, fm.horizontalAdvance(sev) + 20, fm.height()),
                         Qt.AlignmentFlag.AlignLeft, sev)
        x += QFontMetrics(bold).horizontalAdvance(sev) + 10
        painter.setFont(option.font)
        chip = paint_chip(painter, QRect(x, y - 2, 400, fm.height()), self._policy, adv.label,
                          portion_mark(self._policy, adv.label, current_language()))
        x = chip.right() + 8
        painter.setFont(bold)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        title = QFontMetrics(bold).elidedText(adv.title, Qt.TextElideMode.ElideRight,
                                              card.right() - x - 8)
        painter.drawText(QRect(x, y, card.right() - x - 8, fm.height()),
                         Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(option.font)
        lines = []
        if adv.summary:
            lines.append(adv.summary[0].text.replace("\n", " "))
        lines.append(self._affects(adv))
        nxt = self._next_action(adv)
        if nxt:
            lines.append(nxt)
        step = self._line(fm)
        y += step + 2
        for line in lines[: self.HEIGHT_LINES - 1]:
            painter.drawText(QRect(card.left() + 14, y, card.width() - 24, step),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             fm.elidedText(line, Qt.TextElideMode.ElideRight, card.width() - 24))
            y += step
        painter.restore()

    def _affects(self, adv: Advisory) -> str:
        if adv.affects_us == "yes":
            return self.tr("Affects us") + (f": {adv.affects_reason}" if adv.affects_reason else "")
        if adv.affects_us == "no":
            return self.tr("Does not affect us")
        return self.tr("Impact on us not yet known")

    def _next_action(self, adv: Advisory) -> str:
        dated = sorted((a for a in adv.actions if a.due is not None), key=lambda a: a.due)  # type: ignore[arg-type, return-value]
        if not dated:
            return self.tr("%n action(s)", "", len(adv.actions)) if adv.actions else ""
        a = dated[0]
        assert a.due is not None
        today = self._today()  # type: ignore[operator]
        if due_status(a.due, today) == "overdue":
            text = self.tr("Overdue since %1: %2")
        else:
            text = self.tr("Due %1: %2")
        return text.replace("%1", a.due.isoformat()).replace("%2", a.text)


class AdvisoriesPage(Page):
    key = "advisories"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = AdvisoryListModel(ctx.read_filter, self)
        self.current: Advisory | None = None

        self.tabs = QTabWidget(self)
        # executive view
        self.exec_view = QWidget(self)
        self.chart = TrendChart(self.exec_view)
        self.cards = QListView(self.exec_view)
        self.cards.setModel(self.model)
        self.cards.setItemDelegate(CardDelegate(self.cards, ctx.policy, ctx.today))
        self.cards.setUniformItemSizes(True)
        self.cards.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary = GuardedTextView(ctx.guard, self.exec_view)
        esplit = QSplitter(self.exec_view)
        esplit.addWidget(self.cards)
        esplit.addWidget(self.summary)
        esplit.setStretchFactor(0, 3)
        esplit.setStretchFactor(1, 2)
        el = QVBoxLayout(self.exec_view)
        el.addWidget(self.chart)
        el.addWidget(esplit, 1)
        # analyst view
        self.analyst_view = QWidget(self)
        self.table = QTableView(self.analyst_view)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.annex = GuardedTextView(ctx.guard, self.analyst_view)
        asplit = QSplitter(Qt.Orientation.Vertical, self.analyst_view)
        asplit.addWidget(self.table)
        asplit.addWidget(self.annex)
        al = QVBoxLayout(self.analyst_view)
        al.addWidget(asplit)
        self.tabs.addTab(self.exec_view, "")
        self.tabs.addTab(self.analyst_view, "")
        self.exchange = ExchangeButtons(
            ctx, lambda: self.current.advisory_id if self.current else None, self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tabs)
        lay.addWidget(self.exchange)
        if ctx.view != "executive":
            self.tabs.setCurrentWidget(self.analyst_view)

        self.cards.selectionModel().currentChanged.connect(self._on_selected)
        self.table.selectionModel().currentChanged.connect(self._on_selected)
        self.tabs.currentChanged.connect(lambda _i: self._show(self.current))
        for view in (self.cards, self.table):
            view.verticalScrollBar().valueChanged.connect(self.labels_moved)
        self.model.modelReset.connect(self.labels_moved)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Advisories")

    def executive(self) -> bool:
        return self.tabs.currentWidget() is self.exec_view

    def show_view(self, executive: bool) -> None:
        self.tabs.setCurrentWidget(self.exec_view if executive else self.analyst_view)

    def visible_labels(self) -> list[Label]:
        if not self.isVisible():
            return []
        labels = visible_labels_of(self.cards if self.executive() else self.table)
        if self.current is not None:
            labels += document_labels(self.current, annex=not self.executive())
        return labels

    def reload(self) -> None:
        keep = self.current.advisory_id if self.current else None
        advisories = self.ctx.backend.list_advisories()
        advisories.sort(key=lambda a: a.published_ms, reverse=True)
        self.model.set_values(advisories)
        self.chart.set_buckets(advisory_trend(self.model.values(), self.ctx.today()))
        row = self.model.row_of(keep) if keep else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self._select_row(row)
        else:
            self._show(None)

    def clear(self) -> None:
        self.model.clear()
        self.chart.set_buckets([])
        self._show(None)

    def on_event(self, event: BackendEvent) -> None:
        if isinstance(event, AdvisoryArrived) or (
                isinstance(event, DocumentsChanged) and event.kind == "advisory"):
            self.reload()

    def open_item(self, item_id: str) -> None:
        row = self.model.row_of(item_id)
        if row is not None:
            self._select_row(row)

    def _select_row(self, row: int) -> None:
        view = self.cards if self.executive() else self.table
        view.setCurrentIndex(self.model.index(row, 0))
        self._show(self.model.value(row))

    def _on_selected(self, current: QModelIndex, _prev: QModelIndex) -> None:
        adv = current.data(ValueRole) if current.isValid() else None
        self._show(adv if isinstance(adv, Advisory) else None)

    def _show(self, adv: Advisory | None) -> None:
        if adv is not None:
            adv = self.ctx.read_filter.advisory(adv)
        self.current = adv
        if adv is None:
            self.summary.clear_content()
            self.annex.clear_content()
        else:
            policy = self.ctx.policy
            self.summary.set_content(
                advisory_summary_html(policy, adv, self.ctx.today()),
                banner_label(policy, document_labels(adv, annex=False)))
            self.annex.set_content(advisory_annex_html(policy, adv),
                                   banner_label(policy, document_labels(adv)))
            shown = document_labels(adv, annex=not self.executive())
            self.ctx.audit_open(adv.advisory_id, banner_label(policy, shown))
        self.exchange.refresh()
        self.labels_moved()

    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("&Executive view"))
        self.tabs.setTabText(1, self.tr("A&nalyst view"))
        self.tabs.setAccessibleName(self.tr("Advisory views"))
        self.cards.setAccessibleName(self.tr("Advisories"))
        self.table.setAccessibleName(self.tr("Advisories"))
        self.summary.setAccessibleName(self.tr("Advisory summary"))
        self.annex.setAccessibleName(self.tr("Technical annex"))
        self.model.retranslate()
        self.chart.set_buckets(self.chart.buckets)
        self._show(self.current)
