"""Export briefs, advisories and room items as STIX 2.1 bundles, for one audience at a time.

Only parts the audience may receive leave: a part is exported when its label is at or below
the audience's level, its compartments are the audience's, and TLP 2.0 onward sharing
(``intel.markings.can_share_onward``) allows it. TLP:RED never leaves. Every exported object
carries its TLP 2.0 marking; labels above the lowest level, or with compartments or
releasability, also travel as a statement marking so the portion mark is not lost.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import AwareDatetime, Field, ValidationError

from intel.documents import Document, DocumentKind, Section, SectionKind, Severity
from intel.errors import FormatError, LabelError
from intel.markings import (
    TLP,
    TLP2_EXTENSION_ID,
    TLP2_STIX_IDS,
    Label,
    Policy,
    can_share_onward,
)
from intel.stix import (
    Bilingual,
    CveId,
    Identifier,
    Indicator,
    LabelText,
    StrictModel,
    TechniqueId,
    problems_from_validation_error,
)

__all__ = ["AudienceKind", "Audience", "RoomItem", "export_bundle", "export_items_bundle",
           "bundle_to_json", "exported_tlps", "tlp_marking_definition", "stix_id",
           "stix_timestamp"]

# Stands for "any certified member of the community" in onward-sharing checks; it can never
# equal a real organisation id (those cannot contain parentheses).
_COMMUNITY = "(community)"
_FIXED_CREATED = "2020-01-01T00:00:00.000Z"  # for objects derived from a name only


# --------------------------------------------------------------------------- STIX basics
_TLP2_CREATED = "2022-10-01T00:00:00.000Z"


def tlp_marking_definition(tlp: TLP) -> dict[str, Any]:
    """The TLP 2.0 marking-definition object exactly as OASIS publishes it."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_STIX_IDS[tlp],
        "created": _TLP2_CREATED,
        "name": f"TLP:{tlp.value}",
        "extensions": {
            TLP2_EXTENSION_ID: {
                "extension_type": "property-extension",
                "tlp_2_0": tlp.value.lower(),
            }
        },
    }


# Fixed namespace so that re-exporting the same document yields the same STIX ids, which
# lets TAXII servers and receivers deduplicate versions instead of piling up copies.
_RENKEI_NS = uuid.UUID("8a5d3f4e-2b1c-5e7f-9a0b-6c4d2e1f3a5b")


def stix_id(stix_type: str, *parts: str) -> str:
    """A deterministic id for ``parts``, shaped as UUIDv4 because STIX wants v4 for SDOs."""
    digest = uuid.uuid5(_RENKEI_NS, chr(31).join((stix_type, *parts))).bytes
    return f"{stix_type}--{uuid.UUID(bytes=digest, version=4)}"


def stix_timestamp(when: dt.datetime) -> str:
    """STIX timestamp (UTC, millisecond precision, ``Z``); ``when`` must be timezone-aware."""
    if when.tzinfo is None:
        raise ValueError("STIX timestamps need a timezone-aware datetime")
    utc = when.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


class AudienceKind(Bilingual):
    PUBLIC = "public"
    COMMUNITY = "community"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class Audience:
    """Who will receive an export. Build with :meth:`public`, :meth:`community` or
    :meth:`organisation`."""

    kind: AudienceKind
    policy: Policy
    holder_org: str  # the exporting user's organisation: TLP onward sharing is judged from it
    target_org: str | None = None
    level: str | None = None  # highest level the audience holds; None means the lowest
    compartments: frozenset[str] = frozenset()
    clients_of: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)

    @classmethod
    def public(cls, policy: Policy, holder_org: str) -> Audience:
        return cls(AudienceKind.PUBLIC, policy, holder_org)

    @classmethod
    def community(cls, policy: Policy, holder_org: str) -> Audience:
        return cls(AudienceKind.COMMUNITY, policy, holder_org)

    @classmethod
    def organisation(
        cls,
        policy: Policy,
        holder_org: str,
        target_org: str,
        level: str | None = None,
        compartments: frozenset[str] = frozenset(),
        clients_of: Mapping[str, frozenset[str]] | None = None,
    ) -> Audience:
        if level is not None:
            policy.level(level)  # raises LabelError for an unknown level
        return cls(AudienceKind.ORGANISATION, policy, holder_org, target_org, level,
                   frozenset(compartments), dict(clients_of or {}))

    def describe(self) -> str:
        if self.kind is AudienceKind.ORGANISATION:
            return f"organisation {self.target_org}"
        return self.kind.value

    def admits(self, label: Label) -> bool:
        """May a part marked ``label`` be sent to this audience?"""
        pol = self.policy
        try:
            pol.validate(label)
            top = self.level if self.kind is AudienceKind.ORGANISATION and self.level else (
                pol.lowest.key)
            if pol.rank(label.level) > pol.rank(top):
                return False
        except LabelError:
            return False
        if not label.compartments <= self.compartments:
            return False
        if label.releasable_to is not None and (
            self.target_org is None or self.target_org not in label.releasable_to
        ):
            return False
        if self.kind is AudienceKind.PUBLIC:
            return can_share_onward(label, self.holder_org, None, target_certified=False)
        target = self.target_org if self.kind is AudienceKind.ORGANISATION else _COMMUNITY
        return can_share_onward(label, self.holder_org, target, target_certified=True,
                                clients_of=self.clients_of)


