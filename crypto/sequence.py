"""Per-sender sequence numbers: duplicates are stored once, gaps are shown.

Pure bookkeeping over integers; the vault persists the same facts (store.sequences).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Seen = Literal["new", "duplicate"]


@dataclass
class SenderWindow:
    highest: int = 0
    missing: set[int] = field(default_factory=set)

    def observe(self, seq: int) -> Seen:
        if seq < 1:
            raise ValueError("sequence numbers start at 1")
        if seq > self.highest:
            self.missing.update(range(self.highest + 1, seq))
            self.highest = seq
            return "new"
        if seq in self.missing:
            self.missing.discard(seq)
            return "new"
        return "duplicate"

    def gaps(self) -> list[tuple[int, int]]:
        """Missing sequence numbers as inclusive ranges."""
        out: list[tuple[int, int]] = []
        for s in sorted(self.missing):
            if out and out[-1][1] == s - 1:
                out[-1] = (out[-1][0], s)
            else:
                out.append((s, s))
        return out


@dataclass
class SequenceTracker:
    windows: dict[tuple[str, str], SenderWindow] = field(default_factory=dict)

    def observe(self, scope: str, sender: str, seq: int) -> Seen:
        return self.windows.setdefault((scope, sender), SenderWindow()).observe(seq)

    def gaps(self, scope: str) -> dict[str, list[tuple[int, int]]]:
        return {s: w.gaps() for (sc, s), w in self.windows.items() if sc == scope and w.missing}
