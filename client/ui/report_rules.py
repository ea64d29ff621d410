"""The incident report form and the intake inbox, as pure functions (no Qt).

A quick report (速報) must be done in under two minutes: the form starts from
``intel.reports.quick_report_defaults`` (fresh id, times, safe choices), remembers the
reporter's organisation and contact, and asks only for what a person must decide: what kind
of incident, what happened, and consent. Everything is validated by ``intel.reports`` before it
is sent, and every problem is listed at once.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from intel.errors import FormatError, IntelError
from intel.reports import (
    Category,
    Containment,
    FunctionalImpact,
    InformationImpact,
    IntakeStatus,
    SafetyImpact,
    Sector,
    UsePurpose,
    YesNoUnknown,
    check_intake_transition,
    parse_report,
)
from intel.stix import Bilingual

__all__ = [
    "PICK_LISTS",
    "QuickReportForm",
    "build_quick_report",
    "choices",
    "next_statuses",
    "report_problems",
    "status_text",
]

# Form field -> the enum its pick-list comes from (names in English and Japanese).
PICK_LISTS: dict[str, type[Bilingual]] = {
    "sector": Sector,
    "category": Category,
    "containment": Containment,
    "functional_impact": FunctionalImpact,
    "information_impact": InformationImpact,
    "safety_impact": SafetyImpact,
    "suspected_malicious": YesNoUnknown,
}


def choices(name: str, lang: str) -> list[tuple[str, str]]:
    """(value, display name) pairs of a pick-list, in the order the standard gives them."""
    return PICK_LISTS[name].choices(lang)


def purpose_choices(lang: str) -> list[tuple[str, str]]:
    return UsePurpose.choices(lang)


def status_text(status: str, lang: str) -> str:
    try:
        return IntakeStatus(status).display(lang)
    except ValueError:
        return status


@dataclass(frozen=True)
class QuickReportForm:
    """What the person filled in. Empty strings mean "not given"."""

    entity_name: str = ""
    sector: str = ""
    org_id: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    category: str = ""
    summary: str = ""
    label: str = ""
    detected_at: str = ""  # ISO 8601 with a time zone
    containment: str = "ongoing"
    functional_impact: str = "unknown"
    information_impact: str = "unknown"
    safety_impact: str = "unknown"
    suspected_malicious: str = "unknown"
    purposes: tuple[str, ...] = ("incident_response",)
    consent: bool = False
    indicators: tuple[tuple[str, str], ...] = field(default=())  # (type, value)


def form_from_prefill(prefill: Mapping[str, Any]) -> QuickReportForm:
    """The form as the defaults (and the remembered reporter) fill it."""
    entity = prefill.get("entity") or {}
    contact = prefill.get("contact") or {}
    timeline = prefill.get("timeline") or {}
    return QuickReportForm(
        entity_name=str(entity.get("name", "")), sector=str(entity.get("sector", "")),
        org_id=str(entity.get("org_id") or ""),
        contact_name=str(contact.get("name", "")), contact_email=str(contact.get("email", "")),
        contact_phone=str(contact.get("phone", "")),
        label=str(prefill.get("label", "")), detected_at=str(timeline.get("detected_at", "")),
        containment=str(prefill.get("containment", "ongoing")),
        functional_impact=str(prefill.get("functional_impact", "unknown")),
        information_impact=str(prefill.get("information_impact", "unknown")),
        safety_impact=str(prefill.get("safety_impact", "unknown")),
        suspected_malicious=str(prefill.get("suspected_malicious", "unknown")),
        purposes=tuple(prefill.get("purposes") or ("incident_response",)),
        consent=bool(prefill.get("consent", False)))


def build_quick_report(prefill: Mapping[str, Any], form: QuickReportForm) -> dict[str, Any]:
    """The report document: the prefill (id, times, defaults) with the form laid over it.

    Detection, awareness and report times: detection as entered (default: when the form was
    opened), awareness at detection, the report at the later of the prefill's time and
    detection, so the timeline is ordered as the model requires.
    """
    doc = copy.deepcopy(dict(prefill))
    entity: dict[str, Any] = {"name": form.entity_name.strip(), "sector": form.sector}
    if form.org_id.strip():
        entity["org_id"] = form.org_id.strip()
    doc["entity"] = entity
    doc["contact"] = {"name": form.contact_name.strip(), "email": form.contact_email.strip(),
                      "phone": form.contact_phone.strip()}
    if form.category:
        doc["category"] = form.category
    else:
        doc.pop("category", None)
    doc["summary"] = form.summary.strip()
    if form.label:
        doc["label"] = form.label
    timeline = dict(doc.get("timeline") or {})
    if form.detected_at:
        timeline["detected_at"] = form.detected_at
        timeline["aware_at"] = form.detected_at
        reported = str(timeline.get("reported_at") or form.detected_at)
        timeline["reported_at"] = max(reported, form.detected_at, key=_instant)
    doc["timeline"] = timeline
    for key in ("containment", "functional_impact", "information_impact", "safety_impact",
                "suspected_malicious"):
        doc[key] = getattr(form, key)
    doc["purposes"] = list(form.purposes)
    doc["consent"] = form.consent
    doc["indicators"] = [{"type": t, "value": v} for t, v in form.indicators if v.strip()]
    return doc


def _instant(text: str) -> float:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0


def report_problems(doc: Mapping[str, Any]) -> list[str]:
    """Every problem of the report ([] when it can be sent)."""
    try:
        parse_report(dict(doc))
    except FormatError as exc:
        return list(exc.problems)
    return []


def parse_indicator_lines(text: str) -> tuple[tuple[str, str], ...]:
    """"TYPE VALUE" per line (e.g. ``ipv4 198.51.100.7``); a bare value is guessed."""
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        if rest.strip():
            out.append((head.lower(), rest.strip()))
        else:
            out.append((_guess_type(line), line))
    return tuple(out)


def _guess_type(value: str) -> str:
    import ipaddress

    try:
        return "ipv4" if ipaddress.ip_address(value).version == 4 else "ipv6"
    except ValueError:
        pass
    if "://" in value:
        return "url"
    if "@" in value:
        return "email"
    hexchars = set("0123456789abcdefABCDEF")
    if set(value) <= hexchars:
        return {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}.get(len(value), "filename")
    return "domain" if "." in value else "filename"


def next_statuses(current: str) -> list[str]:
    """The intake statuses a report may move to from ``current`` (the centre's workflow)."""
    try:
        cur = IntakeStatus(current)
    except ValueError:
        return []
    out = []
    for s in IntakeStatus:
        try:
            check_intake_transition(cur, s)
        except IntelError:
            continue
        out.append(s.value)
    return out


def open_questions(entries: Sequence[Any], me: str) -> list[Any]:
    """Questions from the centre that this reporter has not answered yet."""
    return [e for e in entries
            if e.what == "question" and e.from_intake and not e.answered and e.sender_user != me]
