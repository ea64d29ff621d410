"""Turning what the vault and the flows hand out into the UI's values (no I/O here).

Fail closed: an item whose label the policy does not know is shown as rejected, never with
its content.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from client.ui.values import (
    AttachmentInfo,
    Device,
    Entry,
    KevRow,
    KeyChangeNotice,
    Member,
    ReportEntry,
    ReportSummary,
    SearchResult,
    SecurityNotice,
)
from intel.errors import IntelError
from intel.markings import Clearance, Label, Policy

__all__ = [
    "GapMap",
    "attachments_of",
    "entries_with_gaps",
    "entry_from_item",
    "gap_reason",
    "kev_row",
    "key_change_notice",
    "members_of",
    "parse_label",
    "report_entry",
    "report_summary",
    "search_result",
    "security_notice",
]

translate = QCoreApplication.translate


def parse_label(policy: Policy, text: str) -> Label | None:
    try:
        return policy.parse_label(text)
    except (IntelError, ValueError):
        return None


def _payload(item: Any) -> dict[str, Any]:
    if not item.payload:
        return {}
    try:
        value = json.loads(item.payload)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def entry_from_item(item: Any, policy: Policy, certs: Mapping[str, Any]) -> Entry:
    """A timeline row for a stored item (``store.models.Item``)."""
    cert = certs.get(item.sender_device)
    name = item.sender_name or (cert.display_name if cert is not None else "") or \
        item.sender_user
    org = cert.org if cert is not None else ""
    label = parse_label(policy, item.label)
    if item.status != "ok" or label is None:
        reason = item.reject_reason or translate(
            "Timeline", "its marking is unknown to this deployment's policy")
        return Entry(item.pos, item.item_id, item.room_id, "rejected", label, item.created_ms,
                     item.sender_user, name, org, item.kind, reason=reason)
    payload = _payload(item)
    quote = payload.get("quote")
    quote_of = str(quote.get("id")) if isinstance(quote, dict) and quote.get("id") else None
    return Entry(item.pos, item.item_id, item.room_id, "ok", label, item.created_ms,
                 item.sender_user, name, org, item.kind, item.title, item.body, quote_of,
                 attachments=attachments_of(item.item_id, payload))


def attachments_of(item_id: str, payload: Mapping[str, Any]) -> tuple[AttachmentInfo, ...]:
    """The files a message carries, as the timeline lists them (never their keys)."""
    raw = payload.get("attachments")
    out = []
    for i, a in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(a, dict):
            continue
        try:
            size = int(a.get("size", 0))
        except (TypeError, ValueError):
            continue
        # Only the base name: a sender's path must never steer where a file is saved.
        name = str(a.get("name") or "").replace("\\", "/").rsplit("/", 1)[-1] or f"file-{i + 1}"
        out.append(AttachmentInfo(item_id, i, name, size,
                                  str(a.get("mime") or "application/octet-stream")))
    return tuple(out)


def gap_reason(sender: str, first: int, last: int) -> str:
    count = last - first + 1
    return (translate("Timeline", "%1 message(s) from %2 at this marking (numbers %3–%4) never "
                      "arrived: the server dropped them or is holding them back")
            .replace("%1", str(count)).replace("%2", sender)
            .replace("%3", str(first)).replace("%4", str(last)))


GapMap = dict[tuple[str, str, int], tuple[int, int]]


def entries_with_gaps(
    items: Sequence[Any], gaps: Mapping[tuple[str, str, int], tuple[int, int]],
    policy: Policy, certs: Mapping[str, Any], *, newest_first: bool,
) -> list[Entry]:
    """Entries for ``items`` with a warning row placed just before (older than) the first
    item that arrived after each gap. ``gaps`` maps (sender device, label, seq after the gap)
    to the missing range."""
    out: list[Entry] = []
    for item in items:
        if item.kind == "ack":
            continue  # receipts are shown on the documents they acknowledge
        entry = entry_from_item(item, policy, certs)
        gap = (gaps.get((item.sender_device, item.label, item.seq)) if item.seq is not None
               else None)
        if gap is None:
            out.append(entry)
            continue
        first, last = gap
        warning = Entry(item.pos, f"gap:{item.sender_device}:{item.label}:{first}",
                        item.room_id, "gap",
                        None, item.created_ms, item.sender_user, entry.sender_name,
                        entry.sender_org, reason=gap_reason(entry.sender_name, first, last))
        # Same position as the item after the gap; the timeline keeps this order for ties.
        out += [entry, warning] if newest_first else [warning, entry]
    return out


def members_of(users: Iterable[str], certs: Mapping[str, Any], verified: Mapping[str, bool],
               policy: Policy) -> list[Member]:
    """People as their verified certificates describe them (newest certificate first)."""
    by_user: dict[str, list[Any]] = {}
    for cert in certs.values():
        by_user.setdefault(cert.user_id, []).append(cert)
    out = []
    for user in users:
        held = sorted(by_user.get(user, []), key=lambda c: c.issued_at, reverse=True)
        if not held:
            # Known only from a room log: shown with the lowest clearance (fail closed).
            out.append(Member(user, user, "", Clearance(user, "", policy.lowest.key)))
            continue
        top = held[0]
        devices = tuple(Device(c.device_id, c.keys.fingerprint, verified.get(c.device_id, False))
                        for c in held)
        out.append(Member(user, top.display_name, top.org, top.clearance, devices))
    return sorted(out, key=lambda m: (m.display_name.casefold(), m.user_id))


def key_change_notice(change: Any, names: Mapping[str, str]) -> KeyChangeNotice:
    return KeyChangeNotice(change.change_id, change.user_id,
                           names.get(change.user_id, change.user_id), change.device_id,
                           change.old_fingerprint, change.new_fingerprint)


def search_result(hit: Any, policy: Policy, doc_titles: Mapping[str, tuple[str, Label]]
                  ) -> SearchResult | None:
    """A hit; for a part of a brief or advisory, the document as a whole: its id, its title
    and a label covering both the title and the part that matched."""
    item = hit.item
    label = parse_label(policy, item.label)
    if label is None:
        return None
    item_id, title = item.item_id, item.title
    if item.kind in ("brief", "advisory") and item.thread_id:
        item_id = item.thread_id
        known = doc_titles.get(item.thread_id)
        if known is None:
            return None  # a part of a document not readable as a whole here
        title = known[0]
        from client.ui.rules import banner_label

        label = banner_label(policy, [label, known[1]])
    return SearchResult(item_id, item.kind, item.room_id, title, hit.snippet, label,
                        item.created_ms)


def report_summary(t: Any, policy: Policy, me: str) -> ReportSummary | None:
    label = parse_label(policy, t.label)
    if label is None:
        return None
    return ReportSummary(t.thread_id, t.entity, t.reporter, t.stage.value, label,
                         t.status.value, t.reports, t.open_questions, t.first_ms, t.latest_ms,
                         t.reporter == me)


def report_entry(e: Any, policy: Policy, answered: set[str]) -> ReportEntry | None:
    label = parse_label(policy, e.label)
    if label is None:
        return None
    base: dict[str, Any] = dict(item_id=e.item_id, what=e.what, sender_user=e.sender_user,
                                sender_name=e.sender_name, from_intake=e.from_intake,
                                label=label, created_ms=e.created_ms)
    status = e.status.value if e.status is not None else None
    if e.report is not None:
        r = e.report
        return ReportEntry(**base, text=r.summary, status=status, report_id=r.report_id,
                           stage=r.stage.value, category=r.category.value,
                           entity=r.entity.name)
    if e.question is not None:
        q = e.question
        text = q.answer if e.what == "answer" and q.answer else q.question
        return ReportEntry(**base, text=text or "", status=status, question_id=q.question_id,
                           answered=q.question_id in answered, report_id=q.report_id)
    return ReportEntry(**base, text=e.note, status=status)


def kev_row(source: str, e: Any, affects: Mapping[str, str], label: Label | None) -> KevRow:
    return KevRow(e.cveID, e.vendorProject, e.product, e.vulnerabilityName, e.dateAdded,
                  e.dueDate, e.knownRansomwareCampaignUse == "Known", e.shortDescription,
                  e.requiredAction, e.notes, source, e.cveID in affects, affects.get(e.cveID, ""),
                  label)


def security_notice(ev: Any) -> SecurityNotice:
    return SecurityNotice(ev.event_id, ev.at_ms, ev.kind, ev.detail, ev.room_id)
