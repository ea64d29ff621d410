"""STIX 2.1 out and in, and TAXII 2.1 push and pull.

Export works on what this device holds: a document reassembled from the parts it received
(``sync.flows_docs.load_document``), or chosen room items; ``intel.stix_export`` then keeps
only what the audience may receive. Imported objects become local items in ``local:stix``,
each labelled from its normalised TLP (and, when the bundle came from a Renkei export, the
handling label its statement marking names, whichever is higher); nothing is stored that
this device could not read. TAXII carries TLP:CLEAR and TLP:GREEN only
(``sync.taxii.check_pushable`` refuses anything else before a byte is sent).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from intel.errors import LabelError
from intel.markings import TLP, Label, can_read, least_upper_bound
from intel.stix_export import Audience, RoomItem, export_bundle, export_items_bundle
from intel.stix_import import ImportedObject, import_bundle
from store import items as store_items
from store import kv
from store.models import NewItem
from store.vault import transaction
from sync.account import Session
from sync.flows_common import FlowError, lowest_clear, payload
from sync.flows_docs import load_document
from sync.taxii import Status, TaxiiClient

__all__ = ["STIX_ROOM", "StixImport", "audience_for", "export_document_stix",
           "export_items_stix", "import_stix", "taxii_push", "taxii_pull"]

STIX_ROOM = "local:stix"
_STATEMENT = "Handling label: "


@dataclass(frozen=True)
class StixImport:
    stored: int
    updated: int
    unchanged: int
    withheld: int  # labelled above what this device may read: not kept
    by_type: Mapping[str, int] = field(default_factory=dict)
    by_tlp: Mapping[str, int] = field(default_factory=dict)
    skipped: Mapping[str, int] = field(default_factory=dict)  # types not imported


def audience_for(session: Session, spec: str, *, level: str | None = None,
                 compartments: Iterable[str] = ()) -> Audience:
    """``public``, ``community`` or ``org:ORG`` (optionally with the organisation's level
    and compartments), judged from this user's organisation."""
    pol, org = session.policy, session.cert.org
    if spec == "public":
        return Audience.public(pol, org)
    if spec == "community":
        return Audience.community(pol, org)
    if spec.startswith("org:") and len(spec) > 4:
        return Audience.organisation(pol, org, spec[4:], level, frozenset(compartments))
    raise LabelError(f"unknown audience {spec!r}: use public, community or org:ORG")


def export_document_stix(session: Session, doc_id: str, audience: Audience) -> dict[str, Any]:
    """A STIX bundle of what ``audience`` may receive of the document this device holds.
    Raises LabelError when nothing of it may go to that audience."""
    view = load_document(session, doc_id)
    if view is None:
        raise FlowError(f"no document {doc_id} readable on this device; sync first")
    return export_bundle(view.document, audience)


def export_items_stix(session: Session, item_ids: Sequence[str], audience: Audience, *,
                      title: str = "Shared from Renkei") -> dict[str, Any]:
    """Chosen items (room messages, briefs, imported objects...) as one STIX report, keeping
    only those ``audience`` may receive."""
    items = []
    for item_id in item_ids:
        it = store_items.get_item(session.conn, item_id)
        if it is None or it.status != "ok" or it.kind in ("ack", "system"):
            raise FlowError(f"no readable item {item_id} on this device")
        text = "\n".join(x for x in (it.title, it.body) if x)
        items.append(RoomItem(
            item_id=it.item_id, label=it.label,
            author=(it.sender_name or it.sender_user or "unknown")[:200],
            posted_at=dt.datetime.fromtimestamp(it.created_ms / 1000, dt.UTC), text=text))
    now = dt.datetime.fromtimestamp(session.now(), dt.UTC)
    return export_items_bundle(items, audience, export_id="EXPORT-" + uuid.uuid4().hex[:12],
                               title=title, title_label=lowest_clear(session),
                               publisher=session.cert.org, published=now)


# -- import ---------------------------------------------------------------------------------
def _label(session: Session, obj: ImportedObject) -> Label:
    pol = session.policy
    labels = [obj.label(pol)]
    for st in obj.statements:
        if st.startswith(_STATEMENT):
            try:
                labels.append(pol.parse_label(st[len(_STATEMENT):].strip()))
            except LabelError:
                continue
    try:
        top = least_upper_bound(pol, labels)
    except LabelError:
        top = None
    return top or obj.label(pol)


