"""Inventory from CycloneDX and by hand; which KEV entries affect it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from intel.errors import FormatError
from intel.inventory import (
    Inventory,
    MatchKind,
    Product,
    affected_count,
    affected_entries,
    exposure,
    inventory_from_cyclonedx,
    merge_inventories,
    product_key,
    vendor_key,
)
from intel.kev import Catalog, load_catalog


@pytest.fixture(scope="module")
def catalog(kev_bytes: bytes) -> Catalog:
    return load_catalog(kev_bytes)


@pytest.fixture(scope="module")
def sbom(data_dir: Path) -> bytes:
    return (data_dir / "sbom" / "example-cyclonedx-1.5.json").read_bytes()


def test_sbom_components_become_products(sbom: bytes) -> None:
    inv = inventory_from_cyclonedx(sbom, name="gateway")
    names = [p.product for p in inv.products]
    assert names == ["Example remote-access gateway", "log4j-core", "PAN-OS", "Exchange Server",
                     "left-pad", "git"]  # metadata component first, nested ones included
    by_name = {p.product: p for p in inv.products}
    assert by_name["PAN-OS"].vendor == "Palo Alto Networks, Inc."
    assert by_name["Exchange Server"].vendor == "Microsoft Corporation"  # from publisher
    assert by_name["log4j-core"].namespace == "org.apache.logging.log4j"
    assert all(p.source == "sbom" for p in inv.products)


def test_sbom_matches_known_exploited(sbom: bytes, catalog: Catalog) -> None:
    inv = inventory_from_cyclonedx(sbom)
    matches = affected_entries(catalog, inv)
    hit = {(m.product.product, m.entry.cveID) for m in matches}
    assert ("log4j-core", "CVE-2021-44228") in hit  # Apache Log4j2, found via the purl
    assert ("git", "CVE-2025-48384") in hit  # vendor unknown: the project is its own vendor
    assert any(p == "PAN-OS" for p, _ in hit)
    assert any(p == "Exchange Server" for p, _ in hit)
    assert not any(p in ("left-pad", "Example remote-access gateway") for p, _ in hit)
    assert affected_count(catalog, inv) == len(
        {m.entry.cveID for m in matches if m.kind is not MatchKind.VENDOR_WIDE})


def test_manual_inventory_and_match_kinds(catalog: Catalog) -> None:
    inv = Inventory(products=[
        Product(vendor="FORTINET, INC.", product="FortiOS", version="7.2"),
        Product(vendor="Microsoft", product="Exchange"),
    ])
    matches = affected_entries(catalog, inv)
    kinds = {(m.entry.vendorProject, m.entry.product, m.kind) for m in matches}
    assert ("Fortinet", "FortiOS", MatchKind.EXACT) in kinds
    assert ("Fortinet", "FortiOS and FortiProxy", MatchKind.PARTIAL) in kinds
    assert ("Fortinet", "Multiple Products", MatchKind.VENDOR_WIDE) in kinds
    assert ("Microsoft", "Exchange Server", MatchKind.PARTIAL) in kinds
    assert not any(m.entry.product == "Windows" for m in matches)
    narrow = affected_entries(catalog, inv, include_vendor_wide=False)
    assert all(m.kind is not MatchKind.VENDOR_WIDE for m in narrow)
    assert len(narrow) < len(matches)


def test_generic_words_alone_do_not_match(catalog: Catalog) -> None:
    inv = Inventory(products=[Product(vendor="Microsoft", product="Server")])
    assert affected_entries(catalog, inv, include_vendor_wide=False) == []
    assert affected_count(catalog, Inventory()) == 0


def test_normalisation() -> None:
    assert vendor_key("Palo Alto Networks, Inc.") == vendor_key("paloaltonetworks") == "paloalto"
    assert vendor_key("Cisco Systems") == vendor_key("cisco") == "cisco"
    assert vendor_key("Ｍｉｃｒｏｓｏｆｔ") == "microsoft"
    assert vendor_key("Pulse Secure") == "ivanti"
    assert product_key("Log4j2") == product_key("log4j-core") == "log4j"
    assert product_key("Microsoft Exchange Server", "microsoft") == "exchangeserver"


def test_exposure_for_the_executive(catalog: Catalog) -> None:
    inv = Inventory(products=[Product(vendor="Apache", product="Log4j")])
    today = dt.date(2025, 9, 1)
    summary = exposure(catalog, inv, today)
    assert summary.affected == affected_count(catalog, inv) >= 1
    assert summary.overdue == summary.affected  # Log4Shell was due in 2021
    assert summary.next_due is None


@pytest.mark.parametrize(("doc", "expected"), [
    ({"bomFormat": "SPDX"}, "bomFormat:"),
    ({"bomFormat": "CycloneDX", "components": {"name": "x"}}, "components: must be a list"),
    ({"bomFormat": "CycloneDX", "components": [{"version": "1"}, "x",
                                              {"name": "ok", "version": 5}]},
     "components[0].name: every component needs a name"),
])
def test_bad_sboms(doc: dict[str, object], expected: str) -> None:
    with pytest.raises(FormatError) as err:
        inventory_from_cyclonedx(json.dumps(doc))
    assert any(p.startswith(expected) for p in err.value.problems), err.value.problems


def test_bad_sbom_lists_every_problem() -> None:
    doc = {"bomFormat": "CycloneDX", "components": [{"version": "1"}, "x",
                                                    {"name": "ok", "version": 5}]}
    with pytest.raises(FormatError) as err:
        inventory_from_cyclonedx(json.dumps(doc))
    assert err.value.problems == [
        "components[1]: must be an object",
        "components[0].name: every component needs a name",
        "components[2].version: Input should be a valid string",
    ]


def test_merge_inventories(sbom: bytes) -> None:
    a = inventory_from_cyclonedx(sbom)
    b = Inventory(products=[Product(vendor="Example", product="Thing"), a.products[0]])
    merged = merge_inventories(a, b, name="all")
    assert len(merged.products) == len(a.products) + 1
