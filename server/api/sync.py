"""GET /v1/sync: the long-poll feed of one device.

Answers at once when something is waiting, else the moment something arrives, else at the
timeout with an empty list. The cursor is the position of the last feed row examined for
this device, so nothing is repeated; rows are examined in position order and only up to the
position the server's state has applied, so nothing is skipped (see ``server.core``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from crypto.certs import Certificate
from server.api.common import ERRORS, Who, core_of, json_text
from server.core import Caller, Core
from server.delivery import query_scopes, render, visible, wake_scopes
from server.errors import ApiError, bad_request
from server.hub import Waiter
from server.storage import feed as q
from server.storage.feed import FeedRow
from sync.wire import MAX_SYNC_ITEMS, MAX_TIMEOUT_S, SyncResponse

router = APIRouter()
BYTE_BUDGET = 8 * 1024 * 1024  # stop adding items past this and answer with more=true
MAX_EMPTY_PAGES = 20  # pages of rows all hidden from this device before answering


def _answer(cursor: int, items: list[str], more: bool) -> str:
    flag = "true" if more else "false"
    return f'{{"cursor":"{cursor}","items":[{",".join(items)}],"more":{flag}}}'


def _select(core: Core, cert: Certificate, cursor: int, upto: int, rows: list[FeedRow]
            ) -> tuple[list[str], int, bool]:
    if not rows:
        return [], max(cursor, upto), False
    state = core.state
    items: list[str] = []
    size = 0
    last = cursor
    for r in rows:
        last = r.pos
        if visible(state, cert, r):
            text = render(r)
            items.append(text)
            size += len(text)
            if size > BYTE_BUDGET:
                return items, last, True
    return items, last, len(rows) >= MAX_SYNC_ITEMS


def _page_now(core: Core, cert: Certificate, cursor: int) -> tuple[list[str], int, bool] | None:
    """The page from the rows held in memory (SQLite), or None when they do not cover it."""
    state = core.state
    upto = state.applied_pos  # read with the scopes: see module doc
    rows = core.recent.scan(query_scopes(state, cert), cursor, upto, MAX_SYNC_ITEMS)
    return None if rows is None else _select(core, cert, cursor, upto, rows)


async def _page(core: Core, who: Caller, cursor: int) -> tuple[list[str], int, bool]:
    state = core.state
    cert = core.device(who.device_id).cert  # refuses a device revoked meanwhile
    upto = state.applied_pos  # read with the scopes, before any await: see module doc
    scopes = query_scopes(state, cert)
    rows = await core.db.run(q.scan, scopes, cursor, upto, MAX_SYNC_ITEMS)
    return _select(core, cert, cursor, upto, rows)


SINCE_RE = re.compile(r"^[0-9]{1,19}$")


def parse_query(query: Mapping[str, str]) -> tuple[int, int]:
    """(cursor, timeout) from the query, validated as the route's schema says."""
    since = query.get("since", "0")
    if not SINCE_RE.match(since):
        raise bad_request("invalid_request", "query.since: must be a cursor (digits) from an "
                          "earlier sync answer, or 0")
    raw = query.get("timeout", "30")
    timeout = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else -1
    if not 0 <= timeout <= MAX_TIMEOUT_S:
        raise bad_request("invalid_request", f"query.timeout: must be a whole number of "
                          f"seconds from 0 to {MAX_TIMEOUT_S}")
    return int(since), timeout


async def long_poll(core: Core, who: Caller, cursor: int, timeout: int,
                    disconnected: Callable[[], Coroutine[Any, Any, None]]) -> str | None:
    """The answer (JSON text) for this device after ``cursor``, waiting up to ``timeout``
    seconds for something to arrive; None when the client went away meanwhile."""
    if cursor > core.state.applied_pos:
        if core.pg:
            await core.caught_up(await core.db.run(q.max_pos))
        if cursor > core.state.applied_pos:
            raise bad_request("bad_cursor", "this cursor is ahead of the server's feed; "
                              "sync again from 0")
    if core.hub.waiting(who.device_id) >= core.limits.max_waiters_per_device:
        raise ApiError(429, "too_many_polls", "this device already has too many open syncs")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    gone: asyncio.Task[None] | None = None
    current: list[Waiter] = []
    empty_pages = 0
    try:
        while True:
            cert = core.device(who.device_id).cert  # refuses a device revoked meanwhile
            # A page served from memory is read without an await, so nothing can be
            # published between reading it and registering: a poll with something to answer
            # (each of a room's polls woken by a post) never registers. A page read from
            # the database is read after registering, so a row committed meanwhile wakes it.
            page = None if core.pg else _page_now(core, cert, cursor)
            waiter: Waiter | None = None
            if page is None or not (page[0] or page[2]):
                waiter = core.hub.register(who.device_id, wake_scopes(core.state, cert))
            try:
                if page is None:
                    page = await _page(core, who, cursor)
                items, cursor, more = page
                if items:
                    return _answer(cursor, items, more)
                if more:
                    empty_pages += 1
                    if empty_pages < MAX_EMPTY_PAGES:
                        continue
                    return _answer(cursor, [], True)
                assert waiter is not None
                remaining = deadline - loop.time()
                if remaining <= 0 or core.closing.is_set():
                    return _answer(cursor, [], False)
                if gone is None:
                    gone = loop.create_task(disconnected())
                    gone.add_done_callback(lambda _t: current[0].wake())
                # One future, woken by a publish, the timer or a disconnect: cheaper than
                # asyncio.wait over several, which matters with hundreds woken at once.
                current[:] = [waiter]
                timer = loop.call_later(remaining, waiter.wake)
                try:
                    await waiter.fut
                finally:
                    timer.cancel()
                if gone.done():
                    return None
                if core.closing.is_set():
                    return _answer(cursor, [], False)
            finally:
                if waiter is not None:
                    core.hub.unregister(waiter)
    finally:
        if gone is not None and not gone.done():
            # Not awaited: that would hold the answer back one turn of the loop, and a post
            # to a big room wakes every member's poll in the same turn, so every answer
            # would wait for all the others to be prepared.
            gone.cancel()


@router.get("/v1/sync", response_model=SyncResponse, responses=ERRORS,
            summary="Long-poll this device's feed after cursor `since`")
async def sync(request: Request, who: Who,
               since: Annotated[str, Query(pattern=r"^[0-9]{1,19}$")] = "0",
               timeout: Annotated[int, Query(ge=0, le=MAX_TIMEOUT_S)] = 30) -> Any:
    # Normally answered by server.fastpath.get_sync (same function, without the framework);
    # kept for the schema and as the reference route.
    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    text = await long_poll(core_of(request), who, int(since), timeout, disconnected)
    return Response(status_code=204) if text is None else json_text(text)
