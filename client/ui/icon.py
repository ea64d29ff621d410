"""The application icon, drawn in code so it needs no image plugin or data file at runtime
(packaging/renkei.svg is the same design for desktop integration)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

__all__ = ["app_icon"]


def _pixmap(size: int) -> QPixmap:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#1a3a5c"))
    p.drawRoundedRect(QRectF(2 * s, 2 * s, 60 * s, 60 * s), 12 * s, 12 * s)
    pen = QPen(QColor("#ffffff"))
    pen.setWidthF(5 * s)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QRectF(12 * s, 20 * s, 24 * s, 24 * s))
    pen.setColor(QColor("#f9a825"))
    p.setPen(pen)
    p.drawEllipse(QRectF(28 * s, 20 * s, 24 * s, 24 * s))
    # The white ring passes over the gold one at the top crossing: linked, not stacked.
    pen.setColor(QColor("#ffffff"))
    p.setPen(pen)
    p.drawArc(QRectF(12 * s, 20 * s, 24 * s, 24 * s), 25 * 16, 40 * 16)
    p.end()
    return pm


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addPixmap(_pixmap(size))
    return icon
