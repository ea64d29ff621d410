"""Update (続報) and final (最終報告) incident reports, as pure functions (no Qt).

A follow-up continues the thread of its quick report: it starts from the latest report the
thread holds (``follow_up_prefill``: fresh id, ``previous_report_id``, the stage, the report
time), and the form lays what changed over it (``build_follow_up``). The final report adds
what ``intel.reports.FinalReport`` requires: affected assets, root cause, mitigations and
recovery, with the incident contained and every impact known.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from client.ui.report_rules import parse_indicator_lines
from intel.reports import AssetKind, Recoverability

__all__ = ["FINAL_ONLY", "FollowUpForm", "asset_choices", "build_follow_up",
           "follow_up_prefill", "form_from_follow_up", "parse_ids", "recoverability_choices"]

FINAL_ONLY = ("affected_assets", "root_cause", "mitigations", "recovery")
_CVE = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
_TECHNIQUE = re.compile(r"T\d{4}(?:\.\d{3})?", re.IGNORECASE)


def asset_choices(lang: str) -> list[tuple[str, str]]:
    return AssetKind.choices(lang)


def recoverability_choices(lang: str) -> list[tuple[str, str]]:
    return Recoverability.choices(lang)


def _instant(text: str) -> float:
    try:
        return dt.datetime.fromisoformat(text).timestamp()
    except (TypeError, ValueError):
        return 0.0


def follow_up_prefill(previous: Mapping[str, Any], stage: str, now: dt.datetime
                      ) -> dict[str, Any]:
    """The next report of a thread, from the latest one held (``model_dump(mode="json")``)."""
    if now.tzinfo is None:
        raise ValueError("follow_up_prefill needs a timezone-aware time")
    doc = copy.deepcopy(dict(previous))
    if stage != "final":
        for key in FINAL_ONLY:
            doc.pop(key, None)
    doc["stage"] = stage
    doc["previous_report_id"] = str(previous["report_id"])
    doc["report_id"] = f"IR-{now:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"
    doc["thread_id"] = str(previous.get("thread_id") or previous["report_id"])
    timeline = dict(doc.get("timeline") or {})
    stamp = now.isoformat()
    # Never before the previous report's own time (a clock set back must not break order).
    latest = max([stamp, str(timeline.get("reported_at") or stamp)], key=_instant)
    timeline["reported_at"] = latest
    doc["timeline"] = timeline
    doc.setdefault("cves", [])
    doc.setdefault("techniques", [])
    doc["consent"] = False  # each report is consented to on its own
    return doc


def parse_ids(text: str, kind: str) -> tuple[str, ...]:
    """CVE ids ("cve") or ATT&CK technique ids ("technique") found in free text, upper
    case, in order, without repeats. Anything else is ignored (the form shows what it kept)."""
    pattern = _CVE if kind == "cve" else _TECHNIQUE
    out: dict[str, None] = {}
    for m in pattern.finditer(text):
        out[m.group(0).upper()] = None
    return tuple(out)


@dataclass(frozen=True)
class FollowUpForm:
    """What the person filled in for an update or final report."""

    summary: str = ""
    label: str = ""
    containment: str = "ongoing"
    functional_impact: str = "unknown"
    information_impact: str = "unknown"
    safety_impact: str = "unknown"
    cves: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    indicators: tuple[tuple[str, str], ...] = ()
    purposes: tuple[str, ...] = ("incident_response",)
    consent: bool = False
    # final report only
    assets: tuple[tuple[str, int, str], ...] = ()  # (kind, count, description)
    root_cause: str = ""
    mitigations: tuple[str, ...] = ()
    recoverability: str = ""
    recovery: str = ""


def form_from_follow_up(prefill: Mapping[str, Any]) -> FollowUpForm:
    """The form as the previous report fills it (what is already known stays)."""
    recovery = prefill.get("recovery") or {}
    return FollowUpForm(
        summary=str(prefill.get("summary", "")), label=str(prefill.get("label", "")),
        containment=str(prefill.get("containment", "ongoing")),
        functional_impact=str(prefill.get("functional_impact", "unknown")),
        information_impact=str(prefill.get("information_impact", "unknown")),
        safety_impact=str(prefill.get("safety_impact", "unknown")),
        cves=tuple(str(c) for c in prefill.get("cves") or ()),
        techniques=tuple(str(t) for t in prefill.get("techniques") or ()),
        indicators=tuple((str(i.get("type", "")), str(i.get("value", "")))
                         for i in prefill.get("indicators") or () if isinstance(i, dict)),
        purposes=tuple(prefill.get("purposes") or ("incident_response",)),
        consent=bool(prefill.get("consent", False)),
        assets=tuple((str(a.get("kind", "")), int(a.get("count", 1)),
                      str(a.get("description", "")))
                     for a in prefill.get("affected_assets") or () if isinstance(a, dict)),
        root_cause=str(prefill.get("root_cause", "")),
        mitigations=tuple(str(m) for m in prefill.get("mitigations") or ()),
        recoverability=str(recovery.get("recoverability", "")),
        recovery=str(recovery.get("description", "")))


def indicator_lines(form: FollowUpForm) -> str:
    return "\n".join(f"{t} {v}" for t, v in form.indicators)


def build_follow_up(prefill: Mapping[str, Any], form: FollowUpForm) -> dict[str, Any]:
    """The report document: the previous report's facts with the form laid over them."""
    doc = copy.deepcopy(dict(prefill))
    doc["summary"] = form.summary.strip()
    if form.label:
        doc["label"] = form.label
    for key in ("containment", "functional_impact", "information_impact", "safety_impact"):
        doc[key] = getattr(form, key)
    doc["cves"] = list(form.cves)
    doc["techniques"] = list(form.techniques)
    doc["indicators"] = [{"type": t, "value": v} for t, v in form.indicators if v.strip()]
    doc["purposes"] = list(form.purposes)
    doc["consent"] = form.consent
    timeline = dict(doc.get("timeline") or {})
    reported = str(timeline.get("reported_at", ""))
    if form.containment != "ongoing" and not timeline.get("contained_at") and reported:
        timeline["contained_at"] = reported  # contained by now, at the latest
    doc["timeline"] = timeline
    if doc.get("stage") == "final":
        doc["affected_assets"] = [{"kind": k, "count": n, "description": d.strip()}
                                  for k, n, d in form.assets]
        doc["root_cause"] = form.root_cause.strip()
        doc["mitigations"] = [m.strip() for m in form.mitigations if m.strip()]
        recovery: dict[str, Any] = {"recoverability": form.recoverability,
                                    "description": form.recovery.strip()}
        if form.containment == "recovered" and reported:
            recovery["recovered_at"] = reported
        doc["recovery"] = recovery
    return doc


def lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def indicators_from_text(text: str) -> tuple[tuple[str, str], ...]:
    return parse_indicator_lines(text)
