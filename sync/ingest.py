"""Applying a sync response to the vault: the sans-I/O heart of receiving.

Every item is checked before anything is stored: certificates against the pinned authority,
membership events against the chain and the signers' rights, key deliveries against the
sender's membership and clearance, envelopes against routing (room and label as routed must
equal the signed header), the sender's right to write, and the signature and AEAD. What fails
is recorded as a security event and, for envelopes, kept visible as a rejected item. The batch
and the new cursor commit in one transaction, so the cursor is never ahead of the data.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING

from crypto.certs import RevocationList, SignedCertificate
from crypto.errors import AuthenticationFailed, CryptoError, EncodingError, MembershipError
from crypto.groupkeys import KeyDelivery, open_key_delivery
from crypto.membership import SignedEvent, apply_event
from store import keys as store_keys
from store import kv
from store import rooms as store_rooms
from store.errors import IntegrityError
from store.vault import transaction
from sync.account import Session
from sync.ingest_batch import Batch, IngestResult
from sync.ingest_envelopes import ack, envelope, retry_pending, wire_dict
from sync.rooms import CRL_SETTING, is_channel, may_post
from sync.wire import SyncItem, SyncResponse

if TYPE_CHECKING:
    from sync.verify import PreparedPage

__all__ = ["CURSOR", "IngestResult", "apply_sync", "cursor", "ingest_events", "restart"]

CURSOR = "sync"
RESYNC_SETTING = "resyncing"


def apply_sync(session: Session, resp: SyncResponse,
               refetched: frozenset[str] = frozenset(),
               prepared: PreparedPage | None = None,
               key_cache: MutableMapping[tuple[str, str, int], bytes] | None = None
               ) -> IngestResult:
    """Apply one response and advance the cursor, atomically.

    A membership event that lies beyond the log we hold (we were just invited: the server
    sends the invitation, not the log before it) stops the batch there: the cursor stays
    just before it and the room goes in ``rooms_to_refetch``, so the caller fetches the log
    and syncs again, and the keys and envelopes after the invitation find the room known.
    Rooms in ``refetched`` (fetched just now) are not stopped at again.

    ``prepared`` holds what the caller already did for some group envelopes of this very
    response (``sync.verify``, on another thread): used only where it provably applies, every
    other check is made here. ``key_cache`` collects the epoch keys the batch looked up.
    """
    result = IngestResult()
    with transaction(session.conn, recoverable=True):
        batch = Batch(session, result, prepared, key_cache)
        new_cursor = resp.cursor
        # Positions are the server's commit order; restore it if the transport shuffled.
        items = sorted(resp.items, key=lambda it: int(it.pos))
        for i, item in enumerate(items):
            if item.room not in refetched and _beyond_log(batch, item):
                result.rooms_to_refetch.add(str(item.room))
                result.stopped = True
                new_cursor = items[i - 1].pos if i else cursor(session)
                break
            _apply_item(batch, item)
        batch.flush()
        kv.set_cursor(session.conn, CURSOR, new_cursor)
        if batch.resyncing and not resp.more and not result.stopped:
            kv.delete_setting(session.conn, RESYNC_SETTING)  # caught up again
    return result


def restart(session: Session, reason: str) -> None:
    """The server does not know our position (its database was reset or replaced): start
    over from the beginning. What arrives again is stored once, and, until we have caught
    up, not reported as replayed."""
    with transaction(session.conn):
        kv.set_cursor(session.conn, CURSOR, "0")
        kv.set_setting(session.conn, RESYNC_SETTING, "1")
        Batch(session, IngestResult()).security("sync-restarted", reason)


def _beyond_log(b: Batch, item: SyncItem) -> bool:
    if item.kind != "event" or item.event is None or item.room is None:
        return False
    inner = item.event.get("event")
    index = inner.get("index") if isinstance(inner, dict) else None
    if not isinstance(index, int):
        return False
    state = b.state(item.room)
    return index > (0 if state is None else state.length)


def cursor(session: Session) -> str:
    return kv.get_cursor(session.conn, CURSOR) or "0"


def _apply_item(b: Batch, item: SyncItem) -> None:
    if item.kind == "certificate" and item.certificate is not None:
        _certificate(b, item.certificate)
    elif item.kind == "crl" and item.revocation_list is not None:
        _crl(b, item.revocation_list)
    elif item.kind == "event" and item.event is not None and item.room is not None:
        apply_event_doc(b, item.room, item.event)
    elif item.kind == "key" and item.key is not None:
        _key(b, KeyDelivery.from_wire(item.key.model_dump()))
    elif item.kind == "envelope" and item.envelope is not None and item.room is not None:
        ahead = b.prepared.get(id(item.envelope))
        envelope(b, item.room, item.label or "", wire_dict(item.envelope),
                 ahead=ahead if ahead is not None and ahead.source is item.envelope else None)
    elif item.kind == "ack" and item.ack is not None:
        ack(b, item.ack.room, item.ack.envelope_id, item.ack_from or "")
    elif item.kind == "revoked":
        b.r.revoked_self = True


# -- directory ------------------------------------------------------------------------------
def _certificate(b: Batch, doc: dict[str, object]) -> None:
    try:
        sc = SignedCertificate.parse(doc)
        cert = sc.verify_signature(b.s.authority_pk)
    except CryptoError:
        b.security("forged-certificate", "a certificate not signed by the pinned authority "
                   "was refused")
        return
    try:
        store_keys.put_certificate(b.s.conn, cert.device_id, cert.user_id, cert.org,
                                   cert.display_name, cert.keys.fingerprint, sc.to_bytes(),
                                   b.s.now_ms())
    except IntegrityError as exc:
        b.security("device-identity-conflict", str(exc), device=cert.device_id)
        return
    b.s.add_certificate(cert)
    b.changed()
    b.r.certificates += 1


def _crl(b: Batch, doc: dict[str, object]) -> None:
    try:
        crl = RevocationList.verify(doc, b.s.authority_pk, previous_serial=b.crl.serial)
    except CryptoError as exc:
        b.security("bad-revocation-list", f"revocation list refused: {exc}")
        return
    kv.set_setting(b.s.conn, CRL_SETTING, crl.to_bytes().decode())
    b.crl = crl
    b.changed()
    if crl.is_revoked(b.s.cert):
        b.r.revoked_self = True


# -- membership -----------------------------------------------------------------------------
def apply_event_doc(b: Batch, room: str, doc: dict[str, object]) -> bool:
    try:
        ev = SignedEvent.parse(doc)
    except CryptoError:
        b.security("forged-membership", "malformed membership event refused", room)
        return False
    state = b.state(room)
    have = 0 if state is None else state.length
    if ev.index < have:
        held = store_rooms.list_membership_events(b.s.conn, room, ev.index)
        if held and held[0].event_hash.hex() == ev.hash:
            return False  # a duplicate of what we hold
        b.security("forked-membership", "a different event for a held position was refused",
                   room)
        return False
    if ev.index > have:
        b.r.rooms_to_refetch.add(room)  # we missed some: fetch the log from `have`
        return False
    try:
        new = apply_event(state, ev, b.s.certs, b.crl, room)
    except MembershipError as exc:
        if str(ev.body.get("device")) not in b.s.certs:
            # The signer's certificate may simply not have reached us yet.
            b.r.rooms_to_refetch.add(room)
        b.security("forged-membership", f"membership event refused: {exc}", room)
        return False
    if state is None:
        store_rooms.put_room(b.s.conn, room, new.name, new.ceiling.canonical(), new.history,
                             int(ev.body.get("created", 0) or 0))
    store_rooms.append_membership_event(b.s.conn, room, ev.index, ev.to_bytes(),
                                        bytes.fromhex(ev.hash))
    b.changed()
    b.states[room] = new
    b.r.rooms_changed.add(room)
    return True


# -- keys -----------------------------------------------------------------------------------
def _key(b: Batch, kd: KeyDelivery) -> None:
    try:
        h = kd.header_unverified()
        room, label, sender = str(h["room"]), str(h["label"]), str(h["sender"])
    except (EncodingError, KeyError):
        b.security("bad-key-delivery", "malformed key delivery refused")
        return
    cert = b.s.certs.get(sender)
    state = b.state(room)
    try:
        if cert is None or state is None:
            raise AuthenticationFailed()
        ek = open_key_delivery(kd, b.s.keys, cert.keys.sign_pk)
        if (ek.room, ek.label) != (room, label) or not b.may_write(state, cert, label,
                                                                   b.s.now()):
            raise AuthenticationFailed()
        if is_channel(room) and not may_post(cert, room):
            raise AuthenticationFailed()
    except CryptoError:
        b.security("bad-key-delivery", "a key delivery failed verification or came from a "
                   "sender not entitled to the label", room, sender)
        return
    try:
        store_keys.put_epoch_key(b.s.conn, ek.room, ek.label, ek.epoch, ek.key, ek.created)
    except IntegrityError as exc:
        b.security("swapped-key", str(exc), room, sender)
        return
    b.key_stored(ek.room, ek.label, ek.epoch, ek.key)
    b.r.keys_received += 1
    retry_pending(b, ek.room, ek.label, ek.epoch)


def ingest_events(session: Session, room: str, events: list[dict[str, object]]) -> IngestResult:
    """Apply a room's log fetched directly (after a gap), in one transaction."""
    result = IngestResult()
    with transaction(session.conn):
        b = Batch(session, result)
        for ev in events:
            apply_event_doc(b, room, ev)
    return result
