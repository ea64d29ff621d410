"""The readers of a (room, label) are reused between sends only while nothing they depend
on has changed: the log, the certificates, the revocation list, or a validity boundary."""

from __future__ import annotations

import time
from typing import Any

from sync import compose
from sync.rooms import room_state

LABEL = "SECRET//TLP:AMBER"


def test_readers_are_reused_then_recomputed_when_the_log_or_time_moves(
        dev_world: Any) -> None:
    now = [time.time()]
    dev_world.clock = lambda: now[0]
    alice = dev_world.person("alice", "SECRET")
    bob = dev_world.person("bob", "SECRET")
    alice.open()  # with the controllable clock
    room = alice.e.create_room("Readers", LABEL)
    alice.e.invite(room, "bob")
    dev_world.sync_all([alice, bob])
    label = alice.s.policy.parse_label(LABEL)

    first = compose._readers(alice.s, room_state(alice.s, room), label)
    assert set(first) == {alice.device_id, bob.device_id}
    assert compose._readers(alice.s, room_state(alice.s, room), label) is first  # reused

    carol = dev_world.person("carol", "SECRET")
    alice.e.invite(room, "carol")
    dev_world.sync_all([alice, carol])
    after_invite = compose._readers(alice.s, room_state(alice.s, room), label)
    assert carol.device_id in after_invite  # a new log head: computed again

    # Past the end of bob's certificate, bob is no longer a reader, though nothing else
    # changed.
    now[0] = bob.signed_cert.cert.not_after + 1
    expired = compose._readers(alice.s, room_state(alice.s, room), label)
    assert bob.device_id not in expired
