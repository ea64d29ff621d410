"""The quick report (速報) form: done in under two minutes.

It opens prefilled (fresh id, times, the organisation and contact remembered from the last
report, safe defaults for everything not yet known) so a person decides only what kind of
incident it is, says what happened, and consents to the stated uses. Every problem is listed
at once before anything is sent.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDateTime, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
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

from client.ui.i18n import current_language
from client.ui.labelpicker import LabelPicker
from client.ui.page import UiContext
from client.ui.report_rules import (
    QuickReportForm,
    build_quick_report,
    choices,
    form_from_prefill,
    parse_indicator_lines,
    purpose_choices,
)
from client.ui.report_sending import ReportSending
from intel.markings import TLP, Label

__all__ = ["QuickReportPanel"]

_PICKS = ("sector", "category", "containment", "functional_impact", "information_impact",
          "safety_impact", "suspected_malicious")


class QuickReportPanel(ReportSending, QWidget):
    submitted = Signal(str)  # report id
    cancelled = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prefill: dict[str, Any] = {}
        self._busy = False

        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 3)
        self.heading.setFont(font)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.entity = QLineEdit(self)
        self.org_id = QLineEdit(self)
        self.contact_name = QLineEdit(self)
        self.contact_email = QLineEdit(self)
        self.contact_phone = QLineEdit(self)
        self.picks: dict[str, QComboBox] = {name: QComboBox(self) for name in _PICKS}
        self.summary = QPlainTextEdit(self)
        self.summary.setTabChangesFocus(True)
        self.summary.setMinimumHeight(90)
        self.detected = QDateTimeEdit(self)
        self.detected.setCalendarPopup(True)
        self.detected.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.picker = LabelPicker(ctx.policy, self)
        self.indicators = QPlainTextEdit(self)
        self.indicators.setTabChangesFocus(True)
        self.indicators.setMaximumHeight(70)
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

        self.form = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        rows: list[tuple[str, QWidget]] = [
            ("category", self.picks["category"]), ("summary", self.summary),
            ("detected", self.detected), ("containment", self.picks["containment"]),
            ("entity", self.entity), ("sector", self.picks["sector"]), ("org_id", self.org_id),
            ("contact_name", self.contact_name), ("contact_email", self.contact_email),
            ("contact_phone", self.contact_phone),
            ("functional_impact", self.picks["functional_impact"]),
            ("information_impact", self.picks["information_impact"]),
            ("safety_impact", self.picks["safety_impact"]),
            ("suspected_malicious", self.picks["suspected_malicious"]),
            ("marking", self.picker), ("indicators", self.indicators),
        ]
        for key, widget in rows:
            label = QLabel(self)
            label.setBuddy(widget)
            self.labels[key] = label
            self.form.addRow(label, widget)
        inner = QWidget(self)
        il = QVBoxLayout(inner)
        il.addWidget(self.heading)
        il.addWidget(self.intro)
        il.addLayout(self.form)
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
        self._fill_picks()
        self.retranslate()

    # -- filling ----------------------------------------------------------------------------
    def _fill_picks(self) -> None:
        lang = current_language()
        for name, box in self.picks.items():
            keep = box.currentData()
            box.clear()
            if name in ("category", "sector"):
                box.addItem(self.tr("Choose…"), "")
            for value, text in choices(name, lang):
                box.addItem(text, value)
            if keep is not None:
                box.setCurrentIndex(max(0, box.findData(keep)))
        for value, text in purpose_choices(lang):
            self.purposes[value].setText(text)
            self.purposes[value].setAccessibleName(text)

    def start(self, prefill: dict[str, Any]) -> None:
        """A new report from ``prefill`` (``Backend.report_prefill``)."""
        self.prefill = dict(prefill)
        f = form_from_prefill(prefill)
        self.entity.setText(f.entity_name)
        self.org_id.setText(f.org_id)
        self.contact_name.setText(f.contact_name)
        self.contact_email.setText(f.contact_email)
        self.contact_phone.setText(f.contact_phone)
        for name, box in self.picks.items():
            box.setCurrentIndex(max(0, box.findData(getattr(f, name, "") or "")))
        self.summary.clear()
        self.indicators.clear()
        when = QDateTime.fromString(f.detected_at[:19], "yyyy-MM-ddTHH:mm:ss")
        self.detected.setDateTime(when if when.isValid() else QDateTime.currentDateTime())
        for value, cb in self.purposes.items():
            cb.setChecked(value in f.purposes)
        self.consent.setChecked(False)
        self.problems.clear()
        top = self.ctx.policy.levels[-1].key
        ceiling = Label(top, self.ctx.policy.compartment_keys(), TLP.RED)
        self.picker.configure(self.ctx.identity.clearance, ceiling, self.ctx.roles)
        try:
            wanted = self.ctx.policy.parse_label(f.label)
        except ValueError:
            wanted = None
        if wanted is not None:
            self.picker.set_label(wanted)
        self.heading.setText(self.tr("Quick report (速報) %1").replace(
            "%1", str(prefill.get("report_id", ""))))
        self._set_busy(False)
        self.picks["category"].setFocus()

    def current_form(self) -> QuickReportForm:
        label = self.picker.current_label()
        detected = self.detected.dateTime().toOffsetFromUtc(
            self.detected.dateTime().offsetFromUtc()).toString(Qt.DateFormat.ISODate)
        return QuickReportForm(
            entity_name=self.entity.text(), sector=str(self.picks["sector"].currentData()),
            org_id=self.org_id.text(), contact_name=self.contact_name.text(),
            contact_email=self.contact_email.text(), contact_phone=self.contact_phone.text(),
            category=str(self.picks["category"].currentData()),
            summary=self.summary.toPlainText(), label=label.canonical() if label else "",
            detected_at=detected,
            containment=str(self.picks["containment"].currentData()),
            functional_impact=str(self.picks["functional_impact"].currentData()),
            information_impact=str(self.picks["information_impact"].currentData()),
            safety_impact=str(self.picks["safety_impact"].currentData()),
            suspected_malicious=str(self.picks["suspected_malicious"].currentData()),
            purposes=tuple(v for v, cb in self.purposes.items() if cb.isChecked()),
            consent=self.consent.isChecked(),
            indicators=parse_indicator_lines(self.indicators.toPlainText()))

    def document(self) -> dict[str, Any]:
        return build_quick_report(self.prefill, self.current_form())

    # -- language ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        texts = {
            "category": self.tr("What &happened (category):"),
            "summary": self.tr("What we know &now:"),
            "detected": self.tr("&Detected at:"),
            "containment": self.tr("Co&ntainment:"),
            "entity": self.tr("&Organisation:"),
            "sector": self.tr("Sec&tor:"),
            "org_id": self.tr("Organisation id (optional):"),
            "contact_name": self.tr("Contact &name:"),
            "contact_email": self.tr("Contact &email:"),
            "contact_phone": self.tr("Contact &phone:"),
            "functional_impact": self.tr("Impact on services:"),
            "information_impact": self.tr("Impact on information:"),
            "safety_impact": self.tr("Impact on safety:"),
            "suspected_malicious": self.tr("Suspected malicious:"),
            "marking": self.tr("Marking:"),
            "indicators": self.tr("Indicators (optional, one per line):"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
            w = self.labels[key].buddy()
            if w is not None:
                w.setAccessibleName(text.replace("&", "").rstrip(":"))
        self.intro.setText(self.tr("Send what you know now: a quick report takes under two "
                                   "minutes. Unknown impacts can stay \"unknown\"; follow up "
                                   "with an update report later. It is encrypted for the "
                                   "intake staff only."))
        self.summary.setPlaceholderText(self.tr("e.g. Ransom note on file servers at 08:40; "
                                                "operations continue on backup systems."))
        self.indicators.setPlaceholderText("ipv4 198.51.100.7\ndomain bad.example")
        self.purposes_box.setTitle(self.tr("The centre may use this report for:"))
        self.consent.setText(self.tr("I &consent to these uses of this report"))
        self.consent.setAccessibleName(self.tr("I consent to these uses of this report"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the report"))
        self._set_busy(self._busy)
        self._fill_picks()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
