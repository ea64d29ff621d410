"""The demo's people and content: a joint response room with messages at several labels
(English and Japanese), advisories whose executive summary is UNCLASSIFIED and technical annex
SECRET, briefs, a KEV catalog import and a domestic catalog, and an incident report in the
intake's inbox with an open follow-up question.

All names, organisations and incidents are invented; the CVE entries are public KEV data.
Everything goes through the same engine and flows as real use (``sync.engine``,
``sync.flows``). Qt is not imported here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from client.demo_kev import SAMPLE_CATALOG
from client.demo_world import DEMO_PASSPHRASE, DemoAuthority, DemoPerson, enrol

__all__ = ["CAST", "ROOM_NAME", "cast", "seed"]

ROOM_NAME = "Kanto grid incident / 関東電力インシデント"
Say = Callable[[str], None]


def cast() -> list[DemoPerson]:
    """Five invented people across government and industry."""
    return [
        DemoPerson("analyst", "h.sato", "Haruka Sato", "ncsc", "SECRET", ("CYBER",),
                   ("publisher", "room-admin"), "analyst"),
        DemoPerson("utility", "k.tanaka", "Ken Tanaka", "kanto-power", "CONFIDENTIAL", (),
                   ("reporter",), "responder"),
        DemoPerson("telecom", "a.suzuki", "Aoi Suzuki", "nihon-telecom", "UNCLASSIFIED", (),
                   (), "responder"),
        DemoPerson("executive", "j.yamamoto", "Jun Yamamoto", "kanto-power", "UNCLASSIFIED",
                   (), (), "executive"),
        DemoPerson("intake", "m.kobayashi", "Mei Kobayashi", "ncsc", "CONFIDENTIAL", (),
                   ("intake",), "intake"),
    ]


CAST = tuple(p.key for p in cast())


class _Open:
    """A person's unlocked session and engine while seeding."""

    def __init__(self, person: DemoPerson) -> None:
        from sync.account import open_session
        from sync.engine import Engine

        self.person = person
        self.session = open_session(person.account, passphrase=DEMO_PASSPHRASE,
                                    clock=time.time)
        self.engine = Engine(self.session)

    def sync(self) -> None:
        self.engine.flush_outbox()
        self.engine.catch_up()

    def close(self) -> None:
        self.engine.close()
        self.session.close()


@contextlib.contextmanager
def _opened(people: list[DemoPerson]) -> Iterator[dict[str, _Open]]:
    opened: dict[str, _Open] = {}
    try:
        for p in people:
            opened[p.key] = _Open(p)
        yield opened
    finally:
        for o in opened.values():
            o.close()


def _rounds(opened: dict[str, _Open], n: int = 2) -> None:
    for _ in range(n):
        for o in opened.values():
            o.sync()


def seed(base: Path, authority: DemoAuthority, server_url: str, say: Say,
         kev: dict[str, Any] | bytes | None = None) -> list[DemoPerson]:
    """Enrol the cast against ``server_url`` and fill the world. Returns the people."""
    people = cast()
    for p in people:
        say(f"  enrolling {p.display_name} ({p.org}, {p.level}"
            + (f"/{','.join(p.compartments)}" if p.compartments else "")
            + (f", roles {', '.join(p.roles)}" if p.roles else "") + ")")
        enrol(base, p, authority, server_url)
    with _opened(people) as o:
        for x in o.values():
            x.engine.register()
        _rounds(o, 1)
        say("  joint room with messages at several labels and a log file attached")
        _room(o, base)
        _rounds(o)
        say("  advisories (executive summary UNCLASSIFIED, technical annex SECRET) and briefs")
        _documents(o)
        say("  KEV catalog import, domestic catalog, product inventories")
        _catalogs(o, kev)
        _rounds(o)
        say("  an incident report (速報) with a follow-up question from intake, and an update "
            "(続報)")
        _report(o)
        _rounds(o, 3)
    return people


