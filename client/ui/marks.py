"""Classification banners and portion-mark chips, in the policy's colours."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from client.ui.i18n import current_language
from client.ui.rules import portion_mark
from intel.errors import LabelError
from intel.markings import Label, Policy

__all__ = ["ClassificationBanner", "PortionChip", "chip_colours", "chip_html", "paint_chip"]

_FALLBACK = ("#424242", "#ffffff")


def chip_colours(policy: Policy, label: Label | None) -> tuple[str, str]:
    if label is None:
        return _FALLBACK
    try:
        lv = policy.level(label.level)
    except LabelError:
        return _FALLBACK
    return lv.banner_bg, lv.banner_fg


def chip_html(policy: Policy, label: Label, lang: str | None = None) -> str:
    """The portion mark as an inline coloured span for rich-text views."""
    bg, fg = chip_colours(policy, label)
    text = html.escape(portion_mark(policy, label, lang or current_language()))
    return (f'<span style="background-color:{bg}; color:{fg}; font-weight:bold;">'
            f"&nbsp;{text}&nbsp;</span>")


def paint_chip(painter: QPainter, rect: QRect, policy: Policy, label: Label, text: str) -> QRect:
    """Draw a chip at the top-left of ``rect``; returns the rectangle it used."""
    bg, fg = chip_colours(policy, label)
    fm = QFontMetrics(painter.font())
    w = fm.horizontalAdvance(text) + 12
    h = fm.height() + 4
    chip = QRect(rect.left(), rect.top(), w, h)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(bg))
    painter.drawRoundedRect(chip, 4, 4)
    painter.setPen(QColor(fg))
    painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
    return chip


class ClassificationBanner(QFrame):
    """A full-width strip naming the highest label on screen, top and bottom of a window."""

    def __init__(self, policy: Policy, position: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        self._position = position  # "top" | "bottom"
        self.label_shown: Label | None = None
        self.setObjectName(f"banner_{position}")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._text = QLabel(self)
        self._text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self._text.font())
        font.setBold(True)
        self._text.setFont(font)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(self._text)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._retranslate()

    def text(self) -> str:
        return self._text.text()

    def colours(self) -> tuple[str, str]:
        pal = self.palette()
        return (pal.color(QPalette.ColorRole.Window).name(),
                pal.color(QPalette.ColorRole.WindowText).name())

    def set_label(self, label: Label) -> None:
        if label == self.label_shown:
            return
        self.label_shown = label
        self._refresh()

    def _refresh(self) -> None:
        if self.label_shown is None:
            return
        bg, fg = chip_colours(self._policy, self.label_shown)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor(bg))
        pal.setColor(QPalette.ColorRole.WindowText, QColor(fg))
        self.setPalette(pal)
        self._text.setPalette(pal)
        text = self._policy.banner_text(self.label_shown, current_language())
        self._text.setText(text)
        self.setAccessibleDescription(text)
        self._text.setAccessibleName(text)

    def _retranslate(self) -> None:
        self.setAccessibleName(self.tr("Classification banner (top)") if self._position == "top"
                               else self.tr("Classification banner (bottom)"))
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


class PortionChip(QLabel):
    """A portion mark as a small coloured label (forms, headers, quote previews)."""

    def __init__(self, policy: Policy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        self.label_shown: Label | None = None
        self.setAutoFillBackground(True)
        self.setMargin(2)
        self.hide()

    def set_label(self, label: Label | None) -> None:
        self.label_shown = label
        self._refresh()

    def _refresh(self) -> None:
        if self.label_shown is None:
            self.hide()
            return
        bg, fg = chip_colours(self._policy, self.label_shown)
        self.setStyleSheet(f"QLabel {{ background-color: {bg}; color: {fg}; font-weight: bold;"
                           " border-radius: 3px; padding: 1px 6px; }")
        text = portion_mark(self._policy, self.label_shown, current_language())
        self.setText(text)
        self.setAccessibleName(self.tr("Portion mark: %1").replace("%1", text))
        self.show()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._refresh()
        super().changeEvent(event)
