"""The publisher's composer: one composer for advisories and briefs, every part with its own
label picker (only labels the writer may use), published through ``sync.flows``."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import BackendError
from client.ui.i18n import current_language
from client.ui.labelpicker import LabelPicker
from client.ui.page import Page, UiContext
from client.ui.publish_rules import (
    PARTS,
    ComposerForm,
    Part,
    build_document,
    composer_ceiling,
    document_problems,
    envelope_plan,
    new_document_id,
)
from client.ui.rules import portion_mark
from intel.documents import SectionKind, Severity
from intel.markings import Label

__all__ = ["PublishPage", "part_hint"]

translate = QCoreApplication.translate


def part_hint(kind: str) -> str:
    return {
        "executive_summary": translate("PublishPage", "What happened, in plain words, for "
                                       "executives."),
        "business_impact": translate("PublishPage", "What it means for the business."),
        "actions": translate("PublishPage", "One action per line, starting with its due date: "
                             "2026-02-01 Patch all VPN gateways"),
        "technical_annex": translate("PublishPage", "Technical details for analysts."),
        "indicators": translate("PublishPage", "One per line: ipv4 198.51.100.7, domain "
                                "bad.example, sha256 …"),
        "techniques": translate("PublishPage", "ATT&CK technique ids, e.g. T1190 T1059.001"),
        "cves": translate("PublishPage", "CVE ids, e.g. CVE-2024-3400"),
    }.get(kind, "")


class PartEditor(QGroupBox):
    """One part of the document: its text and its own marking."""

    def __init__(self, ctx: UiContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)
        self.edit.setMaximumHeight(110 if kind in ("executive_summary", "technical_annex")
                                   else 70)
        self.picker = LabelPicker(ctx.policy, self)
        lay = QVBoxLayout(self)
        lay.addWidget(self.edit)
        lay.addWidget(self.picker)

    def part(self) -> Part:
        label = self.picker.current_label()
        return Part(self.edit.toPlainText(), label.canonical() if label else "")

    def retranslate(self) -> None:
        self.setTitle(SectionKind(self.kind).display(current_language()))
        self.edit.setPlaceholderText(part_hint(self.kind))
        self.edit.setAccessibleName(self.title())


class PublishPage(Page):
    key = "publish"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.may_advise = "publisher" in ctx.roles
        self._busy = False

        self.kind = QComboBox(self)
        self.kind.addItem("", "advisory")
        self.kind.addItem("", "brief")
        self.doc_id = QLineEdit(self)
        self.severity = QComboBox(self)
        self.title_edit = QLineEdit(self)
        self.publisher = QLineEdit(ctx.identity.org, self)
        self.header_picker = LabelPicker(ctx.policy, self)
        self.users = QLineEdit(self)
        self.orgs = QLineEdit(self)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.parts = {kind: PartEditor(ctx, kind, self) for kind in PARTS}
        self.plan = QLabel(self)
        self.plan.setWordWrap(True)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setStyleSheet("color: #b71c1c;")
        self.publish_button = QPushButton(self)
        self.new_button = QPushButton(self)

        self.form = QFormLayout()
        self.captions: dict[str, QLabel] = {}
        for key, w in (("kind", self.kind), ("id", self.doc_id), ("title", self.title_edit),
                       ("severity", self.severity), ("publisher", self.publisher),
                       ("header", self.header_picker), ("users", self.users),
                       ("orgs", self.orgs)):
            cap = QLabel(self)
            cap.setBuddy(w)
            self.captions[key] = cap
            self.form.addRow(cap, w)
        inner = QWidget(self)
        il = QVBoxLayout(inner)
        il.addLayout(self.form)
        il.addWidget(self.note)
        for editor in self.parts.values():
            il.addWidget(editor)
        il.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        bottom = QHBoxLayout()
        bottom.addWidget(self.plan, 1)
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.publish_button)
        lay = QVBoxLayout(self)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.problems)
        lay.addLayout(bottom)

        self.kind.currentIndexChanged.connect(self._on_kind)
        self.users.textChanged.connect(self._configure_pickers)
        self.orgs.textChanged.connect(self._configure_pickers)
        self.header_picker.label_changed.connect(lambda _l: self._update_plan())
        for editor in self.parts.values():
            editor.picker.label_changed.connect(lambda _l: self._update_plan())
            editor.edit.textChanged.connect(self._update_plan)
        self.publish_button.clicked.connect(self.publish)
        self.new_button.clicked.connect(self.start_new)
        if not self.may_advise:
            self.kind.setCurrentIndex(1)
        self.start_new()
        self.retranslate()

    def title(self) -> str:
        return self.tr("Compose")

    def visible_labels(self) -> list[Label]:
        # The composer holds what the writer typed: the banner follows the markings chosen.
        if not self.isVisible():
            return []
        labels = [self.header_picker.current_label()]
        labels += [e.picker.current_label() for e in self.parts.values()
                   if e.edit.toPlainText().strip()]
        return [lb for lb in labels if lb is not None]

    # -- form -------------------------------------------------------------------------------
    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def direct(self) -> bool:
        return self.current_kind() == "brief" and bool(self._list(self.users)
                                                       or self._list(self.orgs))

    @staticmethod
    def _list(edit: QLineEdit) -> tuple[str, ...]:
        return tuple(x for x in (p.strip() for p in edit.text().replace(";", ",").split(","))
                     if x)

    def start_new(self) -> None:
        now = dt.datetime.now(dt.UTC)
        self.doc_id.setText(new_document_id(self.current_kind(), now))
        self.title_edit.clear()
        for editor in self.parts.values():
            editor.edit.clear()
        self.users.clear()
        self.orgs.clear()
        self.problems.clear()
        self.severity.setCurrentIndex(max(0, self.severity.findData("medium")))
        self._configure_pickers()

    def _on_kind(self, _index: int) -> None:
        if self.current_kind() == "advisory" and not self.may_advise:
            self.kind.setCurrentIndex(1)
            return
        prefix = "ADV" if self.current_kind() == "advisory" else "BRF"
        text = self.doc_id.text()
        if text[:3] in ("ADV", "BRF"):
            self.doc_id.setText(prefix + text[3:])
        self._configure_pickers()
        self.retranslate()

    def _configure_pickers(self) -> None:
        ceiling = composer_ceiling(self.ctx.policy, self.current_kind(), self.direct())
        clearance, roles = self.ctx.identity.clearance, self.ctx.roles
        for picker in [self.header_picker] + [e.picker for e in self.parts.values()]:
            keep = picker.current_label()
            picker.configure(clearance, ceiling, roles)
            if keep is not None:
                picker.set_label(keep)
        brief = self.current_kind() == "brief"
        for key in ("users", "orgs"):
            self.captions[key].setVisible(brief)
        self.users.setVisible(brief)
        self.orgs.setVisible(brief)
        self._update_plan()

    def composer_form(self) -> ComposerForm:
        header = self.header_picker.current_label()
        return ComposerForm(
            kind=self.current_kind(), document_id=self.doc_id.text().strip(),
            title=self.title_edit.text(), severity=str(self.severity.currentData()),
            publisher=self.publisher.text(),
            header_label=header.canonical() if header else "",
            parts={k: e.part() for k, e in self.parts.items()})

    def document(self) -> tuple[dict[str, object], list[str]]:
        doc, problems = build_document(self.composer_form(), dt.datetime.now(dt.UTC))
        ceiling = composer_ceiling(self.ctx.policy, self.current_kind(), self.direct())
        problems += document_problems(doc, self.ctx.policy, self.ctx.identity.clearance,
                                      ceiling)
        return doc, problems

    def _update_plan(self) -> None:
        doc, _ = build_document(self.composer_form(), dt.datetime.now(dt.UTC))
        lang = current_language()
        parts = []
        for text, kinds in envelope_plan(doc):
            try:
                mark = portion_mark(self.ctx.policy, self.ctx.policy.parse_label(text), lang)
            except ValueError:
                continue
            names = [self.tr("header") if k == "header" else SectionKind(k).display(lang)
                     for k in kinds]
            parts.append(f"{mark}: {', '.join(names)}")
        self.plan.setText(self.tr("Sent as %n part(s), each only to those cleared for it: ",
                                  "", len(parts)) + "; ".join(parts))
        self.labels_changed.emit()

    # -- publishing -------------------------------------------------------------------------
    def publish(self) -> None:
        if self._busy:
            return
        doc, problems = self.document()
        if problems:
            self.problems.setText(self.tr("Please fix before publishing:") + "\n• "
                                  + "\n• ".join(problems))
            return
        self.problems.clear()
        users = self._list(self.users) or None
        orgs = self._list(self.orgs) or None
        backend = self.ctx.backend
        self._busy = True
        self.publish_button.setEnabled(False)
        self.ctx.runner.submit(lambda: backend.publish_document(doc, users=users, orgs=orgs),
                               self._published, self._failed)

    def _published(self, doc_id: str) -> None:
        self._busy = False
        self.publish_button.setEnabled(True)
        self.ctx.notify(self.tr("Published %1.").replace("%1", doc_id))
        self.start_new()
        self.navigate.emit("advisories" if doc_id.startswith("ADV") else "briefs", doc_id)

    def _failed(self, err: BackendError) -> None:
        self._busy = False
        self.publish_button.setEnabled(True)
        msg = err.message_ja if current_language() == "ja" else str(err)
        self.problems.setText(self.tr("Not published: %1").replace("%1", msg))

    # -- language ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = current_language()
        self.kind.setItemText(0, self.tr("Advisory (the one voice, publisher role)"))
        self.kind.setItemText(1, self.tr("Brief (restricted, for cleared readers)"))
        keep = self.severity.currentData() or "medium"
        self.severity.blockSignals(True)
        self.severity.clear()
        for value, text in reversed(Severity.choices(lang)):
            self.severity.addItem(text, value)
        self.severity.setCurrentIndex(max(0, self.severity.findData(keep)))
        self.severity.blockSignals(False)
        caps = {"kind": self.tr("&Kind:"), "id": self.tr("Document &id:"),
                "title": self.tr("&Title:"), "severity": self.tr("Se&verity:"),
                "publisher": self.tr("&Publisher:"), "header": self.tr("Title marking:"),
                "users": self.tr("To &people (user ids):"),
                "orgs": self.tr("To &organisations:")}
        for key, text in caps.items():
            self.captions[key].setText(text)
            buddy = self.captions[key].buddy()
            if buddy is not None:
                buddy.setAccessibleName(text.replace("&", "").rstrip(":"))
        self.users.setPlaceholderText(self.tr("empty: everyone cleared for each part"))
        self.orgs.setPlaceholderText(self.tr("e.g. kanto-power, nihon-telecom"))
        if self.may_advise:
            self.note.setText(self.tr("Each part carries its own marking and reaches only "
                                      "those cleared for it. Leave a part empty to leave it "
                                      "out."))
        else:
            self.note.setText(self.tr("Advisories are issued by publishers only; you can "
                                      "send briefs. Each part carries its own marking."))
        for editor in self.parts.values():
            editor.retranslate()
        self.publish_button.setText(self.tr("&Publish"))
        self.publish_button.setAccessibleName(self.tr("Publish"))
        self.new_button.setText(self.tr("Start &over"))
        self.new_button.setAccessibleName(self.tr("Start over"))
        self._update_plan()