# -- the joint room -------------------------------------------------------------------------
def _room(o: dict[str, _Open], base: Path) -> str:
    a = o["analyst"].engine
    room: str = a.create_room(ROOM_NAME, "SECRET/CYBER//TLP:AMBER", "shared")
    for key in ("utility", "telecom", "executive"):
        a.invite(room, o[key].person.user_id)
    _rounds(o, 1)
    say = [
        ("analyst", "UNCLASSIFIED//TLP:GREEN",
         "Good morning all. Bridge call at 09:30 JST; this room is for the Kanto grid "
         "incident.\nおはようございます。09:30 からブリッジ会議です。"),
        ("utility", "CONFIDENTIAL//TLP:AMBER",
         "Our SCADA jump host shows logons from 203.0.113.45 since 02:10 JST. Two file servers "
         "encrypted; control systems unaffected so far."),
        ("analyst", "SECRET/CYBER//TLP:AMBER",
         "203.0.113.45 overlaps with infrastructure of the actor we track as KUROSHIO-7; "
         "implant family matches last year's intrusion at a water utility."),
        ("telecom", "UNCLASSIFIED//TLP:CLEAR",
         "No anomalies on our backbone so far. 当社バックボーンでは現在のところ異常なし。"),
        ("analyst", "CONFIDENTIAL//TLP:AMBER",
         "Please block 203.0.113.45 and 198.51.100.23 at the perimeter now.\n"
         "境界で 203.0.113.45 と 198.51.100.23 を直ちに遮断してください。"),
        ("utility", "UNCLASSIFIED//TLP:GREEN",
         "Ransom note found on two file servers; operations continue on backup systems.\n"
         "2台のファイルサーバで脅迫文を確認。業務はバックアップ系で継続中。"),
        ("analyst", "SECRET/CYBER//TLP:AMBER",
         "攻撃者は VPN 装置の脆弱性 (CVE-2025-0282) を初期侵入に利用した可能性が高い。"
         "詳細は技術情報 (極秘) を参照。"),
        ("executive", "UNCLASSIFIED//TLP:CLEAR",
         "Thank you. I will brief the board at 14:00.\n14時に取締役会へ報告します。"),
        ("analyst", "UNCLASSIFIED//TLP:GREEN",
         "An official advisory on the VPN vulnerability is out: see Advisories."),
    ]
    for key, label, text in say:
        o[key].sync()
        o[key].engine.send_text(room, label, text)
    _log_file(o["utility"], room, base)
    return room


def _log_file(u: _Open, room: str, base: Path) -> None:
    """A (synthetic) log excerpt sent as an attachment, at the message's label."""
    from sync.content import Content

    path = base / "jump-host-logons.csv"
    rows = ["time_jst,host,user,source_ip,result"]
    rows += [f"2026-01-0{1 + i // 6} 02:{10 + i:02d},scada-jump-01,svc_backup,203.0.113.45,"
             + ("success" if i % 3 else "failure") for i in range(18)]
    path.write_text("\n".join(rows) + "\n", "utf-8")
    u.sync()
    att = u.engine.upload_attachment(path, mime="text/csv")
    u.engine.send(room, "CONFIDENTIAL//TLP:AMBER", Content(
        kind="message", body="Jump host logon log attached (02:10–02:27 JST).\n"
        "踏み台サーバのログオン記録を添付します。", attachments=[att],
        sender_name=u.session.cert.display_name))


# -- advisories and briefs ------------------------------------------------------------------
def _iso(days_ago: float) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)).replace(
        microsecond=0).isoformat()


