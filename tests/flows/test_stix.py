"""STIX export for an audience (valid under the OASIS validator, never more than the audience
may have), STIX import as labelled local items, ``renkei stix inspect``, and TAXII push and
pull against medallion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intel.errors import LabelError
from intel.markings import TLP
from intel.stix_export import exported_tlps
from intel.stix_import import inspect_bundle
from store import items as store_items
from store import search
from sync import flows
from sync.taxii import TaxiiRefused

STIX_FILES = sorted((Path(__file__).resolve().parents[1] / "data" / "stix").glob("*.json"))


def _text(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, ensure_ascii=False)


def test_export_validates_and_holds_only_what_the_audience_may_have(
        cast: Any, world: Any, make_advisory: Any, doc_id: str, validate_stix: Any) -> None:
    an, ex = cast.analyst, cast.executive
    flows.publish_advisory(cast.publisher.e, make_advisory(doc_id))
    world.sync_all([cast.publisher, an, ex])

    public = flows.export_document_stix(an.s, doc_id, flows.audience_for(an.s, "public"))
    community = flows.export_document_stix(an.s, doc_id, flows.audience_for(an.s, "community"))
    own_org = flows.export_document_stix(
        an.s, doc_id, flows.audience_for(an.s, "org:org-a", level="SECRET",
                                         compartments=["CYBER"]))
    for bundle in (public, community, own_org):
        assert validate_stix(bundle) == []
    assert exported_tlps(public) == {TLP.CLEAR}
    assert exported_tlps(community) == {TLP.CLEAR, TLP.GREEN}
    for bundle in (public, community):
        text = _text(bundle)
        assert "ANNEXCANARY" not in text and "annex-only.example" not in text
        assert "203.0.113.7" not in text
    assert "GREENCANARY" not in _text(public) and "GREENCANARY" in _text(community)
    # Within the analyst's own organisation, cleared alike: the AMBER annex may go.
    assert "ANNEXCANARY" in _text(own_org) and TLP.AMBER in exported_tlps(own_org)
    # Another organisation does not get AMBER (no client relationship known).
    other = flows.export_document_stix(
        an.s, doc_id, flows.audience_for(an.s, "org:org-b", level="SECRET",
                                         compartments=["CYBER"]))
    assert validate_stix(other) == [] and "ANNEXCANARY" not in _text(other)

    # The executive never held the annex, so even an export for their own organisation at
    # SECRET cannot contain it.
    mine = flows.export_document_stix(ex.s, doc_id, flows.audience_for(
        ex.s, "org:org-a", level="SECRET", compartments=["CYBER"]))
    assert validate_stix(mine) == [] and "ANNEXCANARY" not in _text(mine)

    # Nothing shareable at all: refused, nothing exported.
    secret_only = make_advisory(doc_id + "-S", header_label="SECRET/CYBER//TLP:AMBER",
                                sections=[make_advisory(doc_id)["sections"][-1]])
    flows.publish_advisory(cast.publisher.e, secret_only)
    world.sync_all([cast.publisher, an])
    with pytest.raises(LabelError, match="nothing was exported"):
        flows.export_document_stix(an.s, doc_id + "-S", flows.audience_for(an.s, "public"))


def test_export_room_items(cast: Any, world: Any, validate_stix: Any) -> None:
    an, resp = cast.analyst, cast.responder
    an.sync()
    room = an.e.create_room("Joint", "SECRET//TLP:AMBER")
    an.e.invite(room, resp.user)
    world.sync_all([an, resp])
    clear = an.e.send_text(room, "UNCLASSIFIED//TLP:CLEAR", "CLEARCANARY scanning seen")
    amber = an.e.send_text(room, "CONFIDENTIAL//TLP:AMBER", "AMBERCANARY victim list")
    bundle = flows.export_items_stix(an.s, [clear, amber], flows.audience_for(an.s, "public"))
    assert validate_stix(bundle) == []
    assert "CLEARCANARY" in _text(bundle) and "AMBERCANARY" not in _text(bundle)
    with pytest.raises(flows.FlowError):
        flows.export_items_stix(an.s, ["f" * 32], flows.audience_for(an.s, "public"))


def test_import_bundles_as_labelled_items(cast: Any, make_advisory: Any, doc_id: str,
                                         world: Any) -> None:
    s = cast.responder.s
    for f in STIX_FILES:
        flows.import_stix(s, f.read_bytes())
    items = store_items.list_items(s.conn, flows.STIX_ROOM, 0, 1000)
    assert items and all(i.label.startswith("UNCLASSIFIED//TLP:") for i in items)
    assert search.search(s.conn, "indicator") or search.search(s.conn, "malicious")
    again = flows.import_stix(s, STIX_FILES[0].read_bytes())
    assert again.stored == 0 and again.unchanged >= 1

    # A Renkei export keeps its handling label through a round trip; what this device may
    # not read is not kept.
    flows.publish_advisory(cast.publisher.e, make_advisory(doc_id))
    world.sync_all([cast.publisher, cast.analyst])
    bundle = flows.export_document_stix(cast.analyst.s, doc_id, flows.audience_for(
        cast.analyst.s, "org:org-b", level="SECRET", compartments=["CYBER"]))
    r = flows.import_stix(cast.executive.s, bundle)
    labels = {i.label for i in store_items.list_items(cast.executive.s.conn, flows.STIX_ROOM,
                                                      0, 1000)}
    assert r.withheld == 0 and labels <= {"UNCLASSIFIED//TLP:CLEAR", "UNCLASSIFIED//TLP:GREEN"}
    own = flows.export_document_stix(cast.analyst.s, doc_id, flows.audience_for(
        cast.analyst.s, "org:org-a", level="SECRET", compartments=["CYBER"]))
    r = flows.import_stix(cast.executive.s, own)
    assert r.withheld >= 1  # the SECRET annex objects
    assert search.search(cast.executive.s.conn, "ANNEXCANARY") == []


@pytest.mark.parametrize("path", STIX_FILES, ids=[f.name for f in STIX_FILES])
def test_cli_stix_inspect_samples(run: Any, path: Path, tmp_path: Path,
                                  monkeypatch: Any) -> None:
    monkeypatch.setenv("RENKEI_HOME", str(tmp_path / "none"))
    r = run("stix", "inspect", path)
    assert r.rc == 0, r.err
    doc = json.loads(path.read_bytes())
    objects = doc["objects"] if doc.get("type") == "bundle" else [doc]
    assert f"{len(objects)} object(s)" in r.out
    for t in {o["type"] for o in objects}:
        assert f"  {t}: " in r.out
    expected = inspect_bundle(path.read_bytes())
    assert expected.markings and "Markings:" in r.out
    for mark, n in expected.markings.items():
        assert f"  {mark}: {n}" in r.out


def test_cli_stix_inspect_lists_every_problem(run: Any, error: Any, tmp_path: Path) -> None:
    bad = {"type": "bundle", "id": "bundle--nope", "objects": [
        {"type": "indicator", "spec_version": "2.0", "id": "indicator--x",
         "created": "yesterday", "pattern": "no brackets", "pattern_type": "stix"}]}
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(bad), encoding="utf-8")
    r = run("stix", "inspect", f)
    error(r, 2, "problem")
    for fragment in ("bundle: 'id'", "spec_version", "'created'", "valid_from", "[ ]"):
        assert fragment in r.err, fragment


def test_cli_stix_export_and_import(cast: Any, world: Any, run: Any, as_user: Any,
                                    error: Any, make_advisory: Any, doc_id: str,
                                    tmp_path: Path, validate_stix: Any) -> None:
    flows.publish_advisory(cast.publisher.e, make_advisory(doc_id))
    world.sync_all([cast.publisher, cast.analyst])
    cast.analyst.close()
    out = tmp_path / "public.json"
    r = run(*as_user(cast.analyst), "stix", "export", doc_id, "--audience", "public",
            "--out", out)
    assert r.rc == 0, r.err
    bundle = json.loads(out.read_bytes())
    assert validate_stix(bundle) == [] and "GREENCANARY" not in out.read_text("utf-8")
    error(run(*as_user(cast.analyst), "stix", "export", doc_id, "--audience", "martians",
              "--out", out), 2, "audience")
    r = run(*as_user(cast.analyst), "stix", "import", out)
    assert r.rc == 0 and "Imported" in r.out, r.err


def test_taxii_push_and_pull(cast: Any, world: Any, make_advisory: Any, doc_id: str,
                             taxii_server: dict[str, Any], run: Any, as_user: Any,
                             error: Any, tmp_path: Path) -> None:
    ts = taxii_server
    flows.publish_advisory(cast.publisher.e, make_advisory(doc_id))
    world.sync_all([cast.publisher, cast.analyst])
    # AMBER content is refused before anything is sent.
    amber = flows.export_document_stix(cast.analyst.s, doc_id, flows.audience_for(
        cast.analyst.s, "org:org-a", level="SECRET", compartments=["CYBER"]))
    with pytest.raises(TaxiiRefused):
        flows.taxii_push(ts["url"], ts["collection"], amber, auth=ts["auth"])
    before = flows.taxii_pull(cast.responder.s, ts["url"], ts["collection"], auth=ts["auth"],
                              from_start=True)
    assert "ANNEXCANARY" not in json.dumps([i.body for i in store_items.list_items(
        cast.responder.s.conn, flows.STIX_ROOM, 0, 1000)])

    # The CLI pushes the community's share of the document (CLEAR and GREEN).
    cast.analyst.close()
    r = run(*as_user(cast.analyst), "taxii", "push", ts["url"], "--collection",
            ts["collection"], "--doc", doc_id, "--user", ts["user"], "--password-file",
            ts["password_file"])
    assert r.rc == 0 and "accepted" in r.out, r.err
    amber_file = tmp_path / "amber.json"
    amber_file.write_text(json.dumps(amber), encoding="utf-8")
    r = run(*as_user(cast.analyst), "taxii", "push", ts["url"], "--collection",
            ts["collection"], "--file", amber_file, "--user", ts["user"], "--password-file",
            ts["password_file"])
    error(r, 2, "nothing was sent")
    r = run(*as_user(cast.analyst), "taxii", "push", ts["url"], "--collection",
            ts["collection"], "--file", amber_file, "--user", ts["user"])
    error(r, 2, "--password-file")

    pulled = flows.taxii_pull(cast.responder.s, ts["url"], ts["collection"], auth=ts["auth"])
    assert pulled.stored > 0 and pulled.by_tlp.keys() <= {"TLP:CLEAR", "TLP:GREEN"}
    assert before.stored + pulled.stored > 0
    assert search.search(cast.responder.s.conn, "GREENCANARY")
    assert "ANNEXCANARY" not in json.dumps([i.body for i in store_items.list_items(
        cast.responder.s.conn, flows.STIX_ROOM, 0, 1000)])
    # The cursor is kept: a second pull brings nothing new.
    again = flows.taxii_pull(cast.responder.s, ts["url"], ts["collection"], auth=ts["auth"])
    assert again.stored == 0 and again.updated == 0
