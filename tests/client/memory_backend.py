"""An in-memory :class:`client.ui.backend.Backend` for widget tests.

It deliberately does NOT filter by clearance (``leaky=True``): tests then prove that the
UI's own model layer keeps restricted content out of every view. Synthetic data only.
"""

from __future__ import annotations

import bisect
import importlib.util
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from client.ui.backend import (
    Action,
    Advisory,
    BackendError,
    BackendEvent,
    Brief,
    Device,
    Entry,
    Identity,
    Indicator,
    KevRow,
    KeyChangeNotice,
    Listener,
    Member,
    Product,
    ReportEntry,
    ReportSummary,
    RoomChanged,
    RoomSummary,
    SearchResult,
    Section,
    SecurityNotice,
)
from intel.markings import Clearance, Label, Policy, least_upper_bound


def _sibling(name: str) -> Any:
    """Load a helper module beside this file (the tests directory is not a package)."""
    full = f"renkei_client_{name}"
    if full in sys.modules:
        return sys.modules[full]
    spec = importlib.util.spec_from_file_location(full, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[full] = module
    spec.loader.exec_module(module)
    return module


_parts = _sibling("memory_parts")

PASSPHRASE = "correct horse battery staple"
SECRET_WORD = "ZEBRA-SECRET"  # appears only in SECRET or higher content
DAY_MS = 86_400_000
NOW_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
TODAY = date(2026, 1, 1)


def L(text: str) -> Label:  # noqa: N802 - reads like a constructor in fixtures
    return Label.parse(text)


def fp(seed: int) -> str:
    return " ".join(f"{(seed * 7919 + i * 104729) % 100000:05d}" for i in range(12))


@dataclass
class MemoryBackend(_parts.ReportsMixin, _parts.ExchangeMixin):
    policy_: Policy
    identity_: Identity
    rooms: dict[str, RoomSummary] = field(default_factory=dict)
    entries: dict[str, list[Entry]] = field(default_factory=dict)
    room_members: dict[str, list[Member]] = field(default_factory=dict)
    briefs: list[Brief] = field(default_factory=list)
    advisories: list[Advisory] = field(default_factory=list)
    people: list[Member] = field(default_factory=list)
    key_changes: list[KeyChangeNotice] = field(default_factory=list)
    locked: bool = False
    keyring_ok: bool = True

    def __post_init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.sent: list[tuple[str, Label, str, str | None]] = []
        self.audit: list[tuple[str, str, str, str]] = []
        self.acks: list[str] = []
        self.verified: dict[str, bool] = {}
        self.read_marks: dict[str, int] = {}
        self.key_dropped = 0
        self._listeners: list[Listener] = []
        self._cancel = threading.Event()
        self._next_pos = 1 + max((e.pos for es in self.entries.values() for e in es), default=0)
        self.vault_key: bytes | None = None if self.locked else b"k" * 32
        self.sync_rounds = 0
        self.opened: list[tuple[str, str]] = []
        self.security: list[SecurityNotice] = []
        self.reports: list[ReportSummary] = []
        self.threads: dict[str, list[ReportEntry]] = {}
        self.submitted: list[dict[str, Any]] = []
        self.published: list[tuple[dict[str, Any], Any, Any]] = []
        self.kev: list[KevRow] = []
        self.products: list[Product] = []
        self.sent_with: list[tuple[tuple[str, ...] | None, tuple[str, ...]]] = []
        self._init_exchange()

    # -- helpers --------------------------------------------------------------------------
    def _log(self, name: str, *args: object) -> None:
        self.calls.append((name, args))

    def _open(self) -> None:
        if self.locked:
            raise BackendError("the vault is locked", "保管庫はロックされています")

    def emit(self, event: BackendEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    def add_entry(self, room_id: str, label: Label | None, body: str, *, state: str = "ok",
                  sender: str = "bob", org: str = "org-b", reason: str = "",
                  recipients: frozenset[str] | None = None) -> Entry:
        e = Entry(self._next_pos, f"item-{self._next_pos}", room_id, state, label,  # type: ignore[arg-type]
                  NOW_MS + self._next_pos * 1000, sender, sender.title(), org, body=body,
                  reason=reason, recipients=recipients)
        self._next_pos += 1
        self.entries.setdefault(room_id, []).append(e)
        return e

    # -- identity, policy, vault key ------------------------------------------------------
    def policy(self) -> Policy:
        return self.policy_

    def identity(self) -> Identity:
        return self.identity_

    def is_locked(self) -> bool:
        return self.locked

    def lock(self) -> None:
        self._log("lock")
        self.locked = True
        self.vault_key = None
        self.key_dropped += 1

    def unlock(self, passphrase: str | None) -> None:
        self._log("unlock")
        if passphrase is None and not self.keyring_ok:
            raise BackendError("the system keyring is not available; enter your passphrase",
                               "システムのキーリングを利用できません。パスフレーズを入力してください。")
        if passphrase is not None and passphrase != PASSPHRASE:
            raise BackendError("wrong passphrase", "パスフレーズが違います")
        self.locked = False
        self.vault_key = b"k" * 32

    # -- rooms ----------------------------------------------------------------------------
    def list_rooms(self) -> list[RoomSummary]:
        self._open()
        out = []
        for r in sorted(self.rooms.values(), key=lambda r: r.name):
            mark = self.read_marks.get(r.room_id, 0)
            unread = sum(1 for e in self.entries.get(r.room_id, []) if e.pos > mark)
            out.append(replace(r, unread=unread))
        return out

    def count_items(self, room_id: str) -> int:
        self._open()
        self._log("count_items", room_id)
        return len(self.entries.get(room_id, []))

    def page_items(self, room_id: str, before_pos: int | None, limit: int) -> list[Entry]:
        self._open()
        self._log("page_items", room_id, before_pos, limit)
        es = self.entries.get(room_id, [])
        end = len(es) if before_pos is None else bisect.bisect_left(_PosView(es), before_pos)
        return list(reversed(es[max(0, end - limit):end]))

    def items_after(self, room_id: str, after_pos: int, limit: int) -> list[Entry]:
        self._open()
        self._log("items_after", room_id, after_pos, limit)
        return [e for e in self.entries.get(room_id, []) if e.pos > after_pos][:limit]

    def get_entry(self, item_id: str) -> Entry | None:
        self._open()
        for es in self.entries.values():
            for e in es:
                if e.item_id == item_id:
                    return e
        return None

    def mark_read(self, room_id: str, up_to_pos: int) -> None:
        self.read_marks[room_id] = max(self.read_marks.get(room_id, 0), up_to_pos)

    def members(self, room_id: str) -> list[Member]:
        self._open()
        return list(self.room_members.get(room_id, []))

    def pending_key_changes(self, room_id: str | None = None) -> list[KeyChangeNotice]:
        self._open()
        if room_id is None:
            return list(self.key_changes)
        users = {m.user_id for m in self.room_members.get(room_id, [])}
        return [k for k in self.key_changes if k.user_id in users]

    def accept_key_change(self, change_id: int) -> None:
        self._log("accept_key_change", change_id)
        self.key_changes = [k for k in self.key_changes if k.change_id != change_id]

    # -- writing --------------------------------------------------------------------------
    def send_message(self, room_id: str, label: Label, text: str, *,
                     quote_of: str | None = None, recipients: tuple[str, ...] | None = None,
                     attachments: tuple[str, ...] = ()) -> str:
        self._open()
        self._log("send_message", room_id, label, text, quote_of)
        if label.tlp.value == "RED" and not set(recipients or ()) - {self.identity_.user_id}:
            raise BackendError("TLP:RED goes to named people only: choose at least one "
                               "recipient.")
        self.sent.append((room_id, label, text, quote_of))
        self.sent_with.append((recipients, tuple(attachments)))
        me = self.identity_
        e = self.add_entry(room_id, label, text, sender=me.user_id, org=me.org,
                           recipients=frozenset(recipients) if recipients else None)
        e2 = replace(e, quote_of=quote_of, attachments=self.attachments_for(e.item_id,
                                                                           attachments))
        self.entries[room_id][-1] = e2
        self.emit(RoomChanged(room_id))
        return e.item_id

    def record_downgrade(self, item_id: str, source: Label, target: Label,
                         justification: str) -> None:
        self._log("record_downgrade", item_id)
        self.audit.append((item_id, source.canonical(), target.canonical(), justification))

    # -- documents ------------------------------------------------------------------------
    def list_briefs(self) -> list[Brief]:
        self._open()
        return list(self.briefs)

    def get_brief(self, brief_id: str) -> Brief | None:
        return next((b for b in self.briefs if b.brief_id == brief_id), None)

    def acknowledge(self, brief_id: str) -> int:
        self.acks.append(brief_id)
        self.briefs = [replace(b, acknowledged_ms=NOW_MS) if b.brief_id == brief_id else b
                       for b in self.briefs]
        return NOW_MS

    def list_advisories(self) -> list[Advisory]:
        self._open()
        return list(self.advisories)

    def get_advisory(self, advisory_id: str) -> Advisory | None:
        return next((a for a in self.advisories if a.advisory_id == advisory_id), None)

    # -- directory ------------------------------------------------------------------------
    def directory(self) -> list[Member]:
        self._open()
        return [replace(m, devices=tuple(replace(d, verified=self.verified.get(d.device_id,
                                                                              d.verified))
                                         for d in m.devices)) for m in self.people]

    def set_verified(self, device_id: str, verified: bool) -> None:
        self.verified[device_id] = verified

    # -- search ---------------------------------------------------------------------------
    def search(self, query: str, limit: int = 50,
               kinds: tuple[str, ...] | None = None) -> list[SearchResult]:
        self._open()
        q = query.lower()
        out: list[SearchResult] = []
        if kinds is None or "message" in kinds:
            for es in self.entries.values():
                for e in es:
                    if e.state == "ok" and e.label and q in e.body.lower():
                        out.append(SearchResult(e.item_id, "message", e.room_id, "", e.body,
                                                e.label, e.created_ms, e.recipients))
        if kinds is None or "brief" in kinds:
            for b in self.briefs:
                # A hit carries the label of the portion that matched (its snippet).
                for text, label in [(b.title, b.label)] + [(s.text, s.label)
                                                           for s in b.sections]:
                    if q in text.lower():
                        out.append(SearchResult(b.brief_id, "brief", "channel:briefs", b.title,
                                                text, self._hit_label(b.label, label),
                                                b.published_ms))
                        break
        if kinds is None or "advisory" in kinds:
            for a in self.advisories:
                for text, label in [(a.title, a.label)] + [(s.text, s.label)
                                                           for s in (*a.summary, *a.annex)]:
                    if q in text.lower():
                        out.append(SearchResult(a.advisory_id, "advisory",
                                                "channel:advisories", a.title, text,
                                                self._hit_label(a.label, label),
                                                a.published_ms))
                        break
        return out[:limit]

    def _hit_label(self, header: Label, portion: Label) -> Label:
        lub = least_upper_bound(self.policy_, [header, portion])
        assert lub is not None
        return lub

    # -- audit and security -----------------------------------------------------------------
    def record_open(self, item_id: str, label: Label) -> None:
        self.opened.append((item_id, label.canonical()))

    def security_events(self, limit: int = 200) -> list[SecurityNotice]:
        self._open()
        return list(reversed(self.security))[:limit]

    # -- sync -----------------------------------------------------------------------------
    def unlock_methods(self) -> tuple[str, ...]:
        return ("passphrase", "keyring")

    def run_sync(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.sync_rounds += 1
            stop.wait(0.05)

    def cancel_sync(self) -> None:
        self._cancel.set()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe


class _PosView:
    """Positions of a sorted entry list, for bisect without copying 100,000 ints."""

    def __init__(self, entries: list[Entry]) -> None:
        self._e = entries

    def __len__(self) -> int:
        return len(self._e)

    def __getitem__(self, i: int) -> int:
        return self._e[i].pos


# -- a small synthetic world ----------------------------------------------------------------
def clearance(user: str, org: str, level: str, comps: str = "", roles: str = "") -> Clearance:
    return Clearance(user, org, level, frozenset(c for c in comps.split(",") if c),
                     frozenset(r for r in roles.split(",") if r))


def member(user: str, org: str, level: str, comps: str = "", roles: str = "",
           seed: int = 1) -> Member:
    return Member(user, user.title(), org, clearance(user, org, level, comps, roles),
                  (Device(f"d{seed:032x}", fp(seed), False),))


def identity_for(m: Member, seed: int = 99) -> Identity:
    return Identity(m.user_id, m.display_name, m.org, f"d{seed:032x}", fp(seed), m.clearance)


ALICE = member("alice", "org-a", "SECRET", "CYBER,OT", "analyst,responder", 1)
BOB = member("bob", "org-b", "CONFIDENTIAL", "", "responder", 2)
UMA = member("uma", "org-a", "UNCLASSIFIED", "", "responder,analyst", 3)
EVE = member("eve", "org-a", "CONFIDENTIAL", "", "executive", 4)
DAN = member("dan", "org-a", "SECRET", "CYBER", "responder,downgrade", 5)


def build(policy: Policy, me: Member, *, big_room: int = 0) -> MemoryBackend:
    """Rooms, messages at several labels, briefs and advisories with mixed portions."""
    rooms = {
        "room-joint": RoomSummary("room-joint", "Joint response", L("SECRET/CYBER,OT//TLP:RED"),
                                  0),
        "room-ops": RoomSummary("room-ops", "Operations", L("CONFIDENTIAL//TLP:AMBER"), 0),
        "room-open": RoomSummary("room-open", "Open channel", L("UNCLASSIFIED//TLP:CLEAR"), 0),
    }
    b = MemoryBackend(policy, identity_for(me), rooms=rooms)
    b.room_members = {
        "room-joint": [ALICE, BOB, UMA, DAN],
        "room-ops": [ALICE, BOB, EVE],
        "room-open": [ALICE, UMA],
    }
    b.people = [ALICE, BOB, UMA, EVE, DAN]
    b.add_entry("room-joint", L("UNCLASSIFIED//TLP:CLEAR"), "Morning all, bridge call at 9.")
    b.add_entry("room-joint", L("CONFIDENTIAL//TLP:AMBER"), "Victim list shared with CERT.")
    b.add_entry("room-joint", L("SECRET/CYBER//TLP:AMBER"), f"Actor attribution {SECRET_WORD}.",
                sender="alice", org="org-a")
    b.add_entry("room-joint", L("SECRET/CYBER//TLP:AMBER"), "", state="rejected",
                reason="signature did not verify")
    b.add_entry("room-joint", None, "", state="gap", sender="bob",
                reason="3 messages from Bob (sequence 7–9) never arrived")
    b.add_entry("room-joint", L("UNCLASSIFIED//TLP:GREEN"), "Patch released for the gateway.")
    b.add_entry("room-ops", L("CONFIDENTIAL//TLP:AMBER+STRICT"), "Internal staffing plan.")
    b.add_entry("room-ops", L("UNCLASSIFIED//TLP:AMBER"), "Shift change at 18:00.")
    b.add_entry("room-open", L("UNCLASSIFIED//TLP:CLEAR"), "Public advisory is out.")
    b.add_entry("room-open", L("UNCLASSIFIED//TLP:RED"), "Named-only note.",
                recipients=frozenset({"alice"}))
    for i in range(big_room):
        label = L("SECRET/CYBER//TLP:AMBER") if i % 10 == 3 else L("UNCLASSIFIED//TLP:CLEAR")
        body = f"{SECRET_WORD} #{i}" if i % 10 == 3 else f"routine #{i}"
        b.add_entry("room-big", label, body)
    if big_room:
        b.rooms["room-big"] = RoomSummary("room-big", "Big archive", L("SECRET/CYBER//TLP:RED"),
                                          0)
        b.room_members["room-big"] = [ALICE, UMA]
    b.briefs = [
        Brief("brief-1", "Gateway exploitation campaign", L("UNCLASSIFIED//TLP:GREEN"),
              "Alice", "org-a", NOW_MS - DAY_MS, (
                  Section("Summary", L("UNCLASSIFIED//TLP:GREEN"),
                          "A gateway flaw is exploited widely."),
                  Section("Attribution", L("SECRET/CYBER//TLP:AMBER"),
                          f"Assessed actor {SECRET_WORD}."),
              )),
        Brief("brief-2", f"Operation {SECRET_WORD}", L("SECRET/CYBER//TLP:AMBER"), "Alice",
              "org-a", NOW_MS - 2 * DAY_MS,
              (Section("Details", L("SECRET/CYBER//TLP:AMBER"), f"{SECRET_WORD} details."),)),
        Brief("brief-3", "Sector outlook", L("CONFIDENTIAL//TLP:AMBER"), "Bob", "org-b",
              NOW_MS - 3 * DAY_MS,
              (Section("Outlook", L("CONFIDENTIAL//TLP:AMBER"), "Expect more phishing."),)),
    ]
    b.advisories = [
        Advisory("adv-1", "Critical gateway vulnerability exploited", L("UNCLASSIFIED//TLP:CLEAR"),
                 "critical", NOW_MS - DAY_MS, "National CSIRT", True, urgent=True,
                 summary=(Section("What happened", L("UNCLASSIFIED//TLP:CLEAR"),
                                  "Attackers exploit a gateway flaw."),),
                 affects_us="yes", affects_reason="We run 12 gateways.",
                 actions=(Action("Patch all gateways", L("UNCLASSIFIED//TLP:CLEAR"),
                                 date(2025, 12, 30)),
                          Action("Rotate VPN credentials", L("UNCLASSIFIED//TLP:CLEAR"),
                                 date(2026, 1, 5))),
                 annex=(Section("Technical details", L("UNCLASSIFIED//TLP:CLEAR"),
                                "Pre-auth RCE in the web interface."),
                        Section("Actor tooling", L("SECRET/CYBER//TLP:AMBER"),
                                f"Implant {SECRET_WORD} observed.")),
                 indicators=(Indicator("ipv4", "198.51.100.7", L("UNCLASSIFIED//TLP:GREEN")),
                             Indicator("domain", "zebra.example", L("SECRET/CYBER//TLP:AMBER"),
                                       SECRET_WORD)),
                 techniques=(Indicator("attack-technique", "T1190",
                                       L("UNCLASSIFIED//TLP:CLEAR"),
                                       "Exploit Public-Facing Application"),),
                 cves=(Indicator("cve", "CVE-2025-0001", L("UNCLASSIFIED//TLP:CLEAR")),)),
        Advisory("adv-2", "Phishing wave against utilities", L("UNCLASSIFIED//TLP:GREEN"),
                 "medium", NOW_MS - 9 * DAY_MS, "National CSIRT", False,
                 summary=(Section("What happened", L("UNCLASSIFIED//TLP:GREEN"),
                                  "Targeted phishing."),), affects_us="unknown"),
        Advisory("adv-3", f"{SECRET_WORD} campaign", L("SECRET/CYBER//TLP:AMBER"), "high",
                 NOW_MS - 20 * DAY_MS, "National CSIRT", True,
                 summary=(Section("What happened", L("SECRET/CYBER//TLP:AMBER"),
                                  f"{SECRET_WORD} intrusion."),), affects_us="no"),
    ]
    b.key_changes = [KeyChangeNotice(1, "bob", "Bob", f"d{2:032x}", fp(2), fp(77))]
    public = L("UNCLASSIFIED//TLP:CLEAR")
    b.kev = [
        KevRow("CVE-2025-0001", "Gateway Corp", "Edge Gateway", "Gateway RCE",
               date(2025, 12, 20), date(2025, 12, 30), True, "Pre-auth RCE.", "Patch.",
               source="domestic", label=public),
        KevRow("CVE-2024-1111", "Mail Inc", "Mail Server", "Mail auth bypass",
               date(2025, 11, 1), date(2026, 1, 5), False, "Auth bypass.", "Upgrade.",
               source="cisa", label=public),
        KevRow("CVE-2023-2222", "Old Soft", "Legacy CMS", "CMS SQL injection",
               date(2023, 5, 1), date(2023, 5, 22), True, "SQL injection.", "Remove.",
               source="cisa", label=public),
    ]
    b.products = [Product("Gateway Corp", "Edge Gateway", "4.2")]
    amber = L("UNCLASSIFIED//TLP:AMBER+STRICT")
    b.reports = [ReportSummary("IR-1", "Kanto Test Power", "carol", "quick", amber,
                               "need-info", 1, 1, NOW_MS - DAY_MS, NOW_MS, False)]
    b.threads = {"IR-1": [
        ReportEntry("r1", "report", "carol", "Carol", False, amber, NOW_MS - DAY_MS,
                    "Ransom note on file servers.", report_id="IR-1", stage="quick",
                    category="ransomware", entity="Kanto Test Power"),
        ReportEntry("q1", "question", "ivy", "Ivy", True, amber, NOW_MS,
                    "Is the VPN segment affected?", question_id="Q-1"),
    ]}
    return b
