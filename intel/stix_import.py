"""Import STIX 2.1 bundles: check everything first, then hand back typed objects or nothing.

Markings are normalised to TLP 2.0 whatever their dialect: TLP 2.0 ids, the STIX 2.1 TLP 1.0
ids (white becomes CLEAR), OpenCTI's ids, or marking-definitions inside the bundle. An
object's TLP is the most restrictive of its object and granular markings; a reference to a
marking nobody can interpret makes it TLP:RED, because guessing lower could leak it.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from intel.errors import FormatError, LabelError
from intel.markings import TLP, TLP2_EXTENSION_ID, TLP2_STIX_IDS, Label, Policy
from intel.stix import Indicator, check_cve, check_technique, indicator_from_pattern, load_json

__all__ = ["ImportedObject", "ImportedMarking", "ImportedBundle", "BundleInspection",
           "SUPPORTED_TYPES", "import_bundle", "inspect_bundle", "MAX_BUNDLE_BYTES",
           "TLP1_STIX_IDS", "OPENCTI_TLP_IDS", "tlp_for_marking_ref",
           "tlp_from_marking_definition", "is_stix_id"]

MAX_BUNDLE_BYTES = 50_000_000
MAX_OBJECTS = 100_000
MAX_PROBLEMS = 1000

SUPPORTED_TYPES = frozenset({"report", "indicator", "attack-pattern", "vulnerability",
                             "course-of-action", "note", "identity"})
_SCO_TYPES = frozenset({
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
    "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process",
    "software", "url", "user-account", "windows-registry-key", "x509-certificate",
})
# Required properties beyond the common ones, per supported type.
_REQUIRED: dict[str, tuple[tuple[str, str], ...]] = {
    "report": (("name", "text"), ("published", "timestamp"), ("object_refs", "refs")),
    "indicator": (("pattern", "text"), ("pattern_type", "text"), ("valid_from", "timestamp")),
    "attack-pattern": (("name", "text"),),
    "vulnerability": (("name", "text"),),
    "course-of-action": (("name", "text"),),
    "note": (("content", "text"), ("object_refs", "refs")),
    "identity": (("name", "text"),),
}
_ATTACK_SOURCES = {"mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"}


# --------------------------------------------------------------------------- markings
# TLP 1.0 marking-definition ids of the STIX 2.1 specification (section 7.2.1.4).
TLP1_STIX_IDS: dict[str, TLP] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.CLEAR,  # white
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.RED,
}
# OpenCTI reuses the TLP 1.0 ids for CLEAR/GREEN/AMBER/RED and adds its own AMBER+STRICT
# (opencti-graphql src/schema/identifier.js, MARKING_TLP_AMBER_STRICT_ID).
OPENCTI_TLP_IDS: dict[str, TLP] = {
    **TLP1_STIX_IDS,
    "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": TLP.AMBER_STRICT,
}
_TLP2_BY_ID: dict[str, TLP] = {v: k for k, v in TLP2_STIX_IDS.items()}
_KNOWN_TLP_IDS: dict[str, TLP] = {**OPENCTI_TLP_IDS, **_TLP2_BY_ID}


def tlp_for_marking_ref(ref: str) -> TLP | None:
    """TLP of a well-known marking-definition id (TLP 2.0, TLP 1.0, OpenCTI), else None."""
    return _KNOWN_TLP_IDS.get(ref)


def tlp_from_marking_definition(obj: Mapping[str, Any]) -> TLP | None:
    """TLP expressed by a marking-definition object, whatever its dialect, else None."""
    known = tlp_for_marking_ref(str(obj.get("id", "")))
    if known is not None:
        return known
    ext = obj.get("extensions")
    if isinstance(ext, Mapping):
        tlp2 = ext.get(TLP2_EXTENSION_ID)
        if isinstance(tlp2, Mapping) and isinstance(tlp2.get("tlp_2_0"), str):
            return _tlp_or_none(tlp2["tlp_2_0"])
    dtype = obj.get("definition_type")
    definition = obj.get("definition")
    if isinstance(dtype, str) and dtype.lower() == "tlp":
        # STIX 2.x TLP 1.0 form {"tlp": "green"}, or OpenCTI's {"TLP": "TLP:GREEN"}.
        if isinstance(definition, Mapping):
            for key in ("tlp", "TLP"):
                if isinstance(definition.get(key), str):
                    return _tlp_or_none(definition[key])
        if isinstance(obj.get("name"), str):
            return _tlp_or_none(obj["name"])
    if isinstance(dtype, str) and dtype.upper().startswith("TLP:"):
        return _tlp_or_none(dtype)
    return None


def _tlp_or_none(text: str) -> TLP | None:
    try:
        return TLP.parse(text)
    except LabelError:
        return None


_STIX_ID_RE = re.compile(
    r"^(?P<type>[a-z][a-z0-9-]{0,249})--"
    r"(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


def is_stix_id(value: object, stix_type: str | None = None) -> bool:
    if not isinstance(value, str):
        return False
    m = _STIX_ID_RE.match(value)
    return m is not None and (stix_type is None or m["type"] == stix_type)


@dataclass(frozen=True)
class ImportedMarking:
    stix_id: str
    tlp: TLP | None
    statement: str | None
    name: str | None


@dataclass(frozen=True)
class ImportedObject:
    stix_type: str
    stix_id: str
    tlp: TLP
    name: str | None
    description: str | None  # a note's content, other objects' description
    created: dt.datetime | None
    modified: dt.datetime | None
    pattern: str | None = None
    indicator: Indicator | None = None  # when the pattern is one simple comparison
    techniques: tuple[str, ...] = ()
    cves: tuple[str, ...] = ()
    object_refs: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()
    unknown_markings: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def label(self, policy: Policy) -> Label:
        """A label for storing this object: the lowest level with the object's TLP."""
        return Label(policy.lowest.key, tlp=self.tlp)


