"""The composer of advisories and briefs, as pure functions (no Qt).

One composer for both: a header (title, severity, its own label) and parts, each with its own
label: the executive summary, the business impact, actions with due dates, the technical
annex, indicators, ATT&CK techniques and CVEs. ``sync.flows`` sends one envelope per distinct
label, so each part reaches exactly the people cleared for it.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from client.ui.report_rules import parse_indicator_lines
from intel.documents import parse_document
from intel.errors import FormatError
from intel.markings import TLP, Clearance, Label, Policy, can_read

__all__ = [
    "PARTS",
    "ComposerForm",
    "Part",
    "build_document",
    "composer_ceiling",
    "envelope_plan",
    "document_problems",
    "new_document_id",
    "parse_actions",
    "parse_ids",
]

# The parts of a document in the order a reader meets them; the section kind of each.
PARTS = ("executive_summary", "business_impact", "actions", "technical_annex", "indicators",
         "techniques", "cves")
_CVE = re.compile(r"CVE-\d{4}-\d{4,19}", re.IGNORECASE)
_TECHNIQUE = re.compile(r"\bT\d{4}(?:\.\d{3})?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    text: str = ""
    label: str = ""


@dataclass(frozen=True)
class ComposerForm:
    kind: str = "advisory"  # "advisory" | "brief"
    document_id: str = ""
    title: str = ""
    severity: str = "medium"
    publisher: str = ""
    header_label: str = ""
    parts: Mapping[str, Part] = field(default_factory=dict)


def new_document_id(kind: str, now: dt.datetime) -> str:
    prefix = "ADV" if kind == "advisory" else "BRF"
    return f"{prefix}-{now:%Y%m%d}-{secrets.token_hex(3).upper()}"


def composer_ceiling(policy: Policy, kind: str, direct: bool) -> Label:
    """The highest label a part may carry. Advisories and group briefs go to everyone cleared
    on a channel, so TLP:RED (named people only) needs a brief to named recipients."""
    top = policy.levels[-1].key
    return Label(top, policy.compartment_keys(),
                 TLP.RED if kind == "brief" and direct else TLP.AMBER_STRICT)


def parse_actions(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """One action per line, "YYYY-MM-DD what to do"; returns (actions, problems)."""
    actions, problems = [], []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        try:
            due = dt.date.fromisoformat(head)
        except ValueError:
            problems.append(f"actions line {n}: start with the due date, e.g. 2026-02-01")
            continue
        if not rest.strip():
            problems.append(f"actions line {n}: say what to do after the date")
            continue
        actions.append({"text": rest.strip(), "due": due.isoformat()})
    return actions, problems


def parse_ids(text: str, kind: str) -> list[str]:
    """CVE ids or ATT&CK technique ids found in free text (upper case, each once)."""
    pattern = _CVE if kind == "cves" else _TECHNIQUE
    seen: dict[str, None] = {}
    for m in pattern.finditer(text):
        seen[m.group(0).upper()] = None
    return list(seen)


def build_document(form: ComposerForm, issued_at: dt.datetime
                   ) -> tuple[dict[str, Any], list[str]]:
    """The document (intel.documents shape) and the problems found while reading the form.
    Parts left empty are left out."""
    problems: list[str] = []
    sections: list[dict[str, Any]] = []
    for kind in PARTS:
        part = form.parts.get(kind)
        if part is None or not part.text.strip():
            continue
        s: dict[str, Any] = {"section_id": kind.replace("_", "-"), "kind": kind,
                             "label": part.label}
        if kind in ("executive_summary", "business_impact", "technical_annex"):
            s["body"] = part.text.strip()
        elif kind == "actions":
            s["actions"], bad = parse_actions(part.text)
            problems += bad
        elif kind == "indicators":
            s["indicators"] = [{"type": t, "value": v}
                               for t, v in parse_indicator_lines(part.text)]
        else:
            ids = parse_ids(part.text, kind)
            if not ids:
                problems.append(f"{kind}: no {'CVE id' if kind == 'cves' else 'ATT&CK id'} "
                                "found (e.g. CVE-2024-3400, T1190)")
            s[kind] = ids
        sections.append(s)
    doc = {"kind": form.kind, "document_id": form.document_id, "title": form.title.strip(),
           "header_label": form.header_label, "severity": form.severity,
           "publisher": form.publisher.strip(), "issued_at": issued_at.isoformat(),
           "sections": sections}
    return doc, problems


def document_problems(doc: Mapping[str, Any], policy: Policy, writer: Clearance,
                      ceiling: Label) -> list[str]:
    """Everything that stops ``doc`` from being published by ``writer``: the document model's
    checks, and every label within the writer's clearance and the composer's ceiling."""
    problems: list[str] = []
    try:
        parse_document(dict(doc), policy)
    except FormatError as exc:
        problems += exc.problems
    labels: Sequence[tuple[str, Any]] = [("header", doc.get("header_label"))] + [
        (str(s.get("kind")), s.get("label")) for s in doc.get("sections", [])]
    from client.ui.rules import allowed_labels

    allowed = {lb.canonical() for lb in allowed_labels(policy, writer, ceiling)}
    for where, text in labels:
        try:
            label = policy.parse_label(str(text))
        except (ValueError, FormatError):
            continue  # reported by parse_document above
        if label.canonical() not in allowed or not can_read(policy, writer, label,
                                                            [writer.user_id]):
            problems.append(f"{where}: {label.canonical()} is not a marking you may use here")
    return problems


def envelope_plan(doc: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """How the document travels: one envelope per distinct label, with what each holds
    ("header" and the section kinds), in the order they are first met."""
    plan: dict[str, list[str]] = {str(doc.get("header_label", "")): ["header"]}
    for s in doc.get("sections", []):
        plan.setdefault(str(s.get("label", "")), []).append(str(s.get("kind", "")))
    return list(plan.items())
