"""The update (続報) and final (最終報告) report form, reached from a report's thread.

It opens with what the thread's latest report said, so the person changes only what is new.
The final report also asks for the affected assets, the root cause, the mitigations and the
recovery. Its marking can only stay at or above the thread's (no write-down). Every problem
is listed at once before anything is sent.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from client.ui.i18n import current_language
from client.ui.labelpicker import LabelPicker
from client.ui.page import UiContext
from client.ui.report_followup_rules import (
    FollowUpForm,
    asset_choices,
    build_follow_up,
    form_from_follow_up,
    indicator_lines,
    indicators_from_text,
    lines,
    parse_ids,
    recoverability_choices,
)
from client.ui.report_rules import choices, purpose_choices
from client.ui.report_sending import ReportSending
from intel.markings import TLP, Label

__all__ = ["FollowUpPanel"]

_PICKS = ("containment", "functional_impact", "information_impact", "safety_impact")


class FollowUpPanel(ReportSending, QWidget):
    submitted = Signal(str)  # report id
    cancelled = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prefill: dict[str, Any] = {}
        self.stage = "update"
        self._busy = False

        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 3)
        self.heading.setFont(font)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.summary = QPlainTextEdit(self)
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumHeight(80)
        self.summary.setMaximumHeight(130)
        self.picks: dict[str, QComboBox] = {name: QComboBox(self) for name in _PICKS}
        self.cves = QLineEdit(self)
        self.techniques = QLineEdit(self)
        self.indicators = QPlainTextEdit(self)
        self.indicators.setTabChangesFocus(True)
        self.indicators.setMaximumHeight(70)
        self.picker = LabelPicker(ctx.policy, self)
        # final report only
        self.final_box = QGroupBox(self)
        self.asset_kind = QComboBox(self.final_box)
        self.asset_count = QSpinBox(self.final_box)
        self.asset_count.setRange(1, 10_000_000)
        self.asset_text = QLineEdit(self.final_box)
        self.asset_add = QPushButton(self.final_box)
        self.asset_list = QListWidget(self.final_box)
        self.asset_list.setMaximumHeight(90)
        self.asset_remove = QPushButton(self.final_box)
        self.assets: list[tuple[str, int, str]] = []
        self.root_cause = QPlainTextEdit(self.final_box)
        self.root_cause.setTabChangesFocus(True)
        self.root_cause.setMaximumHeight(80)
        self.mitigations = QPlainTextEdit(self.final_box)
        self.mitigations.setTabChangesFocus(True)
        self.mitigations.setMaximumHeight(70)
        self.recoverability = QComboBox(self.final_box)
        self.recovery = QPlainTextEdit(self.final_box)
        self.recovery.setTabChangesFocus(True)
        self.recovery.setMaximumHeight(60)
        self.purposes_box = QGroupBox(self)
        self.purposes: dict[str, QCheckBox] = {}
        pl = QVBoxLayout(self.purposes_box)
        for value, _name in purpose_choices("en"):
            cb = QCheckBox(self.purposes_box)
            self.purposes[value] = cb
            pl.addWidget(cb)
        self.consent = QCheckBox(self)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b71c1c;")
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.submit_button = QPushButton(self)
        self.submit_button.setDefault(True)
        self.cancel_button = QPushButton(self)

        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, widget in [("summary", self.summary), ("containment", self.picks["containment"]),
                            ("functional_impact", self.picks["functional_impact"]),
                            ("information_impact", self.picks["information_impact"]),
                            ("safety_impact", self.picks["safety_impact"]),
                            ("cves", self.cves), ("techniques", self.techniques),
                            ("indicators", self.indicators)]:
            self._row(form, key, widget)
        form.addRow(self.picker)  # it carries its own "Marking:" caption
        asset_row = QHBoxLayout()
        asset_row.addWidget(self.asset_kind)
        asset_row.addWidget(self.asset_count)
        asset_row.addWidget(self.asset_text, 1)
        asset_row.addWidget(self.asset_add)
        assets = QVBoxLayout()
        assets.addLayout(asset_row)
        listed = QHBoxLayout()
        listed.addWidget(self.asset_list, 1)
        listed.addWidget(self.asset_remove, 0, Qt.AlignmentFlag.AlignTop)
        assets.addLayout(listed)
        holder = QWidget(self.final_box)
        holder.setLayout(assets)
        ff = QFormLayout(self.final_box)
        for key, widget in [("assets", holder), ("root_cause", self.root_cause),
                            ("mitigations", self.mitigations),
                            ("recoverability", self.recoverability),
                            ("recovery", self.recovery)]:
            self._row(ff, key, widget)
        inner = QWidget(self)
        il = QVBoxLayout(inner)
        il.addWidget(self.heading)
        il.addWidget(self.intro)
        il.addLayout(form)
        il.addWidget(self.final_box)
        il.addWidget(self.purposes_box)
        il.addWidget(self.consent)
        il.addWidget(self.problems)
        il.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.submit_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll, 1)
        lay.addLayout(buttons)

        self.submit_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.cancelled)
        self.asset_add.clicked.connect(self.add_asset)
        self.asset_remove.clicked.connect(self.remove_asset)
        self._fill_picks()
        self.retranslate()

    def _row(self, form: QFormLayout, key: str, widget: QWidget) -> None:
        label = QLabel(self)
        label.setBuddy(widget)
        self.labels[key] = label
        form.addRow(label, widget)

    # -- filling ----------------------------------------------------------------------------
    def _fill_picks(self) -> None:
        lang = current_language()
        for name, box in self.picks.items():
            keep = box.currentData()
            box.clear()
            for value, text in choices(name, lang):
                box.addItem(text, value)
            if keep is not None:
                box.setCurrentIndex(max(0, box.findData(keep)))
        for box, pairs in ((self.asset_kind, asset_choices(lang)),
                           (self.recoverability, recoverability_choices(lang))):
            keep = box.currentData()
            box.clear()
            if box is self.recoverability:
                box.addItem(self.tr("Choose…"), "")
            for value, text in pairs:
                box.addItem(text, value)
            if keep is not None:
                box.setCurrentIndex(max(0, box.findData(keep)))
        for value, text in purpose_choices(lang):
            self.purposes[value].setText(text)
            self.purposes[value].setAccessibleName(text)
        self._show_assets()

    def start(self, prefill: dict[str, Any], floor: Label | None = None) -> None:
        """A follow-up from ``prefill`` (``Backend.report_follow_up_prefill``); ``floor`` is
        the thread's label: the new report may not be marked lower."""
        self.prefill = dict(prefill)
        self.stage = str(prefill.get("stage", "update"))
        f = form_from_follow_up(prefill)
        self.summary.setPlainText(f.summary)
        for name, box in self.picks.items():
            box.setCurrentIndex(max(0, box.findData(getattr(f, name))))
        self.cves.setText(", ".join(f.cves))
        self.techniques.setText(", ".join(f.techniques))
        self.indicators.setPlainText(indicator_lines(f))
        self.assets = list(f.assets)
        self._show_assets()
        self.root_cause.setPlainText(f.root_cause)
        self.mitigations.setPlainText("\n".join(f.mitigations))
        self.recoverability.setCurrentIndex(max(0, self.recoverability.findData(
            f.recoverability)))
        self.recovery.setPlainText(f.recovery)
        for value, cb in self.purposes.items():
            cb.setChecked(value in f.purposes)
        self.consent.setChecked(False)
        self.problems.clear()
        top = self.ctx.policy.levels[-1].key
        ceiling = Label(top, self.ctx.policy.compartment_keys(), TLP.RED)
        self.picker.configure(self.ctx.identity.clearance, ceiling, self.ctx.roles,
                              source=floor)
        try:
            wanted = self.ctx.policy.parse_label(f.label)
        except ValueError:
            wanted = None
        if wanted is not None:
            self.picker.set_label(wanted)
        self.final_box.setVisible(self.stage == "final")
        self._set_heading()
        self._set_busy(False)
        self.summary.setFocus()

    def _set_heading(self) -> None:
        rid = str(self.prefill.get("thread_id", ""))
        if self.stage == "final":
            self.heading.setText(self.tr("Final report (最終報告) for %1").replace("%1", rid))
        else:
            self.heading.setText(self.tr("Update report (続報) for %1").replace("%1", rid))

    def add_asset(self) -> None:
        text = self.asset_text.text().strip()
        if not text:
            self.asset_text.setFocus()
            return
        self.assets.append((str(self.asset_kind.currentData()), self.asset_count.value(), text))
        self.asset_text.clear()
        self._show_assets()

    def remove_asset(self) -> None:
        row = self.asset_list.currentRow()
        if 0 <= row < len(self.assets):
            del self.assets[row]
            self._show_assets()

    def _show_assets(self) -> None:
        names = dict(asset_choices(current_language()))
        self.asset_list.clear()
        for kind, count, text in self.assets:
            self.asset_list.addItem(f"{names.get(kind, kind)} × {count}: {text}")

    def current_form(self) -> FollowUpForm:
        label = self.picker.current_label()
        return FollowUpForm(
            summary=self.summary.toPlainText(), label=label.canonical() if label else "",
            containment=str(self.picks["containment"].currentData()),
            functional_impact=str(self.picks["functional_impact"].currentData()),
            information_impact=str(self.picks["information_impact"].currentData()),
            safety_impact=str(self.picks["safety_impact"].currentData()),
            cves=parse_ids(self.cves.text(), "cve"),
            techniques=parse_ids(self.techniques.text(), "technique"),
            indicators=indicators_from_text(self.indicators.toPlainText()),
            purposes=tuple(v for v, cb in self.purposes.items() if cb.isChecked()),
            consent=self.consent.isChecked(), assets=tuple(self.assets),
            root_cause=self.root_cause.toPlainText(),
            mitigations=lines(self.mitigations.toPlainText()),
            recoverability=str(self.recoverability.currentData() or ""),
            recovery=self.recovery.toPlainText())

    def document(self) -> dict[str, Any]:
        return build_follow_up(self.prefill, self.current_form())

    # -- language ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        texts = {
            "summary": self.tr("What we know &now:"),
            "containment": self.tr("Co&ntainment:"),
            "functional_impact": self.tr("Impact on services:"),
            "information_impact": self.tr("Impact on information:"),
            "safety_impact": self.tr("Impact on safety:"),
            "cves": self.tr("CVEs (e.g. CVE-2024-21887):"),
            "techniques": self.tr("ATT&&CK techniques (e.g. T1190):"),
            "indicators": self.tr("Indicators (one per line):"),
            "assets": self.tr("Affected assets:"),
            "root_cause": self.tr("Root cause:"),
            "mitigations": self.tr("Mitigations (one per line):"),
            "recoverability": self.tr("Recoverability:"),
            "recovery": self.tr("Recovery:"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
            w = self.labels[key].buddy()
            if w is not None:
                w.setAccessibleName(re.sub(r"&(&?)", r"\1", text).rstrip(":"))
        self.intro.setText(self.tr("This report continues the incident's thread; it starts "
                                   "from what was reported last. A final report needs the "
                                   "incident contained or recovered and every impact "
                                   "known. It is encrypted for the intake staff only."))
        self.final_box.setTitle(self.tr("Final report"))
        self.asset_kind.setAccessibleName(self.tr("Asset kind"))
        self.asset_count.setAccessibleName(self.tr("How many"))
        self.asset_text.setAccessibleName(self.tr("Asset description"))
        self.asset_text.setPlaceholderText(self.tr("e.g. file servers at the head office"))
        self.asset_add.setText(self.tr("&Add asset"))
        self.asset_add.setAccessibleName(self.tr("Add asset"))
        self.asset_list.setAccessibleName(self.tr("Affected assets"))
        self.asset_remove.setText(self.tr("Remove"))
        self.asset_remove.setAccessibleName(self.tr("Remove the chosen asset"))
        self.indicators.setPlaceholderText("ipv4 198.51.100.7\ndomain bad.example")
        self.purposes_box.setTitle(self.tr("The centre may use this report for:"))
        self.consent.setText(self.tr("I &consent to these uses of this report"))
        self.consent.setAccessibleName(self.tr("I consent to these uses of this report"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the report"))
        self._set_busy(self._busy)
        self._fill_picks()
        if self.prefill:
            self._set_heading()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
