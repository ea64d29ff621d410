"""CISA's Known Exploited Vulnerabilities (KEV) catalog format, for import and for the
domestic catalog the publisher issues in the same format.

Input is checked twice: against CISA's JSON Schema (shipped in ``intel/data/kev_schema.json``)
and by the pydantic models, which also check what the schema cannot (real dates, the count,
duplicate CVEs). Every problem is listed, with its path.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from intel.errors import FormatError
from intel.stix import CveId, CweId, load_json, problems_from_validation_error

__all__ = ["KevEntry", "Catalog", "CatalogSummary", "CatalogInspection", "load_catalog",
           "load_catalog_model",
           "inspect_catalog", "build_catalog", "upsert_entry", "catalog_to_json",
           "filter_entries", "fold", "kev_schema", "summarise", "DOMESTIC_TITLE",
           "MAX_CATALOG_BYTES"]

MAX_CATALOG_BYTES = 100_000_000
MAX_PROBLEMS = 1000
DOMESTIC_TITLE = "Catalog of Known Exploited Vulnerabilities (domestic) / 国内悪用脆弱性カタログ"


class KevEntry(BaseModel):
    """One catalog entry; field names are CISA's, so JSON maps one to one."""

    # Unknown fields are ignored rather than refused: CISA adds fields over time (cwes did).
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    cveID: CveId
    vendorProject: str = Field(min_length=1, max_length=500)
    product: str = Field(min_length=1, max_length=500)
    vulnerabilityName: str = Field(min_length=1, max_length=1000)
    dateAdded: dt.date
    shortDescription: str = Field(max_length=10_000)
    requiredAction: str = Field(max_length=10_000)
    dueDate: dt.date
    knownRansomwareCampaignUse: Literal["Known", "Unknown"] = "Unknown"
    notes: str = Field(default="", max_length=10_000)
    cwes: list[CweId] = Field(default_factory=list, max_length=100)

    @property
    def ransomware_known(self) -> bool:
        return self.knownRansomwareCampaignUse == "Known"