class RoomItem(StrictModel):
    """One message of a joint room, as handed over for export."""

    item_id: Identifier
    label: LabelText
    author: str = Field(min_length=1, max_length=200)
    posted_at: AwareDatetime
    text: str = Field(default="", max_length=100_000)
    indicators: list[Indicator] = Field(default_factory=list, max_length=5000)
    techniques: list[TechniqueId] = Field(default_factory=list, max_length=500)
    cves: list[CveId] = Field(default_factory=list, max_length=1000)


# --------------------------------------------------------------------------- building
class _Builder:
    def __init__(self, document: Document, audience: Audience) -> None:
        self.doc = document
        self.audience = audience
        self.lowest = audience.policy.lowest.key
        self.created = stix_timestamp(document.issued_at)
        self.modified = stix_timestamp(document.updated_at or document.issued_at)
        self.markings: dict[str, dict[str, Any]] = {}
        self.objects: list[dict[str, Any]] = []
        self.identity_id = stix_id("identity", "publisher", document.publisher)

    def marking_refs(self, label: Label) -> list[str]:
        """TLP 2.0 marking, plus a statement when the label says more than its TLP."""
        tlp_id = TLP2_STIX_IDS[label.tlp]
        self.markings.setdefault(tlp_id, tlp_marking_definition(label.tlp))
        refs = [tlp_id]
        if label.level != self.lowest or label.compartments or label.releasable_to is not None:
            text = f"Handling label: {label.canonical()}"
            sid = stix_id("marking-definition", "statement", text)
            self.markings.setdefault(sid, {
                "type": "marking-definition", "spec_version": "2.1", "id": sid,
                "created": _FIXED_CREATED, "name": label.canonical(),
                "definition_type": "statement", "definition": {"statement": text},
            })
            refs.append(sid)
        return refs

    def common(self, stix_type: str, key: str, label: Label) -> dict[str, Any]:
        return {
            "type": stix_type, "spec_version": "2.1",
            "id": stix_id(stix_type, self.doc.document_id, key),
            "created": self.created, "modified": self.modified,
            "created_by_ref": self.identity_id,
            "object_marking_refs": self.marking_refs(label),
        }

    def add(self, obj: dict[str, Any]) -> None:
        self.objects.append(obj)

    def section(self, section: Section, label: Label, report_id: str) -> None:
        where = f"'{section.display_title()}' of {self.doc.document_id}"
        key = section.section_id
        if section.body and section.kind is not SectionKind.EXECUTIVE_SUMMARY:
            note = self.common("note", f"{key}/note", label)
            note.update(abstract=section.display_title(), content=section.body,
                        authors=[self.doc.publisher], object_refs=[report_id])
            self.add(note)
        for i, action in enumerate(section.actions):
            coa = self.common("course-of-action", f"{key}/action/{i}", label)
            name = action.text if len(action.text) <= 120 else action.text[:117] + "..."
            coa.update(name=name,
                       description=f"{action.text}\nDue: {action.due.isoformat()} ({where})")
            self.add(coa)
        for ind in section.indicators:
            obj = self.common("indicator", f"{key}/indicator/{ind.type.value}/{ind.value}", label)
            shown = ind.value if len(ind.value) <= 100 else ind.value[:97] + "..."
            obj.update(name=f"{ind.type.name_en}: {shown}",
                       description=ind.note or f"Indicator listed in {where}",
                       indicator_types=["malicious-activity"], pattern=ind.stix_pattern(),
                       pattern_type="stix", valid_from=self.created)
            self.add(obj)
        for tid in section.techniques:
            obj = self.common("attack-pattern", f"{key}/technique/{tid}", label)
            obj.update(name=f"ATT&CK {tid}", description=f"MITRE ATT&CK technique {tid}, "
                       f"referenced in {where}", external_references=[{
                           "source_name": "mitre-attack", "external_id": tid}])
            self.add(obj)
        for cve in section.cves:
            obj = self.common("vulnerability", f"{key}/cve/{cve}", label)
            obj.update(name=cve, description=f"{cve}, referenced in {where}",
                       external_references=[{
                           "source_name": "cve", "external_id": cve}])
            self.add(obj)