def _item(session: Session, obj: ImportedObject, label: Label) -> NewItem:
    lines = [obj.description or ""]
    if obj.pattern:
        lines.append(obj.pattern)
    lines += list(obj.cves) + list(obj.techniques)
    when = obj.modified or obj.created
    data: dict[str, Any] = {"stix": dict(obj.raw), "tlp": obj.tlp.value,
                            "statements": list(obj.statements)}
    if obj.indicator is not None:
        data["indicator"] = obj.indicator.model_dump(mode="json")
    return NewItem(
        item_id=f"stix:{obj.stix_id}", room_id=STIX_ROOM, kind="message",
        sender_device="", sender_user="", sender_name="STIX",
        label=label.canonical(), content_type=f"stix/{obj.stix_type}"[:100],
        created_ms=int(when.timestamp() * 1000) if when else session.now_ms(),
        received_ms=session.now_ms(), title=(obj.name or obj.stix_type)[:500],
        body="\n".join(x for x in lines if x)[:500_000],
        payload=json.dumps(data, ensure_ascii=False))


def import_stix(session: Session, data: bytes | str | Mapping[str, Any], *,
                default_tlp: TLP = TLP.AMBER) -> StixImport:
    """Validate a bundle and keep its objects as local items (searchable, labelled).
    FormatError lists every problem; then nothing is stored. A newer version of an object
    (its ``modified``) replaces the one held."""
    bundle = import_bundle(data, default_tlp=default_tlp)
    stored = updated = unchanged = withheld = 0
    types: Counter[str] = Counter()
    tlps: Counter[str] = Counter()
    me = session.cert.clearance
    with transaction(session.conn):
        fresh = []
        for obj in bundle.objects:
            label = _label(session, obj)
            if not can_read(session.policy, me, label, [session.user_id]):
                withheld += 1
                continue
            item = _item(session, obj, label)
            held = store_items.get_item(session.conn, item.item_id)
            if held is not None:
                if payload(held).get("stix") == dict(obj.raw) and held.label == item.label:
                    unchanged += 1
                    continue
                store_items.delete_item(session.conn, item.item_id)
                updated += 1
            else:
                stored += 1
            fresh.append(item)
            types[obj.stix_type] += 1
            tlps[f"TLP:{obj.tlp.value}"] += 1
        store_items.insert_items(session.conn, fresh)
    return StixImport(stored, updated, unchanged, withheld, dict(types), dict(tlps),
                      dict(bundle.skipped))


# -- TAXII ----------------------------------------------------------------------------------
def _root(client: TaxiiClient, api_root: str | None) -> str:
    if api_root:
        return api_root
    d = client.discover()
    root = d.default or (d.api_roots[0] if d.api_roots else None)
    if root is None:
        raise FlowError("the TAXII server lists no API root; give one")
    return root


def taxii_push(server_url: str, collection_id: str, bundle: Mapping[str, Any], *,
               api_root: str | None = None, auth: tuple[str, str] | None = None,
               transport: httpx.BaseTransport | None = None) -> list[Status]:
    """Push a bundle's objects (TLP:CLEAR / TLP:GREEN only; TaxiiRefused otherwise, with
    nothing sent) and wait until the server has processed them."""
    objects = bundle.get("objects")
    if not isinstance(objects, list) or not objects:
        raise FlowError("the bundle holds no objects to push")
    with TaxiiClient(server_url, auth=auth, transport=transport) as client:
        root = _root(client, api_root)
        statuses = client.push(root, collection_id, objects)
        return [client.wait_for_status(root, s) for s in statuses]


def taxii_pull(session: Session, server_url: str, collection_id: str, *,
               api_root: str | None = None, auth: tuple[str, str] | None = None,
               transport: httpx.BaseTransport | None = None,
               from_start: bool = False) -> StixImport:
    """Fetch what the collection gained since the last pull and import it. The cursor
    (the server's ``X-TAXII-Date-Added-Last``) is kept per server and collection."""
    with TaxiiClient(server_url, auth=auth, transport=transport) as client:
        root = _root(client, api_root)
        name = f"taxii-cursor:{server_url}|{root}|{collection_id}"
        since = None if from_start else kv.get_setting(session.conn, name)
        page = client.get_objects(root, collection_id, added_after=since)
    result = StixImport(0, 0, 0, 0)
    if page.objects:
        bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}",
                  "objects": list(page.objects)}
        result = import_stix(session, bundle)
    if page.date_added_last:
        with transaction(session.conn):
            kv.set_setting(session.conn, name, page.date_added_last)
    return result