class Catalog(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    title: str | None = Field(default=None, max_length=500)
    catalogVersion: str = Field(min_length=1, max_length=100)
    dateReleased: AwareDatetime
    count: int = Field(ge=0)
    vulnerabilities: list[KevEntry]

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        problems = []
        if self.count != len(self.vulnerabilities):
            problems.append(f"count says {self.count} but the catalog lists "
                            f"{len(self.vulnerabilities)} vulnerabilities")
        seen = Counter(v.cveID for v in self.vulnerabilities)
        dupes = sorted(c for c, n in seen.items() if n > 1)
        if dupes:
            shown = ", ".join(dupes[:10]) + (" ..." if len(dupes) > 10 else "")
            problems.append(f"each CVE may appear once; repeated: {shown}")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def entry(self, cve_id: str) -> KevEntry | None:
        want = cve_id.strip().upper()
        return next((v for v in self.vulnerabilities if v.cveID == want), None)


@cache
def kev_schema() -> dict[str, Any]:
    """CISA's KEV JSON Schema (draft-07), as shipped with Renkei."""
    text = resources.files("intel").joinpath("data/kev_schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _schema_validator() -> Any:
    # Imported here: jsonschema pulls in optional format checkers that take about a second to
    # load, which the desktop client must not pay at start-up.
    import jsonschema

    cls = jsonschema.Draft7Validator
    return cls(kev_schema(), format_checker=cls.FORMAT_CHECKER)


def _schema_path(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or "catalog"


def _problems(data: bytes | str | Mapping[str, Any]) -> tuple[list[str], Catalog | None]:
    obj = load_json(data, "KEV catalog", MAX_CATALOG_BYTES)
    problems: list[str] = []
    reported: set[str] = set()
    for err in sorted(_schema_validator().iter_errors(obj), key=lambda e: list(e.absolute_path)):
        path = _schema_path(err.absolute_path)
        message = err.message if len(err.message) <= 200 else err.message[:197] + "..."
        problems.append(f"{path}: {message}")
        reported.add(path)
    if not isinstance(obj, Mapping):
        return problems or ["catalog: expected a JSON object"], None
    problems += _whole_catalog_problems(obj)
    try:
        catalog = Catalog.model_validate_json(json.dumps(obj))
    except ValidationError as exc:
        for line in problems_from_validation_error(exc, root="catalog"):
            path = line.split(": ", 1)[0]
            # The schema (or the whole-catalog check) already explained this; once is enough.
            if path != "catalog" and not any(
                path == r or path.startswith(r + ".") or path.startswith(r + "[")
                for r in reported
            ):
                problems.append(line)
        return problems, None
    return problems, (None if problems else catalog)


def _whole_catalog_problems(obj: Mapping[str, Any]) -> list[str]:
    """Count and duplicate checks on raw data, so they are reported with field problems."""
    entries = obj.get("vulnerabilities")
    if not isinstance(entries, list):
        return []
    problems = []
    count = obj.get("count")
    if isinstance(count, int) and count != len(entries):
        problems.append(f"count: says {count} but the catalog lists {len(entries)} "
                        "vulnerabilities")
    ids = Counter(str(e.get("cveID", "")).strip().upper() for e in entries
                  if isinstance(e, Mapping) and isinstance(e.get("cveID"), str))
    dupes = sorted(c for c, n in ids.items() if n > 1)
    if dupes:
        shown = ", ".join(dupes[:10]) + (" ..." if len(dupes) > 10 else "")
        problems.append(f"vulnerabilities: each CVE may appear once; repeated: {shown}")
    return problems


def _raise(problems: list[str]) -> None:
    total = len(problems)
    if total > MAX_PROBLEMS:
        problems = problems[:MAX_PROBLEMS] + [f"... and {total - MAX_PROBLEMS} more problems"]
    raise FormatError(f"the KEV catalog has {total} problem(s)", problems)


def load_catalog(data: bytes | str | Mapping[str, Any]) -> Catalog:
    """Validate a KEV catalog (CISA's or a domestic one). FormatError lists every problem."""
    problems, catalog = _problems(data)
    if catalog is None:
        _raise(problems)
        raise AssertionError("unreachable")  # pragma: no cover - _raise always raises
    return catalog


def load_catalog_model(data: bytes | str | Mapping[str, Any]) -> Catalog:
    """Structural validation only (the typed model, no JSON Schema pass): for catalogs a
    publisher's client already checked against the schema before signing them. Keeps the
    schema library, slow to import, off the desktop's start-up path."""
    obj = load_json(data, "KEV catalog", MAX_CATALOG_BYTES)
    try:
        return Catalog.model_validate_json(json.dumps(obj))
    except ValidationError as exc:
        _raise(problems_from_validation_error(exc, root="catalog"))
        raise AssertionError("unreachable") from None  # pragma: no cover


@dataclass(frozen=True)
class CatalogSummary:
    title: str | None
    version: str
    released: dt.datetime
    count: int
    first_added: dt.date | None
    last_added: dt.date | None
    earliest_due: dt.date | None
    latest_due: dt.date | None
    ransomware_known: int
    vendors: int
    top_vendors: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class CatalogInspection:
    ok: bool
    summary: CatalogSummary | None
    problems: tuple[str, ...]


def summarise(catalog: Catalog, top: int = 10) -> CatalogSummary:
    entries = catalog.vulnerabilities
    added = [v.dateAdded for v in entries]
    due = [v.dueDate for v in entries]
    vendors = Counter(v.vendorProject.strip() for v in entries)
    return CatalogSummary(
        title=catalog.title, version=catalog.catalogVersion, released=catalog.dateReleased,
        count=len(entries),
        first_added=min(added, default=None), last_added=max(added, default=None),
        earliest_due=min(due, default=None), latest_due=max(due, default=None),
        ransomware_known=sum(v.ransomware_known for v in entries),
        vendors=len(vendors),
        top_vendors=tuple(sorted(vendors.items(), key=lambda kv: (-kv[1], kv[0]))[:top]),
    )


def inspect_catalog(data: bytes | str | Mapping[str, Any]) -> CatalogInspection:
    """Summary of a catalog (counts, dates, ransomware, top vendors), or its problems."""
    try:
        problems, catalog = _problems(data)
    except FormatError as exc:
        return CatalogInspection(False, None, tuple(exc.problems))
    if catalog is None:
        return CatalogInspection(False, None, tuple(problems[:MAX_PROBLEMS]))
    return CatalogInspection(True, summarise(catalog), ())


# --------------------------------------------------------------------------- domestic
def build_catalog(
    entries: Iterable[KevEntry],
    *,
    version: str,
    released: dt.datetime,
    title: str = DOMESTIC_TITLE,
) -> Catalog:
    """A catalog in CISA's format, newest additions first, as CISA orders its own."""
    items = sorted(entries, key=lambda v: (v.dateAdded, v.cveID), reverse=True)
    try:
        return Catalog(title=title, catalogVersion=version, dateReleased=released,
                       count=len(items), vulnerabilities=items)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, root="catalog")
        raise FormatError(f"the catalog cannot be built: {problems[0]}", problems) from None


def upsert_entry(catalog: Catalog, entry: KevEntry, *, version: str,
                 released: dt.datetime) -> Catalog:
    """A new catalog version with ``entry`` added, or replacing the entry with its CVE."""
    rest = [v for v in catalog.vulnerabilities if v.cveID != entry.cveID]
    return build_catalog([*rest, entry], version=version, released=released,
                         title=catalog.title or DOMESTIC_TITLE)


def catalog_to_json(catalog: Catalog) -> bytes:
    """Serialise in CISA's layout; the result is checked against the schema before use."""
    data = catalog.model_dump(mode="json", exclude_none=True)
    released = catalog.dateReleased.astimezone(dt.UTC)
    data["dateReleased"] = released.strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{released.microsecond // 1000:03d}Z")
    errors = list(_schema_validator().iter_errors(data))
    if errors:  # pragma: no cover - the models are stricter than the schema
        raise FormatError("the catalog does not match CISA's schema",
                          [f"{_schema_path(e.absolute_path)}: {e.message}" for e in errors])
    return json.dumps(data, ensure_ascii=False, indent=4).encode("utf-8")


# --------------------------------------------------------------------------- filtering
def fold(text: str) -> str:
    """Text for matching: NFKC (full-width to ASCII), case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def filter_entries(
    entries: Catalog | Iterable[KevEntry],
    *,
    text: str | None = None,
    vendor: str | None = None,
    product: str | None = None,
    due_before: dt.date | None = None,
    added_since: dt.date | None = None,
    ransomware: bool | None = None,
) -> list[KevEntry]:
    """Entries matching every given criterion, in catalog order.

    ``text``: every word must appear in the CVE id, vendor, product, name, description or
    notes. ``vendor``: same vendor (case and width ignored). ``product``: contained in the
    product name. ``due_before``: due strictly before. ``ransomware``: known use or not.
    """
    items = entries.vulnerabilities if isinstance(entries, Catalog) else list(entries)
    words = fold(text).split() if text else []
    want_vendor = fold(vendor) if vendor else None
    want_product = fold(product) if product else None
    out = []
    for v in items:
        if want_vendor is not None and fold(v.vendorProject) != want_vendor:
            continue
        if want_product is not None and want_product not in fold(v.product):
            continue
        if due_before is not None and not v.dueDate < due_before:
            continue
        if added_since is not None and v.dateAdded < added_since:
            continue
        if ransomware is not None and v.ransomware_known != ransomware:
            continue
        if words:
            hay = fold(" ".join((v.cveID, v.vendorProject, v.product, v.vulnerabilityName,
                                 v.shortDescription, v.notes)))
            if not all(w in hay for w in words):
                continue
        out.append(v)
    return out
