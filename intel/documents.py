"""Briefs and advisories: one document model, portion-marked section by section.

A restricted brief (for cleared analysts) and an advisory (the "one voice" to everyone) share a
shape: a header (title, severity, publisher) and sections such as the executive summary,
business impact, actions with due dates and a technical annex. Every section carries its own
label; the header has one too, because a title alone can reveal what a brief is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field, model_validator

from intel.errors import FormatError, LabelError
from intel.markings import Clearance, Label, Policy, can_read, least_upper_bound
from intel.stix import (
    Bilingual,
    CveId,
    Identifier,
    Indicator,
    LabelText,
    StrictModel,
    TechniqueId,
    dedupe,
    parse_model,
)

__all__ = [
    "DocumentKind", "Severity", "SectionKind", "Action", "Section", "Document",
    "Acknowledgement", "visible_parts", "document_label", "label_problems", "parse_document",
    "document_to_json", "acknowledge", "parse_acknowledgement", "acknowledgement_to_json",
    "actions_by_due", "MAX_DOCUMENT_BYTES",
]

MAX_DOCUMENT_BYTES = 20_000_000


class DocumentKind(Bilingual):
    BRIEF = "brief"
    ADVISORY = "advisory"


class Severity(Bilingual):
    INFORMATIONAL = "informational"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class SectionKind(Bilingual):
    EXECUTIVE_SUMMARY = "executive_summary"
    BUSINESS_IMPACT = "business_impact"
    ACTIONS = "actions"
    TECHNICAL_ANNEX = "technical_annex"
    INDICATORS = "indicators"
    TECHNIQUES = "techniques"
    CVES = "cves"


_TEXT_KINDS = {SectionKind.EXECUTIVE_SUMMARY, SectionKind.BUSINESS_IMPACT}
DocId = Identifier
UserId = Annotated[str, Field(min_length=1, max_length=128)]


class Action(StrictModel):
    text: str = Field(min_length=1, max_length=1000)
    due: dt.date


class Section(StrictModel):
    section_id: DocId
    kind: SectionKind
    label: LabelText
    title: str | None = Field(default=None, max_length=200)
    body: str = Field(default="", max_length=100_000)
    actions: list[Action] = Field(default_factory=list, max_length=200)
    indicators: list[Indicator] = Field(default_factory=list, max_length=5000)
    techniques: Annotated[list[TechniqueId], AfterValidator(dedupe)] = Field(
        default_factory=list, max_length=500)
    cves: Annotated[list[CveId], AfterValidator(dedupe)] = Field(
        default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _content_fits_kind(self) -> Section:
        k = self.kind
        problems = []
        if k in _TEXT_KINDS and not self.body:
            problems.append(f"a section of kind '{k.value}' needs text in 'body'")
        wanted = {SectionKind.ACTIONS: ("actions", self.actions),
                  SectionKind.INDICATORS: ("indicators", self.indicators),
                  SectionKind.TECHNIQUES: ("techniques", self.techniques),
                  SectionKind.CVES: ("cves", self.cves)}
        if k in wanted and not wanted[k][1]:
            problems.append(f"a section of kind '{k.value}' needs at least one entry in "
                            f"'{wanted[k][0]}'")
        for kind, (field, values) in wanted.items():
            annex_ok = k is SectionKind.TECHNICAL_ANNEX and kind is not SectionKind.ACTIONS
            if values and k is not kind and not annex_ok:
                where = "" if kind is SectionKind.ACTIONS else " (or the technical annex)"
                problems.append(f"'{field}' belong in a section of kind '{kind.value}'{where}, "
                                f"not in '{k.value}'")
        if k is SectionKind.TECHNICAL_ANNEX and not (
            self.body or self.indicators or self.techniques or self.cves
        ):
            problems.append("a technical annex needs text or indicators, techniques or CVEs")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def display_title(self, lang: str = "en") -> str:
        return self.title or self.kind.display(lang)


class Document(StrictModel):
    kind: DocumentKind
    document_id: DocId
    version: int = Field(default=1, ge=1, le=1_000_000)
    title: str = Field(min_length=1, max_length=300)
    header_label: LabelText  # portion mark of title, severity and publisher
    severity: Severity
    publisher: str = Field(min_length=1, max_length=200)
    issued_at: AwareDatetime
    updated_at: AwareDatetime | None = None
    sections: list[Section] = Field(default_factory=list, max_length=1000)

    @model_validator(mode="after")
    def _coherent(self) -> Document:
        problems = []
        ids = [s.section_id for s in self.sections]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"section ids must be unique; repeated: {', '.join(dupes)}")
        if sum(s.kind is SectionKind.EXECUTIVE_SUMMARY for s in self.sections) > 1:
            problems.append("a document has at most one executive summary")
        if self.updated_at is not None and self.updated_at < self.issued_at:
            problems.append("updated_at cannot be before issued_at")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind is kind), None)


class Acknowledgement(StrictModel):
    """"Read and understood" (確認済み), given by one user for one version of a document."""

    document_id: DocId
    document_version: int = Field(ge=1, le=1_000_000)
    user_id: UserId
    acknowledged_at: AwareDatetime
    statement: Literal["read_and_understood"] = "read_and_understood"


# --------------------------------------------------------------------------- rules
def _labels(document: Document) -> list[tuple[str, str]]:
    return [("header_label", document.header_label)] + [
        (f"sections[{i}].label", s.label) for i, s in enumerate(document.sections)
    ]


def label_problems(document: Document, policy: Policy) -> list[str]:
    """Labels the deployment's policy does not know (unknown level or compartment)."""
    problems = []
    for path, text in _labels(document):
        try:
            policy.parse_label(text)
        except LabelError as exc:
            problems.append(f"{path}: {exc}")
    return problems


