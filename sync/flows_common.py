"""Shared plumbing of the flows (``sync.flows``): targets, recipients, stored payloads.

A flow takes a target: a :class:`~sync.account.Session` (sans-I/O: it queues in the outbox
and returns) or an :class:`~sync.engine.Engine` (the same, then one attempt to deliver; when
the server cannot be reached the work stays queued and ``renkei sync`` sends it later).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from crypto.certs import Certificate, check_validity
from crypto.envelope import new_header, seal_direct
from crypto.errors import CertificateRejected, CryptoError
from crypto.recipients import select_recipients
from intel.errors import LabelError
from intel.markings import TLP, Label, can_read
from store import items as store_items
from store import keys as store_keys
from store import outbox
from store.models import Item
from store.vault import transaction
from sync import compose
from sync.account import Session
from sync.compose import SendError
from sync.content import Content
from sync.engine import Engine, Offline
from sync.errors import SyncError
from sync.rooms import current_crl, room_state

Target = Session | Engine

INTAKE_ROLE = "intake"
PUBLISHER_ROLE = "publisher"
# What one envelope may carry (crypto.envelope.MAX_PLAINTEXT is 1 MiB), with room for the
# content's own framing.
MAX_PART_BYTES = (1 << 20) - 16_384
_PAGE = 2000


class FlowError(SyncError):
    """A flow cannot go on (unknown document or report, missing role, nothing held); the
    message says what to do. Nothing was queued."""


def session_of(target: Target) -> Session:
    return target.session if isinstance(target, Engine) else target


def flush(target: Target) -> None:
    """Try to deliver what is queued; offline, it stays in the outbox (never lost)."""
    if isinstance(target, Engine):
        with contextlib.suppress(Offline):
            target.flush_outbox()


def delivery_state(session: Session, envelope_id: str) -> str:
    """"sent" once the server took the envelope, "queued" while it waits in the outbox,
    "unknown" when this device never queued it."""
    entry = outbox.get_entry(session.conn, "env:" + envelope_id)
    if entry is None:
        return "unknown"
    return "queued" if entry.sent_ms is None else "sent"


def parse_label(session: Session, text: str) -> Label:
    try:
        return session.policy.parse_label(text)
    except LabelError as exc:
        raise SendError(str(exc)) from None


def lowest_clear(session: Session) -> Label:
    return Label(session.policy.lowest.key, tlp=TLP.CLEAR)


# -- certificates and people ----------------------------------------------------------------
def valid_certs(session: Session) -> list[Certificate]:
    """Certificates valid now and not revoked (all verified against the authority)."""
    crl = current_crl(session)
    out = []
    for cert in session.certs.values():
        try:
            check_validity(cert, session.now(), crl)
        except CertificateRejected:
            continue
        out.append(cert)
    return out


def has_role(session: Session, device_id: str, role: str) -> bool:
    cert = session.certs.get(device_id)
    return cert is not None and role in cert.roles


def users_cleared(session: Session, users: Iterable[str], label: Label) -> list[str]:
    """Those of ``users`` with at least one valid device cleared for ``label`` when named."""
    wanted = set(users)
    ok = {c.user_id for c in valid_certs(session)
          if c.user_id in wanted and can_read(session.policy, c.clearance, label, [c.user_id])}
    return sorted(ok)


def intake_users(session: Session, label: Label) -> list[str]:
    """Users with an intake-role device cleared for ``label`` (named, as in direct mode)."""
    users = {c.user_id for c in valid_certs(session)
             if INTAKE_ROLE in c.roles
             and can_read(session.policy, c.clearance, label, [c.user_id])}
    return sorted(users)


def known_users(session: Session) -> set[str]:
    return {c.user_id for c in valid_certs(session)}


def users_of_org(session: Session, org: str) -> list[str]:
    return sorted({c.user_id for c in valid_certs(session) if c.org == org})


# -- stored items ---------------------------------------------------------------------------
def payload(item: Item) -> dict[str, Any]:
    """The item's structured payload (``{}`` when none or unreadable)."""
    if not item.payload:
        return {}
    try:
        value = json.loads(item.payload)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def doc_of(item: Item) -> dict[str, Any]:
    doc = payload(item).get("doc")
    return doc if isinstance(doc, dict) else {}


def room_items(session: Session, room: str, after_pos: int = 0) -> Iterator[Item]:
    """Every item of ``room`` after ``after_pos``, oldest first, a page at a time."""
    pos = after_pos
    while True:
        page = store_items.list_items_after(session.conn, room, pos, _PAGE)
        yield from page
        if len(page) < _PAGE:
            return
        pos = page[-1].pos


def send_direct_to(session: Session, room: str, label: Label, c: Content,
                   users: Iterable[str],
                   device_filter: Callable[[Certificate], bool] | None = None, *,
                   check_key_changes: bool = False) -> str:
    """Direct mode to exactly the devices of ``users`` (that ``device_filter`` keeps), each
    cleared for ``label``; SendError names anyone who cannot receive it. With
    ``check_key_changes``, a named person whose key changed blocks sending until the change
    is accepted, as in a room.

    ``compose.send_direct`` wraps for every device of the room cleared for a label that is
    not TLP:RED, named or not; a brief for named people must reach those people only, so
    the recipients are chosen here and the rest is compose's own path."""
    wanted = set(users)
    with transaction(session.conn):
        state = room_state(session, room)
        if state is None:
            raise SendError(f"room {room} is unknown on this device; sync first")
        compose._check_can_send(session, state, label)
        found = select_recipients(session.policy, state, session.certs.values(), label,
                                  session.now(), current_crl(session), named=sorted(wanted))
        targets = [t for t in found.values() if t.user_id in wanted
                   and (device_filter is None or device_filter(t))]
        if check_key_changes:
            blocked = sorted(u for u in wanted - {session.user_id}
                             if store_keys.has_unaccepted_key_change(session.conn, u))
            if blocked:
                raise SendError("a key changed for " + ", ".join(blocked) + "; compare "
                                "fingerprints and accept the change before sending")
        missing = wanted - {t.user_id for t in targets}
        if missing:
            raise SendError("not cleared for this label or not reachable: "
                            + ", ".join(sorted(missing)))
        header = new_header(room=room, sender=session.device_id,
                            seq=compose.next_own_seq(session, room, label.canonical(),
                                                     "direct"),
                            label=label.canonical(), epoch=0, created=session.now_ms(),
                            ctype=c.ctype, mode="direct")
        try:
            env = seal_direct(header, c.encode(), session.keys,
                              [(t.device_id, t.keys.enc_pk) for t in targets])
        except CryptoError as exc:
            raise SendError(str(exc)) from None
        return compose._finish(session, env, c)


def content_size(content_json: bytes) -> None:
    if len(content_json) > MAX_PART_BYTES:
        raise SendError(f"this is {len(content_json)} bytes once encoded; one envelope carries "
                        f"at most {MAX_PART_BYTES} bytes: split it into smaller parts")
