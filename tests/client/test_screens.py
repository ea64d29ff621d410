"""The screens added in phase 2 over the in-memory backend: quick report, intake inbox,
composer, catalog browser, lock screen per account, security events, audit on open, and the
sync thread's non-blocking stop."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from client.ui.backend import SecurityChanged, SecurityNotice
from client.ui.workers import SyncController
from intel.markings import Label, Policy


def _with_roles(world: Any, member: Any, roles: str) -> Any:
    c = replace(member.clearance, roles=frozenset(roles.split(",")))
    return replace(member, clearance=c)


def test_quick_report_lists_every_problem_then_sends(qtbot: Any, make_window: Any,
                                                     policy: Policy, world: Any) -> None:
    b = world.build(policy, world.BOB)
    w = make_window(b)
    w.show_page("reports")
    page = w.pages["reports"]
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.form
    assert page.right.currentWidget() is form
    assert form.heading.text().startswith("Quick report (速報) IR-")
    assert form.picker.current_label() == Label.parse("UNCLASSIFIED//TLP:AMBER+STRICT")
    assert form.purposes["incident_response"].isChecked()
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    for field in ("category", "summary", "consent", "entity"):
        assert field in form.problems.text()
    assert b.submitted == []
    form.picks["category"].setCurrentIndex(form.picks["category"].findData("ransomware"))
    form.picks["sector"].setCurrentIndex(form.picks["sector"].findData("electricity"))
    form.summary.setPlainText("Ransom note on two file servers.")
    form.entity.setText("Kanto Power")
    form.contact_name.setText("Ken")
    form.contact_email.setText("soc@kanto.example")
    form.contact_phone.setText("+81 3-5555-0100")
    form.indicators.setPlainText("203.0.113.45")
    form.consent.setChecked(True)
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(b.submitted) == 1)
    sent = b.submitted[0]
    assert sent["category"] == "ransomware" and sent["consent"] is True
    assert sent["indicators"] == [{"type": "ipv4", "value": "203.0.113.45"}]
    qtbot.waitUntil(lambda: page.right.currentWidget() is not form)
    assert page.current is not None and page.current.thread_id == sent["thread_id"]
    assert "Kanto Power" in page.thread_view.toPlainText()


def test_intake_inbox_sets_status_and_asks(qtbot: Any, make_window: Any, policy: Policy,
                                           world: Any) -> None:
    me = _with_roles(world, world.BOB, "intake")
    b = world.build(policy, me)
    w = make_window(b)
    w.show_page("reports")
    page = w.pages["reports"]
    assert page.intake_box.isVisible() and page.caption.text().startswith("Incoming")
    assert page.current is not None and page.current.thread_id == "IR-1"
    assert [page.status_box.itemData(i) for i in range(page.status_box.count())] == [
        "triaged", "closed"]  # from need-info, as the intake workflow allows
    assert "Is the VPN segment affected?" in page.thread_view.toPlainText()
    page.status_box.setCurrentIndex(1)
    page.note.setText("resolved")
    qtbot.mouseClick(page.status_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("set_report_status", ("IR-1", "closed", "resolved")) in b.calls)
    page.question.setText("Which backups?")
    qtbot.mouseClick(page.ask_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("ask_follow_up", ("IR-1", "Which backups?")) in b.calls)
    # Restricted reports are audited when opened.
    assert ("IR-1", "UNCLASSIFIED//TLP:AMBER+STRICT") not in b.opened  # not restricted


def test_reporter_answers_the_centre(qtbot: Any, make_window: Any, policy: Policy,
                                     world: Any) -> None:
    b = world.build(policy, world.BOB)
    b.reports = [replace(b.reports[0], mine=True)]
    w = make_window(b)
    w.show_page("reports")
    page = w.pages["reports"]
    assert not page.intake_box.isVisible() and page.answer_box.isVisible()
    assert page.question_pick.currentData() == "Q-1"
    page.answer.setText("No, it is separate.")
    qtbot.mouseClick(page.answer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("answer_follow_up", ("Q-1", "No, it is separate.")) in b.calls)
    qtbot.waitUntil(lambda: not page.answer_box.isVisible())


def test_composer_offers_allowed_labels_per_part_and_publishes(
        qtbot: Any, make_window: Any, policy: Policy, world: Any) -> None:
    b = world.build(policy, world.BOB)  # CONFIDENTIAL, no publisher role
    w = make_window(b)
    w.show_page("publish")
    page = w.pages["publish"]
    assert page.current_kind() == "brief"
    page.kind.setCurrentIndex(0)  # advisory: publishers only
    assert page.current_kind() == "brief"
    levels = {lb.level for lb in page.parts["technical_annex"].picker.choices()}
    assert levels == {"UNCLASSIFIED", "CONFIDENTIAL"}  # never above the writer

    pub = world.build(policy, _with_roles(world, world.ALICE, "publisher"))
    w2 = make_window(pub)
    w2.show_page("publish")
    p2 = w2.pages["publish"]
    assert p2.current_kind() == "advisory"
    assert "SECRET" in {lb.level for lb in p2.parts["technical_annex"].picker.choices()}
    assert all(lb.tlp.value != "RED" for lb in p2.header_picker.choices())
    p2.title_edit.setText("Gateway flaw")
    p2.parts["executive_summary"].edit.setPlainText("Patch now.")
    annex = p2.parts["technical_annex"]
    annex.edit.setPlainText("Implant details.")
    assert annex.picker.set_label(Label.parse("SECRET/CYBER//TLP:AMBER"))
    p2.parts["actions"].edit.setPlainText("tomorrow patch")
    qtbot.mouseClick(p2.publish_button, Qt.MouseButton.LeftButton)
    assert "start with the due date" in p2.problems.text() and pub.published == []
    p2.parts["actions"].edit.setPlainText("2026-01-05 Patch all gateways")
    assert "2 part(s)" in p2.plan.text()
    assert w2.banner_top.label_shown == Label.parse("SECRET/CYBER//TLP:AMBER")
    doc_id = p2.doc_id.text()
    qtbot.mouseClick(p2.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(pub.published) == 1)
    doc, users, orgs = pub.published[0]
    assert doc["document_id"] == doc_id and users is None and orgs is None
    labels = {s["kind"]: s["label"] for s in doc["sections"]}
    assert labels == {"executive_summary": "UNCLASSIFIED//TLP:CLEAR",
                      "actions": "UNCLASSIFIED//TLP:CLEAR",
                      "technical_annex": "SECRET/CYBER//TLP:AMBER"}
    qtbot.waitUntil(lambda: w2.current_page().key == "advisories")


def test_catalog_browser_filters_and_inventory(qtbot: Any, make_window: Any, policy: Policy,
                                               world: Any, tmp_path: Path) -> None:
    b = world.build(policy, world.UMA)
    w = make_window(b)
    w.show_page("kev")
    page = w.pages["kev"]
    assert page.model.rowCount() == 3 and "1 affect us" in page.summary.text()
    page.affects.setChecked(True)
    assert page.model.rowCount() == 1
    page.table.setCurrentIndex(page.model.index(0, 0))
    assert "Affects us: matches" in page.detail.toPlainText()
    page.affects.setChecked(False)
    page.search.setText("cms")
    assert [r.cve for r in page.model.values()] == ["CVE-2023-2222"]
    page.search.clear()
    page.vendor_edit.setText("Mail Inc")
    page.product_edit.setText("Mail Server")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.products.count() == 2 and "2 affect us" in page.summary.text()
    page.choose_file = lambda _w: str(tmp_path / "catalog.json")
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("import_kev", (str(tmp_path / "catalog.json"),)) in b.calls)


def test_lock_screen_offers_only_the_accounts_method(qtbot: Any, make_window: Any,
                                                     policy: Policy, world: Any) -> None:
    b = world.build(policy, world.ALICE)
    b.unlock_methods = lambda: ("keyring",)  # type: ignore[method-assign]
    w = make_window(b)
    w.lock()
    screen = w.lock_screen
    assert screen.passphrase.isHidden() and not screen.keyring_button.isHidden()
    qtbot.mouseClick(screen.keyring_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.locked)


def test_security_events_and_audit_on_open(qtbot: Any, make_window: Any, policy: Policy,
                                           world: Any) -> None:
    b = world.build(policy, world.ALICE)
    w = make_window(b)
    w.show_page("settings")
    page = w.settings_page
    assert "No security events" in page.security_list.item(0).text()
    b.security.append(SecurityNotice(1, 1_767_225_600_000, "rejected-envelope",
                                     "signature check failed", "room-joint"))
    b.emit(SecurityChanged())
    qtbot.waitUntil(lambda: "Message rejected" in page.security_list.item(0).text())
    w.show_page("briefs", "brief-2")  # SECRET: opening it is audited, once per open
    assert ("brief-2", "SECRET/CYBER//TLP:AMBER") in b.opened
    w.show_page("briefs", "brief-3")
    assert any(i == "brief-3" for i, _ in b.opened)  # CONFIDENTIAL is restricted too


def test_sync_controller_stops_without_waiting_and_restarts(qtbot: Any, policy: Policy,
                                                            world: Any) -> None:
    b = world.build(policy, world.ALICE)
    gate = threading.Event()
    runs: list[int] = []

    def slow_run(stop: threading.Event) -> None:
        runs.append(1)
        gate.wait(10)  # a long-poll that ignores the stop flag until it returns

    b.run_sync = slow_run  # type: ignore[method-assign]
    c = SyncController(b)
    c.start()
    qtbot.waitUntil(lambda: len(runs) == 1)
    c.stop()  # returns at once although the "poll" is still in flight
    assert c.running() and c.stopping()
    c.start()  # asked again meanwhile: takes effect once the old loop ended
    gate.set()
    qtbot.waitUntil(lambda: len(runs) >= 2, timeout=5000)
    c.shutdown(10_000)
    assert not c.running()
