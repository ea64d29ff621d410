"""Rotation: rotate exactly the labels a lost reader could read; periodic rotation; history."""

from __future__ import annotations

from typing import Any

import pytest

from crypto.groupkeys import EpochKey, new_epoch_key
from crypto.rotation import (
    RotationPolicy,
    history_keys_for,
    labels_to_rotate,
    needs_periodic_rotation,
)
from intel.markings import Policy

COMPS = ["CYBER", "FIN", "OT"]
UNCL = "UNCLASSIFIED//TLP:CLEAR"
CONF = "CONFIDENTIAL//TLP:AMBER"
SEC = "SECRET//TLP:AMBER"
SEC_CYBER = "SECRET/CYBER//TLP:AMBER"
TS = "TOP-SECRET//TLP:AMBER"
RED = "CONFIDENTIAL//TLP:RED"
IN_USE = [UNCL, CONF, SEC, SEC_CYBER, TS, RED]


@pytest.fixture
def world(pki: Any, room_log: Any) -> dict[str, Any]:
    w = {
        "admin": pki.device("admin", level="TOP-SECRET", compartments=COMPS),
        "sam": pki.device("sam", level="SECRET", compartments=["CYBER"], org="org-b"),
        "sam2": None,
        "cory": pki.device("cory", level="CONFIDENTIAL", org="org-c"),
        "newbie": pki.device("newbie", level="SECRET", org="org-c"),
    }
    w["sam2"] = pki.device("sam", level="SECRET", compartments=["CYBER"], org="org-b")
    log = room_log().create(w["admin"], ceiling="TOP-SECRET/CYBER,FIN,OT//TLP:RED")
    log.invite(w["admin"], w["sam"])
    log.invite(w["admin"], w["cory"])
    w["log"] = log
    return w


def _certs(w: dict[str, Any], *names: str) -> list[Any]:
    return [w[n].cert for n in names]


ALL = ("admin", "sam", "sam2", "cory", "newbie")


def _rotate(policy: Policy, pki: Any, before: Any, after: Any) -> set[str]:
    return labels_to_rotate(policy, IN_USE, before, after, pki.NOW)


def test_removal_rotates_only_what_the_removed_member_could_read(world: Any, policy: Policy,
                                                                pki: Any) -> None:
    log = world["log"]
    before = (log.room, _certs(world, *ALL), None)
    log.remove(world["admin"], "cory")
    assert _rotate(policy, pki, before, (log.room, _certs(world, *ALL), None)) == {UNCL, CONF}


def test_leave_rotates_every_label_the_member_could_read(world: Any, policy: Policy,
                                                         pki: Any) -> None:
    log = world["log"]
    before = (log.room, _certs(world, *ALL), None)
    log.leave(world["sam"])
    assert _rotate(policy, pki, before, (log.room, _certs(world, *ALL), None)) == {
        UNCL, CONF, SEC, SEC_CYBER}


def test_revoking_one_device_rotates_what_that_device_could_read(world: Any, policy: Policy,
                                                                 pki: Any) -> None:
    log = world["log"]
    before = (log.room, _certs(world, *ALL), pki.crl(1, []))
    after = (log.room, _certs(world, *ALL), pki.crl(2, [pki.revocation(world["sam2"])]))
    assert _rotate(policy, pki, before, after) == {UNCL, CONF, SEC, SEC_CYBER}
    # Revoking a device that never read anything here (not a member) rotates nothing.
    after = (log.room, _certs(world, *ALL), pki.crl(2, [pki.revocation(world["newbie"])]))
    assert _rotate(policy, pki, before, after) == set()


def test_clearance_drop_rotates_only_the_lost_labels(world: Any, policy: Policy,
                                                     pki: Any) -> None:
    log = world["log"]
    sam, sam2 = world["sam"], world["sam2"]
    before = (log.room, _certs(world, *ALL), None)
    # Sam's devices are re-certified at CONFIDENTIAL and the old serials revoked.
    lowered = [pki.device("sam", level="CONFIDENTIAL", org="org-b", keys=d.keys)
               for d in (sam, sam2)]
    crl = pki.crl(1, [pki.revocation(sam), pki.revocation(sam2)])
    after = (log.room, _certs(world, "admin", "cory", "newbie") + [d.cert for d in lowered], crl)
    assert _rotate(policy, pki, before, after) == {SEC, SEC_CYBER}
    # Losing one compartment only rotates the compartmented label.
    no_cyber = [pki.device("sam", level="SECRET", org="org-b", keys=d.keys) for d in (sam, sam2)]
    after = (log.room, _certs(world, "admin", "cory", "newbie") + [d.cert for d in no_cyber],
             crl)
    assert _rotate(policy, pki, before, after) == {SEC_CYBER}