@dataclass(frozen=True)
class ImportedBundle:
    bundle_id: str | None
    objects: tuple[ImportedObject, ...]
    markings: tuple[ImportedMarking, ...]
    skipped: Mapping[str, int]  # object types not imported (relationship, malware, ...)

    def tlp_counts(self) -> dict[str, int]:
        return dict(Counter(f"TLP:{o.tlp.value}" for o in self.objects))


@dataclass(frozen=True)
class BundleInspection:
    ok: bool
    counts: Mapping[str, int]
    markings: Mapping[str, int]
    problems: tuple[str, ...]


def _parse_ts(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value.endswith("Z") or "T" not in value:
        return None
    try:
        return dt.datetime.fromisoformat(value[:-1] + "+00:00")
    except ValueError:
        return None


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def common(self, where: str, obj: Mapping[str, Any]) -> str | None:
        stype = obj.get("type")
        if not isinstance(stype, str) or not stype:
            self.add(where, "every object needs a 'type'")
            return None
        if not is_stix_id(obj.get("id"), stype):
            self.add(where, f"'id' must look like {stype}--<uuid>, got {obj.get('id')!r}")
        if stype in _SCO_TYPES:
            return stype
        if obj.get("spec_version") != "2.1":
            self.add(where, "spec_version must be \"2.1\" (only STIX 2.1 is supported)")
        created = _parse_ts(obj.get("created"))
        if created is None:
            self.add(where, "'created' must be a STIX timestamp like 2024-01-31T12:00:00.000Z")
        if stype != "marking-definition" and "modified" in obj:
            modified = _parse_ts(obj.get("modified"))
            if modified is None:
                self.add(where, "'modified' must be a STIX timestamp")
            elif created is not None and modified < created:
                self.add(where, "'modified' cannot be before 'created'")
        refs = obj.get("object_marking_refs", [])
        if not isinstance(refs, list) or not all(is_stix_id(r, "marking-definition")
                                                 for r in refs):
            self.add(where, "'object_marking_refs' must be a list of marking-definition ids")
        granular = obj.get("granular_markings", [])
        if not isinstance(granular, list):
            self.add(where, "'granular_markings' must be a list")
        else:
            for j, g in enumerate(granular):
                ok = (isinstance(g, Mapping)
                      and isinstance(g.get("selectors"), list) and g["selectors"]
                      and all(isinstance(s, str) and s for s in g["selectors"])
                      and (is_stix_id(g.get("marking_ref"), "marking-definition")
                           or isinstance(g.get("lang"), str)))
                if not ok:
                    self.add(where, f"granular_markings[{j}] needs a marking_ref (or lang) "
                                    "and a non-empty list of selectors")
        return stype

    def specific(self, where: str, stype: str, obj: Mapping[str, Any]) -> None:
        for prop, kind in _REQUIRED.get(stype, ()):
            value = obj.get(prop)
            if kind == "text" and not (isinstance(value, str) and value.strip()):
                self.add(where, f"'{prop}' is required and must be non-empty text")
            elif kind == "timestamp" and _parse_ts(value) is None:
                self.add(where, f"'{prop}' is required and must be a STIX timestamp")
            elif kind == "refs" and not (
                isinstance(value, list) and value and all(is_stix_id(r) for r in value)
            ):
                self.add(where, f"'{prop}' must be a non-empty list of STIX ids")
        if stype == "indicator" and obj.get("pattern_type") == "stix":
            pattern = obj.get("pattern")
            if isinstance(pattern, str) and not (
                pattern.strip().startswith("[") and pattern.strip().endswith("]")
            ):
                self.add(where, "a STIX pattern must be enclosed in [ ]")
        if stype == "marking-definition" and "definition_type" in obj:
            if not isinstance(obj.get("definition"), Mapping):
                self.add(where, "a marking-definition with definition_type needs a 'definition'")
            elif obj["definition_type"] == "statement" and not isinstance(
                obj["definition"].get("statement"), str
            ):
                self.add(where, "a statement marking needs definition.statement text")
        refs = obj.get("external_references", [])
        if not isinstance(refs, list) or not all(
            isinstance(r, Mapping) and isinstance(r.get("source_name"), str) for r in refs
        ):
            self.add(where, "'external_references' must be a list of objects with source_name")


def _objects_of(doc: Any, checker: _Checker) -> tuple[str | None, list[Any]]:
    if not isinstance(doc, Mapping):
        checker.add("bundle", "expected a JSON object (a STIX bundle)")
        return None, []
    if doc.get("type") != "bundle":
        if isinstance(doc.get("type"), str) and "id" in doc:
            return None, [doc]  # a lone STIX object: treat as a bundle of one
        checker.add("bundle", "expected a STIX bundle ('type': 'bundle')")
        return None, []
    bundle_id = doc.get("id")
    if not is_stix_id(bundle_id, "bundle"):
        checker.add("bundle", f"'id' must look like bundle--<uuid>, got {bundle_id!r}")
    objects = doc.get("objects", [])
    if not isinstance(objects, list):
        checker.add("bundle", "'objects' must be a list")
        return None, []
    if len(objects) > MAX_OBJECTS:
        checker.add("bundle", f"{len(objects)} objects; at most {MAX_OBJECTS} are accepted")
        return None, []
    return bundle_id if isinstance(bundle_id, str) else None, objects


def _where(i: int, obj: Any) -> str:
    if isinstance(obj, Mapping) and isinstance(obj.get("id"), str):
        return f"objects[{i}] ({obj['id'][:80]})"
    return f"objects[{i}]"


def _read_markings(objects: list[Any]) -> dict[str, ImportedMarking]:
    found: dict[str, ImportedMarking] = {}
    for obj in objects:
        if isinstance(obj, Mapping) and obj.get("type") == "marking-definition":
            sid = str(obj.get("id"))
            definition = obj.get("definition")
            statement = None
            if obj.get("definition_type") == "statement" and isinstance(definition, Mapping):
                statement = str(definition.get("statement"))
            name = obj.get("name")
            found[sid] = ImportedMarking(sid, tlp_from_marking_definition(obj), statement,
                                         name if isinstance(name, str) else None)
    return found


def _marking_refs(obj: Mapping[str, Any]) -> list[str]:
    refs = [r for r in obj.get("object_marking_refs", []) if isinstance(r, str)]
    refs += [g["marking_ref"] for g in obj.get("granular_markings", [])
             if isinstance(g, Mapping) and isinstance(g.get("marking_ref"), str)]
    return list(dict.fromkeys(refs))


def _resolve(
    obj: Mapping[str, Any], known: Mapping[str, ImportedMarking], default_tlp: TLP
) -> tuple[TLP, tuple[str, ...], tuple[str, ...]]:
    tlps: list[TLP] = []
    statements: list[str] = []
    unknown: list[str] = []
    for ref in _marking_refs(obj):
        tlp = tlp_for_marking_ref(ref)
        marking = known.get(ref)
        if tlp is None and marking is not None:
            tlp = marking.tlp
            if marking.statement is not None:
                statements.append(marking.statement)
                continue
        if tlp is None:
            unknown.append(ref)
        else:
            tlps.append(tlp)
    if tlps:
        effective = max(tlps, key=lambda t: t.rank)
        if unknown:
            effective = TLP.RED
    else:
        effective = TLP.RED if unknown else default_tlp
    return effective, tuple(statements), tuple(unknown)


def _ext_ids(obj: Mapping[str, Any], sources: set[str]) -> list[str]:
    return [str(r.get("external_id")) for r in obj.get("external_references", [])
            if isinstance(r, Mapping) and r.get("source_name") in sources
            and isinstance(r.get("external_id"), str)]


def _valid(check: Any, values: list[str]) -> tuple[str, ...]:
    out = []
    for v in values:
        try:
            out.append(check(v))
        except ValueError:
            continue
    return tuple(dict.fromkeys(out))


def _imported(
    obj: Mapping[str, Any], known: Mapping[str, ImportedMarking], default_tlp: TLP
) -> ImportedObject:
    stype = str(obj["type"])
    tlp, statements, unknown = _resolve(obj, known, default_tlp)
    name = obj.get("abstract") if stype == "note" else obj.get("name")
    description = obj.get("content") if stype == "note" else obj.get("description")
    pattern = obj.get("pattern") if stype == "indicator" else None
    cve_candidates = _ext_ids(obj, {"cve"})
    if stype == "vulnerability" and isinstance(obj.get("name"), str):
        cve_candidates.append(obj["name"])
    return ImportedObject(
        stix_type=stype,
        stix_id=str(obj["id"]),
        tlp=tlp,
        name=name if isinstance(name, str) else None,
        description=description if isinstance(description, str) else None,
        created=_parse_ts(obj.get("created")),
        modified=_parse_ts(obj.get("modified")),
        pattern=pattern if isinstance(pattern, str) else None,
        indicator=(indicator_from_pattern(pattern)
                   if isinstance(pattern, str) and obj.get("pattern_type") == "stix" else None),
        techniques=_valid(check_technique, _ext_ids(obj, _ATTACK_SOURCES)),
        cves=_valid(check_cve, cve_candidates),
        object_refs=tuple(r for r in obj.get("object_refs", []) if isinstance(r, str)),
        statements=statements,
        unknown_markings=unknown,
        raw=copy.deepcopy(dict(obj)),
    )


def _check(data: bytes | str | Mapping[str, Any]) -> tuple[_Checker, str | None, list[Any]]:
    checker = _Checker()
    doc = load_json(data, "STIX bundle", MAX_BUNDLE_BYTES)
    bundle_id, objects = _objects_of(doc, checker)
    for i, obj in enumerate(objects):
        where = _where(i, obj)
        if not isinstance(obj, Mapping):
            checker.add(where, "every object must be a JSON object")
            continue
        stype = checker.common(where, obj)
        if stype is not None:
            checker.specific(where, stype, obj)
    return checker, bundle_id, objects


def import_bundle(
    data: bytes | str | Mapping[str, Any], *, default_tlp: TLP = TLP.AMBER
) -> ImportedBundle:
    """Validate and import a STIX 2.1 bundle (or a lone object).

    ``default_tlp`` applies to objects with no marking at all. Raises FormatError listing
    every problem; then nothing is imported.
    """
    checker, bundle_id, objects = _check(data)
    if checker.problems:
        problems = checker.problems
        if len(problems) > MAX_PROBLEMS:
            problems = problems[:MAX_PROBLEMS] + [
                f"... and {len(checker.problems) - MAX_PROBLEMS} more problems"]
        raise FormatError(f"the STIX bundle has {len(checker.problems)} problem(s)", problems)
    known = _read_markings(objects)
    imported = []
    skipped: Counter[str] = Counter()
    for obj in objects:
        stype = obj["type"]
        if stype in SUPPORTED_TYPES:
            imported.append(_imported(obj, known, default_tlp))
        elif stype != "marking-definition":
            skipped[stype] += 1
    return ImportedBundle(bundle_id, tuple(imported), tuple(known.values()), dict(skipped))


def inspect_bundle(data: bytes | str | Mapping[str, Any]) -> BundleInspection:
    """Object counts by type and the markings found, or the problems. Never raises."""
    try:
        checker, _, objects = _check(data)
    except FormatError as exc:
        return BundleInspection(False, {}, {}, tuple(exc.problems))
    counts = Counter(str(o.get("type")) for o in objects if isinstance(o, Mapping))
    if checker.problems:
        return BundleInspection(False, dict(counts), {}, tuple(checker.problems[:MAX_PROBLEMS]))
    known = _read_markings(objects)
    markings: Counter[str] = Counter()
    for obj in objects:
        if obj.get("type") == "marking-definition":
            continue
        tlp, statements, unknown = _resolve(obj, known, TLP.AMBER)
        if not _marking_refs(obj):
            markings["unmarked"] += 1
        else:
            markings[f"TLP:{tlp.value}"] += 1
        for s in statements:
            markings[f"statement: {s[:80]}"] += 1
        for ref in unknown:
            markings[f"unknown marking {ref}"] += 1
    return BundleInspection(True, dict(counts), dict(markings), ())
