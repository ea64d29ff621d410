"""KEV catalog: loading CISA's real catalog, problems, summary, domestic catalog, filters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from intel.errors import FormatError
from intel.kev import (
    Catalog,
    KevEntry,
    build_catalog,
    catalog_to_json,
    filter_entries,
    inspect_catalog,
    kev_schema,
    load_catalog,
    upsert_entry,
)


@pytest.fixture(scope="module")
def catalog(kev_bytes: bytes) -> Catalog:
    return load_catalog(kev_bytes)


def entry(**overrides: Any) -> KevEntry:
    data: dict[str, Any] = {
        "cveID": "CVE-2025-99999", "vendorProject": "Example Devices", "product": "Gateway OS",
        "vulnerabilityName": "Example Devices Gateway OS Authentication Bypass",
        "dateAdded": "2025-09-01", "shortDescription": "An authentication bypass.",
        "requiredAction": "Apply the vendor update.", "dueDate": "2025-09-22",
        "knownRansomwareCampaignUse": "Known", "notes": "Seen in domestic incidents.",
        "cwes": ["CWE-287"],
    }
    data.update(overrides)
    return KevEntry.model_validate_json(json.dumps(data))


def test_real_catalog_loads(catalog: Catalog) -> None:
    assert catalog.count == len(catalog.vulnerabilities) == 1404
    assert catalog.catalogVersion == "2025.08.25"
    assert catalog.dateReleased.tzinfo is not None
    first = catalog.entry("cve-2025-48384")
    assert first is not None and first.vendorProject == "Git"
    assert first.cwes == ["CWE-59", "CWE-436"]


def test_shipped_schema_is_cisas(data_dir: Path) -> None:
    cisa = json.loads((data_dir / "kev" / "known_exploited_vulnerabilities_schema.json")
                      .read_text("utf-8"))
    assert kev_schema() == cisa


def test_inspect_real_catalog(kev_bytes: bytes) -> None:
    result = inspect_catalog(kev_bytes)
    assert result.ok and result.summary is not None and result.problems == ()
    s = result.summary
    assert s.count == 1404
    assert s.ransomware_known == 293
    assert s.first_added == dt.date(2021, 11, 3)
    assert s.last_added == dt.date(2025, 8, 25)
    assert s.top_vendors[0] == ("Microsoft", 340)
    assert len(s.top_vendors) == 10


def test_every_problem_is_listed(kev_bytes: bytes) -> None:
    data = json.loads(kev_bytes)
    data["count"] = 5
    v = data["vulnerabilities"]
    v[0]["cveID"] = "CVE-1"
    v[1]["dueDate"] = "2025-02-30"
    del v[2]["product"]
    v[3]["knownRansomwareCampaignUse"] = "Maybe"
    v[4]["cwes"] = ["79"]
    v[6]["cveID"] = v[5]["cveID"]
    with pytest.raises(FormatError) as err:
        load_catalog(json.dumps(data))
    problems = err.value.problems
    for prefix in ("vulnerabilities[0].cveID:", "vulnerabilities[1].dueDate:",
                   "vulnerabilities[2]: 'product' is a required property",
                   "vulnerabilities[3].knownRansomwareCampaignUse:",
                   "vulnerabilities[4].cwes[0]:", "count: says 5",
                   "vulnerabilities: each CVE may appear once"):
        assert sum(p.startswith(prefix) for p in problems) == 1, (prefix, problems)
    assert len(problems) == 7
    inspected = inspect_catalog(json.dumps(data))
    assert not inspected.ok and inspected.summary is None
    assert list(inspected.problems) == problems


@pytest.mark.parametrize(("raw", "expected"), [
    (b"[]", "catalog: [] is not of type 'object'"),
    (b'{"catalogVersion": "1"}', "catalog: 'dateReleased' is a required property"),
    (b"not json", "KEV catalog is not valid JSON"),
])
def test_malformed_catalogs(raw: bytes, expected: str) -> None:
    with pytest.raises(FormatError) as err:
        load_catalog(raw)
    assert any(p.startswith(expected) for p in err.value.problems), err.value.problems
    assert not inspect_catalog(raw).ok


def test_domestic_catalog_round_trip(catalog: Catalog) -> None:
    released = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    older = catalog.vulnerabilities[100]
    domestic = build_catalog([older, entry()], version="2025.09.01", released=released)
    assert domestic.count == 2
    assert domestic.vulnerabilities[0].cveID == "CVE-2025-99999"  # newest first
    raw = catalog_to_json(domestic)
    data = json.loads(raw)
    assert data["dateReleased"] == "2025-09-01T00:00:00.000Z"
    assert list(data)[:4] == ["title", "catalogVersion", "dateReleased", "count"]
    again = load_catalog(raw)
    assert again == domestic
    updated = upsert_entry(again, entry(notes="Updated."), version="2025.09.02",
                           released=released + dt.timedelta(days=1))
    replaced = updated.entry("CVE-2025-99999")
    assert updated.count == 2 and replaced is not None and replaced.notes == "Updated."


def test_building_a_catalog_with_duplicates_fails(now: dt.datetime) -> None:
    with pytest.raises(FormatError, match="each CVE may appear once"):
        build_catalog([entry(), entry()], version="1", released=now)


def test_filters(catalog: Catalog) -> None:
    ms = filter_entries(catalog, vendor="ＭＩＣＲＯＳＯＦＴ")  # full-width input still matches
    assert len(ms) == 340
    assert len(filter_entries(catalog, vendor="microsoft", ransomware=True)) == len(
        [v for v in catalog.vulnerabilities
         if v.vendorProject == "Microsoft" and v.knownRansomwareCampaignUse == "Known"])
    exchange = filter_entries(catalog, vendor="Microsoft", product="exchange")
    assert exchange and all("Exchange" in v.product for v in exchange)
    log4j = filter_entries(catalog, text="log4j apache")
    assert {v.cveID for v in log4j} >= {"CVE-2021-44228"}
    due = dt.date(2022, 1, 1)
    assert all(v.dueDate < due for v in filter_entries(catalog, due_before=due))
    recent = filter_entries(catalog, added_since=dt.date(2025, 8, 1))
    assert recent and all(v.dateAdded >= dt.date(2025, 8, 1) for v in recent)
    assert filter_entries(catalog, text="no-such-thing-anywhere") == []
    assert len(filter_entries(catalog)) == 1404