def visible_parts(
    document: Document,
    policy: Policy,
    clearance: Clearance,
    named_recipients: Iterable[str] | None = None,
) -> Document | None:
    """A copy holding only what ``clearance`` may read; None if not even the header.

    Fails closed: a label the policy does not know is unreadable.
    """
    recipients = list(named_recipients) if named_recipients is not None else None

    def readable(text: str) -> bool:
        try:
            return can_read(policy, clearance, Label.parse(text), recipients)
        except LabelError:
            return False

    if not readable(document.header_label):
        return None
    kept = [s for s in document.sections if readable(s.label)]
    return document.model_copy(update={"sections": kept})


def document_label(document: Document, policy: Policy) -> Label:
    """Least upper bound of the header and section labels: what the banner shows.

    Raises LabelError when a label is unknown to the policy or no label dominates them all.
    """
    result = least_upper_bound(policy, (Label.parse(text) for _, text in _labels(document)))
    if result is None:  # pragma: no cover - the header label is always there
        raise LabelError("a document without labels has no banner")
    return result


def actions_by_due(document: Document) -> list[Action]:
    """Every action of the document, soonest due first (the executive's "by when")."""
    actions = [a for s in document.sections for a in s.actions]
    return sorted(actions, key=lambda a: a.due)


# --------------------------------------------------------------------------- JSON
def parse_document(
    data: bytes | str | Mapping[str, Any], policy: Policy | None = None
) -> Document:
    """Validate a brief or advisory; with ``policy``, its labels must be known to it too."""
    doc = parse_model(Document, data, "document", MAX_DOCUMENT_BYTES)
    if policy is not None:
        problems = label_problems(doc, policy)
        if problems:
            raise FormatError(f"document has {len(problems)} problem(s)", problems)
    return doc


def document_to_json(document: Document) -> bytes:
    return document.model_dump_json(exclude_defaults=False).encode("utf-8")


def acknowledge(document: Document, user_id: str, when: dt.datetime) -> Acknowledgement:
    return Acknowledgement(document_id=document.document_id, document_version=document.version,
                           user_id=user_id, acknowledged_at=when)


def parse_acknowledgement(data: bytes | str | Mapping[str, Any]) -> Acknowledgement:
    return parse_model(Acknowledgement, data, "acknowledgement", 10_000)


def acknowledgement_to_json(ack: Acknowledgement) -> bytes:
    return ack.model_dump_json().encode("utf-8")
