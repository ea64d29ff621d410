"""The exploited-vulnerability catalogs and the inventory: CISA's real catalog imported and
searched, the domestic catalog issued by a publisher, the executive's exposure figure."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from intel.errors import FormatError
from intel.kev import filter_entries, load_catalog
from store import search
from sync import flows
from sync.compose import SendError

TODAY = dt.date(2025, 9, 1)


@pytest.fixture(scope="module")
def kev_bytes(data_dir: Path) -> bytes:
    return (data_dir / "kev" / "known_exploited_vulnerabilities.json").read_bytes()


def test_import_the_real_catalog_browse_and_search(cast: Any, kev_bytes: bytes) -> None:
    s = cast.analyst.s
    r = flows.import_kev(s, kev_bytes)
    assert (r.source, r.count, r.added, r.updated, r.removed) == ("cisa", 1404, 1404, 0, 0)
    again = flows.import_kev(s, kev_bytes)
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    catalog = load_catalog(kev_bytes)
    held = flows.list_kev(s)
    assert len(held) == 1404 and {e.source for e in held} == {"cisa"}
    ms = flows.list_kev(s, vendor="microsoft")
    assert [e.entry.cveID for e in ms] == [
        e.cveID for e in filter_entries(catalog, vendor="Microsoft")]
    rw = flows.list_kev(s, ransomware=True, due_before=dt.date(2023, 1, 1))
    assert rw and all(e.entry.ransomware_known and e.entry.dueDate < dt.date(2023, 1, 1)
                      for e in rw)
    one = catalog.vulnerabilities[0]
    hits = search.search(s.conn, one.cveID)
    assert [h.item.item_id for h in hits] == [f"kev:cisa:{one.cveID}"]
    assert flows.kev_sources(s)["cisa"]["count"] == 1404

    # A newer catalog: one entry changed, one withdrawn.
    doc = json.loads(kev_bytes)
    doc["vulnerabilities"][0]["notes"] = "updated note"
    gone = doc["vulnerabilities"].pop(1)
    doc["count"] -= 1
    doc["catalogVersion"] = "9999.01.01"
    r = flows.import_kev(s, json.dumps(doc))
    assert (r.added, r.updated, r.removed, r.version) == (0, 1, 1, "9999.01.01")
    assert search.search(s.conn, gone["cveID"]) == []
    # A broken catalog changes nothing and lists its problems.
    doc["vulnerabilities"][0]["dueDate"] = "soon"
    with pytest.raises(FormatError) as exc:
        flows.import_kev(s, json.dumps(doc))
    assert any("dueDate" in p for p in exc.value.problems)
    assert len(flows.list_kev(s)) == 1403


def test_cli_kev_inspect_without_an_account(run: Any, error: Any, tmp_path: Path,
                                            data_dir: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("RENKEI_HOME", str(tmp_path / "no-account-here"))
    r = run("kev", "inspect", data_dir / "kev" / "known_exploited_vulnerabilities.json")
    assert r.rc == 0, r.err
    assert "Valid KEV catalog" in r.out and "1404" in r.out and "Microsoft" in r.out
    doc = json.loads((data_dir / "kev" / "known_exploited_vulnerabilities.json").read_bytes())
    doc["count"] = 3
    doc["vulnerabilities"][2]["cveID"] = "CVE-NOPE"
    del doc["vulnerabilities"][5]["product"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    r = run("kev", "inspect", bad)
    error(r, 2, "problem")
    assert "  count:" in r.err and "vulnerabilities[2].cveID" in r.err
    assert "vulnerabilities[5]" in r.err
    assert not (tmp_path / "no-account-here").exists()
    error(run("kev", "inspect", tmp_path / "missing.json"), 2, "no such file")


def test_domestic_catalog_from_the_publisher(cast: Any, world: Any, kev_bytes: bytes) -> None:
    catalog = load_catalog(kev_bytes)
    domestic = {"title": "Domestic KEV", "catalogVersion": "2025.09.01",
                "dateReleased": "2025-09-01T00:00:00.000Z", "count": 1404,
                "vulnerabilities": [v.model_dump(mode="json") for v in catalog.vulnerabilities]}
    with pytest.raises(SendError, match="publisher"):
        flows.publish_catalog(cast.analyst.s, domestic)
    ids = flows.publish_catalog(cast.publisher.e, domestic)
    assert len(ids) >= 2  # the whole catalog does not fit one envelope
    world.sync_all([cast.publisher, cast.executive])
    held = flows.domestic_catalog(cast.executive.s)
    assert held is not None
    got, issuer = held
    assert got.catalogVersion == "2025.09.01" and got.vulnerabilities == catalog.vulnerabilities
    assert issuer == cast.publisher.s.cert.display_name
    assert [e.source for e in flows.list_kev(cast.executive.s)][:1] == ["domestic"]
    assert len(flows.list_kev(cast.executive.s, source="domestic", vendor="Microsoft")) == len(
        filter_entries(catalog, vendor="Microsoft"))


def test_inventory_and_exposure(cast: Any, kev_bytes: bytes, data_dir: Path) -> None:
    s = cast.executive.s
    assert flows.get_inventory(s).products == []
    flows.import_kev(s, kev_bytes)
    inv, added = flows.import_sbom(s, (data_dir / "sbom" / "example-cyclonedx-1.5.json"
                                       ).read_bytes())
    assert added == len(inv.products) > 0
    inv = flows.add_product(s, "Microsoft", "Exchange Server", "2019")
    inv = flows.add_product(s, "Microsoft", "Exchange Server", "2019")  # kept once
    assert sum(p.product == "Exchange Server" and p.source == "manual"
               for p in inv.products) == 1
    ex = flows.inventory_exposure(s, TODAY)
    exchange = {e.cveID for e in filter_entries(load_catalog(kev_bytes), vendor="Microsoft",
                                                product="Exchange")}
    hits = {m.entry.cveID for m in flows.inventory_matches(s)}
    assert exchange <= hits
    assert ex.affected >= len(exchange) > 0
    with pytest.raises(FormatError):
        flows.import_sbom(s, b'{"bomFormat": "SPDX"}')
    with pytest.raises(FormatError):
        flows.add_product(s, "x", "")
    # An advisory naming an Exchange CVE affects us; one naming nothing known cannot say.
    cve = sorted(exchange)[0]
    doc = flows.validate_document({
        "kind": "advisory", "document_id": "ADV-X", "title": "t",
        "header_label": "UNCLASSIFIED//TLP:CLEAR", "severity": "high", "publisher": "p",
        "issued_at": "2025-09-01T00:00:00+00:00", "sections": [
            {"section_id": "c", "kind": "cves", "label": "UNCLASSIFIED//TLP:CLEAR",
             "cves": [cve]}]}, s.policy)
    answer, why = flows.affects_us(s, doc)
    assert answer == "yes" and cve in why


def test_cli_kev_and_inventory(cast: Any, run: Any, as_user: Any, data_dir: Path) -> None:
    kev = data_dir / "kev" / "known_exploited_vulnerabilities.json"
    cast.executive.close()
    me = as_user(cast.executive)
    r = run(*me, "kev", "import", kev)
    assert r.rc == 0 and "1404 entries" in r.out, r.err
    r = run(*me, "kev", "list", "--source", "cisa", "--vendor", "Microsoft", "--ransomware",
            "--json", "--limit", "0")
    assert r.rc == 0, r.err
    rows = [json.loads(line) for line in r.out.splitlines()]
    assert rows and all(x["vendorProject"] == "Microsoft"
                        and x["knownRansomwareCampaignUse"] == "Known" for x in rows)
    r = run(*me, "kev", "list", "--due-before", "not-a-date")
    assert r.rc == 2 and "--due-before" in r.err
    r = run(*me, "inventory", "add", "--vendor", "Microsoft", "--product", "Exchange Server")
    assert r.rc == 0, r.err
    r = run(*me, "inventory", "import-sbom", data_dir / "sbom" / "example-cyclonedx-1.5.json")
    assert r.rc == 0, r.err
    r = run(*me, "inventory", "show")
    assert r.rc == 0 and "Exchange Server" in r.out and "probably affect us" in r.out
    r = run(*me, "kev", "list", "--source", "cisa", "--affecting-us", "--limit", "0")
    assert r.rc == 0 and "Exchange" in r.out
