"""Advisories and briefs end to end: one envelope per label, so a reader never receives a key
or a ciphertext above their clearance; the official mark only for a publisher's advisory;
acknowledgements reach the author."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from crypto.envelope import new_header, seal_group
from crypto.groupkeys import KeyDelivery, new_epoch_key, seal_epoch_key
from intel.documents import parse_document
from store import audit, kv, search
from store import items as store_items
from store import keys as store_keys
from sync import flows, ingest
from sync.compose import SendError
from sync.content import Content
from sync.engine import ServerRefused
from sync.wire import CHANNEL_ADVISORIES, CHANNEL_BRIEFS, SyncResponse

ANNEX = "SECRET/CYBER//TLP:AMBER"
CONF = "CONFIDENTIAL//TLP:AMBER"


def _outbox(person: Any) -> list[dict[str, Any]]:
    rows = person.s.conn.execute("SELECT payload FROM outbox ORDER BY created_ms, rowid")
    return [json.loads(bytes(r[0])) for r in rows]


def _holds(person: Any, word: str) -> bool:
    rows = person.s.conn.execute("SELECT title, body, coalesce(payload, '') FROM items")
    in_items = any(word in "".join(r) for r in rows)
    in_settings = any(word in v for v in kv.list_settings(person.s.conn).values())
    return in_items or in_settings


def test_executive_never_receives_the_annex_analyst_sees_everything(
        cast: Any, world: Any, make_advisory: Any, doc_id: str) -> None:
    pub, ex, an = cast.publisher, cast.executive, cast.analyst
    published = flows.publish_advisory(pub.e, make_advisory(doc_id))
    assert [label for label, _ in published.parts] == [
        "UNCLASSIFIED//TLP:CLEAR", "UNCLASSIFIED//TLP:GREEN", CONF, ANNEX]
    world.sync_all(cast.everyone(), rounds=2)

    original = parse_document(make_advisory(doc_id))
    full = flows.load_document(an.s, doc_id)
    assert full is not None and full.official
    assert full.document == original
    assert (full.parts_held, full.parts_total) == (4, 4)
    assert full.label.canonical() == ANNEX

    view = flows.load_document(ex.s, doc_id)
    assert view is not None and view.official
    assert [s.section_id for s in view.document.sections] == ["summary", "impact", "do", "cve"]
    assert (view.parts_held, view.parts_total) == (2, 4)
    assert view.label.canonical() == "UNCLASSIFIED//TLP:GREEN"
    # Not in the vault in any form, not searchable, and no key for those labels at all.
    for word in ("ANNEXCANARY", "annex-only.example", "203.0.113.7"):
        assert not _holds(ex, word), word
        assert search.search(ex.s.conn, word) == []
    assert store_keys.list_epoch_keys(ex.s.conn, CHANNEL_ADVISORIES, ANNEX) == []
    assert store_keys.list_epoch_keys(ex.s.conn, CHANNEL_ADVISORIES, CONF) == []
    assert {i.label for i in store_items.list_items(ex.s.conn, CHANNEL_ADVISORIES, 0, 1000)
            } <= {"UNCLASSIFIED//TLP:CLEAR", "UNCLASSIFIED//TLP:GREEN"}
    # The publisher never even addressed a key for those labels to the executive's device.
    for doc in _outbox(pub):
        if doc["path"] == "/v1/keys":
            for d in doc["body"]["deliveries"]:
                label = KeyDelivery.from_wire(d).header_unverified()["label"]
                if label in (ANNEX, CONF):
                    assert d["to"] != ex.device_id
    # The responder (CONFIDENTIAL) gets the indicators but not the SECRET annex.
    rview = flows.load_document(cast.responder.s, doc_id)
    assert rview is not None and [s.section_id for s in rview.document.sections] == [
        "summary", "impact", "do", "cve", "iocs"]
    # An executive view of the analyst's copy shows what an executive would see.
    exec_clearance = ex.s.cert.clearance
    preview = flows.load_document(an.s, doc_id, clearance=exec_clearance)
    assert preview is not None and [s.section_id for s in preview.document.sections] == [
        "summary", "impact", "do", "cve"]
    for p in cast.everyone():
        assert audit.list_security_events(p.s.conn) == [], p.user


def test_official_only_for_a_publishers_advisory(cast: Any, world: Any, make_advisory: Any,
                                                 doc_id: str) -> None:
    an, reader = cast.analyst, cast.responder
    # 1. The client refuses at once.
    with pytest.raises(SendError, match="publisher"):
        flows.publish_advisory(an.e, make_advisory(doc_id))
    with pytest.raises(SendError, match="publisher"):
        an.e.send(CHANNEL_ADVISORIES, "UNCLASSIFIED//TLP:CLEAR",
                  Content(kind="advisory", title="fake"))
    assert an.s.conn.execute("SELECT count(*) FROM outbox WHERE kind='envelope'"
                             ).fetchone()[0] == 0

    # 2. The server refuses a hand-made envelope.
    ek = new_epoch_key(CHANNEL_ADVISORIES, "UNCLASSIFIED//TLP:CLEAR", 7, an.device_id,
                       int(time.time() * 1000))
    fake = {"format": "renkei-document/1", "edition": "f" * 16, "part": 0, "parts": 1,
            "kind": "advisory", "document_id": doc_id, "version": 9,
            "header": {k: v for k, v in make_advisory(doc_id, version=9).items()
                       if k != "sections"},
            "sections": [{"index": 0, "section_id": "s", "kind": "executive_summary",
                          "label": "UNCLASSIFIED//TLP:CLEAR", "body": "FORGEDCANARY"}]}
    content = Content(kind="advisory", title="forged", body="FORGEDCANARY", doc=fake,
                      thread=doc_id)
    header = new_header(room=CHANNEL_ADVISORIES, sender=an.device_id, seq=1,
                        label="UNCLASSIFIED//TLP:CLEAR", epoch=ek.epoch,
                        created=int(time.time() * 1000), ctype=content.ctype)
    env = seal_group(header, content.encode(), ek.key, an.s.keys)
    with pytest.raises(ServerRefused) as refused:
        an.e.request("POST", "/v1/envelopes", body={"envelope": env.to_wire()})
    assert refused.value.code == "not_publisher"

    # 3. A malicious server delivering it anyway (with its key) gets it refused by ingest.
    [kd] = seal_epoch_key(ek, an.s.keys, [reader.s.cert])
    resp = SyncResponse.model_validate({"cursor": ingest.cursor(reader.s), "items": [
        {"pos": "1", "kind": "key", "key": kd.to_wire()},
        {"pos": "2", "kind": "envelope", "room": CHANNEL_ADVISORIES,
         "label": "UNCLASSIFIED//TLP:CLEAR", "envelope": env.to_wire()}]})
    res = ingest.apply_sync(reader.s, resp)
    assert res.stored == [] and len(res.rejected) == 1
    assert audit.list_security_events(reader.s.conn, kind="bad-key-delivery")
    assert flows.load_document(reader.s, doc_id) is None
    assert not _holds(reader, "FORGEDCANARY")

    # 4. The real one is official; a non-publisher's brief (even one calling itself an
    #    advisory on the briefs channel) never is.
    flows.publish_advisory(cast.publisher.e, make_advisory(doc_id))
    brief_id = doc_id + "-B"
    flows.send_brief(an.e, make_advisory(brief_id, kind="brief"))
    world.sync_all([cast.publisher, an, reader])
    real = flows.load_document(reader.s, doc_id)
    assert real is not None and real.official and real.author_user == cast.publisher.user
    brief = flows.load_document(reader.s, brief_id)
    assert brief is not None and not brief.official
    kinds = {v.document.document_id: v.official for v in flows.list_documents(reader.s)}
    assert kinds[doc_id] is True and kinds[brief_id] is False


def test_brief_to_named_people_and_acknowledgements(cast: Any, world: Any, make_advisory: Any,
                                                    doc_id: str) -> None:
    an, resp, ex, other = cast.analyst, cast.responder, cast.executive, cast.desk
    brief = make_advisory(doc_id, kind="brief")
    published = flows.send_brief(an.e, brief, users=[resp.user, ex.user])
    assert len(published.parts) == 4
    world.sync_all([an, resp, ex, other])
    # Each named reader has the parts they are cleared for; someone not named has nothing.
    rv = flows.load_document(resp.s, doc_id)
    ev = flows.load_document(ex.s, doc_id)
    assert rv is not None and ev is not None
    assert [s.section_id for s in rv.document.sections][-1] == "iocs"
    assert [s.section_id for s in ev.document.sections] == ["summary", "impact", "do", "cve"]
    assert flows.load_document(other.s, doc_id) is None
    assert store_items.list_thread(other.s.conn, doc_id) == []
    assert not _holds(ex, "ANNEXCANARY") and not _holds(resp, "ANNEXCANARY")
    # The author's own copy is whole.
    mine = flows.load_document(an.s, doc_id)
    assert mine is not None and mine.mine and len(mine.document.sections) == 6

    assert flows.acknowledgements(an.s, doc_id) == {}
    t_resp = flows.acknowledge_document(resp.e, doc_id)
    assert flows.acknowledge_document(resp.e, doc_id) == t_resp  # repeated: the first time
    flows.acknowledge_document(ex.e, doc_id)
    assert flows.my_acknowledgement(resp.s, doc_id) == t_resp
    assert not flows.ack_pending(resp.s, doc_id)
    with pytest.raises(flows.FlowError, match="wrote"):
        flows.acknowledge_document(an.s, doc_id)
    world.sync_all([an, resp, ex])
    acks = flows.acknowledgements(an.s, doc_id)
    assert sorted(acks) == sorted([resp.user, ex.user])

    # Naming someone not cleared for the header sends nothing at all.
    before = an.s.conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    secret_header = make_advisory(doc_id + "-S", kind="brief", header_label=ANNEX,
                                  sections=[brief["sections"][-1]])
    with pytest.raises(SendError, match="not cleared"):
        flows.send_brief(an.e, secret_header, users=[ex.user])
    with pytest.raises(SendError, match="unknown"):
        flows.send_brief(an.e, brief, users=["nobody-at-all"])
    assert an.s.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == before


def test_brief_to_an_organisation_and_by_channel(cast: Any, world: Any, make_advisory: Any,
                                                 doc_id: str) -> None:
    an, ex, resp = cast.analyst, cast.executive, cast.responder
    flows.send_brief(cast.publisher.e, make_advisory(doc_id, kind="brief"), orgs=["org-a"])
    on_channel = doc_id + "-C"
    flows.send_brief(cast.publisher.e, make_advisory(on_channel, kind="brief"))
    world.sync_all([cast.publisher, an, ex, resp])
    assert flows.load_document(an.s, doc_id) is not None  # org-a
    assert flows.load_document(ex.s, doc_id) is not None  # org-a
    assert flows.load_document(resp.s, doc_id) is None  # org-b
    chan = flows.load_document(resp.s, on_channel)
    assert chan is not None and chan.room == CHANNEL_BRIEFS
    assert [s.section_id for s in chan.document.sections][-1] == "iocs"
    with pytest.raises(SendError, match="organisation"):
        flows.send_brief(an.e, make_advisory(doc_id + "-X", kind="brief"), orgs=["no-such"])
    # TLP:RED portions go to named people only: refused on the channel, fine when named.
    red = make_advisory(doc_id + "-R", kind="brief")
    red["sections"].append({"section_id": "red", "kind": "technical_annex",
                            "label": "CONFIDENTIAL//TLP:RED", "body": "REDCANARY victims"})
    with pytest.raises(SendError, match="named people"):
        flows.send_brief(an.e, red)
    flows.send_brief(an.e, red, users=[resp.user])
    world.sync_all([an, resp, ex])
    got = flows.load_document(resp.s, doc_id + "-R")
    assert got is not None and got.document.sections[-1].section_id == "red"
    assert flows.load_document(ex.s, doc_id + "-R") is None


def test_header_above_a_section_is_never_written_down(cast: Any, world: Any,
                                                      make_advisory: Any, doc_id: str) -> None:
    doc = make_advisory(doc_id, header_label=CONF, title="CONFCANARY title")
    published = flows.publish_advisory(cast.publisher.e, doc)
    world.sync_all([cast.publisher, cast.executive, cast.responder])
    # The executive holds the unclassified sections but not the header: no document, and the
    # title is nowhere in their vault.
    assert flows.load_document(cast.executive.s, doc_id) is None
    assert not _holds(cast.executive, "CONFCANARY")
    assert any(label == "UNCLASSIFIED//TLP:CLEAR" for label, _ in published.parts)
    view = flows.load_document(cast.responder.s, doc_id)
    assert view is not None and view.document.title == "CONFCANARY title"


def test_cli_publish_show_brief_and_ack(cast: Any, world: Any, run: Any, as_user: Any,
                                        error: Any, make_advisory: Any, doc_id: str,
                                        tmp_path: Path) -> None:
    f = tmp_path / "advisory.json"
    f.write_text(json.dumps(make_advisory(doc_id)), encoding="utf-8")
    for p in cast.everyone():
        p.close()
    r = run(*as_user(cast.analyst), "advisory", "publish", f)
    error(r, 2, "publisher", "nothing was sent")
    r = run(*as_user(cast.publisher), "advisory", "publish", f)
    assert r.rc == 0, r.err
    assert r.out.strip() == doc_id and "4 part(s)" in r.err

    r = run(*as_user(cast.executive), "doc", "show", doc_id)
    assert r.rc == 0, r.err
    assert "OFFICIAL" in r.out and "ANNEXCANARY" not in r.out
    assert "==== UNCLASSIFIED//TLP:GREEN ====" in r.out or "TLP:GREEN" in r.out.splitlines()[0]
    assert "(UNCLASSIFIED//TLP:GREEN)" in r.out and "2 part(s)" in r.out
    r = run(*as_user(cast.analyst), "doc", "show", doc_id)
    assert r.rc == 0 and "ANNEXCANARY" in r.out and f"({ANNEX})" in r.out
    error(run(*as_user(cast.analyst), "doc", "show", "NO-SUCH-DOC"), 2, "no document")

    brief_id = doc_id + "-B"
    f.write_text(json.dumps(make_advisory(brief_id, kind="brief")), encoding="utf-8")
    error(run(*as_user(cast.analyst), "brief", "send", f), 2, "--to")
    r = run(*as_user(cast.analyst), "brief", "send", f, "--to", cast.responder.user)
    assert r.rc == 0, r.err
    r = run(*as_user(cast.responder), "ack", brief_id)
    assert r.rc == 0 and "Acknowledged" in r.out, r.err
    r = run(*as_user(cast.analyst), "doc", "show", brief_id)
    assert r.rc == 0 and "Acknowledged by" in r.out and cast.responder.user in r.out
    r = run(*as_user(cast.responder), "doc", "list")
    assert r.rc == 0 and brief_id in r.out and doc_id in r.out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(make_advisory(doc_id, header_label="NOPE//TLP:CLEAR",
                                            severity="apocalyptic")), encoding="utf-8")
    r = run(*as_user(cast.publisher), "advisory", "publish", bad)
    error(r, 2, "problem", "nothing was sent")
    assert "  severity:" in r.err and "  header_label:" in r.err
