"""The product inventory ("what do we run?") and which KEV entries affect it.

Filled by hand or from a CycloneDX SBOM (plain JSON: ``components[].name/version/supplier/
publisher/manufacturer/group/cpe/purl``, nested components included). KEV entries name a
vendor and a product but no versions, so matching is by names after normalisation (case,
width, punctuation, company suffixes, a few aliases) and answers "probably affected, check the
version", never "certainly".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from intel.errors import FormatError
from intel.kev import Catalog, KevEntry, fold
from intel.stix import Bilingual, load_json, problems_from_validation_error

__all__ = ["Product", "Inventory", "MatchKind", "Match", "Exposure", "inventory_from_cyclonedx",
           "merge_inventories", "affected_entries", "affected_count", "exposure",
           "vendor_key", "product_key", "MAX_SBOM_BYTES"]

MAX_SBOM_BYTES = 50_000_000
MAX_COMPONENTS = 100_000


class Product(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, str_strip_whitespace=True)

    vendor: str | None = Field(default=None, min_length=1, max_length=200)
    product: str = Field(min_length=1, max_length=300)
    version: str | None = Field(default=None, max_length=100)
    namespace: str | None = Field(default=None, max_length=300)  # e.g. a Maven group
    cpe: str | None = Field(default=None, max_length=500)
    purl: str | None = Field(default=None, max_length=1000)
    source: Literal["manual", "sbom"] = "manual"


class Inventory(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    name: str | None = Field(default=None, max_length=200)
    products: list[Product] = Field(default_factory=list, max_length=MAX_COMPONENTS)


class MatchKind(Bilingual):
    EXACT = "exact"
    PARTIAL = "partial"
    VENDOR_WIDE = "vendor_wide"


@dataclass(frozen=True)
class Match:
    entry: KevEntry
    product: Product
    kind: MatchKind


# --------------------------------------------------------------------------- normalisation
_PUNCT_RE = re.compile(r"[^\w]+")
_COMPANY_WORDS = frozenset({
    "the", "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited",
    "llc", "gmbh", "ag", "sa", "plc", "kk", "kabushiki", "kaisha", "software", "foundation",
    "technologies", "technology", "systems", "networks", "group", "holdings", "international",
})
_VENDOR_ALIASES = {
    "ms": "microsoft", "msft": "microsoft", "alphabet": "google", "pulsesecure": "ivanti",
    "vmwarebybroadcom": "vmware", "broadcomvmware": "vmware", "hewlettpackardenterprise": "hpe",
    "hewlettpackard": "hp", "oracleamerica": "oracle", "dlink": "dlink", "apacheorg": "apache",
}
_PRODUCT_ALIASES = {"log4j2": "log4j", "log4jcore": "log4j", "log4japi": "log4j"}
# Too generic to match products on their own ("Server" matches nothing by itself).
_GENERIC_WORDS = frozenset({
    "server", "client", "app", "application", "software", "system", "service", "services",
    "suite", "platform", "and", "for", "of", "edition", "enterprise", "manager",
    "management", "web", "os", "core", "api", "lib", "library", "plugin", "module",
})
_NAMESPACE_NOISE = frozenset({"org", "com", "net", "io", "github", "gitlab", "co", "jp", "de",
                              "uk", "eu", "dev", "www"})


def _words(text: str) -> list[str]:
    return [w for w in _PUNCT_RE.sub(" ", fold(text).replace("&", " and ")).split() if w]


_GLUED_SUFFIXES = sorted((w for w in _COMPANY_WORDS if len(w) >= 5), key=len, reverse=True)


def vendor_key(name: str) -> str:
    """Comparable vendor name: "Palo Alto Networks, Inc.", "palo alto" and the CPE vendor
    "paloaltonetworks" all give "paloalto"."""
    words = [w for w in _words(name) if w not in _COMPANY_WORDS] or _words(name)
    key = "".join(words).replace("_", "")
    for suffix in _GLUED_SUFFIXES:  # CPE vendors glue the words together
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            key = key[: -len(suffix)]
            break
    return _VENDOR_ALIASES.get(key, key)


def _product_words(name: str, vendor: str | None) -> list[str]:
    words = [w.replace("_", "") for w in _words(name)]
    if vendor is not None and len(words) > 1 and vendor_key(words[0]) == vendor:
        words = words[1:]  # "Microsoft Exchange Server" under Microsoft is "Exchange Server"
    return [_PRODUCT_ALIASES.get(w, w) for w in words if w]


def product_key(name: str, vendor: str | None = None) -> str:
    key = "".join(_product_words(name, vendor))
    return _PRODUCT_ALIASES.get(key, key)


def _cpe_parts(cpe: str) -> tuple[str, str] | None:
    if cpe.startswith("cpe:2.3:"):
        parts = re.split(r"(?<!\\):", cpe)
        if len(parts) > 4:
            return parts[3].replace("\\", ""), parts[4].replace("\\", "")
    elif cpe.startswith("cpe:/"):
        parts = cpe[5:].split(":")
        if len(parts) > 2:
            return parts[1], parts[2]
    return None


def _purl_parts(purl: str) -> tuple[list[str], str] | None:
    m = re.match(r"^pkg:[A-Za-z0-9.+-]+/(?P<path>[^@?#]+)", purl)
    if not m:
        return None
    path = [unquote(p) for p in m["path"].split("/") if p]
    if not path:
        return None
    return path[:-1], path[-1]


def _candidates(p: Product) -> tuple[set[str], list[str]]:
    vendors: set[str] = set()
    products = [p.product]
    if p.vendor:
        vendors.add(vendor_key(p.vendor))
    namespaces = [p.namespace] if p.namespace else []
    if p.cpe and (cp := _cpe_parts(p.cpe)):
        vendors.add(vendor_key(cp[0].replace("_", " ")))
        products.append(cp[1].replace("_", " "))
    if p.purl and (pp := _purl_parts(p.purl)):
        namespaces += pp[0]
        products.append(pp[1])
    for ns in namespaces:
        for seg in re.split(r"[./@]", ns):
            if seg and fold(seg) not in _NAMESPACE_NOISE:
                vendors.add(vendor_key(seg))
    if not vendors:
        # Many open-source projects are their own vendor (Git, Jenkins, Exim, Roundcube).
        vendors.add(vendor_key(p.product))
    vendors.discard("")
    return vendors, products


def _significant(words: Iterable[str]) -> set[str]:
    return {w for w in words if w not in _GENERIC_WORDS and len(w) > 1}


def _match(entry: KevEntry, vendors: set[str], products: list[str]) -> MatchKind | None:
    vkey = vendor_key(entry.vendorProject)
    if vkey not in vendors:
        return None
    kev_words = _product_words(entry.product, vkey)
    if kev_words and kev_words[0] == "multiple":
        return MatchKind.VENDOR_WIDE
    kev_key = product_key(entry.product, vkey)
    best: MatchKind | None = None
    for name in products:
        if product_key(name, vkey) == kev_key:
            return MatchKind.EXACT
        ours = set(_product_words(name, vkey))
        theirs = set(kev_words)
        smaller = theirs if len(theirs) <= len(ours) else ours
        if smaller and _significant(smaller) and (theirs <= ours or ours <= theirs):
            best = MatchKind.PARTIAL
    return best


# --------------------------------------------------------------------------- matching
def affected_entries(
    catalog: Catalog | Iterable[KevEntry],
    inventory: Inventory,
    *,
    include_vendor_wide: bool = True,
) -> list[Match]:
    """KEV entries that (probably) affect products of ``inventory``, one per entry/product."""
    entries = catalog.vulnerabilities if isinstance(catalog, Catalog) else list(catalog)
    prepared = [(p, *_candidates(p)) for p in inventory.products]
    out: list[Match] = []
    for entry in entries:
        for product, vendors, names in prepared:
            kind = _match(entry, vendors, names)
            if kind is None or (kind is MatchKind.VENDOR_WIDE and not include_vendor_wide):
                continue
            out.append(Match(entry, product, kind))
    return out


def affected_count(catalog: Catalog | Iterable[KevEntry], inventory: Inventory) -> int:
    """Distinct exploited vulnerabilities that probably affect us (vendor-wide ones excluded)."""
    return len({m.entry.cveID for m in affected_entries(catalog, inventory,
                                                         include_vendor_wide=False)})


@dataclass(frozen=True)
class Exposure:
    """The executive's figure: how many exploited vulnerabilities touch us, how urgent."""

    affected: int
    ransomware_known: int
    overdue: int
    next_due: dt.date | None


