"""Shared history: a room's envelopes from before this user joined, fetched once.

In a room whose signed log says ``history: "shared"``, members hand newcomers the room's past
epoch keys for the labels they are cleared for (``sync.compose``). The live feed only carries
a room's rows from the user's joining on, so when this device learns that its user is a
member of such a room (an invitation, or the first catch-up of a new device), it asks the
server once per membership for the rest (``GET /v1/rooms/{id}/history``, newest first, paged)
and applies what comes back through the very checks live envelopes go through
(``sync.ingest_envelopes.envelope``: routing, the sender's right to write, clearance,
signature, AEAD). Nothing is trusted from the server; an envelope whose key has not arrived
yet is parked and opened when the key comes, as a live one is.

Progress is kept in the vault (setting ``history:<room>``) together with the membership it
is for: the log index of the event that made the user a member. History is therefore fetched
once per membership, resumes where it stopped after a crash or an outage, and is fetched
again after a removal and a new invitation.

Envelopes from members who have left since are judged by the log as it stood when they
were written (``sync.ingest_envelopes``), so history from them is delivered like the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crypto.envelope import Envelope, Header
from crypto.errors import CryptoError
from crypto.membership import SignedEvent
from store import items as store_items
from store import kv
from store import rooms as store_rooms
from store.vault import transaction
from sync.account import Session
from sync.ingest_batch import Batch, IngestResult
from sync.ingest_envelopes import envelope, pending_name
from sync.rooms import is_channel, room_state
from sync.wire import MAX_SYNC_ITEMS, SyncItem, SyncResponse

__all__ = ["HistoryFetcher", "Progress", "apply_history", "joined_index", "merge", "progress"]

SETTING_PREFIX = "history:"
PAGE_SIZE = MAX_SYNC_ITEMS  # rows the server examines per page
# Pages are gathered up to these bounds and applied oldest first in one transaction, so a
# usual history is stored in its own order and a huge one in bounded memory.
APPLY_ITEMS = 5000
APPLY_BYTES = 32 * 1024 * 1024

# (room, before or None for the newest, limit) -> a page, or None when the server refused
# (4xx: e.g. removed meanwhile, or a server without the endpoint).
GetPage = Callable[[str, str | None, int], SyncResponse | None]


@dataclass(frozen=True)
class Progress:
    """How far this device got with the history of one membership of a room."""

    joined: int  # log index of the event that began the membership
    before: str | None  # the next page's bound; None: start from the top
    done: bool
    held: int = 0  # envelopes held back (see the module doc)


def _name(room: str) -> str:
    return SETTING_PREFIX + room


def progress(session: Session, room: str) -> Progress | None:
    raw = kv.get_setting(session.conn, _name(room))
    if raw is None:
        return None
    try:
        d = json.loads(raw)
        before = d.get("before")
        return Progress(int(d["joined"]), None if before is None else str(before),
                        bool(d["done"]), int(d.get("held", 0)))
    except (ValueError, KeyError, TypeError):
        return None  # unreadable: fetch again (duplicates are skipped)


def _save(session: Session, room: str, p: Progress) -> None:
    kv.set_setting(session.conn, _name(room), json.dumps(
        {"joined": p.joined, "before": p.before, "done": p.done, "held": p.held}))


def _bodies(session: Session, room: str) -> list[dict[str, object]]:
    # The stored log was verified event by event before it was stored (``sync.ingest``);
    # membership itself is always taken from ``sync.rooms.room_state``.
    out = []
    for ev in store_rooms.list_membership_events(session.conn, room):
        try:
            out.append(SignedEvent.parse(ev.event).body)
        except CryptoError:
            return []
    return out


def _walk(bodies: Iterable[dict[str, object]], user: str) -> int | None:
    """Index of the event that began ``user``'s membership at the end of ``bodies``."""
    joined: int | None = None
    for i, b in enumerate(bodies):
        kind = b.get("type")
        if (kind == "create" and b.get("actor") == user) or (
                kind == "invite" and b.get("target") == user):
            joined = i
        elif (kind == "remove" and b.get("target") == user) or (
                kind == "leave" and b.get("actor") == user):
            joined = None
    return joined


def joined_index(session: Session, room: str) -> int | None:
    """Log index of the event that made this user a member of ``room`` (its current
    membership), or None when the user is not a member."""
    state = room_state(session, room)
    if state is None or session.user_id not in state.members:
        return None
    return _walk(_bodies(session, room), session.user_id)