def _due(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


U_CLEAR, U_GREEN = "UNCLASSIFIED//TLP:CLEAR", "UNCLASSIFIED//TLP:GREEN"
C_AMBER, S_CYBER = "CONFIDENTIAL//TLP:AMBER", "SECRET/CYBER//TLP:AMBER"


def advisories() -> list[dict[str, Any]]:
    vpn = {
        "kind": "advisory", "document_id": "ADV-2026-014", "severity": "critical",
        "title": "Ivanti Connect Secure VPN exploited against energy companies / "
                 "Ivanti 製 VPN 装置の脆弱性を悪用した攻撃",
        "header_label": U_CLEAR, "publisher": "National Cyber Security Centre",
        "issued_at": _iso(0.2), "sections": [
            {"section_id": "summary", "kind": "executive_summary", "label": U_CLEAR,
             "body": "Attackers are breaking into organisations through an unpatched VPN "
                     "appliance and then spreading to internal servers. Two Japanese energy "
                     "companies are affected.\n未修正の VPN 装置を経由した侵入が国内エネルギー"
                     "事業者2社で確認されています。"},
            {"section_id": "impact", "kind": "business_impact", "label": U_GREEN,
             "body": "Possible encryption of business systems and theft of customer data; "
                     "control systems have not been reached in the known cases."},
            {"section_id": "actions", "kind": "actions", "label": U_CLEAR, "actions": [
                {"text": "Apply the vendor's fixed release to every Connect Secure appliance",
                 "due": _due(2)},
                {"text": "Run the vendor's integrity checker and report any finding",
                 "due": _due(4)},
                {"text": "Reset credentials of accounts used through the VPN", "due": _due(10)},
            ]},
            {"section_id": "cves", "kind": "cves", "label": U_CLEAR,
             "cves": ["CVE-2025-0282", "CVE-2023-46805", "CVE-2024-21887"]},
            {"section_id": "annex", "kind": "technical_annex", "label": S_CYBER,
             "body": "The implant is a modified SPAWN-family web shell loaded into the "
                     "appliance's web process; it beacons every 300 s over HTTPS with a "
                     "forged Chrome user agent. Assessed with high confidence to be "
                     "KUROSHIO-7.\n技術情報: 実行ファイルの特徴と通信先は以下の指標を参照。",
             "techniques": ["T1190", "T1133", "T1505.003"]},
            {"section_id": "iocs", "kind": "indicators", "label": C_AMBER, "indicators": [
                {"type": "ipv4", "value": "203.0.113.45", "note": "exploitation source"},
                {"type": "ipv4", "value": "198.51.100.23", "note": "C2"},
                {"type": "domain", "value": "update-check.example.net"}]},
        ]}
    phishing = {
        "kind": "advisory", "document_id": "ADV-2026-011", "severity": "medium",
        "title": "国税庁をかたるフィッシングメールの増加 / Phishing impersonating the tax "
                 "agency", "header_label": U_GREEN,
        "publisher": "National Cyber Security Centre", "issued_at": _iso(9), "sections": [
            {"section_id": "summary", "kind": "executive_summary", "label": U_GREEN,
             "body": "確定申告の時期に合わせ、国税庁をかたるフィッシングメールが増えています。"
                     "従業員への注意喚起をお願いします。"},
            {"section_id": "actions", "kind": "actions", "label": U_GREEN, "actions": [
                {"text": "従業員に注意喚起を行う (Warn staff)", "due": _due(7)}]},
        ]}
    forti = {
        "kind": "advisory", "document_id": "ADV-2026-009", "severity": "high",
        "title": "FortiManager missing authentication exploited", "header_label": U_CLEAR,
        "publisher": "National Cyber Security Centre", "issued_at": _iso(23), "sections": [
            {"section_id": "summary", "kind": "executive_summary", "label": U_CLEAR,
             "body": "A flaw in FortiManager lets attackers take over managed firewalls."},
            {"section_id": "cves", "kind": "cves", "label": U_CLEAR, "cves": ["CVE-2024-47575"]},
            {"section_id": "actions", "kind": "actions", "label": U_CLEAR, "actions": [
                {"text": "Upgrade FortiManager", "due": _due(-3)}]},
        ]}
    return [forti, phishing, vpn]


def briefs() -> list[dict[str, Any]]:
    ot = {
        "kind": "brief", "document_id": "BRF-2026-031", "severity": "high",
        "title": "Actor targeting electricity-sector OT / 電力分野の制御システムを狙う攻撃者",
        "header_label": C_AMBER, "publisher": "National Cyber Security Centre",
        "issued_at": _iso(1), "sections": [
            {"section_id": "summary", "kind": "executive_summary", "label": C_AMBER,
             "body": "Since October an intrusion set has been mapping OT networks of "
                     "electricity companies through compromised VPN appliances."},
            {"section_id": "attribution", "kind": "technical_annex", "label": S_CYBER,
             "title": "Attribution / 帰属",
             "body": "KUROSHIO-7 is assessed to be a state-sponsored group; its tooling shares "
                     "code with the 2024 water-utility intrusion."},
            {"section_id": "actions", "kind": "actions", "label": C_AMBER, "actions": [
                {"text": "Review remote access paths into OT networks", "due": _due(14)}]},
        ]}
    outlook = {
        "kind": "brief", "document_id": "BRF-2026-030", "severity": "informational",
        "title": "Weekly threat outlook / 週間脅威見通し", "header_label": U_GREEN,
        "publisher": "National Cyber Security Centre", "issued_at": _iso(3), "sections": [
            {"section_id": "summary", "kind": "executive_summary", "label": U_GREEN,
             "body": "Ransomware activity against manufacturing remains high; phishing "
                     "impersonating public agencies is rising ahead of the tax season.\n"
                     "製造業へのランサムウェア被害が高水準で推移しています。"},
        ]}
    return [outlook, ot]


def _documents(o: dict[str, _Open]) -> None:
    from sync import flows

    a = o["analyst"].engine
    for doc in advisories():
        flows.publish_document(a, doc)
    for doc in briefs():
        flows.publish_document(a, doc)


# -- catalogs and inventories ---------------------------------------------------------------
def domestic_catalog() -> dict[str, Any]:
    picks = {"CVE-2025-0282": 14, "CVE-2024-55956": 21, "CVE-2023-4966": 5}
    entries = []
    for v in SAMPLE_CATALOG["vulnerabilities"]:
        if v["cveID"] in picks:
            entries.append({**v, "dateAdded": _due(-1), "dueDate": _due(picks[v["cveID"]]),
                            "notes": "Exploited in Japan (domestic catalog)."})
    return {"title": "Domestic catalog of exploited vulnerabilities / 国内で悪用された脆弱性",
            "catalogVersion": dt.date.today().strftime("%Y.%m.%d"),
            "dateReleased": _iso(1), "count": len(entries), "vulnerabilities": entries}


_INVENTORIES = {
    "kanto-power": [("Ivanti", "Connect Secure", "22.7R2.4"), ("Citrix", "NetScaler ADC", ""),
                    ("Microsoft", "Windows Server", "2019")],
    "nihon-telecom": [("Fortinet", "FortiOS", "7.2"), ("Cisco", "IOS XE", "")],
    "ncsc": [("Progress", "MOVEit Transfer", "")],
}


def _catalogs(o: dict[str, _Open], kev: dict[str, Any] | bytes | None) -> None:
    from sync import flows

    for x in o.values():
        flows.import_kev(x.session, kev if kev is not None else SAMPLE_CATALOG, source="cisa")
        for vendor, product, version in _INVENTORIES.get(x.person.org, []):
            flows.add_product(x.session, vendor, product, version or None)
    flows.publish_catalog(o["analyst"].engine, domestic_catalog())


# -- an incident report ---------------------------------------------------------------------
def _report(o: dict[str, _Open]) -> None:
    from intel.reports import quick_report_defaults
    from sync import flows

    u, intake = o["utility"], o["intake"]
    u.sync()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    report = quick_report_defaults(now - dt.timedelta(minutes=5))
    report.update({
        "entity": {"name": "Kanto Power Co. / 関東電力", "sector": "electricity",
                   "org_id": "kanto-power"},
        "contact": {"name": "Ken Tanaka", "email": "soc@kanto-power.example",
                    "phone": "+81 3-5555-0100"},
        "category": "ransomware", "containment": "ongoing",
        "functional_impact": "minimal_non_critical", "suspected_malicious": "yes",
        "summary": "Ransom note on two file servers at 08:40 JST; operations continue on "
                   "backup systems. SCADA jump host logons from 203.0.113.45.\n"
                   "08:40 にファイルサーバ2台で脅迫文を確認。業務はバックアップ系で継続中。",
        "consent": True,
        "indicators": [{"type": "ipv4", "value": "203.0.113.45"}],
    })
    report["label"] = "UNCLASSIFIED//TLP:AMBER+STRICT"
    flows.submit_report(u.engine, report)
    intake.sync()
    intake.sync()
    thread = report["thread_id"]
    flows.set_report_status(intake.engine, thread, "triaged",
                            "Received; an analyst has been assigned. 受付しました。")
    flows.ask_follow_up(intake.engine, thread,
                        "Were the encrypted servers reachable from the VPN segment? "
                        "暗号化されたサーバは VPN セグメントから到達可能でしたか?")
    _update_report(u, report)


def _update_report(u: _Open, quick: dict[str, Any]) -> None:
    """The reporter's update (続報) in the same thread, built as the desktop form does."""
    from client.ui.report_followup_rules import follow_up_prefill
    from intel.reports import parse_report
    from sync import flows

    previous = parse_report(quick).model_dump(mode="json")
    update = follow_up_prefill(previous, "update", dt.datetime.now(dt.UTC).astimezone())
    update.update({
        "summary": "Two file servers encrypted; initial access most likely through the VPN "
                   "appliance (CVE-2025-0282). SCADA unaffected.\n"
                   "ファイルサーバ2台が暗号化。初期侵入は VPN 装置 (CVE-2025-0282) の可能性が高い。"
                   "制御系への影響なし。",
        "cves": ["CVE-2025-0282"], "techniques": ["T1190", "T1486"], "consent": True,
    })
    u.sync()
    flows.submit_report(u.engine, update)
