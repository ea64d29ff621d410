"""Incident reports: my reports and their threads, the quick report form, and for intake
staff the inbox: status changes and follow-up questions (the reporter answers in the thread)."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import BackendError, BackendEvent, ReportEntry, ReportsChanged, ReportSummary
from client.ui.guard import GuardedTextView
from client.ui.i18n import current_language
from client.ui.marks import chip_html
from client.ui.models import ValueRole, ValuesTableModel
from client.ui.page import Page, UiContext, visible_labels_of
from client.ui.report_followup import FollowUpPanel
from client.ui.report_rules import next_statuses, open_questions, status_text
from client.ui.reportform import QuickReportPanel
from client.ui.rules import banner_label
from client.ui.timeline import format_time
from intel.markings import Label, Policy

__all__ = ["ReportsModel", "ReportsPage", "thread_html"]

translate = QCoreApplication.translate
_STATUS_COLOURS = {"received": "#e65100", "need-info": "#6a1b9a", "triaged": "#1565c0",
                   "closed": "#2e7d32"}


class ReportsModel(ValuesTableModel):
    def _headers(self) -> list[str]:
        return [self.tr("Status"), self.tr("Organisation"), self.tr("Stage"),
                self.tr("Marking"), self.tr("Latest"), self.tr("Open questions")]

    def _data(self, r: ReportSummary, column: int, role: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return [status_text(r.status, current_language()), r.entity,
                    stage_text(r.stage), self._mark(r.label), format_time(r.latest_ms),
                    str(r.open_questions) if r.open_questions else ""][column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor(_STATUS_COLOURS.get(r.status, "#37474f"))
        return None

    def row_of(self, thread_id: str) -> int | None:
        for i, r in enumerate(self._rows):
            if r.thread_id == thread_id:
                return i
        return None


def stage_text(stage: str) -> str:
    from intel.reports import Stage

    try:
        return Stage(stage).display(current_language())
    except ValueError:
        return stage


def thread_html(policy: Policy, summary: ReportSummary, entries: list[ReportEntry]) -> str:
    lang = current_language()
    status = translate("ReportsPage", "Status: %1").replace(
        "%1", status_text(summary.status, lang))
    out = [f"<h2>{chip_html(policy, summary.label)} {html.escape(summary.entity)} "
           f"<small>({html.escape(summary.thread_id)})</small></h2>",
           f"<p><b>{html.escape(status)}</b></p>"]
    for e in entries:
        who = html.escape(e.sender_name or e.sender_user)
        if e.from_intake:
            who += " " + html.escape(translate("ReportsPage", "(intake)"))
        when = format_time(e.created_ms)
        if e.what == "report":
            head = translate("ReportsPage", "%1: %2").replace(
                "%1", stage_text(e.stage)).replace("%2", e.report_id)
        elif e.what == "status":
            head = translate("ReportsPage", "Status changed to %1").replace(
                "%1", status_text(e.status or "", lang))
        elif e.what == "question":
            head = translate("ReportsPage", "Question %1").replace("%1", e.question_id)
            if not e.answered:
                head += " — " + translate("ReportsPage", "not answered yet")
        else:
            head = translate("ReportsPage", "Answer to %1").replace("%1", e.question_id)
        text = "<br/>".join(html.escape(line) for line in e.text.splitlines())
        out.append(f"<h3>{chip_html(policy, e.label)} {html.escape(head)}</h3>"
                   f"<p><i>{who} · {when}</i></p><p>{text}</p>")
    return "".join(out)


class ReportsPage(Page):
    key = "reports"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.intake = "intake" in ctx.roles
        self.model = ReportsModel(ctx.read_filter, self)
        self.current: ReportSummary | None = None
        self.entries: list[ReportEntry] = []

        self.new_button = QPushButton(self)
        self.caption = QLabel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.caption.setBuddy(self.table)

        self.thread_view = GuardedTextView(ctx.guard, self)
        # intake: status and questions
        self.intake_box = QGroupBox(self)
        self.status_box = QComboBox(self.intake_box)
        self.note = QLineEdit(self.intake_box)
        self.status_button = QPushButton(self.intake_box)
        self.question = QLineEdit(self.intake_box)
        self.ask_button = QPushButton(self.intake_box)
        ib = QVBoxLayout(self.intake_box)
        r1 = QHBoxLayout()
        for w in (self.status_box, self.note, self.status_button):
            r1.addWidget(w)
        r1.setStretch(1, 1)
        r2 = QHBoxLayout()
        r2.addWidget(self.question, 1)
        r2.addWidget(self.ask_button)
        ib.addLayout(r1)
        ib.addLayout(r2)
        self.intake_box.setVisible(self.intake)
        # reporter: answers
        self.answer_box = QGroupBox(self)
        self.question_pick = QComboBox(self.answer_box)
        self.answer = QLineEdit(self.answer_box)
        self.answer_button = QPushButton(self.answer_box)
        ab = QHBoxLayout(self.answer_box)
        ab.addWidget(self.question_pick)
        ab.addWidget(self.answer, 1)
        ab.addWidget(self.answer_button)
        self.answer_box.hide()
        # reporter: follow-up reports in the same thread
        self.follow_box = QWidget(self)
        self.update_button = QPushButton(self.follow_box)
        self.final_button = QPushButton(self.follow_box)
        fb = QHBoxLayout(self.follow_box)
        fb.setContentsMargins(0, 0, 0, 0)
        fb.addWidget(self.update_button)
        fb.addWidget(self.final_button)
        fb.addStretch(1)
        self.follow_box.hide()
        self.action_status = QLabel(self)
        self.action_status.setWordWrap(True)

        thread_panel = QWidget(self)
        tl = QVBoxLayout(thread_panel)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.thread_view, 1)
        tl.addWidget(self.intake_box)
        tl.addWidget(self.answer_box)
        tl.addWidget(self.follow_box)
        tl.addWidget(self.action_status)
        self.form = QuickReportPanel(ctx, self)
        self.follow_up = FollowUpPanel(ctx, self)
        self.right = QStackedWidget(self)
        self.right.addWidget(thread_panel)
        self.right.addWidget(self.form)
        self.right.addWidget(self.follow_up)
        self.thread_panel = thread_panel

        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.addWidget(self.new_button)
        ll.addWidget(self.caption)
        ll.addWidget(self.table, 1)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(self.right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        self.new_button.clicked.connect(self.new_report)
        self.form.submitted.connect(self._submitted)
        self.form.cancelled.connect(lambda: self.right.setCurrentWidget(self.thread_panel))
        self.form.picker.label_changed.connect(lambda _l: self.labels_moved())
        self.follow_up.submitted.connect(self._submitted)
        self.follow_up.cancelled.connect(lambda: self.right.setCurrentWidget(self.thread_panel))
        self.follow_up.picker.label_changed.connect(lambda _l: self.labels_moved())
        self.update_button.clicked.connect(lambda: self.start_follow_up("update"))
        self.final_button.clicked.connect(lambda: self.start_follow_up("final"))
        self.table.selectionModel().currentChanged.connect(self._on_selected)
        self.status_button.clicked.connect(self.set_status)
        self.ask_button.clicked.connect(self.ask)
        self.answer_button.clicked.connect(self.send_answer)
        self.model.modelReset.connect(self.labels_moved)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Incident reports")

    def visible_labels(self) -> list[Label]:
        if not self.isVisible():
            return []
        labels = visible_labels_of(self.table)
        if self.right.currentWidget() in (self.form, self.follow_up):
            form = self.right.currentWidget()
            assert isinstance(form, QuickReportPanel | FollowUpPanel)
            label = form.picker.current_label()
            if label is not None:
                labels.append(label)
            if form is self.follow_up and self.current is not None:
                labels.append(self.current.label)  # the form shows the last report's text
        elif self.current is not None:
            labels += [self.current.label] + [e.label for e in self.entries]
        return labels

    # -- data -------------------------------------------------------------------------------
    def reload(self) -> None:
        keep = self.current.thread_id if self.current else None
        self.model.set_values(self.ctx.backend.list_reports())
        row = self.model.row_of(keep) if keep else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))
            self._show(self.model.value(row))
        else:
            self._show(None)

    def clear(self) -> None:
        self.model.clear()
        self.right.setCurrentWidget(self.thread_panel)
        self._show(None)

    def on_event(self, event: BackendEvent) -> None:
        if isinstance(event, ReportsChanged) and self.right.currentWidget() is self.thread_panel:
            self.reload()

    def open_item(self, item_id: str) -> None:
        row = self.model.row_of(item_id)
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _on_selected(self, current: QModelIndex, _prev: QModelIndex) -> None:
        r = current.data(ValueRole) if current.isValid() else None
        self._show(r if isinstance(r, ReportSummary) else None)

    def _show(self, r: ReportSummary | None) -> None:
        self.current = r
        self.entries = self.ctx.backend.report_thread(r.thread_id) if r else []
        rf = self.ctx.read_filter
        self.entries = [e for e in self.entries if rf.may_read(e.label)]
        self._render()
        if r is not None:
            self.ctx.audit_open(r.thread_id, self._label())
        self._update_actions()

    def _label(self) -> Label:
        assert self.current is not None
        return banner_label(self.ctx.policy, [self.current.label]
                            + [e.label for e in self.entries])

    def _render(self) -> None:
        """Show what is held (no backend call: also used when the language changes)."""
        r = self.current
        if r is None:
            self.thread_view.clear_content()
        else:
            self.thread_view.set_content(thread_html(self.ctx.policy, r, self.entries),
                                         self._label())
        self.labels_moved()

    def _update_actions(self) -> None:
        r = self.current
        self.status_box.clear()
        for s in next_statuses(r.status) if r else []:
            self.status_box.addItem(status_text(s, current_language()), s)
        for w in (self.status_box, self.note, self.status_button, self.question,
                  self.ask_button):
            w.setEnabled(r is not None)
        self.status_button.setEnabled(r is not None and self.status_box.count() > 0)
        pending = open_questions(self.entries, self.ctx.identity.user_id) if r and r.mine else []
        self.question_pick.clear()
        for e in pending:
            text = e.text if len(e.text) < 60 else e.text[:57] + "…"
            self.question_pick.addItem(text, e.question_id)
        self.answer_box.setVisible(bool(pending))
        self.follow_box.setVisible(r is not None and r.mine)

    # -- actions ----------------------------------------------------------------------------
    def new_report(self) -> None:
        self.form.start(self.ctx.backend.report_prefill())
        self.right.setCurrentWidget(self.form)
        self.labels_moved()

    def start_follow_up(self, stage: str) -> None:
        """An update or final report of the thread shown, from its latest report."""
        r = self.current
        if r is None:
            return
        try:
            prefill = self.ctx.backend.report_follow_up_prefill(r.thread_id, stage)
        except BackendError as err:
            msg = err.message_ja if current_language() == "ja" else str(err)
            self.action_status.setText(msg)
            return
        self.follow_up.start(prefill, r.label)
        self.right.setCurrentWidget(self.follow_up)
        self.labels_moved()

    def _submitted(self, report_id: str) -> None:
        thread = self.current.thread_id if self.right.currentWidget() is self.follow_up \
            and self.current is not None else report_id
        self.right.setCurrentWidget(self.thread_panel)
        self.reload()
        row = self.model.row_of(thread)
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))
        self.ctx.notify(self.tr("Report %1 was sent to the intake staff.").replace(
            "%1", report_id))

    def _run(self, job: object, done_text: str) -> None:
        self.action_status.setText(self.tr("Sending…"))

        def done(_r: object) -> None:
            self.action_status.setText(done_text)
            self.reload()

        def failed(err: BackendError) -> None:
            msg = err.message_ja if current_language() == "ja" else str(err)
            self.action_status.setText(self.tr("Not sent: %1").replace("%1", msg))

        self.ctx.runner.submit(job, done, failed)  # type: ignore[arg-type]

    def set_status(self) -> None:
        r, status = self.current, self.status_box.currentData()
        if r is None or not status:
            return
        note, backend = self.note.text().strip(), self.ctx.backend
        self.note.clear()
        self._run(lambda: backend.set_report_status(r.thread_id, str(status), note),
                  self.tr("Status changed."))

    def ask(self) -> None:
        r, text = self.current, self.question.text().strip()
        if r is None or not text:
            return
        backend = self.ctx.backend
        self.question.clear()
        self._run(lambda: backend.ask_follow_up(r.thread_id, text),
                  self.tr("Question sent to the reporter."))

    def send_answer(self) -> None:
        qid, text = self.question_pick.currentData(), self.answer.text().strip()
        if not qid or not text:
            return
        backend = self.ctx.backend
        self.answer.clear()
        self._run(lambda: backend.answer_follow_up(str(qid), text),
                  self.tr("Answer sent to the intake staff."))

    def retranslate(self) -> None:
        self.new_button.setText(self.tr("&New quick report (速報)"))
        self.new_button.setAccessibleName(self.tr("New quick report"))
        self.caption.setText(self.tr("Incoming reports (intake inbox)") if self.intake
                             else self.tr("My reports"))
        self.table.setAccessibleName(self.caption.text())
        self.thread_view.setAccessibleName(self.tr("Report thread"))
        self.intake_box.setTitle(self.tr("Intake"))
        self.status_box.setAccessibleName(self.tr("New status"))
        self.note.setPlaceholderText(self.tr("Note for the reporter (optional)"))
        self.note.setAccessibleName(self.tr("Note for the reporter"))
        self.status_button.setText(self.tr("Set &status"))
        self.status_button.setAccessibleName(self.tr("Set status"))
        self.question.setPlaceholderText(self.tr("Follow-up question for the reporter"))
        self.question.setAccessibleName(self.tr("Follow-up question"))
        self.ask_button.setText(self.tr("As&k"))
        self.ask_button.setAccessibleName(self.tr("Ask the reporter"))
        self.answer_box.setTitle(self.tr("Questions from the centre"))
        self.question_pick.setAccessibleName(self.tr("Question to answer"))
        self.answer.setPlaceholderText(self.tr("Your answer"))
        self.answer.setAccessibleName(self.tr("Your answer"))
        self.answer_button.setText(self.tr("&Answer"))
        self.answer_button.setAccessibleName(self.tr("Send answer"))
        self.update_button.setText(self.tr("Send &update (続報)…"))
        self.update_button.setAccessibleName(self.tr("Send an update report"))
        self.final_button.setText(self.tr("Send &final report (最終報告)…"))
        self.final_button.setAccessibleName(self.tr("Send the final report"))
        self.model.retranslate()
        self._render()

