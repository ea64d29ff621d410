"""First run, end to end: the wizard creates and enrols an account against a live server,
the authority issues the certificate from the enrolment file it wrote, and the main window
unlocks and shows what syncs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from client.demo_world import FAST_KDF
from client.ui.backend import open_default_backend
from client.ui.wizard import FirstRunWizard, enrolment_fingerprint, wizard_start
from sync import flows

PASSPHRASE = "a synthetic passphrase"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def _wizard(qtbot: Any, account: Path, **kw: Any) -> FirstRunWizard:
    w = FirstRunWizard(account, kdf=FAST_KDF, **kw)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_first_run_to_synced_main_window(qtbot: Any, tmp_path: Path, live_server: Any,
                                         enrol_person: Any, opened: Any, make_window: Any,
                                         no_keyring: None) -> None:
    account = tmp_path / "new-account"
    saved = tmp_path / "handed-to-authority.json"
    cert_file = tmp_path / "issued-certificate.json"
    user = f"newcomer-{time.monotonic_ns() % 10**6}"
    assert wizard_start(account) == "create"
    w = _wizard(qtbot, account)
    w.choose_save = lambda *_a: str(saved)
    w.choose_open = lambda *_a: str(cert_file)

    # 1. server, authority by fingerprint (fetched, compared), identity
    page = w.account_page
    assert not page.isComplete()
    page.server.setText(live_server.url)
    page.fingerprint.setText("0000-" * 15 + "0000")
    page.user.setText(user)
    page.name.setText("Newcomer")
    page.org.setText("org-new")
    assert page.isComplete()
    w.next()
    assert w.currentPage() is page and "not the one you gave" in page.error.text()
    page.fingerprint.setText(live_server.authority.public.fingerprint.lower())
    w.next()
    assert w.currentPage() is w.keys_page and w.server_url == live_server.url

    # 2. no keyring works here: the passphrase is required, and the page says why
    keys = w.keys_page
    assert not keys.keyring.isEnabled() and keys.passphrase_mode.isChecked()
    assert "No system keyring works on this computer" in keys.explain.text()
    keys.passphrase.setText("short")
    keys.repeat.setText("short")
    w.next()
    assert w.currentPage() is keys and "at least 8" in keys.error.text()
    keys.passphrase.setText(PASSPHRASE)
    keys.repeat.setText(PASSPHRASE + "x")
    w.next()
    assert "differ" in keys.error.text()
    keys.repeat.setText(PASSPHRASE)
    w.next()

    # 3. keys are made on the worker; the fingerprint is shown in groups; save the request
    enrol = w.enrol_page
    qtbot.waitUntil(lambda: enrol.created, timeout=20_000)
    fp = enrolment_fingerprint(account)
    assert enrol.fingerprint.text().split() == fp.split()
    assert len(enrol.fingerprint.text().splitlines()) == 3  # 3 rows of 4 groups
    assert wizard_start(account) == "certificate"
    qtbot.mouseClick(enrol.save_button, Qt.MouseButton.LeftButton)
    assert saved.read_bytes() == (account / "enrolment.json").read_bytes()

    # The authority issues the certificate from the file it was given.
    sc = live_server.authority.issue(saved.read_bytes(), "CONFIDENTIAL")
    cert_file.write_bytes(sc.to_bytes())
    w.next()
    cert_page = w.certificate_page
    assert w.currentPage() is cert_page and not cert_page.isComplete()
    qtbot.mouseClick(cert_page.open_button, Qt.MouseButton.LeftButton)
    assert cert_page.isComplete() and "CONFIDENTIAL" in cert_page.summary.text()
    w.accept()
    assert w.result() == QWizard.DialogCode.Accepted and w.passphrase == PASSPHRASE
    assert wizard_start(account) == "done"

    # 4. the main window unlocks with that passphrase, syncs, and shows new content
    backend = open_default_backend(account)
    backend._poll_timeout = 1.0  # type: ignore[attr-defined]  # quick to close in tests
    window = make_window(backend, start_sync=True)
    assert window.locked
    window.unlock(w.passphrase)
    qtbot.waitUntil(lambda: not window.locked, timeout=20_000)
    qtbot.waitUntil(lambda: window.sync_label.text() == "Up to date", timeout=20_000)
    publisher = enrol_person("publisher", "SECRET", roles=("publisher",))
    _s, e = opened(publisher)
    deadline = time.monotonic() + 20
    while not any(c.user_id == user for c in e.session.certs.values()):
        assert time.monotonic() < deadline, "the new device never registered"
        e.catch_up()
        time.sleep(0.1)
    flows.publish_document(e, {
        "kind": "advisory", "document_id": "ADV-WIZ-1", "title": "Welcome advisory",
        "header_label": "UNCLASSIFIED//TLP:CLEAR", "severity": "low", "publisher": "CSIRT",
        "issued_at": "2026-01-01T00:00:00+00:00", "sections": [
            {"section_id": "s", "kind": "executive_summary",
             "label": "UNCLASSIFIED//TLP:CLEAR", "body": "Hello."}]})
    page_adv = window.pages["advisories"]
    qtbot.waitUntil(lambda: any(a.advisory_id == "ADV-WIZ-1"
                                for a in page_adv.model.values()), timeout=30_000)
    window.show_page("advisories")
    assert page_adv.current is not None and page_adv.current.official


def test_wizard_resumes_at_the_certificate(qtbot: Any, tmp_path: Path, enrol_person: Any,
                                           no_keyring: None) -> None:
    from client.demo_world import DEMO_PASSPHRASE, DemoAuthority
    from sync.account import create_account

    account = tmp_path / "half-done"
    authority = DemoAuthority()
    create_account(account, server_url="http://127.0.0.1:9", authority=authority.public,
                   user_id="halfway", display_name="Half", org="org-h", secrets="passphrase",
                   passphrase=DEMO_PASSPHRASE, now=int(time.time()), kdf=FAST_KDF)
    w = _wizard(qtbot, account)
    assert w.currentPage() is w.enrol_page and w.enrol_page.created
    assert w.enrol_page.fingerprint.text().split() == enrolment_fingerprint(account).split()
    other = tmp_path / "other.json"
    # A certificate for another device is refused with the reason.
    stranger = enrol_person("stranger", "UNCLASSIFIED")
    other.write_bytes((stranger.account / "certificate.json").read_bytes())
    w.next()
    assert not w.certificate_page.import_file(other)
    assert w.certificate_page.error.text()
    good = tmp_path / "good.json"
    good.write_bytes(authority.issue((account / "enrolment.json").read_bytes(),
                                     "UNCLASSIFIED").to_bytes())
    assert w.certificate_page.import_file(good)
    assert wizard_start(account) == "done"


def test_authority_file_and_server_address_checks(qtbot: Any, tmp_path: Path) -> None:
    from client.demo_world import DemoAuthority

    w = _wizard(qtbot, tmp_path / "acct")
    page = w.account_page
    page.by_file.setChecked(True)
    page.authority_file.setText(str(DemoAuthority().write_public(tmp_path / "a.pub")))
    for edit, text in ((page.user, "u1"), (page.name, "U"), (page.org, "o")):
        edit.setText(text)
    page.server.setText("http://renkei.example.org")
    w.next()
    assert w.currentPage() is page and "https://" in page.error.text()
    page.server.setText("ftp://127.0.0.1")
    w.next()
    assert w.currentPage() is page
    page.server.setText("https://renkei.example.org/")
    w.next()
    assert w.currentPage() is w.keys_page and w.server_url == "https://renkei.example.org"
