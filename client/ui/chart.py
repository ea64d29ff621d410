"""Advisories over time by severity: stacked weekly bars drawn with QPainter.

(QtCharts is not part of PySide6-Essentials.) The same figures are given to screen readers
as the widget's accessible description.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from client.ui.backend import SEVERITIES
from client.ui.models import severity_colour, severity_text
from client.ui.presentation import TrendBucket

__all__ = ["TrendChart"]


class TrendChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buckets: list[TrendBucket] = []
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._retranslate()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(480, 190)

    def set_buckets(self, buckets: Sequence[TrendBucket]) -> None:
        self.buckets = list(buckets)
        self._retranslate()
        self.update()

    def summary(self) -> str:
        """The chart as text: one phrase per week that had advisories."""
        parts = []
        for b in self.buckets:
            if b.total:
                counts = ", ".join(f"{severity_text(s)} {b.count(s)}" for s in SEVERITIES
                                   if b.count(s))
                parts.append(f"{b.start.isoformat()}: {counts}")
        return "; ".join(parts) or self.tr("No advisories in this period.")

    def _retranslate(self) -> None:
        self.setAccessibleName(self.tr("Advisories per week by severity"))
        self.setAccessibleDescription(self.summary())
        self.setToolTip(self.summary())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        fm = QFontMetrics(self.font())
        text_colour = pal.color(QPalette.ColorRole.Text)
        title = self.tr("Advisories per week by severity")
        p.setPen(text_colour)
        p.drawText(QRect(8, 4, self.width() - 16, fm.height()), Qt.AlignmentFlag.AlignLeft, title)

        # Legend on the right of the title line.
        x = self.width() - 8
        for sev in reversed(SEVERITIES):
            name = severity_text(sev)
            w = fm.horizontalAdvance(name)
            x -= w
            p.setPen(text_colour)
            p.drawText(QRect(x, 4, w, fm.height()), Qt.AlignmentFlag.AlignLeft, name)
            x -= 14
            p.fillRect(QRect(x, 4 + fm.height() // 2 - 5, 10, 10), QColor(severity_colour(sev)))
            x -= 10

        top = 8 + fm.height() + 6
        bottom = self.height() - fm.height() - 8
        left = 8 + fm.horizontalAdvance("000") + 6
        right = self.width() - 8
        if not self.buckets or bottom - top < 20:
            p.end()
            return
        peak = max(1, max(b.total for b in self.buckets))
        grid = pal.color(QPalette.ColorRole.Mid)
        p.setPen(grid)
        p.drawLine(left, bottom, right, bottom)
        p.drawLine(left, top, left, bottom)
        p.setPen(text_colour)
        p.drawText(QRect(0, top - fm.height() // 2, left - 4, fm.height()),
                   Qt.AlignmentFlag.AlignRight, str(peak))
        p.drawText(QRect(0, bottom - fm.height() // 2, left - 4, fm.height()),
                   Qt.AlignmentFlag.AlignRight, "0")
        n = len(self.buckets)
        slot = (right - left) / n
        bar_w = max(3, int(slot * 0.7))
        scale = (bottom - top) / peak
        label_every = max(1, int((fm.horizontalAdvance("00-00") + 8) / max(1.0, slot)) + 1)
        for i, b in enumerate(self.buckets):
            bx = int(left + i * slot + (slot - bar_w) / 2)
            y = bottom
            for sev in reversed(SEVERITIES):  # most severe on top
                h = int(round(b.count(sev) * scale))
                if h:
                    p.fillRect(QRect(bx, y - h, bar_w, h), QColor(severity_colour(sev)))
                    y -= h
            if i % label_every == 0 or i == n - 1:
                p.setPen(text_colour)
                p.drawText(QRect(int(left + i * slot) - 10, bottom + 2, int(slot) + 20,
                                 fm.height()), Qt.AlignmentFlag.AlignHCenter,
                           b.start.strftime("%m-%d"))
        p.end()
