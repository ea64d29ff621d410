"""The ``renkei`` commands end to end against a real server: rooms, labels, direct mode,
reading with portion marks, rejected items and gaps, search, offline sending, --follow."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from crypto.envelope import Envelope
from sync import ingest
from sync.account import open_session
from sync.wire import SyncResponse

ROOM_RE = re.compile(r"room:[0-9a-f]{24}")


def _room(r: Any) -> str:
    m = ROOM_RE.search(r.out)
    assert m, r.out
    return m.group(0)


def _cast(enrol: Any, run: Any) -> tuple[Any, Any, Any]:
    analyst = enrol("analyst", "SECRET")
    responder = enrol("responder", "CONFIDENTIAL", org="org-b")
    telecom = enrol("telecom", "UNCLASSIFIED", org="telco")
    for a in (analyst, responder, telecom):
        r = run(*a.args("sync"))
        assert r.rc == 0, r.err
        assert "Synced" in r.out
    return analyst, responder, telecom


def _joint(run: Any, analyst: Any, *members: Any) -> str:
    r = run(*analyst.args("room", "create", "Joint response", "--ceiling", "SECRET//TLP:AMBER"))
    assert r.rc == 0, r.err
    room = _room(r)
    for m in members:
        r = run(*analyst.args("room", "invite", "Joint response", m.user))
        assert r.rc == 0, r.err
    for m in members:
        assert run(*m.args("sync")).rc == 0
    return room


def test_rooms_labels_and_reading(enrol: Any, run: Any, error: Any) -> None:
    analyst, responder, telecom = _cast(enrol, run)
    room = _joint(run, analyst, responder, telecom)

    def send(*argv: str, stdin: str | None = None) -> Any:
        return run(*analyst.args("send", room, *argv), stdin=stdin)

    assert send("--label", "CONFIDENTIAL//TLP:AMBER", "outage at the substation").rc == 0
    assert send("--label", "SECRET//TLP:AMBER", stdin="secret attribution 攻撃者\n").rc == 0
    assert send("--label", "unclassified//tlp:green", "patch now").rc == 0
    r = send("--label", "CONFIDENTIAL//TLP:RED", "--to", responder.user, "red for responder")
    assert r.rc == 0 and "directly to" in r.out, r.err
    error(send("--label", "CONFIDENTIAL//TLP:RED", "to all"), 2, "named people")
    error(send("--label", "SECRET//TLP:BLUE", "x"), 2, "unknown TLP")
    error(run(*responder.args("send", room, "--label", "SECRET//TLP:AMBER", "x")), 2,
          "may not post")
    error(run(*telecom.args("send", "no such room", "--label", "UNCLASSIFIED//TLP:CLEAR",
                            "x")), 2, "no room")

    for p in (responder, telecom, analyst):
        assert run(*p.args("sync")).rc == 0
    r = run(*responder.args("read", "Joint response"))
    assert r.rc == 0, r.err
    assert "(CONFIDENTIAL//TLP:AMBER)" in r.out and "outage at the substation" in r.out
    assert "(CONFIDENTIAL//TLP:RED)" in r.out and "red for responder" in r.out
    assert "(UNCLASSIFIED//TLP:GREEN)" in r.out
    assert "secret attribution" not in r.out
    lines = r.out.splitlines()
    assert lines[1] == lines[-1] == "==== CONFIDENTIAL // TLP:RED ===="

    r = run(*telecom.args("read", room, "--json"))
    items = [json.loads(ln) for ln in r.out.splitlines()]
    assert [(i["label"], i["body"]) for i in items] == [("UNCLASSIFIED//TLP:GREEN",
                                                         "patch now")]

    r = run(*analyst.args("read", room, "--limit", "3"))
    assert "secret attribution 攻撃者" in r.out and "outage" not in r.out
    assert r.out.splitlines()[1] == "==== SECRET // TLP:RED ===="

    r = run(*responder.args("search", "substation"))
    assert r.rc == 0 and "outage at the substation" in r.out
    assert "No matches" in run(*telecom.args("search", "substation")).out
    assert "攻撃者" in run(*analyst.args("search", "攻撃者")).out

    r = run(*responder.args("rooms", "--json"))
    [row] = [json.loads(ln) for ln in r.out.splitlines()]
    assert row["room"] == room and row["members"] == 3 and row["role"] == "member"
    r = run(*analyst.args("room", "show", room))
    assert responder.user in r.out and "CONFIDENTIAL" in r.out

    r = run(*analyst.args("room", "remove", room, telecom.user))
    assert r.rc == 0, r.err
    error(run(*analyst.args("room", "remove", room, telecom.user)), 2, "not a member")
    error(run(*responder.args("room", "invite", room, telecom.user)), 2, "admin")


def test_rejected_items_and_gaps_are_shown(enrol: Any, run: Any) -> None:
    analyst, responder, _ = _cast(enrol, run)
    room = _joint(run, analyst, responder)
    assert run(*analyst.args("send", room, "--label", "CONFIDENTIAL//TLP:AMBER", "m1")).rc == 0
    assert run(*responder.args("sync")).rc == 0
    for text in ("m2", "m3", "m4"):
        assert run(*analyst.args("send", room, "--label", "CONFIDENTIAL//TLP:AMBER", text)).rc == 0
    assert run(*analyst.args("send", room, "--label", "SECRET//TLP:AMBER", "hidden")).rc == 0
    # Hand the responder's vault m2 and m4 only (m3 "lost"), and the SECRET envelope
    # relabelled as CONFIDENTIAL by a misbehaving server.
    s = open_session(analyst.dir, passphrase=_pw(analyst), clock=time.time)
    envs = [json.loads(bytes(r[0]))["body"]["envelope"] for r in s.conn.execute(
        "SELECT payload FROM outbox WHERE kind = 'envelope' ORDER BY created_ms, rowid")]
    s.close()
    assert [Envelope.from_wire(e).header_unverified().seq for e in envs] == [1, 2, 3, 4, 1]
    r_s = open_session(responder.dir, passphrase=_pw(responder), clock=time.time)
    items = [{"pos": "1", "kind": "envelope", "room": room, "label": "CONFIDENTIAL//TLP:AMBER",
              "envelope": envs[n]} for n in (1, 3, 4)]
    ingest.apply_sync(r_s, SyncResponse.model_validate({"cursor": ingest.cursor(r_s),
                                                        "items": items}))
    r_s.close()
    r = run(*responder.args("read", room))
    assert r.rc == 0, r.err
    assert "m1" in r.out and "m2" in r.out and "m4" in r.out and "m3" not in r.out
    assert "GAP: 1 message(s) from Analyst never arrived (seq 3)" in r.out
    assert "REJECTED" in r.out and "relabelled" in r.out and "hidden" not in r.out
    r = run(*responder.args("security"))
    assert "rejected-envelope" in r.out


def _pw(a: Any) -> str:
    return Path(a.pwfile).read_text().splitlines()[0]


def test_offline_send_is_queued_then_sent_once(enrol: Any, run: Any, error: Any,
                                               server: Any) -> None:
    analyst, responder, _ = _cast(enrol, run)
    room = _joint(run, analyst, responder)
    cfg_path = analyst.dir / "account.json"
    cfg = json.loads(cfg_path.read_text())
    cfg_path.write_text(json.dumps(dict(cfg, server_url="http://127.0.0.1:9")))
    r = run(*analyst.args("send", room, "--label", "CONFIDENTIAL//TLP:AMBER", "while offline"))
    error(r, 1, "kept in the outbox", "renkei sync")
    error(run(*analyst.args("sync")), 1, "cannot reach")
    cfg_path.write_text(json.dumps(cfg))
    assert run(*analyst.args("sync")).rc == 0
    assert run(*analyst.args("sync")).rc == 0
    assert run(*responder.args("sync")).rc == 0
    out = run(*responder.args("read", room, "--json")).out
    assert [json.loads(ln)["body"] for ln in out.splitlines()] == ["while offline"]


def test_sync_follow_prints_new_items(enrol: Any, run: Any, tmp_path: Path) -> None:
    analyst, responder, _ = _cast(enrol, run)
    room = _joint(run, analyst, responder)
    cmd = [sys.executable, "-m", "client.cli", *map(str, responder.args(
        "sync", "--follow", "--poll-timeout", "2"))]
    env = dict(os.environ, RENKEI_TEST_FAST_KDF="1", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True)
    try:
        assert proc.stdout is not None
        assert "Synced" in proc.stdout.readline()
        assert run(*analyst.args("send", room, "--label", "CONFIDENTIAL//TLP:AMBER",
                                 "live update")).rc == 0
        seen = ""
        deadline = time.monotonic() + 30
        while "live update" not in seen and time.monotonic() < deadline:
            seen += proc.stdout.readline()
        assert "live update" in seen and "(CONFIDENTIAL//TLP:AMBER)" in seen
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
