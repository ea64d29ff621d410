"""Joint rooms: room list with unread counts, lazy timeline, compose, members panel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QModelIndex, QPoint
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QListView,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import (
    AttachmentInfo,
    BackendError,
    BackendEvent,
    Cancelled,
    Entry,
    KeyChanged,
    KeyChangeNotice,
    RoomChanged,
    RoomSummary,
)
from client.ui.compose import ComposePanel, ForwardDialog
from client.ui.i18n import current_language
from client.ui.models import MembersModel, RoomListModel, ValueRole
from client.ui.page import Page, UiContext
from client.ui.presentation import format_size
from client.ui.room_widgets import KeyChangeBar, TimelineView
from client.ui.rules import WriteDown, portion_mark, readers_of, write_down
from client.ui.stix_dialogs import ExchangeActions
from client.ui.timeline import TimelineDelegate, TimelineModel
from client.ui.transfer import TransferBar
from intel.markings import TLP, Label

__all__ = ["RoomsPage", "TimelineView"]


def choose_save_path(parent: QWidget, name: str) -> str:
    path, _f = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("RoomsPage", "Save attachment"), name)
    return str(path)


class RoomsPage(Page):
    key = "rooms"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        rf = ctx.read_filter
        self.room_model = RoomListModel(rf, self)
        self.timeline_model = TimelineModel(ctx.backend, rf, parent=self)
        self.members_model = MembersModel(rf, self)
        self.room: RoomSummary | None = None

        self.room_list = QListView(self)
        self.room_list.setModel(self.room_model)
        self.room_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.room_caption = QLabel(self)
        self.room_caption.setBuddy(self.room_list)

        self.keybar = KeyChangeBar(self)
        self.header = QLabel(self)
        self.timeline = TimelineView(ctx.guard, self)
        self.timeline.setModel(self.timeline_model)
        self.timeline.setItemDelegate(TimelineDelegate(self.timeline, rf))
        self.compose = ComposePanel(ctx, self)
        self.transfer = TransferBar(self)
        self.exchange = ExchangeActions(ctx, self)
        self.choose_save_path: Callable[[QWidget, str], str] = choose_save_path

        self.members_caption = QLabel(self)
        self.members = QTableView(self)
        self.members.setModel(self.members_model)
        self.members.verticalHeader().hide()
        head = self.members.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
        self.members.setWordWrap(False)
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members_caption.setBuddy(self.members)
        self.readers = QLabel(self)
        self.readers.setWordWrap(True)

        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.addWidget(self.room_caption)
        ll.addWidget(self.room_list)
        centre = QWidget(self)
        cl = QVBoxLayout(centre)
        cl.addWidget(self.header)
        cl.addWidget(self.keybar)
        cl.addWidget(self.compose)
        cl.addWidget(self.timeline, 1)
        cl.addWidget(self.transfer)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.addWidget(self.members_caption)
        rl.addWidget(self.members, 1)
        rl.addWidget(self.readers)
        split = QSplitter(self)
        for w, stretch in ((left, 1), (centre, 3), (right, 2)):
            split.addWidget(w)
            split.setStretchFactor(split.indexOf(w), stretch)
        split.setSizes([210, 640, 380])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        self.room_list.selectionModel().currentChanged.connect(self._on_room_selected)
        self.timeline.verticalScrollBar().valueChanged.connect(self.labels_moved)
        self.timeline_model.rowsInserted.connect(self.labels_moved)
        self.timeline_model.modelReset.connect(self.labels_moved)
        self.timeline.customContextMenuRequested.connect(self._context_menu)
        self.timeline.doubleClicked.connect(self._on_double_click)
        self.compose.labels_changed.connect(self.labels_changed)
        self.compose.label_changed.connect(self._on_compose_label)
        self.compose.recipients.changed.connect(self._update_readers)
        self.compose.sent.connect(lambda _id: self._refresh_timeline())
        self.keybar.accept_button.clicked.connect(self._accept_key_change)
        self.retranslate()

    # -- page contract ------------------------------------------------------------------
    def title(self) -> str:
        return self.tr("Joint rooms")

    def visible_labels(self) -> list[Label]:
        if not self.isVisible():
            return []
        return self.timeline.visible_labels() + self.compose.visible_labels()

    def reload(self) -> None:
        current = self.room.room_id if self.room else None
        self.room_model.set_values(self.ctx.backend.list_rooms())
        row = self.room_model.row_of(current) if current else (0 if self.room_model.rowCount()
                                                               else None)
        if row is not None:
            self.room_list.setCurrentIndex(self.room_model.index(row))
            self.open_room(self.room_model.value(row))

    def clear(self) -> None:
        self.room = None
        self.transfer.cancel()
        self.transfer.finish()
        self.timeline_model.clear()
        self.room_model.clear()
        self.members_model.clear()
        self.compose.set_room(None, 0)
        self.keybar.set_notices([])
        self.header.clear()
        self.readers.clear()
        self.labels_changed.emit()

    def on_event(self, event: BackendEvent) -> None:
        if isinstance(event, RoomChanged):
            self._refresh_rooms()
            if self.room and event.room_id == self.room.room_id:
                self._refresh_timeline()
        elif isinstance(event, KeyChanged) and self.room:
            self._refresh_key_changes()

    def open_item(self, item_id: str) -> None:
        entry = self.ctx.backend.get_entry(item_id)
        if entry is None or self.ctx.read_filter.entry(entry) is None:
            return
        row = self.room_model.row_of(entry.room_id)
        if row is None:
            return
        self.room_list.setCurrentIndex(self.room_model.index(row))
        model = self.timeline_model
        while model.row_of(item_id) is None and model.canFetchMore():
            model.fetchMore()
        found = model.row_of(item_id)
        if found is not None:
            idx = model.index(found)
            self.timeline.setCurrentIndex(idx)
            self.timeline.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtTop)

    # -- rooms --------------------------------------------------------------------------
    def _on_room_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        room = current.data(ValueRole) if current.isValid() else None
        if isinstance(room, RoomSummary) and (self.room is None
                                              or room.room_id != self.room.room_id):
            self.open_room(room)

    def open_room(self, room: RoomSummary | None) -> None:
        self.room = room
        self.timeline_model.set_room(room.room_id if room else None)
        if self.timeline_model.canFetchMore():
            self.timeline_model.fetchMore()
        members = self.ctx.backend.members(room.room_id) if room else []
        self.members_model.set_values(members)
        notices = self._refresh_key_changes()
        self.compose.set_room(room, len(notices))
        self.compose.set_members(list(self.members_model.values()))
        self._update_header()
        self._mark_read()
        self.labels_moved()

    def _refresh_key_changes(self) -> list[KeyChangeNotice]:
        notices = self.ctx.backend.pending_key_changes(self.room.room_id) if self.room else []
        self.keybar.set_notices(notices)
        self.compose.set_pending_key_changes(len(notices))
        return notices

    def _refresh_rooms(self) -> None:
        current = self.room.room_id if self.room else None
        self.room_model.set_values(self.ctx.backend.list_rooms())
        if current is not None:
            row = self.room_model.row_of(current)
            if row is not None:
                self.room = self.room_model.value(row)
                self.room_list.selectionModel().setCurrentIndex(
                    self.room_model.index(row), QItemSelectionModel.SelectionFlag.NoUpdate)

    def _refresh_timeline(self) -> None:
        self.timeline_model.load_new()
        self._mark_read()

    def _mark_read(self) -> None:
        room = self.room
        if room is not None and self.timeline_model.newest_pos:
            self.ctx.backend.mark_read(room.room_id, self.timeline_model.newest_pos)
            if room.unread:
                self._refresh_rooms()

    def _update_header(self) -> None:
        if self.room is None:
            self.header.setText(self.tr("No room selected"))
            return
        mark = portion_mark(self.ctx.policy, self.room.ceiling, current_language())
        self.header.setText(self.tr("%1 — room ceiling %2").replace("%1", self.room.name)
                            .replace("%2", mark))

    # -- members and who can read -------------------------------------------------------
    def _on_compose_label(self, label: Label | None) -> None:
        self.members_model.set_label(label)
        self._update_readers()

    def _update_readers(self) -> None:
        label = self.members_model.label
        members = list(self.members_model.values())
        if label is None or not members:
            self.readers.clear()
            return
        can, cannot = readers_of(self.ctx.policy, members, label)
        if label.tlp is TLP.RED:  # only those named receive it
            named = set(self.compose.recipients.chosen())
            cannot += [m for m in can if m.user_id not in named]
            can = [m for m in can if m.user_id in named]
        mark = portion_mark(self.ctx.policy, label, current_language())
        text = self.tr("%1 of %2 members can read %3.").replace("%1", str(len(can))) \
            .replace("%2", str(len(members))).replace("%3", mark)
        if cannot:
            names = ", ".join(f"{m.display_name} ({m.org})" for m in cannot)
            text += " " + self.tr("Cannot read: %1").replace("%1", names)
        self.readers.setText(text)

    def _accept_key_change(self) -> None:
        notices = self.keybar.notices
        if not notices:
            return
        change_id = notices[0].change_id
        self.ctx.runner.submit(lambda: self.ctx.backend.accept_key_change(change_id),
                               lambda _r: self._refresh_key_changes(),
                               lambda err: self.ctx.notify(str(err)))

    # -- quote, copy, forward -----------------------------------------------------------
    def _context_menu(self, pos: QPoint) -> None:
        entry = self.timeline_model.entry(self.timeline.indexAt(pos).row())
        menu = QMenu(self)
        ok = entry is not None and entry.state == "ok"
        menu.addAction(self.tr("Copy"), self.timeline.copy_selection).setEnabled(ok)
        menu.addAction(self.tr("Quote in reply"), lambda: self.quote(entry)).setEnabled(ok)
        menu.addAction(self.tr("Forward…"), lambda: self.forward_dialog(entry)).setEnabled(ok)
        for att in entry.attachments if entry is not None and ok else ():
            text = self.tr("Save “%1” (%2)…").replace("%1", att.name).replace(
                "%2", format_size(att.size))
            menu.addAction(text, self._saver(att))
        menu.addSeparator()
        chosen = self._chosen_ids()
        menu.addAction(self.tr("Export STIX…"),
                       lambda: self.exchange.export("items", chosen)).setEnabled(bool(chosen))
        menu.addAction(self.tr("Push to TAXII…"),
                       lambda: self.exchange.taxii("items", chosen)).setEnabled(bool(chosen))
        menu.exec(self.timeline.viewport().mapToGlobal(pos))

    def _on_double_click(self, index: QModelIndex) -> None:
        """A message carrying one file: double-click saves it (several: the context menu)."""
        entry = self.timeline_model.entry(index.row())
        if entry is not None and entry.state == "ok" and len(entry.attachments) == 1:
            self.save_attachment(entry.attachments[0])

    def _chosen_ids(self) -> tuple[str, ...]:
        """The selected readable messages, oldest first (as a report reads)."""
        entries = [e for e in self.timeline.selected_entries() if e.state == "ok"]
        return tuple(e.item_id for e in sorted(entries, key=lambda e: e.pos))

    # -- attachments --------------------------------------------------------------------
    def _saver(self, att: AttachmentInfo) -> Callable[[], None]:
        return lambda: self.save_attachment(att)

    def save_attachment(self, att: AttachmentInfo) -> None:
        """Ask where to save, then fetch and decrypt on the worker with a progress bar."""
        if self.transfer.relay is not None:
            self.ctx.notify(self.tr("Another file is being saved; wait for it or cancel it."))
            return
        dest = self.choose_save_path(self, att.name)
        if not dest:
            return
        relay = self.transfer.start(self.tr("Saving %1…").replace("%1", att.name), att.size)
        backend = self.ctx.backend

        def done(_path: object) -> None:
            self.transfer.finish()
            self.ctx.notify(self.tr("Saved %1.").replace("%1", dest))

        def failed(err: BackendError) -> None:
            self.transfer.finish()
            if isinstance(err, Cancelled):
                self.ctx.notify(self.tr("Saving cancelled: nothing was written."))
            else:
                msg = err.message_ja if current_language() == "ja" else str(err)
                self.ctx.notify(self.tr("Not saved: %1").replace("%1", msg))

        self.ctx.runner.submit(
            lambda: backend.download_attachment(att.item_id, att.index, dest, relay.callback()),
            done, failed)

    def quote(self, entry: Entry | None) -> None:
        if entry is not None:
            self.compose.set_quote(entry)

    def forward_dialog(self, entry: Entry | None) -> ForwardDialog | None:
        if entry is None or entry.state != "ok" or entry.label is None:
            return None
        rooms = [r for r in self.room_model.values()
                 if self.room is None or r.room_id != self.room.room_id]
        dlg = ForwardDialog(self.ctx, entry, rooms, self.ctx.backend.members, self)
        dlg.accepted.connect(lambda: self._forward_accepted(dlg))
        dlg.open()
        return dlg

    def _forward_accepted(self, dlg: ForwardDialog) -> None:
        room, label = dlg.target(), dlg.picker.current_label()
        if room is None or label is None or not dlg.decision.ok:
            return
        self.forward(dlg.entry, room.room_id, label, dlg.note.text())

    def forward(self, entry: Entry, room_id: str, label: Label, note: str) -> bool:
        """Send ``entry`` to ``room_id`` at ``label``; refuses write-down unless confirmed."""
        assert entry.label is not None
        verdict = write_down(self.ctx.policy, entry.label, label, self.ctx.roles)
        justification = None
        if verdict is WriteDown.REFUSED:
            self.ctx.notify(self.tr("Not forwarded: the marking is below the message's."))
            return False
        if verdict is WriteDown.NEEDS_DOWNGRADE:
            justification = self.compose.confirm_downgrade(self, entry.label, label)
            if justification is None:
                return False
        backend, source = self.ctx.backend, entry.label

        def job() -> str:
            if justification is not None:
                backend.record_downgrade(entry.item_id, source, label, justification)
            return backend.send_message(room_id, label, note or entry.body, quote_of=entry.item_id)

        self.ctx.runner.submit(job, lambda _id: self.ctx.notify(self.tr("Forwarded.")),
                               lambda err: self.ctx.notify(str(err)))
        return True

    def retranslate(self) -> None:
        self.room_caption.setText(self.tr("&Rooms"))
        self.room_list.setAccessibleName(self.tr("Rooms"))
        self.timeline.setAccessibleName(self.tr("Timeline"))
        self.members_caption.setText(self.tr("&Members"))
        self.members.setAccessibleName(self.tr("Room members"))
        self.readers.setAccessibleName(self.tr("Who can read the chosen marking"))
        self.header.setAccessibleName(self.tr("Room"))
        self.keybar.retranslate()
        self.room_model.retranslate()
        self.timeline_model.retranslate()
        self.members_model.retranslate()
        self._update_header()
        self._update_readers()
