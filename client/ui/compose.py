"""Composing: the message box with its label picker, quoting, and forwarding.

No write-down: quoting or forwarding content marked L, or pasting text we copied from it,
sets L as the picker's floor. Going below it needs the downgrade role, a confirmation with a
justification, and an audit record written before the message is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QMimeData, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from client.ui.backend import BackendError, Cancelled, Entry, Member, RoomSummary
from client.ui.compose_parts import AttachmentList, RecipientsBox, choose_files
from client.ui.guard import CopyGuard
from client.ui.i18n import current_language
from client.ui.labelpicker import LabelPicker
from client.ui.marks import PortionChip
from client.ui.page import UiContext
from client.ui.rules import (
    Forward,
    WriteDown,
    forward_decision,
    recipients_block,
    red_candidates,
    send_block,
    write_down,
)
from client.ui.transfer import TransferBar
from intel.markings import TLP, Label

__all__ = ["ComposeEdit", "ComposePanel", "ForwardDialog", "ask_justification"]

ConfirmDowngrade = Callable[[QWidget, Label, Label], str | None]


def ask_justification(parent: QWidget, source: Label, target: Label) -> str | None:
    """Ask the downgrade holder to confirm and say why; None cancels."""
    title = QCoreApplication.translate("ComposePanel", "Confirm downgrade")
    prompt = QCoreApplication.translate(
        "ComposePanel", "You are posting content marked %1 at the lower marking %2.\nThis is "
        "recorded in the audit log. Justification:")
    text, ok = QInputDialog.getText(
        parent, title, prompt.replace("%1", source.canonical()).replace("%2", target.canonical()))
    return text.strip() if ok and text.strip() else None


class ComposeEdit(QPlainTextEdit):
    """Plain-text compose box; pasting text we copied from marked content raises the floor."""

    derived = Signal(object)  # Label of pasted content

    def __init__(self, guard: CopyGuard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._guard = guard
        self.setTabChangesFocus(True)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt override
        if source.hasText():
            label = self._guard.source_label(source.text())
            if label is not None:
                self.derived.emit(label)
            self.insertPlainText(source.text())  # plain text only: no hidden rich content
            return
        super().insertFromMimeData(source)


class ComposePanel(QWidget):
    sent = Signal(str)  # item id
    labels_changed = Signal()
    label_changed = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.confirm_downgrade: ConfirmDowngrade = ask_justification
        self.room: RoomSummary | None = None
        self.quote: Entry | None = None
        self.choose_files: Callable[[QWidget], list[str]] = choose_files
        self.members: list[Member] = []
        self._pending_key_changes = 0
        self._busy = False

        self.quote_chip = PortionChip(ctx.policy, self)
        self.quote_text = QLabel(self)
        self.quote_text.setWordWrap(True)
        self.cancel_quote = QPushButton(self)
        self.edit = ComposeEdit(ctx.guard, self)
        self.edit.setMaximumHeight(80)
        self.picker = LabelPicker(ctx.policy, self)
        self.send_button = QPushButton(self)
        self.attach_button = QPushButton(self)
        self.attachments = AttachmentList(self)
        self.recipients = RecipientsBox(self)
        self.transfer = TransferBar(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)

        quote_row = QHBoxLayout()
        quote_row.addWidget(self.quote_chip)
        quote_row.addWidget(self.quote_text, 1)
        quote_row.addWidget(self.cancel_quote)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.edit, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.send_button)
        edit_row.addLayout(buttons)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(quote_row)
        lay.addLayout(edit_row)
        lay.addWidget(self.attachments)
        lay.addWidget(self.picker)
        lay.addWidget(self.recipients)
        lay.addWidget(self.transfer)
        lay.addWidget(self.status)

        self.cancel_quote.clicked.connect(lambda: self.set_quote(None))
        self.send_button.clicked.connect(self.send)
        self.attach_button.clicked.connect(self.attach)
        self.attachments.changed.connect(self._update_send)
        self.recipients.changed.connect(self._update_send)
        self.edit.textChanged.connect(self._update_send)
        self.edit.derived.connect(self._on_derived)
        self.picker.label_changed.connect(self._on_label)
        self._show_quote()
        self.retranslate()

    # -- state --------------------------------------------------------------------------
    def set_room(self, room: RoomSummary | None, pending_key_changes: int) -> None:
        if room is None:  # locked: whatever was in flight is no longer awaited
            self.transfer.cancel()
            self.transfer.finish()
            self._busy = False
        self.room = room
        self._pending_key_changes = pending_key_changes
        self.edit.clear()
        self.status.clear()
        self.quote = None
        self.attachments.clear()
        self._show_quote()
        self.picker.configure(self.ctx.identity.clearance, room.ceiling if room else None,
                              self.ctx.roles)
        self.setEnabled(room is not None)
        self._update_send()

    def set_members(self, members: list[Member]) -> None:
        """The room's members: TLP:RED recipients are chosen among them."""
        self.members = list(members)
        self.recipients.set_candidates([], self.ctx.identity.user_id)
        self._update_recipients()

    def set_pending_key_changes(self, n: int) -> None:
        self._pending_key_changes = n
        self._update_send()

    def set_quote(self, entry: Entry | None) -> None:
        if entry is not None and (entry.state != "ok" or entry.label is None):
            return  # warning rows carry no content to quote
        self.quote = entry
        self.picker.set_source(entry.label if entry else None)
        self._show_quote()
        self.labels_changed.emit()
        self.edit.setFocus()

    def visible_labels(self) -> list[Label]:
        return [self.quote.label] if self.quote and self.quote.label else []

    def clear(self) -> None:
        self.edit.clear()
        self.quote = None
        self.attachments.clear()
        self.recipients.reset()
        self._show_quote()
        self.status.clear()

    def _on_derived(self, label: Label) -> None:
        self.picker.raise_source(label)

    def _on_label(self, label: Label | None) -> None:
        self._update_recipients()
        self._update_send()
        self.label_changed.emit(label)

    def _update_recipients(self) -> None:
        label = self.picker.current_label()
        red = label is not None and label.tlp is TLP.RED
        if red:
            assert label is not None
            self.recipients.set_candidates(
                red_candidates(self.ctx.policy, self.members, label),
                self.ctx.identity.user_id)
        self.recipients.setVisible(red)

    def attach(self) -> None:
        refused = self.attachments.add(self.choose_files(self))
        if refused:
            self.status.setText(self.tr("Not attached (not a file, already attached, or more "
                                        "than 20 files): %1").replace(
                "%1", ", ".join(refused)))

    def _show_quote(self) -> None:
        q = self.quote
        self.quote_chip.set_label(q.label if q else None)
        self.quote_text.setVisible(q is not None)
        self.cancel_quote.setVisible(q is not None)
        if q is not None:
            body = q.body if len(q.body) <= 160 else q.body[:157] + "…"
            self.quote_text.setText(self.tr("Quoting %1: %2").replace("%1", q.sender_name)
                                    .replace("%2", body))

    def block_reason(self) -> str | None:
        label = self.picker.current_label()
        return (send_block(self.edit.toPlainText(), label, self._pending_key_changes,
                           len(self.attachments.paths))
                or recipients_block(label, self.recipients.chosen(),
                                    self.ctx.identity.user_id))

    def _update_send(self) -> None:
        reason = self.block_reason()
        self.send_button.setEnabled(self.room is not None and not self._busy and reason is None)
        self.attach_button.setEnabled(self.room is not None and not self._busy)
        if reason == "key_change":
            self.send_button.setToolTip(self.tr("A member's key changed: accept it before "
                                                "sending."))
        elif reason == "no_recipients":
            self.send_button.setToolTip(self.red_refusal())
        else:
            self.send_button.setToolTip("")

    def red_refusal(self) -> str:
        return self.tr("Not sent: TLP:RED goes to named people only. Tick at least one "
                       "recipient besides yourself.")

    # -- sending ------------------------------------------------------------------------
    def send(self) -> None:
        room, label, text = self.room, self.picker.current_label(), self.edit.toPlainText()
        if room is None or label is None or self._busy:
            return
        reason = self.block_reason()
        if reason == "no_recipients":
            self.status.setText(self.red_refusal())
            return
        if reason is not None:
            return
        source = self.picker.source
        justification: str | None = None
        if source is not None:
            verdict = write_down(self.ctx.policy, source, label, self.ctx.roles)
            if verdict is WriteDown.REFUSED:
                self.status.setText(self.tr("This marking is below the quoted content's."))
                return
            if verdict is WriteDown.NEEDS_DOWNGRADE:
                justification = self.confirm_downgrade(self, source, label)
                if justification is None:
                    self.status.setText(self.tr("Not sent: the downgrade was not confirmed."))
                    return
        quote_id = self.quote.item_id if self.quote else None
        recipients = tuple(self.recipients.chosen()) if label.tlp is TLP.RED else None
        paths = list(self.attachments.paths)
        backend = self.ctx.backend
        relay = (self.transfer.start(self.tr("Encrypting and sending files…"),
                                     self.attachments.total_size()) if paths else None)

        def job() -> str:
            if justification is not None and source is not None:
                backend.record_downgrade(quote_id or "pasted", source, label, justification)
            uploads = []
            for path in paths:
                assert relay is not None
                up = backend.upload_attachment(path, relay.callback())
                relay.next_file(up.size)
                uploads.append(up.upload_id)
            return backend.send_message(room.room_id, label, text, quote_of=quote_id,
                                        recipients=recipients, attachments=tuple(uploads))

        self._busy = True
        self._update_send()
        self.status.setText(self.tr("Sending…"))
        self.ctx.runner.submit(job, self._on_sent, self._on_failed)

    def _on_sent(self, item_id: str) -> None:
        self._busy = False
        self.transfer.finish()
        self.clear()
        self.picker.set_source(None)
        self._update_send()
        self.status.setText(self.tr("Sent."))
        self.labels_changed.emit()
        self.sent.emit(item_id)

    def _on_failed(self, error: BackendError) -> None:
        self._busy = False
        self.transfer.finish()
        self._update_send()
        if isinstance(error, Cancelled):
            self.status.setText(self.tr("Upload cancelled: nothing was sent."))
            return
        msg = error.message_ja if current_language() == "ja" else str(error)
        self.status.setText(self.tr("Not sent: %1").replace("%1", msg))

    def retranslate(self) -> None:
        self.edit.setPlaceholderText(self.tr("Write a message…"))
        self.edit.setAccessibleName(self.tr("Message text"))
        self.send_button.setText(self.tr("&Send"))
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.attach_button.setText(self.tr("A&ttach…"))
        self.attach_button.setAccessibleName(self.tr("Attach files"))
        self.cancel_quote.setText(self.tr("Remove quote"))
        self.cancel_quote.setAccessibleName(self.tr("Remove quote"))
        self.quote_text.setAccessibleName(self.tr("Quoted message"))
        self.status.setAccessibleName(self.tr("Compose status"))
        self._show_quote()
        self._update_send()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ForwardDialog(QDialog):
    """Forward one message to another room: TLP decides where it may go, the picker's floor
    is the message's label."""

    def __init__(
        self,
        ctx: UiContext,
        entry: Entry,
        rooms: Sequence[RoomSummary],
        members_of: Callable[[str], list[Member]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        assert entry.label is not None
        self.ctx = ctx
        self.entry = entry
        self._members_of = members_of
        self.rooms = list(rooms)
        self.decision = Forward(False, "empty")
        self.setWindowTitle(self.tr("Forward message"))
        self.room_box = QComboBox(self)
        self.room_box.setAccessibleName(self.tr("Target room"))
        for r in self.rooms:
            self.room_box.addItem(r.name, r.room_id)
        self.picker = LabelPicker(ctx.policy, self)
        self.note = QLineEdit(self)
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setPlaceholderText(self.tr("Optional note"))
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName(self.tr("Forwarding rule"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        form = QFormLayout(self)
        form.addRow(self.tr("Room:"), self.room_box)
        form.addRow(self.picker)
        form.addRow(self.tr("Note:"), self.note)
        form.addRow(self.reason)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.room_box.currentIndexChanged.connect(self._update)
        self._update()

    def target(self) -> RoomSummary | None:
        i = self.room_box.currentIndex()
        return self.rooms[i] if 0 <= i < len(self.rooms) else None

    def ok_enabled(self) -> bool:
        return bool(self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled())

    def _update(self) -> None:
        room = self.target()
        label = self.entry.label
        assert label is not None
        if room is None:
            self.decision = Forward(False, "empty")
        else:
            orgs = [m.org for m in self._members_of(room.room_id)]
            self.decision = forward_decision(label, self.ctx.identity.org, orgs)
            self.picker.configure(self.ctx.identity.clearance, room.ceiling, self.ctx.roles,
                                  source=label)
        if self.decision.reason == "red":
            text = self.tr("TLP:RED content is never forwarded.")
        elif self.decision.reason == "tlp":
            text = self.tr("TLP:%1 does not allow sharing with: %2").replace(
                "%1", label.tlp.value).replace("%2", ", ".join(self.decision.blocked_orgs))
        elif self.decision.reason == "empty":
            text = self.tr("Choose a room with members.")
        elif not self.picker.choices():
            text = self.tr("This room's ceiling is below the message's marking.")
        else:
            text = ""
        self.reason.setText(text)
        ok = self.decision.ok and self.picker.current_label() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