def test_joining_rotates_nothing(world: Any, policy: Policy, pki: Any) -> None:
    log = world["log"]
    before = (log.room, _certs(world, *ALL), None)
    log.invite(world["admin"], world["newbie"], "admin")
    after = (log.room, _certs(world, *ALL), None)
    assert _rotate(policy, pki, before, after) == set()
    # A clearance raise rotates nothing either.
    raised = pki.device("cory", level="TOP-SECRET", compartments=COMPS, org="org-c",
                        keys=world["cory"].keys)
    after = (log.room, _certs(world, "admin", "sam", "sam2", "newbie") + [raised.cert], None)
    assert _rotate(policy, pki, before, after) == set()


def test_labels_above_the_ceiling_are_skipped(pki: Any, policy: Policy, room_log: Any) -> None:
    admin = pki.device("boss", level="TOP-SECRET", compartments=COMPS)
    member = pki.device("m", level="TOP-SECRET", compartments=COMPS)
    log = room_log().create(admin, ceiling="CONFIDENTIAL//TLP:AMBER")
    log.invite(admin, member)
    before = (log.room, [admin.cert, member.cert], None)
    log.remove(admin, member)
    after = (log.room, [admin.cert, member.cert], None)
    assert _rotate(policy, pki, before, after) == {UNCL, CONF}


def test_needs_periodic_rotation() -> None:
    rp = RotationPolicy(max_messages=10, max_age_ms=1000)
    ek = new_epoch_key("room-joint-1", SEC, 1, "d" + "1" * 32, 5000)
    assert not needs_periodic_rotation(ek, 9, 5999, rp)
    assert needs_periodic_rotation(ek, 10, 5000, rp)
    assert needs_periodic_rotation(ek, 0, 6000, rp)
    default = RotationPolicy()
    assert default.max_messages == 1000 and default.max_age_ms == 7 * 86400 * 1000
    assert not needs_periodic_rotation(ek, 999, 5000 + 7 * 86400 * 1000 - 1)
    assert needs_periodic_rotation(ek, 1000, 5000)


def _keys(room: str) -> list[EpochKey]:
    return [new_epoch_key(room, label, i + 1, "d" + "1" * 32, 0)
            for i, label in enumerate(IN_USE)]


def test_history_keys_only_when_shared_and_only_cleared_labels(pki: Any, policy: Policy,
                                                               room_log: Any) -> None:
    admin = pki.device("boss", level="TOP-SECRET", compartments=COMPS)
    cory = pki.device("cory", level="CONFIDENTIAL")
    sam = pki.device("sam", level="SECRET", compartments=["CYBER"])
    for history, expected_cory, expected_sam in (
            ("shared", {UNCL, CONF}, {UNCL, CONF, SEC, SEC_CYBER}), ("none", set(), set())):
        log = room_log(f"room-hist-{history}").create(admin, history=history)
        log.invite(admin, cory)
        log.invite(admin, sam)
        keys = _keys(log.room_id) + _keys("room-elsewhere-9")
        got_cory = history_keys_for(policy, log.room, cory.cert, keys)
        got_sam = history_keys_for(policy, log.room, sam.cert, keys)
        assert {k.label for k in got_cory} == expected_cory
        assert {k.label for k in got_sam} == expected_sam
        assert all(k.room == log.room_id for k in got_cory + got_sam)
    # Not a member: nothing, even in a room that shares history.
    outsider = pki.device("out", level="TOP-SECRET", compartments=COMPS)
    log = room_log("room-hist-x").create(admin, history="shared")
    assert history_keys_for(policy, log.room, outsider.cert, _keys(log.room_id)) == []
