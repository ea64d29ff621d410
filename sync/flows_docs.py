"""Advisories and briefs: one composer for both, one envelope per distinct label.

Each section of a document has its own label, and a device must never receive a key or a
ciphertext for a label it is not cleared for. So a document is sent as *parts*: one envelope
per distinct label among the header and the sections, each holding the sections at that label
(and the header, when the part's label dominates the header's, so nothing is written down).
Every part carries the document id as ``thread`` and a random *edition* id shared by the
parts of one publication, which is how a reader puts the parts it holds back together.

- Advisory: group mode on ``channel:advisories``; only a publisher certificate may post there
  (the "one voice"), and only such an advisory is shown as OFFICIAL.
- Brief: group mode on ``channel:briefs`` (everyone cleared, by label), or direct mode to
  named people or organisations on ``channel:briefs`` (each part to those cleared for it).

Reassembly never mixes senders: an edition is the parts of one sender user in one channel.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from intel.documents import (
    MAX_DOCUMENT_BYTES,
    Document,
    DocumentKind,
    document_label,
    parse_document,
    visible_parts,
)
from intel.errors import FormatError, IntelError
from intel.markings import Clearance, Label, Policy, dominates
from intel.stix import load_json
from store import kv, outbox
from store.models import Item
from store.vault import transaction
from sync import compose
from sync.account import Session
from sync.compose import SendError
from sync.content import Content
from sync.flows_common import (
    PUBLISHER_ROLE,
    FlowError,
    Target,
    content_size,
    doc_of,
    flush,
    has_role,
    known_users,
    parse_label,
    room_items,
    send_direct_to,
    session_of,
    users_cleared,
    users_of_org,
)
from sync.wire import CHANNEL_ADVISORIES, CHANNEL_BRIEFS

__all__ = ["Published", "DocumentView", "validate_document", "publish_document",
           "publish_advisory", "send_brief", "load_document", "list_documents",
           "acknowledge_document", "acknowledgements", "my_acknowledgement", "ack_pending",
           "DOC_FORMAT"]

DOC_FORMAT = "renkei-document/1"
_DOC_ROOMS = (CHANNEL_ADVISORIES, CHANNEL_BRIEFS)
_MAX_BODY = 500_000


@dataclass(frozen=True)
class Published:
    document_id: str
    edition: str
    parts: tuple[tuple[str, str], ...]  # (label, envelope id), one per distinct label


@dataclass(frozen=True)
class DocumentView:
    """What this device holds of a document, put back together.

    ``document`` holds only the sections readable under the clearance asked for; ``official``
    is True only for an advisory every part of which came from a publisher-role certificate
    on ``channel:advisories``. ``parts_total - parts_held`` parts were not delivered to this
    device (above its clearance, or not named)."""

    document: Document
    official: bool
    author_user: str
    author_name: str
    author_device: str
    room: str
    edition: str
    envelope_ids: tuple[str, ...]
    parts_held: int
    parts_total: int
    published_ms: int
    label: Label
    mine: bool


# -- composing ------------------------------------------------------------------------------
def _section_text(s: Mapping[str, Any]) -> str:
    bits = [str(s.get("title") or ""), str(s.get("body") or "")]
    bits += [f"{a['text']} ({a['due']})" for a in s.get("actions", [])]
    bits += [str(i.get("value", "")) for i in s.get("indicators", [])]
    bits += [str(x) for x in (*s.get("techniques", []), *s.get("cves", []))]
    return "\n".join(b for b in bits if b)


def _parts(document: Document, policy: Policy, edition: str) -> list[tuple[Label, Content]]:
    header = policy.parse_label(document.header_label)
    by_label: dict[str, list[dict[str, Any]]] = {header.canonical(): []}
    for i, s in enumerate(document.sections):
        by_label.setdefault(policy.parse_label(s.label).canonical(), []).append(
            {"index": i, **s.model_dump(mode="json")})
    head = document.model_dump(mode="json", exclude={"sections"})
    out = []
    for n, (text, sections) in enumerate(by_label.items()):
        label = policy.parse_label(text)
        carries_header = dominates(policy, label, header)
        doc = {"format": DOC_FORMAT, "edition": edition, "part": n, "parts": len(by_label),
               "kind": document.kind.value, "document_id": document.document_id,
               "version": document.version, "header": head if carries_header else None,
               "sections": sections}
        body = "\n\n".join(_section_text(s) for s in sections)[:_MAX_BODY]
        c = Content(kind=document.kind.value, title=document.title if carries_header else "",
                    body=body, doc=doc, thread=document.document_id)
        content_size(c.encode())
        out.append((label, c))
    return out


def validate_document(data: Document | Mapping[str, Any] | bytes | str, policy: Policy
                      ) -> Document:
    """A brief or advisory checked in full: the model and every label against the policy.
    FormatError lists every problem with its field path."""
    if isinstance(data, Document):
        data = data.model_dump(mode="json")
    problems: list[str] = []
    doc: Document | None = None
    try:
        doc = parse_document(data, policy)
    except FormatError as exc:
        problems = list(exc.problems)
    obj = load_json(data, "document", MAX_DOCUMENT_BYTES)
    if doc is None and isinstance(obj, Mapping):
        sections = obj.get("sections")
        labels = [("header_label", obj.get("header_label"))] + [
            (f"sections[{i}].label", s.get("label")) for i, s in enumerate(
                sections if isinstance(sections, list) else []) if isinstance(s, Mapping)]
        for path, text in labels:
            if not isinstance(text, str) or any(p.startswith(path + ":") for p in problems):
                continue
            try:
                policy.parse_label(text)
            except IntelError as exc:
                problems.append(f"{path}: {exc}")
    if problems or doc is None:
        raise FormatError(f"the document has {len(problems)} problem(s)", problems)
    return doc


def _document(session: Session, document: Document | Mapping[str, Any] | bytes | str
              ) -> Document:
    return validate_document(document, session.policy)


def publish_document(target: Target, document: Document | Mapping[str, Any] | bytes | str, *,
                     users: Iterable[str] | None = None, orgs: Iterable[str] | None = None
                     ) -> Published:
    """The one composer of briefs and advisories. An advisory goes to ``channel:advisories``
    (group; publisher role required). A brief goes to ``channel:briefs``: group mode when
    neither ``users`` nor ``orgs`` is given, else direct mode to those people (each part to
    those cleared for its label; the author's own devices always get every part).

    All parts are queued in one transaction: either the whole document is queued or nothing.
    Raises FormatError (every problem of the document) or SendError (why it cannot go)."""
    session = session_of(target)
    doc = _document(session, document)
    direct = users is not None or orgs is not None
    if doc.kind is DocumentKind.ADVISORY:
        if direct:
            raise SendError("an advisory goes to everyone cleared for it, on the advisories "
                            "channel: send a brief to name people")
        if PUBLISHER_ROLE not in session.cert.roles:
            raise SendError("only a publisher certificate may issue advisories (the one "
                            "voice); send a brief instead")
        room = CHANNEL_ADVISORIES
    else:
        room = CHANNEL_BRIEFS
    for text in [doc.header_label, *(s.label for s in doc.sections)]:
        parse_label(session, text)
    named = _named(session, users, orgs) if direct else []
    if direct:
        header = session.policy.parse_label(doc.header_label)
        lacking = sorted(set(named) - set(users_cleared(session, named, header)))
        if lacking:
            raise SendError("not cleared for this document's header label "
                            f"{header.canonical()}: {', '.join(lacking)}; nothing was sent")
    edition = secrets.token_hex(8)
    sent: list[tuple[str, str]] = []
    with transaction(session.conn):
        for label, content in _parts(doc, session.policy, edition):
            c = content.model_copy(update={"sender_name": session.cert.display_name})
            if direct:
                to = sorted(set(users_cleared(session, named, label)) | {session.user_id})
                eid = send_direct_to(session, room, label, c, to, check_key_changes=True)
            else:
                eid = compose.send_group(session, room, label.canonical(), c)
            sent.append((label.canonical(), eid))
    flush(target)
    return Published(doc.document_id, edition, tuple(sent))


def _named(session: Session, users: Iterable[str] | None, orgs: Iterable[str] | None
           ) -> list[str]:
    named = {u for u in users or () if u}
    known = known_users(session)
    unknown = sorted(named - known)
    if unknown:
        raise SendError("unknown on this device (sync first, or check the user id): "
                        + ", ".join(unknown))
    for org in orgs or ():
        members = users_of_org(session, org)
        if not members:
            raise SendError(f"no one from organisation {org} is known on this device; sync "
                            "first, or check the organisation id")
        named |= set(members)
    named.discard(session.user_id)
    if not named:
        raise SendError("name at least one recipient other than yourself")
    return sorted(named)


def publish_advisory(target: Target, document: Document | Mapping[str, Any] | bytes | str
                     ) -> Published:
    """Issue an advisory (publisher role) on ``channel:advisories``."""
    doc = _document(session_of(target), document)
    if doc.kind is not DocumentKind.ADVISORY:
        raise FormatError("this document is a brief, not an advisory",
                          ["kind: must be \"advisory\" to publish as an advisory"])
    return publish_document(target, doc)


def send_brief(target: Target, document: Document | Mapping[str, Any] | bytes | str, *,
               users: Iterable[str] | None = None, orgs: Iterable[str] | None = None
               ) -> Published:
    """Send a brief to named people/organisations (direct), or by label to everyone cleared
    on ``channel:briefs`` (when neither is given)."""
    doc = _document(session_of(target), document)
    if doc.kind is not DocumentKind.BRIEF:
        raise FormatError("this document is an advisory, not a brief",
                          ["kind: must be \"brief\" to send as a brief"])
    return publish_document(target, doc, users=users, orgs=orgs)


# -- reassembling ---------------------------------------------------------------------------
@dataclass
class _Edition:
    key: tuple[str, str, str, str]  # edition, sender user, room, kind
    items: list[Item]
    docs: list[dict[str, Any]]


def _editions(session: Session, items: Iterable[Item]) -> list[_Edition]:
    groups: dict[tuple[str, str, str, str], _Edition] = {}
    for item in items:
        if item.status != "ok" or item.kind not in ("brief", "advisory"):
            continue
        if item.room_id not in _DOC_ROOMS:
            continue
        doc = doc_of(item)
        if doc.get("format") != DOC_FORMAT or doc.get("kind") != item.kind:
            continue
        key = (str(doc.get("edition")), item.sender_user, item.room_id, item.kind)
        ed = groups.setdefault(key, _Edition(key, [], []))
        ed.items.append(item)
        ed.docs.append(doc)
    return list(groups.values())


def _assemble(ed: _Edition) -> Document | None:
    header = next((d["header"] for d in ed.docs if isinstance(d.get("header"), dict)), None)
    if header is None:
        return None
    sections: dict[int, dict[str, Any]] = {}
    for d in ed.docs:
        for s in d.get("sections", []):
            if isinstance(s, dict) and isinstance(s.get("index"), int):
                sections.setdefault(s["index"], {k: v for k, v in s.items() if k != "index"})
    whole = {**header, "sections": [sections[i] for i in sorted(sections)]}
    try:
        doc = Document.model_validate_json(json.dumps(whole))
    except (ValidationError, ValueError, TypeError):
        return None
    if doc.document_id != ed.items[0].thread_id or doc.kind.value != ed.key[3]:
        return None
    return doc


def _official(session: Session, ed: _Edition) -> bool:
    return ed.key[3] == "advisory" and all(
        it.room_id == CHANNEL_ADVISORIES and has_role(session, it.sender_device, PUBLISHER_ROLE)
        for it in ed.items)


def load_document(session: Session, doc_id: str, policy: Policy | None = None,
                  clearance: Clearance | None = None) -> DocumentView | None:
    """The newest edition of ``doc_id`` this device holds (an official one first), limited
    to what ``clearance`` (default: this device's) may read; None when nothing readable is
    held. Parts this device never received are simply absent."""
    from store import items as store_items

    pol = policy or session.policy
    clr = clearance or session.cert.clearance
    candidates = []
    for ed in _editions(session, store_items.list_thread(session.conn, doc_id, 10_000)):
        doc = _assemble(ed)
        if doc is not None:
            candidates.append((ed, doc))
    if not candidates:
        return None

    def rank(c: tuple[_Edition, Document]) -> tuple[bool, int, int]:
        ed, doc = c
        return (_official(session, ed), doc.version, max(i.created_ms for i in ed.items))

    ed, doc = max(candidates, key=rank)
    named = [session.user_id] if clr.user_id == session.user_id else None
    shown = visible_parts(doc, pol, clr, named)
    if shown is None:
        return None
    first = min(ed.items, key=lambda i: i.created_ms)
    total = max(int(d.get("parts", 0) or 0) for d in ed.docs)
    return DocumentView(
        document=shown, official=_official(session, ed), author_user=first.sender_user,
        author_name=first.sender_name, author_device=first.sender_device, room=first.room_id,
        edition=ed.key[0], envelope_ids=tuple(i.item_id for i in ed.items),
        parts_held=len(ed.items), parts_total=max(total, len(ed.items)),
        published_ms=first.created_ms, label=document_label(shown, pol),
        mine=first.sender_user == session.user_id)


def list_documents(session: Session, kind: str | None = None) -> list[DocumentView]:
    """Every brief and advisory this device holds (``kind``: "brief" or "advisory" only),
    newest first."""
    rooms = {"advisory": (CHANNEL_ADVISORIES,), "brief": (CHANNEL_BRIEFS,)}.get(
        kind or "", _DOC_ROOMS)
    ids: dict[str, None] = {}
    for room in rooms:
        for item in room_items(session, room):
            if item.kind in ("brief", "advisory") and item.thread_id and (
                    kind is None or item.kind == kind):
                ids[item.thread_id] = None
    out = [v for v in (load_document(session, d) for d in ids) if v is not None]
    return sorted(out, key=lambda v: v.published_ms, reverse=True)


# -- acknowledgements -----------------------------------------------------------------------
def _ack_setting(doc_id: str, edition: str) -> str:
    return f"doc-ack:{doc_id}|{edition}"


def acknowledge_document(target: Target, doc_id: str) -> int:
    """"Read and understood": a receipt for every part held goes to the author's devices.
    Returns the time (ms) of this acknowledgement (the first one, when repeated)."""
    session = session_of(target)
    view = load_document(session, doc_id)
    if view is None:
        raise FlowError(f"no document {doc_id} readable on this device; sync first")
    if view.mine:
        raise FlowError("you wrote this document; acknowledgements come from its readers")
    name = _ack_setting(doc_id, view.edition)
    with transaction(session.conn):
        when = kv.get_setting(session.conn, name)
        if when is None:
            when = str(session.now_ms())
            kv.set_setting(session.conn, name, when)
        for eid in view.envelope_ids:
            compose.queue_ack(session, view.room, eid)
    flush(target)
    return int(when)


def my_acknowledgement(session: Session, doc_id: str) -> int | None:
    """When this user acknowledged the edition held of ``doc_id`` (ms), or None."""
    view = load_document(session, doc_id)
    if view is None:
        return None
    when = kv.get_setting(session.conn, _ack_setting(doc_id, view.edition))
    return int(when) if when is not None else None


def acknowledgements(session: Session, doc_id: str) -> dict[str, int]:
    """For the author: who acknowledged the document (user id → time in ms, earliest)."""
    from store import items as store_items

    view = load_document(session, doc_id)
    if view is None:
        return {}
    parts = set(view.envelope_ids)
    first = min(p.pos for p in (store_items.get_item(session.conn, e) for e in parts)
                if p is not None)
    out: dict[str, int] = {}
    for item in store_items.list_replies(session.conn, parts):
        # Only receipts in the document's room that arrived after its first part count.
        if item.kind == "ack" and item.room_id == view.room and item.pos > first and (
                item.sender_user):
            prev = out.get(item.sender_user)
            out[item.sender_user] = item.created_ms if prev is None else min(prev,
                                                                             item.created_ms)
    out.pop(session.user_id, None)
    return dict(sorted(out.items()))


def ack_pending(session: Session, doc_id: str) -> bool:
    """True while this device's acknowledgement of ``doc_id`` waits in the outbox."""
    view = load_document(session, doc_id)
    if view is None:
        return False
    entries = [outbox.get_entry(session.conn, "ack:" + e) for e in view.envelope_ids]
    return any(e is not None and e.sent_ms is None for e in entries)
