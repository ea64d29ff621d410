"""First run: create this device's account, export the enrolment request, import the
certificate. The steps (``sync.account``) are the same as ``renkei account create`` and
``renkei account import-cert``; keys are made and protected on a worker thread.

Resuming: when an account exists but has no certificate yet, the wizard opens at the last
step, with the device fingerprint to compare.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from client.ui.backend import BackendError
from client.ui.icon import app_icon
from client.ui.presentation import fingerprint_rows
from client.ui.wizard_pages import AccountPage, KeysPage, normal_fingerprint, show_error
from client.ui.workers import TaskRunner

__all__ = ["FirstRunWizard", "enrolment_fingerprint", "normal_fingerprint", "wizard_start"]

translate = QCoreApplication.translate


def enrolment_fingerprint(account_dir: Path) -> str:
    """The device fingerprint from the enrolment request of an account (to compare)."""
    from crypto.certs import EnrolmentRequest

    req = EnrolmentRequest.verify((account_dir / "enrolment.json").read_bytes())
    return str(req.keys.fingerprint)


def wizard_start(account_dir: Path) -> str:
    """"create" for a new account, "certificate" when only the certificate is missing,
    "done" when enrolled."""
    if not (account_dir / "account.json").is_file():
        return "create"
    return "done" if (account_dir / "certificate.json").is_file() else "certificate"


def fingerprint_block(fp: str) -> str:
    return "\n".join("  ".join(row) for row in fingerprint_rows(fp))


def _mono(widget: QLabel, bigger: int = 3) -> None:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(font.pointSize() + bigger)
    widget.setFont(QFont(font))
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


class EnrolPage(QWizardPage):
    """Keys are made; the enrolment request goes to the authority with the fingerprint."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.created = False
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.fp_caption = QLabel(self)
        self.fingerprint = QLabel(self)
        _mono(self.fingerprint)
        self.save_button = QPushButton(self)
        self.saved = QLabel(self)
        self.saved.setWordWrap(True)
        self.steps = QLabel(self)
        self.steps.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.status)
        lay.addWidget(self.fp_caption)
        lay.addWidget(self.fingerprint)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.saved, 1)
        lay.addLayout(row)
        lay.addWidget(self.steps)
        lay.addStretch(1)
        self.save_button.clicked.connect(self.save_request)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        if self.created or wizard_start(self.w.account_dir) != "create":
            self._show_created()
            return
        self.status.setText(self.tr("Creating this device's keys…"))
        self.save_button.setEnabled(False)
        w = self.w
        self.w.runner.submit(w.create_account, lambda _r: self._show_created(), self._failed)

    def _failed(self, err: BackendError) -> None:
        self.status.setText(self.tr("The account could not be created: %1").replace(
            "%1", show_error(err)))

    def _show_created(self) -> None:
        self.created = True
        fp = enrolment_fingerprint(self.w.account_dir)
        self.fingerprint.setText(fingerprint_block(fp))
        self.fingerprint.setAccessibleName(self.tr("Device fingerprint"))
        self.fingerprint.setAccessibleDescription(fp)
        self.status.setText(self.tr("This device's keys are ready in %1.").replace(
            "%1", str(self.w.account_dir)))
        self.save_button.setEnabled(True)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.created

    def save_request(self) -> None:
        src = self.w.account_dir / "enrolment.json"
        dest = self.w.choose_save(self, self.tr("Save the enrolment request"),
                                  str(Path.home() / f"{self.w.user_id}-enrolment.json"))
        if not dest:
            return
        try:
            shutil.copyfile(src, dest)
        except OSError as exc:
            self.saved.setText(f"{exc.strerror or exc}")
            return
        self.saved.setText(self.tr("Saved to %1.").replace("%1", dest))

    def retranslate(self) -> None:
        self.setTitle(self.tr("Enrolment request"))
        self.setSubTitle(self.tr("The authority signs a certificate for this device."))
        self.fp_caption.setText(self.tr("Device fingerprint (read it to the authority when "
                                        "they call you):"))
        self.save_button.setText(self.tr("&Save enrolment request…"))
        self.save_button.setAccessibleName(self.tr("Save the enrolment request"))
        self.steps.setText(self.tr("1. Save the enrolment request and give it to the "
                                   "authority (clearance office).\n2. Compare the device "
                                   "fingerprint with them.\n3. When they send you the "
                                   "certificate, continue with Next. You can close Renkei "
                                   "meanwhile: it resumes here."))


