"""Per-sender sequence numbers: duplicates are stored once, gaps are shown.

Pure bookkeeping over integers; the vault persists the same facts (store.seqs). Missing
numbers are kept as ranges, so one envelope claiming a huge sequence number costs nothing.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

Seen = Literal["new", "duplicate"]


@dataclass
class SenderWindow:
    highest: int = 0
    # Disjoint, sorted, non-adjacent inclusive ranges of sequence numbers not yet seen.
    missing: list[tuple[int, int]] = field(default_factory=list)

    def observe(self, seq: int) -> Seen:
        if seq < 1:
            raise ValueError("sequence numbers start at 1")
        if seq > self.highest:
            if seq > self.highest + 1:
                self.missing.append((self.highest + 1, seq - 1))
            self.highest = seq
            return "new"
        i = bisect.bisect_right(self.missing, (seq, float("inf"))) - 1
        if i < 0:
            return "duplicate"
        lo, hi = self.missing[i]
        if not lo <= seq <= hi:
            return "duplicate"
        parts = [(a, b) for a, b in ((lo, seq - 1), (seq + 1, hi)) if a <= b]
        self.missing[i : i + 1] = parts
        return "new"

    def gaps(self) -> list[tuple[int, int]]:
        """Missing sequence numbers as inclusive ranges."""
        return list(self.missing)


@dataclass
class SequenceTracker:
    windows: dict[tuple[str, str], SenderWindow] = field(default_factory=dict)

    def observe(self, scope: str, sender: str, seq: int) -> Seen:
        return self.windows.setdefault((scope, sender), SenderWindow()).observe(seq)

    def gaps(self, scope: str) -> dict[str, list[tuple[int, int]]]:
        return {s: w.gaps() for (sc, s), w in self.windows.items() if sc == scope and w.missing}
