"""The label picker every compose uses: no free typing, only what the rules allow.

The choices come from :func:`client.ui.rules.allowed_labels` (clearance and room ceiling)
narrowed by :func:`client.ui.rules.derived_choices` when the text derives from marked content
(quote, forward, paste). They form a product of per-axis ranges, so the picker shows one
control per axis — level, compartments, TLP — and every combination it can produce is a
choice; anything else is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from client.ui.i18n import current_language
from client.ui.marks import PortionChip
from client.ui.rules import (
    WriteDown,
    allowed_labels,
    default_choice,
    derived_choices,
    label_sort_key,
    write_down,
)
from intel.markings import TLP, Clearance, Label, Policy

__all__ = ["LabelPicker"]


class LabelPicker(QWidget):
    label_changed = Signal(object)  # Label | None

    def __init__(self, policy: Policy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        self._allowed: list[Label] = []
        self._choices: list[Label] = []
        self._source: Label | None = None
        self._roles: frozenset[str] = frozenset()
        self._current: Label | None = None
        self._updating = False

        self._caption = QLabel(self)
        self.level_box = QComboBox(self)
        self.tlp_box = QComboBox(self)
        for box in (self.level_box, self.tlp_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.comp_boxes: dict[str, QCheckBox] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        lay = QHBoxLayout()
        outer.addLayout(lay)
        lay.addWidget(self._caption)
        lay.addWidget(self.level_box)
        for comp in policy.compartments:
            cb = QCheckBox(comp.key, self)
            cb.toggled.connect(self._on_axis_changed)
            self.comp_boxes[comp.key] = cb
            lay.addWidget(cb)
        lay.addWidget(self.tlp_box)
        self.chip = PortionChip(policy, self)
        self.chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        lay.addWidget(self.chip)
        lay.addStretch(1)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        outer.addWidget(self.note)
        self._caption.setBuddy(self.level_box)
        self.level_box.currentIndexChanged.connect(self._on_axis_changed)
        self.tlp_box.currentIndexChanged.connect(self._on_axis_changed)
        self._retranslate()
        self._rebuild()

    # -- configuration --------------------------------------------------------------------
    def configure(
        self,
        clearance: Clearance,
        ceiling: Label | None,
        roles: Iterable[str] = (),
        source: Label | None = None,
    ) -> None:
        self._allowed = allowed_labels(self._policy, clearance, ceiling) if ceiling else []
        self._roles = frozenset(roles)
        self._source = source
        self._recompute()

    def set_source(self, source: Label | None) -> None:
        """Content marked ``source`` was quoted, forwarded or pasted into the compose."""
        self._source = source
        self._recompute()

    def raise_source(self, label: Label) -> None:
        """Add derived content: the floor becomes the bound of the old floor and ``label``."""
        from client.ui.rules import banner_label

        self.set_source(label if self._source is None
                        else banner_label(self._policy, [self._source, label]))

    @property
    def source(self) -> Label | None:
        return self._source

    def choices(self) -> list[Label]:
        return list(self._choices)

    def current_label(self) -> Label | None:
        return self._current

    def needs_downgrade(self) -> bool:
        return (self._source is not None and self._current is not None
                and write_down(self._policy, self._source, self._current, self._roles)
                is WriteDown.NEEDS_DOWNGRADE)

    def set_label(self, label: Label) -> bool:
        """Select ``label`` if it is a choice; returns whether it was."""
        if label not in self._choices:
            return False
        self._select(label)
        return True

    # -- internals ----------------------------------------------------------------------
    def _recompute(self) -> None:
        self._choices = derived_choices(self._policy, self._allowed, self._source, self._roles)
        self._rebuild()
        keep = self._current if self._current in self._choices else None
        if keep is not None and self._source is not None and self.needs_downgrade():
            keep = None  # a new floor moves the default up; lowering stays a deliberate act
        self._select(keep or default_choice(self._policy, self._choices, self._source))

    def _rebuild(self) -> None:
        self._updating = True
        try:
            levels = sorted({lb.level for lb in self._choices}, key=self._policy.rank)
            self.level_box.clear()
            for key in levels:
                self.level_box.addItem(self._policy.level(key).display(current_language()), key)
            comps = set().union(*(lb.compartments for lb in self._choices)) if self._choices \
                else set()
            for key, cb in self.comp_boxes.items():
                cb.setVisible(key in comps)
            tlps = sorted({lb.tlp for lb in self._choices}, key=lambda t: t.rank)
            self.tlp_box.clear()
            for t in tlps:
                self.tlp_box.addItem(f"TLP:{t.value}", t.value)
            enabled = bool(self._choices)
            for w in (self.level_box, self.tlp_box, *self.comp_boxes.values()):
                w.setEnabled(enabled)
        finally:
            self._updating = False

    def _select(self, label: Label | None) -> None:
        self._updating = True
        try:
            if label is not None:
                self.level_box.setCurrentIndex(self.level_box.findData(label.level))
                self.tlp_box.setCurrentIndex(self.tlp_box.findData(label.tlp.value))
                for key, cb in self.comp_boxes.items():
                    cb.setChecked(key in label.compartments)
            self._update_comp_enabled(label)
        finally:
            self._updating = False
        self._set_current(label)

    def _update_comp_enabled(self, label: Label | None) -> None:
        choices = set(self._choices)
        for key, cb in self.comp_boxes.items():
            if label is None:
                cb.setEnabled(False)
                continue
            toggled = Label(label.level, label.compartments ^ {key}, label.tlp,
                            label.releasable_to)
            cb.setEnabled(toggled in choices)

    def _on_axis_changed(self) -> None:
        if self._updating or not self._choices:
            return
        level = self.level_box.currentData()
        tlp_text = self.tlp_box.currentData()
        if level is None or tlp_text is None:
            return
        comps = frozenset(k for k, cb in self.comp_boxes.items() if cb.isChecked())
        rel = self._choices[0].releasable_to
        candidate = Label(str(level), comps, TLP.parse(str(tlp_text)), rel)
        if candidate in self._choices:
            self._select(candidate)
        else:
            # Never reachable through the controls; refuse and restore the last choice.
            self._select(self._current)

    def _set_current(self, label: Label | None) -> None:
        changed = label != self._current
        self._current = label
        self.chip.set_label(label)
        self._update_note()
        if changed:
            self.label_changed.emit(label)

    def _update_note(self) -> None:
        if not self._choices:
            if self._source is not None and self._allowed:
                self.note.setText(self.tr("The quoted content is marked above what you may "
                                          "post here."))
            else:
                self.note.setText(self.tr("You may not post here."))
        elif self.needs_downgrade():
            self.note.setText(self.tr("Below the marking of the quoted content: sending "
                                      "needs your confirmation and is recorded."))
        elif self._source is not None:
            self.note.setText(self.tr("Marked at least as high as the quoted content."))
        else:
            self.note.setText("")
        self.note.setHidden(not self.note.text())

    def sorted_choices(self) -> list[Label]:
        return sorted(self._choices, key=lambda lb: label_sort_key(self._policy, lb))

    def _retranslate(self) -> None:
        self._caption.setText(self.tr("&Marking:"))
        self.level_box.setAccessibleName(self.tr("Classification level"))
        self.tlp_box.setAccessibleName(self.tr("TLP"))
        for key, cb in self.comp_boxes.items():
            cb.setAccessibleName(self.tr("Compartment %1").replace("%1", key))
        self.setAccessibleName(self.tr("Label picker"))
        self.note.setAccessibleName(self.tr("Marking note"))
        if self._choices:
            current = self._current
            self._rebuild()
            self._select(current)
        else:
            self._update_note()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
