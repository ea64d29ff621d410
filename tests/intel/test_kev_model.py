"""The schema-free catalog loader keeps the typed checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intel.errors import FormatError
from intel.kev import load_catalog, load_catalog_model

DATA = Path(__file__).resolve().parents[1] / "data" / "kev" / "known_exploited_vulnerabilities.json"


def test_model_loader_agrees_with_the_full_loader_on_the_real_catalog() -> None:
    raw = DATA.read_bytes()
    assert load_catalog_model(raw) == load_catalog(raw)


def test_model_loader_still_refuses_a_broken_entry() -> None:
    doc = json.loads(DATA.read_bytes())
    doc["vulnerabilities"][0].pop("cveID")
    with pytest.raises(FormatError) as info:
        load_catalog_model(doc)
    assert any("cveID" in p for p in info.value.problems)