def export_bundle(document: Document, audience: Audience) -> dict[str, Any]:
    """A STIX 2.1 bundle of what ``audience`` may receive of ``document``.

    Raises LabelError when nothing of the document may go to this audience (its header, or
    every section, is above what the audience may receive).
    """
    header = Label.parse(document.header_label)
    if not audience.admits(header):
        raise LabelError(
            f"this document's header is marked {header.canonical()}, which may not be "
            f"shared with {audience.describe()}; nothing was exported"
        )
    admitted = [(s, Label.parse(s.label)) for s in document.sections]
    admitted = [(s, lb) for s, lb in admitted if audience.admits(lb)]
    if not admitted:
        raise LabelError(
            f"no section of this document may be shared with {audience.describe()}; "
            "nothing was exported"
        )
    b = _Builder(document, audience)
    report_id = stix_id("report", document.document_id, str(document.version))
    summary: tuple[Section, Label] | None = None
    for section, label in admitted:
        if section.kind is SectionKind.EXECUTIVE_SUMMARY:
            summary = (section, label)
        b.section(section, label, report_id)
    identity = {
        "type": "identity", "spec_version": "2.1", "id": b.identity_id,
        "created": _FIXED_CREATED, "modified": _FIXED_CREATED, "name": document.publisher,
        "identity_class": "organization", "object_marking_refs": b.marking_refs(header),
    }
    report: dict[str, Any] = {
        "type": "report", "spec_version": "2.1", "id": report_id,
        "created": b.created, "modified": b.modified, "created_by_ref": b.identity_id,
        "name": document.title,
        "description": f"{document.kind.name_en} {document.document_id} "
                       f"(severity {document.severity.name_en}).",
        "report_types": ["threat-report"],
        "labels": [document.kind.value, f"severity-{document.severity.value}"],
        "published": b.created,
        "external_references": [{"source_name": "renkei", "external_id": document.document_id}],
        "object_refs": [b.identity_id] + [o["id"] for o in b.objects],
        "object_marking_refs": b.marking_refs(header),
    }
    if summary is not None:
        section, label = summary
        report["description"] = section.body
        extra = [r for r in b.marking_refs(label) if r not in report["object_marking_refs"]]
        if extra:
            # The summary is marked differently from the header: mark just that property.
            report["granular_markings"] = [
                {"marking_ref": ref, "selectors": ["description"]} for ref in extra
            ]
    objects = list(b.markings.values()) + [identity, report] + b.objects
    return {
        "type": "bundle",
        "id": stix_id("bundle", document.document_id, str(document.version),
                      audience.describe(), b.modified),
        "objects": objects,
    }


def export_items_bundle(
    items: Sequence[RoomItem],
    audience: Audience,
    *,
    export_id: str,
    title: str,
    title_label: Label | str,
    publisher: str,
    published: dt.datetime,
) -> dict[str, Any]:
    """Room items as a STIX bundle: one report holding a note (and indicators, techniques,
    CVEs) per item that ``audience`` may receive. Raises LabelError when none may go."""
    sections = []
    for item in items:
        has_lists = bool(item.indicators or item.techniques or item.cves)
        if not (item.text or has_lists):
            continue
        when = item.posted_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        sections.append(Section(
            section_id=item.item_id, kind=SectionKind.TECHNICAL_ANNEX, label=item.label,
            title=f"{item.author}, {when}"[:200], body=item.text,
            indicators=item.indicators, techniques=item.techniques, cves=item.cves,
        ))
    label_text = title_label.canonical() if isinstance(title_label, Label) else title_label
    try:
        doc = Document(kind=DocumentKind.BRIEF, document_id=export_id, title=title,
                       header_label=label_text, severity=Severity.INFORMATIONAL,
                       publisher=publisher, issued_at=published, sections=sections)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc)
        raise FormatError(f"these room items cannot be exported: {problems[0]}", problems) from None
    return export_bundle(doc, audience)


def bundle_to_json(bundle: Mapping[str, Any]) -> bytes:
    return json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")


def exported_tlps(bundle: Mapping[str, Any]) -> set[TLP]:
    """TLP levels of the marking-definitions a bundle carries (for checks and summaries)."""
    by_id = {v: k for k, v in TLP2_STIX_IDS.items()}
    return {by_id[o["id"]] for o in bundle.get("objects", []) if o.get("id") in by_id}
