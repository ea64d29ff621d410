"""The real backend: the SQLCipher vault (``store``) and the sync engine (``sync``) behind the
:class:`~client.ui.backend.Backend` protocol.

Threading (see :mod:`client.ui.vault_slots`): each calling thread has its own vault
connection; the sync thread runs ``Engine.run`` with a ``threading.Event`` to stop it and
publishes what arrived as immutable events. Locking wipes the vault key this object holds,
drops every reference to the device keys, closes the idle connections at once and makes the
busy ones close when their call returns.

Documents, incident reports and the catalog live in :mod:`client.ui.store_backend_docs`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from client.ui.backend import Listener
from client.ui.i18n import current_language
from client.ui.rules import allowed_labels
from client.ui.store_backend_docs import DocumentsMixin
from client.ui.store_backend_exchange import ExchangeMixin
from client.ui.store_backend_sync import SyncMixin
from client.ui.store_convert import (
    GapMap,
    entries_with_gaps,
    key_change_notice,
    members_of,
    parse_label,
    search_result,
    security_notice,
)
from client.ui.values import (
    BackendError,
    BackendEvent,
    BackendUnavailable,
    Entry,
    Identity,
    KeyChangeNotice,
    Member,
    RoomSummary,
    SearchResult,
    SecurityNotice,
)
from client.ui.vault_slots import Locked, Slot, VaultSlots
from crypto.certs import SignedCertificate
from crypto.errors import CryptoError
from intel.errors import FormatError, IntelError
from intel.markings import TLP, Label, Policy, can_read
from store import audit, seqs
from store import items as store_items
from store import keys as store_keys
from store import rooms as store_rooms
from store import search as store_search
from store.errors import StoreError
from sync.account import VAULT_SECRET, AccountConfig, open_session, secret_store
from sync.content import Content, Quote
from sync.engine import Engine
from sync.errors import SyncError
from sync.rooms import room_state

__all__ = ["StoreBackend", "default_account_dir"]

log = logging.getLogger(__name__)


def default_account_dir() -> Path:
    """The same default as the ``renkei`` CLI ($RENKEI_HOME, else the XDG data directory)."""
    from client.cli import default_account_dir as cli_default

    return cli_default()


class StoreBackend(SyncMixin, DocumentsMixin, ExchangeMixin):
    """An enrolled account on this computer. Created locked; ``unlock`` opens the vault."""

    def __init__(self, account_dir: Path, *, clock: Callable[[], float] = time.time,
                 poll_timeout: float = 15.0,
                 engine_factory: Callable[[Any], Any] | None = None) -> None:
        self._dir = Path(account_dir)
        self._clock = clock
        self._poll_timeout = poll_timeout
        self._engine_factory = engine_factory or Engine
        try:
            self._cfg = AccountConfig.load(self._dir / "account.json")
        except SyncError as exc:
            if (self._dir / "account.json").exists():
                raise BackendError(str(exc), "アカウントのファイルが壊れています。") from None
            raise BackendUnavailable(str(exc), "この端末にはまだアカウントがありません。"
                                     "初回設定を行ってください。") from None
        cert_path = self._dir / "certificate.json"
        if not cert_path.is_file():
            raise BackendUnavailable(
                "This device is not enrolled yet: import the certificate the authority issued.",
                "この端末はまだ登録されていません。認証局が発行した証明書を取り込んでください。")
        try:
            self._cert = SignedCertificate.parse(cert_path.read_bytes()).verify_signature(
                self._cfg.authority.public_key)
        except (CryptoError, OSError) as exc:
            raise BackendUnavailable(f"the stored certificate cannot be used: {exc}",
                                     "保存されている証明書を利用できません。") from None
        self._policy = Policy.default()
        self._slots = VaultSlots(self._dir / "vault.db")
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()
        self._unlock_lock = threading.Lock()
        self._run_stop: threading.Event | None = None
        self._opened: set[str] = set()
        self._gaps: dict[str, GapMap] = {}
        self._init_docs()
        self._init_sync()
        self._init_exchange()

    # -- identity, policy, vault key ------------------------------------------------------
    @property
    def account_dir(self) -> Path:
        return self._dir

    def policy(self) -> Policy:
        return self._policy

    def identity(self) -> Identity:
        c = self._cert
        return Identity(c.user_id, c.display_name, c.org, c.device_id, c.keys.fingerprint,
                        c.clearance)

    def is_locked(self) -> bool:
        return self._slots.locked

    def unlock_methods(self) -> tuple[str, ...]:
        return (self._cfg.secrets,)

    def lock(self) -> None:
        self._slots.close_all()
        self._opened.clear()
        self._gaps.clear()
        self._clear_doc_caches()
        self._clear_uploads()
        self.cancel_sync()

    def unlock(self, passphrase: str | None) -> None:
        with self._unlock_lock, self._errors():
            if not self._slots.locked:
                return
            if self._cfg.secrets == "passphrase" and not passphrase:
                raise BackendError("Enter this account's passphrase.",
                                   "このアカウントのパスフレーズを入力してください。")
            session = open_session(self._dir, passphrase=passphrase, clock=self._clock)
            try:
                # open_session keeps neither the vault key nor a connection other threads
                # may use: read the key once more and give each thread its own connection.
                # (In passphrase mode this derives the passphrase a second time.)
                key = secret_store(self._dir, self._cfg.secrets, self._cfg.keyring_account,
                                   passphrase).get(VAULT_SECRET)
            finally:
                session.close()
            if key is None:
                raise BackendError("the vault key is missing from the secret store")
            session.conn = None
            self._policy = session.policy
            self._slots.open(session, key)
            del key
            self._after_unlock()

    # -- plumbing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Every failure below becomes a BackendError with a sentence for the user."""
        try:
            yield
        except BackendError:
            raise
        except Locked:
            raise BackendError("Renkei is locked.", "連携 Renkei はロックされています。") from None
        except FormatError as exc:
            text = str(exc) + ": " + "; ".join(exc.problems)
            raise BackendError(text, problems=tuple(exc.problems)) from None
        except StoreError as exc:
            raise BackendError(str(exc), exc.message_ja) from None
        except (SyncError, IntelError, CryptoError) as exc:
            raise BackendError(str(exc)) from None
        except OSError as exc:
            raise BackendError(f"{exc.filename or ''} {exc.strerror or exc}".strip()) from None

    @contextlib.contextmanager
    def _use(self) -> Iterator[Slot]:
        with self._errors(), self._slots.use() as slot:
            yield slot

    def _engine(self, slot: Slot) -> Any:
        return self._slots.engine(slot, self._engine_factory)

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    def _parse(self, text: str) -> Label | None:
        return parse_label(self._policy, text)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._listeners_lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _emit(self, event: BackendEvent) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - one listener must not stop the others
                log.exception("a backend listener failed")

    # -- rooms and timelines ----------------------------------------------------------------
    def list_rooms(self) -> list[RoomSummary]:
        with self._use() as slot:
            rows = store_rooms.list_rooms(slot.session.conn)
        out = []
        for r in rows:
            ceiling = self._parse(r.ceiling)
            if ceiling is not None:
                out.append(RoomSummary(r.room_id, r.name, ceiling, r.unread))
        return out

    def count_items(self, room_id: str) -> int:
        with self._use() as slot:
            return store_items.count_items(slot.session.conn, room_id)

    def _room_gaps(self, slot: Slot, room_id: str) -> GapMap:
        """Missing sequence numbers of the room's group messages. Senders number their
        messages per (room, label) (``sync.compose.seq_scope``), so a gap is a message lost
        or held back, never one above this reader's clearance. Only labels this reader may
        hold in the room can have numbers here: each is one indexed look-up."""
        gaps = self._gaps.get(room_id)
        if gaps is None:
            conn = slot.session.conn
            room = store_rooms.get_room(conn, room_id)
            ceiling = self._parse(room.ceiling) if room is not None else None
            labels = (allowed_labels(self._policy, self._cert.clearance, ceiling)
                      if ceiling is not None else [])
            gaps = {}
            for label in labels:
                if label.tlp is TLP.RED:
                    continue  # direct mode: numbered per room, not checked for gaps
                text = label.canonical()
                for g in seqs.list_gaps(conn, f"{room_id}|{text}"):
                    gaps[(g.sender_device, text, g.last_missing + 1)] = (g.first_missing,
                                                                        g.last_missing)
            self._gaps[room_id] = gaps
        return gaps

    def page_items(self, room_id: str, before_pos: int | None, limit: int) -> list[Entry]:
        out: list[Entry] = []
        with self._use() as slot:
            gaps = self._room_gaps(slot, room_id)
            cursor = before_pos
            # Receipts are not rows: keep fetching until the page is full or the room ends,
            # so a short page still means "nothing older".
            while len(out) < limit:
                items = store_items.list_items_before(slot.session.conn, room_id, cursor,
                                                      limit - len(out))
                if not items:
                    break
                items.reverse()
                out += entries_with_gaps(items, gaps, self._policy, slot.session.certs,
                                         newest_first=True)
                cursor = items[-1].pos
        return out

    def items_after(self, room_id: str, after_pos: int, limit: int) -> list[Entry]:
        with self._use() as slot:
            gaps = self._room_gaps(slot, room_id)
            items = store_items.list_items_after(slot.session.conn, room_id, after_pos, limit)
            entries = entries_with_gaps(items, gaps, self._policy, slot.session.certs,
                                        newest_first=False)
        if len(items) == limit and len(entries) < limit:
            # Receipts were skipped: pad with the rest so "a full batch" keeps its meaning.
            rest = self.items_after(room_id, items[-1].pos, limit - len(entries))
            entries += rest
        return entries

    def get_entry(self, item_id: str) -> Entry | None:
        with self._use() as slot:
            item = store_items.get_item(slot.session.conn, item_id)
            if item is None or item.kind == "ack":
                return None
            return entries_with_gaps([item], {}, self._policy, slot.session.certs,
                                     newest_first=True)[0]

    def mark_read(self, room_id: str, up_to_pos: int) -> None:
        with self._use() as slot:
            store_rooms.set_last_read(slot.session.conn, room_id, up_to_pos)

    def _verified(self, slot: Slot) -> dict[str, bool]:
        return {c.device_id: c.verified for c in store_keys.list_certificates(slot.session.conn)}

    def members(self, room_id: str) -> list[Member]:
        with self._use() as slot:
            state = room_state(slot.session, room_id)
            if state is None:
                return []
            return members_of(state.members, slot.session.certs, self._verified(slot),
                              self._policy)

    def pending_key_changes(self, room_id: str | None = None) -> list[KeyChangeNotice]:
        with self._use() as slot:
            changes = store_keys.list_key_changes(slot.session.conn)
            if room_id is not None:
                state = room_state(slot.session, room_id)
                users = set(state.members) if state is not None else set()
                changes = [c for c in changes if c.user_id in users]
            names = {c.user_id: c.display_name for c in slot.session.certs.values()}
        return [key_change_notice(c, names) for c in changes]

    def accept_key_change(self, change_id: int) -> None:
        with self._use() as slot:
            store_keys.accept_key_change(slot.session.conn, change_id, self._now_ms())

    # -- writing ----------------------------------------------------------------------------
    def send_message(self, room_id: str, label: Label, text: str, *,
                     quote_of: str | None = None, recipients: tuple[str, ...] | None = None,
                     attachments: tuple[str, ...] = ()) -> str:
        red = label.tlp is TLP.RED
        if red and not set(recipients or ()) - {self._cert.user_id}:
            raise BackendError(
                "TLP:RED goes to named people only: choose at least one recipient.",
                "TLP:RED は指名した人にだけ送れます。受信者を一人以上選んでください。")
        if recipients is not None and not red:
            raise BackendError("Named recipients are only for TLP:RED messages.",
                               "受信者の指名は TLP:RED のメッセージにだけ使えます。")
        files = self._take_uploads(attachments)
        with self._use() as slot:
            s = slot.session
            quote = None
            if quote_of is not None:
                quoted = store_items.get_item(s.conn, quote_of)
                if quoted is None:
                    raise BackendError("the quoted message is no longer on this device")
                quote = Quote(id=quoted.item_id, label=quoted.label)
            content = Content(kind="message", body=text, quote=quote, attachments=files,
                              reply_to=quote_of, sender_name=s.cert.display_name)
            users = None
            if red:
                # Exactly the people named (and the writer's own other devices).
                users = sorted(set(recipients or ()) | {self._cert.user_id})
            eid: str = self._engine(slot).send(room_id, label.canonical(), content,
                                               users=users)
        self._forget_uploads(attachments)
        self._gaps.pop(room_id, None)
        return eid

    def record_downgrade(self, item_id: str, source: Label, target: Label,
                         justification: str) -> None:
        with self._use() as slot:
            audit.record_audit(slot.session.conn, self._cert.user_id, "downgrade", item_id,
                               target.canonical(), self._now_ms(),
                               json.dumps({"from": source.canonical(), "to": target.canonical(),
                                           "justification": justification},
                                          ensure_ascii=False))

    # -- audit and security -------------------------------------------------------------------
    def record_open(self, item_id: str, label: Label) -> None:
        if item_id in self._opened:
            return  # once per unlocked session: the log records access, not scrolling
        with self._use() as slot:
            audit.record_open(slot.session.conn, self._cert.user_id, item_id,
                              label.canonical(), self._now_ms(), "desktop")
        self._opened.add(item_id)

    def security_events(self, limit: int = 200) -> list[SecurityNotice]:
        with self._use() as slot:
            events = audit.list_security_events(slot.session.conn, 100_000)
        return [security_notice(e) for e in reversed(events[-limit:])]

    # -- directory ----------------------------------------------------------------------------
    def directory(self) -> list[Member]:
        with self._use() as slot:
            users = {c.user_id for c in slot.session.certs.values()}
            return members_of(users, slot.session.certs, self._verified(slot), self._policy)

    def set_verified(self, device_id: str, verified: bool) -> None:
        with self._use() as slot:
            store_keys.set_verified(slot.session.conn, device_id, verified)

    # -- search -------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 50,
               kinds: tuple[str, ...] | None = None) -> list[SearchResult]:
        lang = current_language()
        titles = self._doc_titles(lang)
        with self._use() as slot:
            s = slot.session
            clearance = s.cert.clearance

            def readable(item: Any) -> bool:
                label = self._parse(item.label)
                return label is not None and can_read(self._policy, clearance, label,
                                                      [s.user_id])

            hits = store_search.search(s.conn, query, limit * 3, predicate=readable,
                                       kinds=kinds)
        out: list[SearchResult] = []
        seen: set[str] = set()
        for hit in hits:
            result = search_result(hit, self._policy, titles)
            if result is not None and result.item_id not in seen:
                seen.add(result.item_id)
                out.append(result)
        return out[:limit]