def exposure(catalog: Catalog | Iterable[KevEntry], inventory: Inventory,
             today: dt.date) -> Exposure:
    matches = affected_entries(catalog, inventory, include_vendor_wide=False)
    entries = {m.entry.cveID: m.entry for m in matches}.values()
    upcoming = [e.dueDate for e in entries if e.dueDate >= today]
    return Exposure(
        affected=len(entries),
        ransomware_known=sum(e.ransomware_known for e in entries),
        overdue=sum(e.dueDate < today for e in entries),
        next_due=min(upcoming, default=None),
    )


# --------------------------------------------------------------------------- SBOM
def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _optional(value: Any) -> Any:
    """Absent or blank becomes None; anything else goes to validation as it is."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _component(c: Mapping[str, Any]) -> dict[str, Any]:
    vendor = None
    for key in ("supplier", "manufacturer"):
        if isinstance(c.get(key), Mapping):
            vendor = vendor or _text(c[key].get("name"))
    vendor = vendor or _text(c.get("publisher"))
    return {"vendor": vendor, "product": c.get("name"), "version": _optional(c.get("version")),
            "namespace": _optional(c.get("group")), "cpe": _optional(c.get("cpe")),
            "purl": _optional(c.get("purl")), "source": "sbom"}


def inventory_from_cyclonedx(
    data: bytes | str | Mapping[str, Any], name: str | None = None
) -> Inventory:
    """Products of a CycloneDX JSON SBOM (any 1.x version). FormatError lists every problem."""
    doc = load_json(data, "SBOM", MAX_SBOM_BYTES)
    if not isinstance(doc, Mapping) or doc.get("bomFormat") != "CycloneDX":
        raise FormatError("this is not a CycloneDX JSON SBOM",
                          ["bomFormat: expected \"CycloneDX\""])
    problems: list[str] = []
    raw: list[tuple[str, Mapping[str, Any]]] = []
    meta = doc.get("metadata")
    if isinstance(meta, Mapping) and isinstance(meta.get("component"), Mapping):
        raw.append(("metadata.component", meta["component"]))

    def walk(items: Any, path: str) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            problems.append(f"{path}: must be a list of components")
            return
        for i, c in enumerate(items):
            where = f"{path}[{i}]"
            if not isinstance(c, Mapping):
                problems.append(f"{where}: must be an object")
                continue
            if len(raw) >= MAX_COMPONENTS:
                problems.append(f"{where}: more than {MAX_COMPONENTS} components")
                return
            raw.append((where, c))
            walk(c.get("components"), f"{where}.components")

    walk(doc.get("components"), "components")
    products: list[Product] = []
    seen: set[tuple[Any, ...]] = set()
    for where, c in raw:
        if _text(c.get("name")) is None:
            problems.append(f"{where}.name: every component needs a name")
            continue
        try:
            product = Product.model_validate(_component(c), strict=False)
        except ValidationError as exc:
            problems += [f"{where}.{line}" for line in problems_from_validation_error(exc)]
            continue
        key = (product.vendor, product.product, product.version, product.purl)
        if key not in seen:
            seen.add(key)
            products.append(product)
    if problems:
        raise FormatError(f"the SBOM has {len(problems)} problem(s)", problems)
    return Inventory(name=name, products=products)


def merge_inventories(*inventories: Inventory, name: str | None = None) -> Inventory:
    """One inventory holding every distinct product of ``inventories``."""
    products = list(dict.fromkeys(p for inv in inventories for p in inv.products))
    return Inventory(name=name, products=products)
