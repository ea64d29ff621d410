"""The first two steps of the first-run wizard: the account (server, authority, identity)
and where the keys are kept (the OS keyring, or a passphrase when none works)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from client.ui.i18n import current_language

if TYPE_CHECKING:
    from client.ui.wizard import FirstRunWizard

__all__ = ["AccountPage", "KeysPage", "MIN_PASSPHRASE", "normal_fingerprint", "show_error"]

translate = QCoreApplication.translate
MIN_PASSPHRASE = 8
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def normal_fingerprint(text: str) -> str:
    return re.sub(r"[^0-9A-F]", "", text.upper())


def show_error(exc: Exception) -> str:
    ja = getattr(exc, "message_ja", None)
    return str(ja) if ja and current_language() == "ja" else str(exc)


class AccountPage(QWizardPage):
    """Server, authority (fingerprint or file), and who this device belongs to."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.server = QLineEdit(self)
        self.by_fingerprint = QRadioButton(self)
        self.by_file = QRadioButton(self)
        group = QButtonGroup(self)
        group.addButton(self.by_fingerprint)
        group.addButton(self.by_file)
        self.by_fingerprint.setChecked(True)
        self.fingerprint = QLineEdit(self)
        self.authority_file = QLineEdit(self)
        self.browse = QPushButton(self)
        self.user = QLineEdit(self)
        self.name = QLineEdit(self)
        self.org = QLineEdit(self)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c;")
        self.captions = [QLabel(self) for _ in range(6)]
        form = QFormLayout()
        file_row = QHBoxLayout()
        file_row.addWidget(self.authority_file, 1)
        file_row.addWidget(self.browse)
        for cap, w in zip(self.captions, (self.server, self.fingerprint, None, self.user,
                                          self.name, self.org), strict=True):
            if w is None:
                form.addRow(cap, file_row)
                cap.setBuddy(self.authority_file)
            else:
                form.addRow(cap, w)
                cap.setBuddy(w)
        trust = QHBoxLayout()
        trust.addWidget(self.by_fingerprint)
        trust.addWidget(self.by_file)
        trust.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(trust)
        lay.addLayout(form)
        lay.addWidget(self.error)
        for edit in (self.server, self.fingerprint, self.authority_file, self.user, self.name,
                     self.org):
            edit.textChanged.connect(self.completeChanged)
        self.by_fingerprint.toggled.connect(self._trust_mode)
        self.browse.clicked.connect(self._browse)
        self._trust_mode()
        self.retranslate()

    def _trust_mode(self) -> None:
        fp = self.by_fingerprint.isChecked()
        self.fingerprint.setEnabled(fp)
        self.authority_file.setEnabled(not fp)
        self.browse.setEnabled(not fp)
        self.completeChanged.emit()

    def _browse(self) -> None:
        path = self.w.choose_open(self, translate("FirstRunWizard", "The authority key"),
                                  translate("FirstRunWizard", "Authority key (*.pub);;All "
                                            "files (*)"))
        if path:
            self.authority_file.setText(path)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        trust = (self.fingerprint.text().strip() if self.by_fingerprint.isChecked()
                 else self.authority_file.text().strip())
        return all(e.text().strip() for e in (self.server, self.user, self.name, self.org)) \
            and bool(trust)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        """Pin the authority: from the file, or fetched from the server and accepted only if
        its fingerprint is exactly the one obtained out of band."""
        from crypto.authority import AuthorityPublic
        from crypto.errors import CryptoError
        from sync.engine import fetch_authority
        from sync.errors import SyncError

        self.error.clear()
        url = self.server.text().strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.error.setText(self.tr("The server address must start with https:// (or "
                                       "http:// for a server on this computer)."))
            return False
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            self.error.setText(self.tr("Plain http:// is only accepted for a server on this "
                                       "computer; use https://."))
            return False
        try:
            if self.by_file.isChecked():
                data = Path(self.authority_file.text().strip()).read_bytes()
                self.w.authority = AuthorityPublic.parse(data)
            else:
                want = normal_fingerprint(self.fingerprint.text())
                if len(want) != 64:
                    self.error.setText(self.tr("The authority fingerprint has 64 hexadecimal "
                                               "digits (groups of four)."))
                    return False
                QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
                try:
                    pub = fetch_authority(url, timeout=10.0)
                finally:
                    QApplication.restoreOverrideCursor()
                if normal_fingerprint(pub.fingerprint) != want:
                    self.error.setText(self.tr("The server's authority key has the fingerprint "
                                               "%1, not the one you gave. Nothing was created: "
                                               "check the fingerprint with the authority; the "
                                               "server may be impersonated.")
                                       .replace("%1", pub.fingerprint))
                    return False
                self.w.authority = pub
        except OSError as exc:
            self.error.setText(f"{exc.filename or ''}: {exc.strerror or exc}")
            return False
        except (CryptoError, SyncError) as exc:
            self.error.setText(show_error(exc))
            return False
        self.w.server_url = url
        return True

    def retranslate(self) -> None:
        self.setTitle(self.tr("Your account"))
        self.setSubTitle(self.tr("Where your organisation's sharing server is, how to trust "
                                 "its authority, and who you are."))
        texts = [self.tr("&Server:"), self.tr("Authority &fingerprint:"),
                 self.tr("Authority key &file:"), self.tr("&User id:"),
                 self.tr("&Display name:"), self.tr("&Organisation:")]
        for cap, text in zip(self.captions, texts, strict=True):
            cap.setText(text)
            buddy = cap.buddy()
            if buddy is not None:
                buddy.setAccessibleName(text.replace("&", "").rstrip(":"))
        self.server.setPlaceholderText("https://renkei.example.go.jp")
        self.fingerprint.setPlaceholderText("ABCD-EF01-…")
        self.by_fingerprint.setText(self.tr("Trust the authority by its fingerprint"))
        self.by_fingerprint.setAccessibleName(self.by_fingerprint.text())
        self.by_file.setText(self.tr("Trust the authority key file"))
        self.by_file.setAccessibleName(self.by_file.text())
        self.browse.setText(self.tr("&Browse…"))
        self.browse.setAccessibleName(self.tr("Choose the authority key file"))


