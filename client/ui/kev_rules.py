"""The exploited-vulnerability catalog browser's filters, as pure functions (no Qt)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from client.ui.presentation import DueStatus, due_status
from client.ui.values import KevRow

__all__ = ["KevFilter", "filter_rows", "kev_counts", "row_due"]


@dataclass(frozen=True)
class KevFilter:
    text: str = ""
    source: str = "all"  # "all", "domestic", or an imported source
    ransomware_only: bool = False
    affects_only: bool = False
    due: str = "any"  # "any" | "overdue" | "soon" (within 7 days or overdue)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def filter_rows(rows: Iterable[KevRow], f: KevFilter, today: dt.date) -> list[KevRow]:
    """Rows matching every criterion; newest first (date added), then CVE id."""
    words = _fold(f.text).split()
    out = []
    for r in rows:
        if f.source != "all" and r.source != f.source:
            continue
        if f.ransomware_only and not r.ransomware:
            continue
        if f.affects_only and not r.affects_us:
            continue
        status = row_due(r, today)
        if f.due == "overdue" and status != "overdue":
            continue
        if f.due == "soon" and status not in ("overdue", "soon"):
            continue
        if words:
            hay = _fold(" ".join((r.cve, r.vendor, r.product, r.name, r.description, r.notes)))
            if not all(w in hay for w in words):
                continue
        out.append(r)
    out.sort(key=lambda r: (r.added, r.cve), reverse=True)
    return out


def row_due(row: KevRow, today: dt.date) -> DueStatus:
    return due_status(row.due, today)


def kev_counts(rows: Iterable[KevRow], today: dt.date) -> dict[str, int]:
    """Figures for the header: total, affecting us, ransomware, overdue among ours."""
    rows = list(rows)
    ours = [r for r in rows if r.affects_us]
    return {"total": len(rows), "affects": len(ours),
            "ransomware": sum(r.ransomware for r in rows),
            "overdue_ours": sum(row_due(r, today) == "overdue" for r in ours)}