class CertificatePage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.imported: Any = None
        self.open_button = QPushButton(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c;")
        lay = QVBoxLayout(self)
        lay.addWidget(self.open_button)
        lay.addWidget(self.summary)
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.open_button.clicked.connect(self.choose_certificate)
        self.retranslate()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.imported is not None

    def choose_certificate(self) -> None:
        path = self.w.choose_open(self, self.tr("The certificate from the authority"),
                                  self.tr("Certificate (*.json);;All files (*)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        from sync.account import import_certificate
        from sync.errors import SyncError

        self.error.clear()
        try:
            cert = import_certificate(self.w.account_dir, path.read_bytes(),
                                      now=int(self.w.clock()))
        except OSError as exc:
            self.error.setText(f"{path}: {exc.strerror or exc}")
            return False
        except SyncError as exc:
            self.error.setText(show_error(exc))
            return False
        self.imported = cert
        comps = ", ".join(sorted(cert.compartments)) or "-"
        roles = ", ".join(sorted(cert.roles)) or "-"
        until = time.strftime("%Y-%m-%d", time.gmtime(cert.not_after))
        self.summary.setText(self.tr("Certificate for %1 (%2), organisation %3.\nClearance: "
                                     "%4; compartments: %5; roles: %6.\nValid until %7.")
                             .replace("%1", cert.display_name).replace("%2", cert.user_id)
                             .replace("%3", cert.org).replace("%4", cert.level)
                             .replace("%5", comps).replace("%6", roles).replace("%7", until))
        self.completeChanged.emit()
        return True

    def retranslate(self) -> None:
        self.setTitle(self.tr("Certificate"))
        self.setSubTitle(self.tr("Import the certificate the authority issued for this "
                                 "device."))
        self.open_button.setText(self.tr("&Import certificate…"))
        self.open_button.setAccessibleName(self.tr("Import the certificate file"))


class FirstRunWizard(QWizard):
    """Creates and enrols the account in ``account_dir``. After ``exec``: ``passphrase``
    holds what was typed (to unlock at once), ``secrets_mode`` the choice."""

    def __init__(self, account_dir: Path, parent: QWidget | None = None, *,
                 kdf: tuple[int, int] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.account_dir = Path(account_dir)
        self.kdf = kdf
        self.clock = clock
        self.server_url = ""
        self.authority: Any = None
        self.secrets_mode = "passphrase"
        self.passphrase: str | None = None
        self.user_id = ""
        self.runner = TaskRunner(self, "renkei-wizard")
        self.choose_open: Callable[[QWidget, str, str], str] = _open_dialog
        self.choose_save: Callable[[QWidget, str, str], str] = _save_dialog
        self.setWindowIcon(app_icon())
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.account_page = AccountPage(self)
        self.keys_page = KeysPage(self)
        self.enrol_page = EnrolPage(self)
        self.certificate_page = CertificatePage(self)
        self.ids = {}
        for name, page in (("account", self.account_page), ("keys", self.keys_page),
                           ("enrol", self.enrol_page), ("certificate", self.certificate_page)):
            self.ids[name] = self.addPage(page)
        # Once the keys exist there is no going back to change what they were made for.
        self.keys_page.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Create keys"))
        if wizard_start(self.account_dir) == "certificate":
            self.setStartId(self.ids["enrol"])
            from sync.account import AccountConfig

            cfg = AccountConfig.load(self.account_dir / "account.json")
            self.user_id, self.secrets_mode = cfg.user_id, cfg.secrets
        self.setWindowTitle(self.tr("Set up Renkei"))
        self.resize(720, 520)

    def create_account(self) -> None:
        """On the worker thread: keys, secrets, vault and enrolment request."""
        from sync.account import create_account

        page = self.account_page
        self.user_id = page.user.text().strip()
        try:
            create_account(self.account_dir, server_url=self.server_url,
                           authority=self.authority, user_id=self.user_id,
                           display_name=page.name.text().strip(), org=page.org.text().strip(),
                           secrets=self.secrets_mode,  # type: ignore[arg-type]
                           passphrase=self.passphrase, now=int(self.clock()), kdf=self.kdf)
        except Exception as exc:  # noqa: BLE001 - every failure is shown on the page
            raise BackendError(str(exc), getattr(exc, "message_ja", None)) from None

    def done(self, result: int) -> None:  # noqa: D102 - Qt override
        self.runner.shutdown()
        super().done(result)


def _open_dialog(parent: QWidget, title: str, filters: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path


def _save_dialog(parent: QWidget, title: str, default: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, title, default,
                                          translate("FirstRunWizard", "JSON (*.json)"))
    return path