class KeysPage(QWizardPage):
    """Where the device keys are kept: the OS keyring, or a passphrase (Argon2id)."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.keyring = QRadioButton(self)
        self.passphrase_mode = QRadioButton(self)
        self.explain = QLabel(self)
        self.explain.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c;")
        self.cap1, self.cap2 = QLabel(self), QLabel(self)
        self.cap1.setBuddy(self.passphrase)
        self.cap2.setBuddy(self.repeat)
        form = QFormLayout()
        form.addRow(self.cap1, self.passphrase)
        form.addRow(self.cap2, self.repeat)
        lay = QVBoxLayout(self)
        lay.addWidget(self.keyring)
        lay.addWidget(self.passphrase_mode)
        lay.addWidget(self.explain)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.keyring_ok, self.keyring_why = False, ""
        for sig in (self.keyring.toggled, self.passphrase.textChanged, self.repeat.textChanged):
            sig.connect(self._changed)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        from store.secrets import probe_keyring

        self.keyring_ok, self.keyring_why = probe_keyring()
        self.keyring.setEnabled(self.keyring_ok)
        (self.keyring if self.keyring_ok else self.passphrase_mode).setChecked(True)
        self.retranslate()
        self._changed()

    def mode(self) -> str:
        return "keyring" if self.keyring.isChecked() else "passphrase"

    def _changed(self) -> None:
        use_pass = self.mode() == "passphrase"
        for w in (self.passphrase, self.repeat, self.cap1, self.cap2):
            w.setEnabled(use_pass)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.mode() == "keyring" or bool(self.passphrase.text())

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if self.mode() == "passphrase":
            if len(self.passphrase.text()) < MIN_PASSPHRASE:
                self.error.setText(self.tr("The passphrase needs at least %1 characters.")
                                   .replace("%1", str(MIN_PASSPHRASE)))
                return False
            if self.passphrase.text() != self.repeat.text():
                self.error.setText(self.tr("The two passphrases differ."))
                return False
        self.error.clear()
        self.w.secrets_mode = self.mode()
        self.w.passphrase = self.passphrase.text() if self.mode() == "passphrase" else None
        return True

    def retranslate(self) -> None:
        self.setTitle(self.tr("Protecting your keys"))
        self.setSubTitle(self.tr("Your device keys never leave this computer unprotected."))
        self.keyring.setText(self.tr("Keep them in the system &keyring (recommended)"))
        self.keyring.setAccessibleName(self.tr("Keep the keys in the system keyring"))
        self.passphrase_mode.setText(self.tr("Protect them with a &passphrase"))
        self.passphrase_mode.setAccessibleName(self.tr("Protect the keys with a passphrase"))
        if self.keyring_ok:
            self.explain.setText(self.tr("The system keyring unlocks with your desktop "
                                         "session. A passphrase works everywhere but must be "
                                         "typed each time Renkei starts or unlocks."))
        else:
            self.explain.setText(self.tr("No system keyring works on this computer (%1). "
                                         "Your keys will be protected by a passphrase instead "
                                         "(Argon2id): you type it each time Renkei starts or "
                                         "unlocks. Keys are never stored unprotected.")
                                 .replace("%1", self.keyring_why))
        self.cap1.setText(self.tr("Pass&phrase:"))
        self.cap2.setText(self.tr("&Repeat:"))
        self.passphrase.setAccessibleName(self.tr("New passphrase"))
        self.repeat.setAccessibleName(self.tr("Repeat the passphrase"))
