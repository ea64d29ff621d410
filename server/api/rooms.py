"""Rooms: their hash-chained membership logs, and the shared history of envelopes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from crypto.errors import CryptoError, MembershipError
from crypto.membership import SignedEvent, apply_event
from server.api.common import ERRORS, Who, core_of, dumps, json_text
from server.api.sync import BYTE_BUDGET
from server.core import Caller, Core, now_ms
from server.delivery import render, visible_in_history
from server.errors import ApiError, bad_request, conflict, forbidden, not_found
from server.storage import feed as q
from sync.wire import (
    MAX_SYNC_ITEMS,
    AppendEvent,
    EventList,
    Posted,
    RoomList,
    RoomSummary,
    SyncResponse,
)

router = APIRouter()
RoomPath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_.:-]{2,79}$")]
MAX_EVENT_JSON = 16 * 1024
EVENTS_PAGE = 1000
HISTORY_PAGE = 200


class HistoryQuery(BaseModel):
    """Query of GET /v1/rooms/{room_id}/history; unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")
    before: str | None = Field(default=None, pattern=r"^[0-9]{1,19}$")
    limit: int = Field(default=HISTORY_PAGE, ge=1, le=MAX_SYNC_ITEMS)


def _check_event(core: Core, room_id: str, ev: SignedEvent, who: Caller) -> Posted | None:
    """None when ``ev`` may be appended now; a ``Posted`` when it is already there."""
    state = core.state
    known = state.events.get(room_id, [])
    idx = ev.index
    if 0 <= idx < len(known):
        if SignedEvent.parse(known[idx]).hash == ev.hash:
            return Posted(id=ev.hash, cursor=str(state.event_pos[room_id][idx]), duplicate=True)
        raise conflict("room_log_conflict", f"event {idx} of this room already exists; fetch "
                       "the log and rebuild the event on its head")
    if idx > len(known):
        raise conflict("room_log_conflict", f"this room's log has {len(known)} events; the "
                       f"next one must have index {len(known)}")
    try:
        apply_event(state.rooms.get(room_id), ev, state.certs, state.crl, room_id)
    except MembershipError as exc:
        raise forbidden("bad_event", f"membership event refused: {exc}") from None
    return None


@router.post("/v1/rooms/{room_id}/events", response_model=Posted, responses=ERRORS,
             summary="Append one signed membership event to a room's log")
async def append_event(room_id: RoomPath, body: AppendEvent, request: Request,
                       who: Who) -> Posted:
    core = core_of(request)
    if room_id.startswith("channel:"):
        raise bad_request("reserved_room", "channel ids cannot have a membership log")
    doc = {"event": body.event, "signature": body.signature}
    text = dumps(doc)
    if len(text) > MAX_EVENT_JSON:
        raise ApiError(413, "too_large", "membership events are limited to 16 KiB")
    try:
        ev = SignedEvent.parse(doc)
    except CryptoError as exc:
        raise bad_request("bad_event", f"not a membership event: {exc}") from None
    if ev.body.get("room") != room_id:
        raise bad_request("bad_event", "the event belongs to another room")
    if ev.body.get("device") != who.device_id:
        raise forbidden("not_event_signer", "post only events signed by this device")
    done = await core.fresh(lambda: _check_event(core, room_id, ev, who))
    if done is not None:
        return done
    scopes = {room_id, "u:" + who.user_id}
    target = ev.body.get("target")
    if isinstance(target, str):
        scopes.add("u:" + target)
    payload = dumps({"kind": "event", "room": room_id, "event": doc})
    row = await core.write(q.insert, "event", room_id, payload, now_ms(), sender=who.device_id,
                           dedup=f"v:{room_id}:{ev.index}", scopes=scopes)
    if row is None:  # another instance appended this index first
        await core.caught_up(await core.db.run(q.max_pos))
        done = _check_event(core, room_id, ev, who)
        if done is not None:
            return done
        raise conflict("room_log_conflict", "the room's log changed; fetch it and retry")
    await core.committed([row])
    return Posted(id=ev.hash, cursor=str(row.pos), duplicate=False)


@router.get("/v1/rooms/{room_id}/events", response_model=EventList, responses=ERRORS,
            summary="A room's membership log from index `from` (at most 1000 events)")
async def list_events(room_id: RoomPath, request: Request, who: Who,
                      start: Annotated[int, Query(alias="from", ge=0, le=10**9)] = 0,
                      ) -> EventList:
    core = core_of(request)

    def check() -> list[dict[str, object]]:
        state = core.state
        if room_id not in state.rooms:
            raise not_found("no_such_room", "no such room")
        if room_id not in state.rooms_ever(who.user_id):
            raise forbidden("not_member", "only members and invitees can read a room's log")
        return state.events[room_id][start:start + EVENTS_PAGE]

    return EventList(events=await core.fresh(check))


@router.get("/v1/rooms", response_model=RoomList, responses=ERRORS,
            summary="Rooms the caller's user is a member of")
async def list_rooms(request: Request, who: Who) -> RoomList:
    state = core_of(request).state
    return RoomList(rooms=[RoomSummary(room_id=r, length=state.rooms[r].length)
                           for r in state.rooms_of(who.user_id)])


@router.get("/v1/rooms/{room_id}/history", response_model=SyncResponse, responses=ERRORS,
            summary="A shared-history room's envelopes from before the caller's user joined "
                    "(or while it was away), newest first; `cursor` is the next `before`")
async def history(room_id: RoomPath, request: Request, who: Who,
                  query: Annotated[HistoryQuery, Query()]) -> Any:
    core = core_of(request)
    if room_id.startswith("channel:"):
        raise bad_request("reserved_room", "channels have no membership log and no history")

    def check() -> int:
        state = core.state
        room = state.rooms.get(room_id)
        if room is None:
            raise not_found("no_such_room", "no such room")
        start = state.joined_at(room_id, who.user_id)
        if start is None:
            raise forbidden("not_member", "only members can fetch a room's history")
        if room.history != "shared":
            raise forbidden("history_not_shared", "this room does not share its history with "
                            "new members")
        return start

    start = await core.fresh(check)
    state = core.state
    cert = core.device(who.device_id).cert  # refuses a device revoked meanwhile
    # Rows from the current membership on come through /v1/sync; never read past what the
    # state has applied (see server.core), nor past the caller's bound.
    bound = min(start, state.applied_pos + 1)
    if query.before is not None:
        bound = min(bound, int(query.before))
    rows = await core.db.run(q.room_envelopes_before, room_id, bound, query.limit)
    items: list[str] = []
    size = 0
    last = bound
    more = len(rows) >= query.limit
    for r in rows:
        last = r.pos
        if visible_in_history(state, cert, r):
            text = render(r)
            items.append(text)
            size += len(text)
            if size > BYTE_BUDGET:
                more = r is not rows[-1] or more
                break
    return _page(last if more else 0, items, more)


def _page(before: int, items: list[str], more: bool) -> Response:
    flag = "true" if more else "false"
    return json_text(f'{{"cursor":"{before}","items":[{",".join(items)}],"more":{flag}}}')
