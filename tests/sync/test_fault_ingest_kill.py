"""Issue 4 point 5(b): a client SIGKILLed during ingest, again and again.

After every kill the vault passes ``PRAGMA integrity_check`` and its sync cursor is exactly
as far as the data: every envelope up to the cursor is stored, nothing after it. At the end
every envelope is there exactly once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from crypto.envelope import new_header, seal_group
from store import keys as store_keys

HERE = Path(__file__).resolve().parent
KILLS = 55
ENVELOPES = 1000
LABEL = "CONFIDENTIAL//TLP:AMBER"


def _feed(relay_world: Any, relay: Any) -> tuple[Any, str, list[dict[str, Any]]]:
    sender = relay_world.person("analyst", "SECRET")
    victim = relay_world.person("responder", "CONFIDENTIAL")
    sender.sync()
    room = sender.e.create_room("Joint", "SECRET//TLP:AMBER", "none")
    sender.e.invite(room, victim.user)
    sender.e.send_text(room, LABEL, "first")
    [ek] = store_keys.list_epoch_keys(sender.s.conn, room, LABEL)
    for i in range(ENVELOPES):
        h = new_header(room=room, sender=sender.device_id, seq=i + 2, label=LABEL,
                       epoch=ek.epoch, created=int(time.time() * 1000), ctype="renkei/message")
        body = json.dumps({"kind": "message", "body": f"report {i} from site {i % 31}"})
        env = seal_group(h, body.encode(), ek.key, sender.s.keys)
        relay._append("envelope", room, {"room": room, "label": LABEL,
                                         "envelope": env.to_wire()}, label=LABEL)
    cert = victim.s.cert
    feed = []
    for row in relay.rows:
        if relay.visible(cert, row):
            item = {"pos": str(row.pos), **row.item}
            if row.kind == "envelope":
                from crypto.envelope import Envelope

                item["envelope_id"] = Envelope.from_wire(row.item["envelope"]) \
                    .header_unverified().id_hex
            feed.append(item)
    return victim, room, feed


def test_client_killed_during_ingest(relay_world: Any, relay: Any, tmp_path: Path,
                                     wl: Any) -> None:
    victim, room, feed = _feed(relay_world, relay)
    victim.close()  # the subprocess owns the vault from here
    feed_path = tmp_path / "feed.json"
    feed_path.write_text(json.dumps({"feed": feed, "logs": relay.events}))
    out = tmp_path / "result.json"
    proc = subprocess.run(
        [sys.executable, str(HERE / "proc_ingest_kill.py"), str(victim.directory),
         str(feed_path), room, str(KILLS), "4242", str(out), wl.PASSPHRASE],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    print(f"full catch-up {result['full_s']:.2f}s, resets {result['resets']}")
    rounds = result["rounds"]
    killed = [r for r in rounds if r["killed"]]
    assert len(killed) >= 50
    # The kills landed at many different points of the catch-up, not all at the start.
    assert len({r["cursor"] for r in killed}) >= 10
    for r in rounds:
        assert r["integrity"] == ["ok"], r
        assert r["match"] and r["held"] == r["expected"], r
        assert r["rejected"] == 0 and r["security_events"] == [], r
    final = result["final"]
    assert final["cursor"] == result["last"]
    assert final["match"] and final["held"] == ENVELOPES + 1
