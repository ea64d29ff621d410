"""The label picker widget offers only what the rules allow; no free typing."""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtWidgets import QComboBox

from client.ui.labelpicker import LabelPicker
from client.ui.rules import allowed_labels
from intel.markings import TLP, Clearance, Label, Policy


def L(text: str) -> Label:  # noqa: N802
    return Label.parse(text)


def reachable(picker: LabelPicker) -> set[Label]:
    """Every label a person can produce by operating the picker's controls."""
    seen: set[Label] = set()
    comps = [k for k, cb in picker.comp_boxes.items() if not cb.isHidden()]
    for li in range(picker.level_box.count()):
        for ti in range(picker.tlp_box.count()):
            for n in range(len(comps) + 1):
                for sub in itertools.combinations(comps, n):
                    picker.level_box.setCurrentIndex(li)
                    picker.tlp_box.setCurrentIndex(ti)
                    for k, cb in picker.comp_boxes.items():
                        if cb.isEnabled():
                            cb.setChecked(k in sub)
                    lb = picker.current_label()
                    if lb is not None:
                        seen.add(lb)
    return seen


def test_picker_offers_only_allowed_labels(qtbot: Any, policy: Policy) -> None:
    picker = LabelPicker(policy)
    qtbot.addWidget(picker)
    picker.show()
    writer = Clearance("w", "org-a", "CONFIDENTIAL", frozenset({"CYBER"}))
    ceiling = L("SECRET/CYBER,OT//TLP:AMBER")
    picker.configure(writer, ceiling)
    allowed = set(allowed_labels(policy, writer, ceiling))
    assert set(picker.choices()) == allowed
    levels = [picker.level_box.itemData(i) for i in range(picker.level_box.count())]
    assert levels == ["UNCLASSIFIED", "CONFIDENTIAL"]
    tlps = [picker.tlp_box.itemData(i) for i in range(picker.tlp_box.count())]
    assert tlps == ["CLEAR", "GREEN", "AMBER"]
    assert picker.comp_boxes["CYBER"].isVisible()
    assert not picker.comp_boxes["OT"].isVisible() and not picker.comp_boxes["FIN"].isVisible()
    assert not picker.level_box.isEditable() and not picker.tlp_box.isEditable()
    # Default: the lowest allowed label.
    assert picker.current_label() == L("UNCLASSIFIED//TLP:CLEAR")
    assert picker.chip.text() == "(U//TLP:CLEAR)"
    got = reachable(picker)
    assert got == allowed
    # Programmatic selection is refused outside the choices.
    assert not picker.set_label(L("SECRET//TLP:CLEAR"))
    assert not picker.set_label(L("CONFIDENTIAL//TLP:RED"))
    assert picker.set_label(L("CONFIDENTIAL/CYBER//TLP:AMBER"))
    assert picker.current_label() == L("CONFIDENTIAL/CYBER//TLP:AMBER")


def test_picker_with_source_refuses_lower_labels(qtbot: Any, policy: Policy) -> None:
    picker = LabelPicker(policy)
    qtbot.addWidget(picker)
    picker.show()
    writer = Clearance("w", "org-a", "SECRET", frozenset({"CYBER"}))
    source = L("CONFIDENTIAL/CYBER//TLP:AMBER")
    picker.configure(writer, L("SECRET/CYBER//TLP:RED"), source=source)
    assert picker.current_label() == source
    assert all(lb.level != "UNCLASSIFIED" for lb in picker.choices())
    assert all(lb.tlp.rank >= TLP.AMBER.rank for lb in picker.choices())
    assert not picker.comp_boxes["CYBER"].isEnabled()  # cannot drop the compartment
    assert not picker.set_label(L("UNCLASSIFIED//TLP:CLEAR"))
    assert not picker.needs_downgrade()
    assert "at least as high" in picker.note.text()
    for lb in reachable(picker):
        assert lb.level in ("CONFIDENTIAL", "SECRET") and "CYBER" in lb.compartments


def test_picker_with_downgrade_role_marks_lower_choice(qtbot: Any, policy: Policy) -> None:
    picker = LabelPicker(policy)
    qtbot.addWidget(picker)
    writer = Clearance("w", "org-a", "SECRET", frozenset({"CYBER"}), frozenset({"downgrade"}))
    source = L("SECRET/CYBER//TLP:AMBER")
    picker.configure(writer, L("SECRET/CYBER//TLP:RED"), writer.roles, source=source)
    assert picker.current_label() == source  # the default still dominates the source
    assert picker.set_label(L("UNCLASSIFIED//TLP:CLEAR"))
    assert picker.needs_downgrade()
    assert "recorded" in picker.note.text()


def test_picker_empty_when_source_above_ceiling(qtbot: Any, policy: Policy) -> None:
    picker = LabelPicker(policy)
    qtbot.addWidget(picker)
    writer = Clearance("w", "org-a", "SECRET")
    picker.configure(writer, L("CONFIDENTIAL//TLP:RED"), source=L("SECRET//TLP:AMBER"))
    assert picker.choices() == [] and picker.current_label() is None
    assert not picker.level_box.isEnabled()
    assert isinstance(picker.level_box, QComboBox)
    assert "above what you may post" in picker.note.text()