# -- applying -------------------------------------------------------------------------------
def apply_history(session: Session, room: str, items: list[SyncItem],
                  done: Progress) -> tuple[IngestResult, int]:
    """Apply history items of ``room`` (oldest first) and record ``done``, in one
    transaction. Returns the result and the number of envelopes held back."""
    result = IngestResult()
    held = 0
    with transaction(session.conn):
        b = Batch(session, result)
        for item in sorted(items, key=lambda it: int(it.pos)):
            if item.kind != "envelope" or item.envelope is None:
                b.security("bad-history", "the server's history answer held something other "
                           "than an envelope; it was ignored", room)
                continue
            wire = item.envelope.model_dump(exclude_none=True)
            try:
                h = Envelope.from_wire(wire).header_unverified()
            except CryptoError:
                h = None  # refused and recorded by the normal path below
            if h is not None and _known(b, h):
                result.duplicates += 1
                continue
            # Routed as the room we asked for: an envelope of another room is refused.
            envelope(b, room, item.label or "", wire)
        b.flush()
        _save(session, room, Progress(done.joined, done.before, done.done, done.held + held))
    return result, held


def _known(b: Batch, h: Header) -> bool:
    """Already stored (live, or an earlier attempt) or parked waiting for its key."""
    conn = b.s.conn
    return store_items.get_item(conn, h.id_hex) is not None or kv.get_setting(
        conn, pending_name(h.room, h.label, h.epoch) + h.id_hex) is not None




def merge(into: IngestResult, other: IngestResult) -> None:
    """Add ``other``'s outcome to ``into`` (one result for the caller's refresh)."""
    into.stored.extend(other.stored)
    into.duplicates += other.duplicates
    into.rejected.extend(other.rejected)
    into.security_events += other.security_events
    into.rooms_changed |= other.rooms_changed
    into.rooms_to_refetch |= other.rooms_to_refetch
    into.keys_received += other.keys_received
    into.certificates += other.certificates
    into.revoked_self = into.revoked_self or other.revoked_self
    into.pending += other.pending


# -- fetching -------------------------------------------------------------------------------
class HistoryFetcher:
    """Decides which rooms need their history and fetches it through ``get_page``.

    The engine tells it about rooms that changed (:meth:`note`) and calls :meth:`run` once
    the live feed is caught up, so nothing in the history arrives again live: the server
    leaves out what the live feed delivers, and the first page is bounded by the live
    cursor besides. The first run looks at every stored room (a new device, or a fetch cut
    short by a crash or an outage)."""

    def __init__(self, session: Session, get_page: GetPage) -> None:
        self.s = session
        self._get_page = get_page
        self._candidates: set[str] = set()
        self._scanned = False
        # Rooms with nothing to do, by the log length seen then: checked again only when
        # their log grows (or the engine restarts).
        self._settled: dict[str, int] = {}

    def note(self, rooms: Iterable[str]) -> None:
        self._candidates.update(r for r in rooms if not is_channel(r))

    def run(self, cursor: str) -> list[IngestResult]:
        """Fetch what is due; ``cursor`` is the live sync cursor (the feed's position)."""
        if cursor == "0":
            return []
        if not self._scanned:
            self._candidates.update(r.room_id for r in store_rooms.list_rooms(self.s.conn))
            self._scanned = True
        results: list[IngestResult] = []
        for room in sorted(self._candidates):
            results.extend(self._room(room, str(int(cursor) + 1)))
            self._candidates.discard(room)
        return results

    def _room(self, room: str, top: str) -> list[IngestResult]:
        if is_channel(room):
            return []
        stored = store_rooms.get_room(self.s.conn, room)
        if stored is None or stored.history != "shared":
            return []
        state = room_state(self.s, room)
        if state is None or state.history != "shared" or \
                self._settled.get(room) == state.length:
            return []
        joined = joined_index(self.s, room)
        p = progress(self.s, room)
        if joined is None or (p is not None and p.joined == joined and p.done):
            self._settled[room] = state.length
            return []
        before = p.before if p is not None and p.joined == joined else None
        results = self._fetch(room, joined, before or top)
        self._settled[room] = state.length
        return results

    def _fetch(self, room: str, joined: int, before: str) -> list[IngestResult]:
        results: list[IngestResult] = []
        buffered: list[SyncItem] = []
        size = 0
        while True:
            page = self._get_page(room, before, PAGE_SIZE)
            if page is None:
                # Refused: left alone until the log changes or the engine restarts.
                return results
            buffered.extend(page.items)
            size += sum(len(it.envelope.c) for it in page.items if it.envelope is not None)
            # Follow a page only when it moves back: a server cannot keep us looping.
            more = page.more and 0 < int(page.cursor) < int(before)
            if more:
                before = page.cursor
                if len(buffered) < APPLY_ITEMS and size < APPLY_BYTES:
                    continue
            p = progress(self.s, room)
            held = p.held if p is not None and p.joined == joined else 0
            res, _ = apply_history(self.s, room, buffered,
                                   Progress(joined, before if more else None, not more, held))
            results.append(res)
            buffered, size = [], 0
            if not more:
                return results
