"""Issue 4 point 5(c): transport chaos around a real server. Requests are dropped, their
answers lost, sent twice, held back and delivered late, refused with 5xx, answers truncated,
sync items shuffled. Once the network heals, every client holds exactly what its clearance
admits of everything sent, no more and nothing twice."""

from __future__ import annotations

import contextlib
import random
import time
from typing import Any

from intel.markings import Policy, can_read
from store import audit, seqs
from sync import compose
from sync.content import Content
from sync.engine import Offline

LABELS = {
    "analyst": ["SECRET//TLP:AMBER", "CONFIDENTIAL//TLP:AMBER", "UNCLASSIFIED//TLP:GREEN"],
    "responder": ["CONFIDENTIAL//TLP:GREEN", "UNCLASSIFIED//TLP:CLEAR"],
    "telecom": ["UNCLASSIFIED//TLP:GREEN"],
}
ROUNDS = 12
PER_ROUND = 4


def _try(fn: Any) -> None:
    with contextlib.suppress(Offline):
        fn()


def test_clients_converge_under_transport_chaos(world: Any) -> None:
    analyst = world.person("analyst", "SECRET", unique=True)
    responder = world.person("responder", "CONFIDENTIAL", org="org-b", unique=True)
    telecom = world.person("telecom", "UNCLASSIFIED", org="telco", unique=True)
    people = {"analyst": analyst, "responder": responder, "telecom": telecom}
    analyst.sync()
    room = analyst.e.create_room("Chaos", "SECRET//TLP:AMBER", "none")
    analyst.e.invite(room, responder.user)
    analyst.e.invite(room, telecom.user)
    world.sync_all(people.values())

    rng = random.Random(7)
    for i, p in enumerate(people.values()):
        p.faults.rng = random.Random(100 + i)
        p.faults.chaos = 0.35
    sent: list[tuple[str, str, str, list[str] | None]] = []  # (id, sender, label, named)
    for r in range(ROUNDS):
        for name, p in people.items():
            for k in range(PER_ROUND):
                label = rng.choice(LABELS[name])
                c = Content(kind="message", body=f"{name} round {r} #{k}")
                sent.append((compose.send_group(p.s, room, label, c), name, label, None))
            if name == "analyst" and r % 3 == 0:
                c = Content(kind="message", body=f"red {r}")
                eid = compose.send_direct(p.s, room, "CONFIDENTIAL//TLP:RED", c,
                                          [responder.user])
                sent.append((eid, name, "CONFIDENTIAL//TLP:RED", [responder.user]))
            _try(p.e.flush_outbox)
            _try(lambda p=p: p.e.sync_once(0))
    faults = {k: sum(p.faults.counts.get(k, 0) for p in people.values())
              for k in people["analyst"].faults.KINDS}
    assert all(n > 0 for n in faults.values()), faults

    # The network heals: everything settles.
    for p in people.values():
        p.faults.chaos = 0.0
    deadline = time.monotonic() + 60
    while True:
        for p in people.values():
            p.faults._flush_held()
            p.sync()
        if all(_settled(p) for p in people.values()) or time.monotonic() > deadline:
            break
    for p in people.values():  # everything is on the server now: fetch it
        p.sync()
    policy = Policy.default()
    for name, p in people.items():
        want = {eid for eid, sender, label, named in sent
                if sender == name or can_read(policy, p.s.cert.clearance,
                                              policy.parse_label(label), named)}
        items = [i for i in p.items(room) if i.kind == "message"]
        got = [i.item_id for i in items]
        assert len(got) == len(set(got))
        assert set(got) == want, name
        assert all(i.status == "ok" for i in items), name
        assert audit.list_security_events(p.s.conn) == [], name
        assert _gaps(p, room) == [], name


def _settled(p: Any) -> bool:
    from store import outbox

    return outbox.pending_count(p.s.conn) == 0 and not p.faults.held


def _gaps(p: Any, room: str) -> list[Any]:
    labels = {i.label for i in p.items(room)}
    return [g for lb in labels for g in seqs.list_gaps(p.s.conn, f"{room}|{lb}")]
