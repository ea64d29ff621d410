"""The sync side of :class:`~client.ui.store_backend.StoreBackend`: ``Engine.run`` on the
sync thread, and what arrived turned into immutable events for the GUI thread."""

from __future__ import annotations

import logging
import threading
from typing import Any

from client.ui.store_convert import key_change_notice
from client.ui.values import (
    AdvisoryArrived,
    BackendEvent,
    CatalogChanged,
    DocumentsChanged,
    KeyChanged,
    ReportsChanged,
    RoomChanged,
    SecurityChanged,
    Severity,
    SyncStatus,
)
from store import items as store_items
from store import keys as store_keys
from sync import flows
from sync.wire import CHANNEL_ADVISORIES, CHANNEL_BRIEFS, CHANNEL_CATALOG, CHANNEL_INTAKE, CHANNELS

__all__ = ["SyncMixin", "severity_of"]

log = logging.getLogger(__name__)

_SEVERITY: dict[str, Severity] = {"critical": "critical", "high": "high", "medium": "medium",
                                  "low": "low", "informational": "info"}


def severity_of(value: str) -> Severity:
    return _SEVERITY.get(value, "info")


class SyncMixin:
    """Mixed into StoreBackend; uses its ``_use``, ``_engine``, ``_emit`` and caches."""

    _run_stop: threading.Event | None
    _poll_timeout: float

    def _init_sync(self) -> None:
        self._adv_seen_pos = 0
        self._notified_changes: set[int] = set()
        self._synced = 0

    def _after_unlock(self) -> None:
        """Remember what is already here, so only what arrives from now on notifies."""
        with self._use() as slot:  # type: ignore[attr-defined]
            conn = slot.session.conn
            newest = store_items.list_items_before(conn, CHANNEL_ADVISORIES, None, 1)
            self._adv_seen_pos = newest[-1].pos if newest else 0
            self._notified_changes = {c.change_id for c in store_keys.list_key_changes(conn)}

    def cancel_sync(self) -> None:
        stop = self._run_stop
        if stop is not None:
            stop.set()

    def run_sync(self, stop: threading.Event) -> None:
        self._run_stop = stop
        if stop.is_set():
            return
        self._synced = 0
        self._emit(SyncStatus("connecting"))  # type: ignore[attr-defined]
        with self._use() as slot:  # type: ignore[attr-defined]
            engine = self._engine(slot)  # type: ignore[attr-defined]
            engine.ensure_registered()
            engine.run(stop, poll_timeout=self._poll_timeout,
                       on_result=lambda res: self._on_result(slot, engine, res),
                       on_status=self._on_status)

    def _on_status(self, text: str) -> None:
        if text.startswith("offline"):
            self._emit(SyncStatus("offline",  # type: ignore[attr-defined]
                                  message=text.partition(": ")[2]))

    def _on_result(self, slot: Any, engine: Any, res: Any) -> None:
        try:
            events = self._events_for(slot, res)
        except Exception:  # noqa: BLE001 - a display problem must not stop syncing
            log.exception("could not describe a sync result")
            events = []
        self._synced += len(res.stored)
        if res.revoked_self:
            events.append(SyncStatus("error", message=(
                "This device's certificate was revoked by the authority; it can no longer "
                "receive new content.")))
            self.cancel_sync()
        elif engine.more:
            events.append(SyncStatus("syncing", done=self._synced))
        else:
            events.append(SyncStatus("idle", done=self._synced))
        for ev in events:
            self._emit(ev)  # type: ignore[attr-defined]

    def _events_for(self, slot: Any, res: Any) -> list[BackendEvent]:
        s = slot.session
        events: list[BackendEvent] = []
        rooms = set(res.rooms_changed)
        if res.certificates:
            self._slots.publish_certs(s.certs)  # type: ignore[attr-defined]
            self._clear_doc_caches()  # type: ignore[attr-defined]
            for change in store_keys.list_key_changes(s.conn):
                if change.change_id not in self._notified_changes:
                    self._notified_changes.add(change.change_id)
                    names = {c.user_id: c.display_name for c in s.certs.values()}
                    events.append(KeyChanged(key_change_notice(change, names)))
        if CHANNEL_ADVISORIES in rooms:
            self._clear_doc_caches()  # type: ignore[attr-defined]
            events += self._new_advisories(s)
            events.append(DocumentsChanged("advisory"))
        if CHANNEL_BRIEFS in rooms:
            self._clear_doc_caches()  # type: ignore[attr-defined]
            events.append(DocumentsChanged("brief"))
        if CHANNEL_CATALOG in rooms:
            self._clear_doc_caches()  # type: ignore[attr-defined]
            events.append(CatalogChanged())
        if CHANNEL_INTAKE in rooms:
            events.append(ReportsChanged())
        for room in sorted(rooms - set(CHANNELS)):
            self._gaps.pop(room, None)  # type: ignore[attr-defined]
            events.append(RoomChanged(room))
        if res.security_events or res.rejected:
            events.append(SecurityChanged())
        return events

    def _new_advisories(self, s: Any) -> list[BackendEvent]:
        fresh = store_items.list_items_after(s.conn, CHANNEL_ADVISORIES, self._adv_seen_pos,
                                             10_000)
        if not fresh:
            return []
        self._adv_seen_pos = fresh[-1].pos
        ids = dict.fromkeys(i.thread_id for i in fresh if i.kind == "advisory" and i.thread_id)
        out: list[BackendEvent] = []
        for doc_id in ids:
            view = flows.load_document(s, doc_id)
            if view is None:
                continue
            doc = view.document
            sev = severity_of(doc.severity.value)
            out.append(AdvisoryArrived(doc_id, doc.title, sev, sev == "critical", view.label))
        return out
