"""Sending a report form's document: shared by the quick report and the follow-up forms.

A mixin placed before ``QWidget`` in a form's bases; the form provides the widgets named
below, a ``submitted`` signal and ``document()``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from client.ui.backend import BackendError
from client.ui.i18n import current_language
from client.ui.report_rules import report_problems

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel, QPushButton

    from client.ui.page import UiContext


class ReportSending:
    if TYPE_CHECKING:
        ctx: UiContext
        problems: QLabel
        submit_button: QPushButton
        submitted: Any  # Signal(str): the report id
        _busy: bool

        def tr(self, sourceText: str, /, disambiguation: str | None = ..., n: int = ...
               ) -> str: ...
        def document(self) -> dict[str, Any]: ...

    def submit(self) -> None:
        if self._busy:
            return
        doc = self.document()
        problems = report_problems(doc)
        if problems:
            self.problems.setText(self.tr("Please fix before sending:") + "\n• "
                                  + "\n• ".join(problems))
            return
        self.problems.clear()
        self._set_busy(True)
        backend = self.ctx.backend
        self.ctx.runner.submit(lambda: backend.submit_report(doc), self._sent, self._failed)

    def _sent(self, report_id: str) -> None:
        self._set_busy(False)
        self.submitted.emit(report_id)

    def _failed(self, err: BackendError) -> None:
        self._set_busy(False)
        msg = err.message_ja if current_language() == "ja" else str(err)
        self.problems.setText(self.tr("Not sent: %1").replace("%1", msg))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.submit_button.setEnabled(not busy)
        self.submit_button.setText(self.tr("Sending…") if busy else self.tr("&Send report"))
        self.submit_button.setAccessibleName(self.tr("Send report"))
