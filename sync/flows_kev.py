"""Exploited-vulnerability catalogs (KEV format) and the product inventory.

- CISA's catalog (or any KEV-format file) is imported locally: one searchable item per entry
  in the local room ``local:kev``, labelled as public content. Importing a newer catalog
  updates changed entries and removes withdrawn ones; importing the same one changes nothing.
- The domestic catalog is issued by a publisher on ``channel:catalog`` (group mode), cut
  into parts that each fit one envelope; a reader puts the newest complete edition back
  together from a publisher-role sender.
- The inventory ("what do we run?") is a local setting; matching it against the catalogs
  gives the executive's figure (``intel.inventory.exposure``).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from intel.documents import Document
from intel.errors import FormatError
from intel.inventory import (
    Exposure,
    Inventory,
    Match,
    Product,
    affected_entries,
    exposure,
    inventory_from_cyclonedx,
    merge_inventories,
)
from intel.kev import Catalog, KevEntry, filter_entries, load_catalog, load_catalog_model
from intel.stix import problems_from_validation_error
from store import items as store_items
from store import kv
from store.models import NewItem
from store.vault import transaction
from sync import compose
from sync.account import Session
from sync.compose import SendError
from sync.content import Content
from sync.flows_common import (
    MAX_PART_BYTES,
    PUBLISHER_ROLE,
    Target,
    content_size,
    doc_of,
    flush,
    has_role,
    lowest_clear,
    parse_label,
    payload,
    room_items,
    session_of,
)
from sync.wire import CHANNEL_CATALOG

__all__ = ["KEV_ROOM", "KevImport", "CatalogEntry", "import_kev", "publish_catalog",
           "domestic_catalog", "catalog_entries", "list_kev", "get_inventory",
           "save_inventory", "add_product", "import_sbom", "inventory_matches",
           "inventory_exposure", "affects_us", "kev_sources", "KEV_FORMAT"]

KEV_ROOM = "local:kev"
KEV_FORMAT = "renkei-kev/1"
INVENTORY_SETTING = "inventory"
_META = "kev-meta:"
_CHUNK_BYTES = MAX_PART_BYTES // 2  # leaves room for the search text beside the entries


@dataclass(frozen=True)
class KevImport:
    source: str
    version: str
    count: int
    added: int
    updated: int
    removed: int


@dataclass(frozen=True)
class CatalogEntry:
    source: str  # "cisa" (or another imported source) or "domestic"
    entry: KevEntry


# -- local import ---------------------------------------------------------------------------
Answer = Literal["yes", "no", "unknown"]

def _entry_item(session: Session, source: str, version: str, e: KevEntry) -> NewItem:
    added = dt.datetime.combine(e.dateAdded, dt.time(), dt.UTC)
    data = e.model_dump(mode="json")
    return NewItem(
        item_id=f"kev:{source}:{e.cveID}", room_id=KEV_ROOM, kind="catalog",
        sender_device="", sender_user="", sender_name=f"KEV ({source})",
        label=lowest_clear(session).canonical(), content_type="application/kev+json",
        created_ms=int(added.timestamp() * 1000), received_ms=session.now_ms(),
        title=f"{e.cveID} {e.vendorProject} {e.product}: {e.vulnerabilityName}"[:500],
        body="\n".join(x for x in (e.shortDescription, e.requiredAction, e.notes) if x),
        payload=json.dumps({"kev": data, "source": source, "version": version},
                           ensure_ascii=False))


def import_kev(session: Session, data: bytes | str | Mapping[str, Any], *,
               source: str = "cisa") -> KevImport:
    """Validate a KEV-format catalog and store it locally as catalog items (searchable).
    FormatError lists every problem; then nothing changes."""
    if not source.isalnum():
        raise SendError("a catalog source is a short name of letters and digits, like 'cisa'")
    catalog = load_catalog(data)
    prefix = f"kev:{source}:"
    held: dict[str, dict[str, Any]] = {}
    for held_item in room_items(session, KEV_ROOM):
        if held_item.item_id.startswith(prefix):
            held[held_item.item_id] = payload(held_item).get("kev", {})
    added = updated = 0
    with transaction(session.conn):
        fresh = []
        wanted = set()
        for e in catalog.vulnerabilities:
            item = _entry_item(session, source, catalog.catalogVersion, e)
            wanted.add(item.item_id)
            old = held.get(item.item_id)
            if old == e.model_dump(mode="json"):
                continue
            if old is not None:
                store_items.delete_item(session.conn, item.item_id)
                updated += 1
            else:
                added += 1
            fresh.append(item)
        store_items.insert_items(session.conn, fresh)
        gone = sorted(set(held) - wanted)
        for item_id in gone:
            store_items.delete_item(session.conn, item_id)
        kv.set_setting(session.conn, _META + source, json.dumps({
            "title": catalog.title, "version": catalog.catalogVersion,
            "released": catalog.dateReleased.isoformat(), "count": catalog.count,
            "imported_ms": session.now_ms()}, ensure_ascii=False))
    return KevImport(source, catalog.catalogVersion, catalog.count, added, updated, len(gone))


def _local_entries(session: Session) -> list[CatalogEntry]:
    out = []
    for item in room_items(session, KEV_ROOM):
        p = payload(item)
        try:
            out.append(CatalogEntry(str(p.get("source", "?")),
                                    KevEntry.model_validate_json(json.dumps(p["kev"]))))
        except (KeyError, ValidationError, ValueError):
            continue
    return out


# -- domestic catalog -----------------------------------------------------------------------
def _chunks(entries: list[KevEntry]) -> list[list[dict[str, Any]]]:
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    for e in entries:
        d = e.model_dump(mode="json")
        n = len(json.dumps(d, ensure_ascii=False).encode()) + 2
        if chunks[-1] and size + n > _CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(d)
        size += n
    return chunks


def publish_catalog(target: Target, data: bytes | str | Mapping[str, Any], *,
                    label: str | None = None) -> list[str]:
    """Publisher: issue a domestic catalog (KEV format) on ``channel:catalog``, by default
    as public content. Returns the envelope ids (one per part); all are queued or none."""
    session = session_of(target)
    catalog = load_catalog(data)
    if PUBLISHER_ROLE not in session.cert.roles:
        raise SendError("only a publisher certificate may issue the domestic catalog")
    lab = parse_label(session, label) if label else lowest_clear(session)
    edition = secrets.token_hex(8)
    head = {"title": catalog.title, "catalogVersion": catalog.catalogVersion,
            "dateReleased": catalog.dateReleased.isoformat(), "count": catalog.count}
    chunks = _chunks(list(catalog.vulnerabilities))
    ids = []
    with transaction(session.conn):
        for n, chunk in enumerate(chunks):
            body = "\n".join(f"{v['cveID']} {v['vendorProject']} {v['product']}: "
                             f"{v['vulnerabilityName']}" for v in chunk)[:500_000]
            c = Content(kind="catalog", title=f"{catalog.title or 'KEV'} "
                        f"{catalog.catalogVersion}"[:500], body=body,
                        thread="kev:" + edition, sender_name=session.cert.display_name,
                        doc={"format": KEV_FORMAT, "edition": edition, "part": n,
                             "parts": len(chunks), "catalog": head, "vulnerabilities": chunk})
            content_size(c.encode())
            ids.append(compose.send_group(session, CHANNEL_CATALOG, lab.canonical(), c))
    flush(target)
    return ids


def domestic_catalog(session: Session) -> tuple[Catalog, str] | None:
    """The newest complete domestic catalog issued by a publisher, and who issued it."""
    editions: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    senders: dict[tuple[str, str], str] = {}
    order: dict[tuple[str, str], int] = {}
    for item in room_items(session, CHANNEL_CATALOG):
        if item.kind != "catalog" or item.status != "ok":
            continue
        if not has_role(session, item.sender_device, PUBLISHER_ROLE):
            continue
        doc = doc_of(item)
        if doc.get("format") != KEV_FORMAT or not isinstance(doc.get("part"), int):
            continue
        key = (str(doc.get("edition")), item.sender_user)
        editions.setdefault(key, {})[doc["part"]] = doc
        senders[key] = item.sender_name or item.sender_user
        order[key] = max(order.get(key, 0), item.created_ms)
    for key in sorted(editions, key=lambda k: order[k], reverse=True):
        parts = editions[key]
        total = max(int(d.get("parts", 0) or 0) for d in parts.values())
        if sorted(parts) != list(range(total)):
            continue  # incomplete: some part has not arrived yet
        head = parts[0]["catalog"]
        entries = [v for n in range(total) for v in parts[n]["vulnerabilities"]]
        try:
            # Schema-checked by the publisher's client before it was signed and sent.
            return (load_catalog_model({**head, "vulnerabilities": entries}),
                    senders[key])
        except FormatError:
            continue
    return None


# -- browsing -------------------------------------------------------------------------------
def catalog_entries(session: Session, source: str = "all") -> list[CatalogEntry]:
    """Entries of the imported catalogs and of the domestic one (``source``: "all",
    "domestic" or an import source like "cisa"), domestic first."""
    out: list[CatalogEntry] = []
    if source in ("all", "domestic"):
        dom = domestic_catalog(session)
        if dom is not None:
            out += [CatalogEntry("domestic", e) for e in dom[0].vulnerabilities]
    if source != "domestic":
        out += [e for e in _local_entries(session) if source in ("all", e.source)]
    return out


def list_kev(session: Session, *, source: str = "all", text: str | None = None,
             vendor: str | None = None, product: str | None = None,
             due_before: dt.date | None = None, added_since: dt.date | None = None,
             ransomware: bool | None = None) -> list[CatalogEntry]:
    """Catalog entries matching every criterion given (``intel.kev.filter_entries``)."""
    entries = catalog_entries(session, source)
    kept = filter_entries([e.entry for e in entries], text=text, vendor=vendor,
                          product=product, due_before=due_before, added_since=added_since,
                          ransomware=ransomware)
    ids = {id(e) for e in kept}
    return [e for e in entries if id(e.entry) in ids]


def kev_sources(session: Session) -> dict[str, dict[str, Any]]:
    """Imported catalogs: source → title, version, released, count, imported_ms."""
    out = {}
    for name, value in kv.list_settings(session.conn).items():
        if name.startswith(_META):
            try:
                out[name[len(_META):]] = json.loads(value)
            except ValueError:
                continue
    return out


# -- inventory ------------------------------------------------------------------------------
def get_inventory(session: Session) -> Inventory:
    raw = kv.get_setting(session.conn, INVENTORY_SETTING)
    if raw is None:
        return Inventory()
    try:
        return Inventory.model_validate_json(raw)
    except ValidationError:
        return Inventory()


def save_inventory(session: Session, inventory: Inventory) -> None:
    with transaction(session.conn):
        kv.set_setting(session.conn, INVENTORY_SETTING, inventory.model_dump_json())


def add_product(session: Session, vendor: str | None, product: str,
                version: str | None = None) -> Inventory:
    """Add a hand-entered product (kept once)."""
    try:
        p = Product.model_validate({"vendor": vendor or None, "product": product,
                                    "version": version or None, "source": "manual"})
    except ValidationError as exc:
        problems = problems_from_validation_error(exc)
        raise FormatError(f"the product has {len(problems)} problem(s)", problems) from None
    inv = merge_inventories(get_inventory(session), Inventory(products=[p]),
                            name=get_inventory(session).name)
    save_inventory(session, inv)
    return inv


def import_sbom(session: Session, data: bytes | str | Mapping[str, Any], *,
                replace: bool = False) -> tuple[Inventory, int]:
    """Add the components of a CycloneDX SBOM (or replace the SBOM-sourced part with them).
    Returns the new inventory and how many products it gained."""
    sbom = inventory_from_cyclonedx(data)
    old = get_inventory(session)
    keep = Inventory(name=old.name, products=[p for p in old.products
                                              if not (replace and p.source == "sbom")])
    inv = merge_inventories(keep, sbom, name=old.name)
    save_inventory(session, inv)
    return inv, len(inv.products) - len(keep.products)


def inventory_matches(session: Session) -> list[Match]:
    entries = [e.entry for e in catalog_entries(session)]
    unique = list({e.cveID: e for e in reversed(entries)}.values())
    return affected_entries(unique, get_inventory(session))


def inventory_exposure(session: Session, today: dt.date | None = None) -> Exposure:
    """How many exploited vulnerabilities (all catalogs) probably affect our products."""
    day = today or dt.datetime.fromtimestamp(session.now(), dt.UTC).date()
    entries = {e.entry.cveID: e.entry for e in reversed(catalog_entries(session))}
    return exposure(entries.values(), get_inventory(session), day)


def affects_us(session: Session, document: Document) -> tuple[Answer, str]:
    """("yes" | "no" | "unknown", why) for an advisory, from its CVEs, the catalogs held
    and the inventory. "unknown" whenever the answer would be a guess."""
    cves = sorted({c for s in document.sections for c in s.cves})
    inv = get_inventory(session)
    if not cves:
        return "unknown", "the advisory names no CVE"
    if not inv.products:
        return "unknown", "no product inventory on this device"
    entries: dict[str, KevEntry] = {}
    for e in catalog_entries(session):
        entries.setdefault(e.entry.cveID, e.entry)
    known = [entries[c] for c in cves if c in entries]
    hits = affected_entries(known, inv, include_vendor_wide=False)
    if hits:
        names = sorted({f"{m.entry.cveID} ({m.product.vendor or ''} {m.product.product})"
                        .replace("( ", "(") for m in hits})
        return "yes", "probably affected, check versions: " + ", ".join(names)
    if len(known) == len(cves):
        return "no", "none of the products in the inventory matches the advisory's CVEs"
    return "unknown", "some of the advisory's CVEs are in no catalog held here"
