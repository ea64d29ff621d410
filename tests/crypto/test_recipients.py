"""Recipient selection: exactly the cleared, valid, unrevoked devices of members.

The property test builds random populations and random signed membership logs, computes the
expected recipient set on its own (from the plan it followed, the certificates' validity and
``intel.markings.can_read``), and compares. It then seals an epoch key to the selected set and
checks that every recipient, and nobody else, can open it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from crypto.errors import AuthenticationFailed, RecipientError
from crypto.groupkeys import new_epoch_key, open_key_delivery, seal_epoch_key
from crypto.membership import compute_membership
from crypto.recipients import (
    check_label_for_room,
    devices_by_user,
    may_write,
    select_recipients,
)
from intel.markings import TLP, Label, Policy, can_read

LEVELS = ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP-SECRET"]
COMPS = ["CYBER", "FIN", "OT"]
ORGS = ["org-a", "org-b", "org-c"]
DAY = 86400


@dataclass
class DevPlan:
    validity: str  # "valid" | "expired" | "future"
    revoked: str  # "no" | "serial" | "device"


@dataclass
class UserPlan:
    level: str
    comps: frozenset[str]
    org: str
    devices: list[DevPlan]
    invited: bool
    admin: bool
    exit: str  # "stay" | "removed" | "left"


dev_plans = st.builds(
    DevPlan,
    st.sampled_from(["valid"] * 6 + ["expired", "future"]),
    st.sampled_from(["no"] * 6 + ["serial", "device"]),
)
user_plans = st.builds(
    UserPlan,
    st.sampled_from(LEVELS),
    st.frozensets(st.sampled_from(COMPS)),
    st.sampled_from(ORGS),
    st.lists(dev_plans, min_size=1, max_size=2),
    st.sampled_from([True, True, True, False]),
    st.booleans(),
    st.sampled_from(["stay", "stay", "removed", "left"]),
)
labels = st.builds(
    Label,
    st.sampled_from(LEVELS),
    st.frozensets(st.sampled_from(COMPS), max_size=2),
    st.sampled_from([*TLP, TLP.RED]),
    st.sampled_from([None, None]) | st.frozensets(st.sampled_from(ORGS), min_size=1),
)


def _validity(plan: DevPlan, now: int) -> tuple[int, int]:
    if plan.validity == "expired":
        return now - 10 * DAY, now - DAY
    if plan.validity == "future":
        return now + DAY, now + 10 * DAY
    return now - DAY, now + 10 * DAY


@settings(deadline=None, max_examples=100)
@given(users=st.lists(user_plans, min_size=1, max_size=6), label=labels,
       ceiling=st.just(Label("TOP-SECRET", frozenset(COMPS), TLP.RED)) | labels,
       named_mask=st.lists(st.booleans(), min_size=6, max_size=6),
       samples=st.randoms(use_true_random=False))
def test_select_recipients_is_exactly_the_cleared_members(
        pki: Any, policy: Policy, room_log: Any, users: list[UserPlan], label: Label,
        ceiling: Label, named_mask: list[bool], samples: Any) -> None:
    now = pki.NOW
    # The creator's first device must be able to sign the log: valid, never revoked.
    users[0].devices[0] = DevPlan("valid", "no")
    devs: list[tuple[str, Any, DevPlan]] = []  # (user id, device, plan)
    signer: dict[str, Any] = {}
    for i, u in enumerate(users):
        uid = f"user{i}"
        for j, dp in enumerate(u.devices):
            nb, na = _validity(dp, now)
            d = pki.device(uid, org=u.org, level=u.level, compartments=u.comps,
                           not_before=nb, not_after=na)
            devs.append((uid, d, dp))
            if j == 0:
                # Events are signed by a separate always-valid device of the same user.
                signer[uid] = pki.device(uid, org=u.org, level=u.level, compartments=u.comps,
                                         not_before=now - DAY, not_after=now + 10 * DAY)

    # A valid, signed log that follows the plan; the expected members come from the plan.
    log = room_log("room-prop-1").create(signer["user0"], ceiling=ceiling.canonical())
    members = {"user0"}
    for i, u in enumerate(users[1:], start=1):
        if u.invited:
            log.invite(signer["user0"], signer[f"user{i}"], "admin" if u.admin else "member")
            members.add(f"user{i}")
    for i, u in enumerate(users[1:], start=1):
        uid = f"user{i}"
        if uid in members and u.exit == "removed":
            log.remove(signer["user0"], uid)
            members.discard(uid)
        elif uid in members and u.exit == "left":
            log.leave(signer[uid])
            members.discard(uid)

    entries = [pki.revocation(d, at=now, by_device=(dp.revoked == "device"))
               for _, d, dp in devs if dp.revoked != "no"]
    crl = pki.crl(1, entries, issued_at=now)
    state = compute_membership(log.events, log.certs, crl, room_id=log.room_id)
    assert set(state.members) == members

    named = [f"user{i}" for i in range(len(users)) if named_mask[i]]
    certs = [d.cert for _, d, _ in devs]
    # The ceiling caps level and compartments; TLP and releasability only narrow readers.
    ceiling_ok = (policy.rank(label.level) <= policy.rank(ceiling.level)
                  and label.compartments <= ceiling.compartments)
    event(f"ceiling ok: {ceiling_ok}")
    if not ceiling_ok:
        with pytest.raises(RecipientError, match="above this room's ceiling"):
            select_recipients(policy, state, certs, label, now, crl, named)
        return

    got = select_recipients(policy, state, certs, label, now, crl, named)
    expected = {
        d.device_id for uid, d, dp in devs
        if uid in members and dp.validity == "valid" and dp.revoked == "no"
        and can_read(policy, d.cert.clearance, label, named)
    }
    assert set(got) == expected
    assert all(got[k].device_id == k for k in got)
    # Without a name list TLP:RED reaches nobody in group selection.
    if label.tlp is TLP.RED:
        assert select_recipients(policy, state, certs, label, now, crl) == {}

    event(f"recipients: {min(len(got), 3)}")
    event(f"RED with recipients: {label.tlp is TLP.RED and bool(got)}")
    # An epoch key sealed to that set opens for every recipient and for no one else.
    if not got:
        return
    sender = signer["user0"]
    ek = new_epoch_key(state.room_id, label.canonical(), 1, sender.device_id, now * 1000)
    deliveries = seal_epoch_key(ek, sender.keys, got.values())
    by_id = {d.device_id: d for _, d, _ in devs}
    assert {kd.to for kd in deliveries} == expected
    for kd in deliveries:
        assert open_key_delivery(kd, by_id[kd.to].keys, sender.sign_pk).key == ek.key
    outsiders = [d for _, d, _ in devs if d.device_id not in expected]
    for d in samples.sample(outsiders, min(3, len(outsiders))):
        for kd in deliveries:
            with pytest.raises(AuthenticationFailed):
                open_key_delivery(kd, d.keys, sender.sign_pk)
            # Even with the routing field rewritten to its own id.
            forged = type(kd)(kd.header, kd.signature, d.device_id, kd.nonce, kd.wrapped)
            with pytest.raises(AuthenticationFailed):
                open_key_delivery(forged, d.keys, sender.sign_pk)


# ---------------------------------------------------------------------------- examples
@pytest.fixture
def room(pki: Any, room_log: Any) -> tuple[Any, dict[str, Any]]:
    people = {
        "admin": pki.device("admin", level="TOP-SECRET", compartments=COMPS, org="org-a"),
        "secret": pki.device("secret", level="SECRET", compartments=["CYBER"], org="org-b"),
        "conf": pki.device("conf", level="CONFIDENTIAL", org="org-c"),
        "outsider": pki.device("outsider", level="TOP-SECRET", compartments=COMPS),
    }
    log = room_log().create(people["admin"], ceiling="SECRET/CYBER,OT//TLP:RED")
    log.invite(people["admin"], people["secret"])
    log.invite(people["admin"], people["conf"])
    return log, people


def test_example_selection(room: Any, policy: Policy, pki: Any) -> None:
    log, people = room
    certs = [d.cert for d in people.values()]

    def sel(text: str, named: list[str] | None = None) -> set[str]:
        got = select_recipients(policy, log.room, certs, Label.parse(text), pki.NOW, None, named)
        return {c.user_id for c in got.values()}

    assert sel("UNCLASSIFIED//TLP:CLEAR") == {"admin", "secret", "conf"}
    assert sel("SECRET//TLP:AMBER") == {"admin", "secret"}
    assert sel("SECRET/CYBER//TLP:AMBER+STRICT") == {"admin", "secret"}
    assert sel("CONFIDENTIAL/OT//TLP:GREEN") == {"admin"}
    assert sel("CONFIDENTIAL//TLP:RED", ["conf", "outsider"]) == {"conf"}
    assert sel("CONFIDENTIAL//TLP:RED") == set()
    for above in ("TOP-SECRET//TLP:AMBER", "SECRET/FIN//TLP:AMBER", "TOP-SECRET//TLP:RED"):
        with pytest.raises(RecipientError, match="above this room's ceiling"):
            sel(above)
    with pytest.raises(ValueError, match="unknown compartment"):
        sel("SECRET/NUCLEAR//TLP:AMBER")


def test_releasability_label_fits_under_a_ceiling_without_rel(room: Any, policy: Policy,
                                                              pki: Any) -> None:
    log, people = room
    label = Label.parse("CONFIDENTIAL//TLP:AMBER//REL:org-a,org-b")
    check_label_for_room(policy, log.room, label)
    got = select_recipients(policy, log.room, [d.cert for d in people.values()], label, pki.NOW)
    assert {c.user_id for c in got.values()} == {"admin", "secret"}


def test_may_write(room: Any, policy: Policy, pki: Any) -> None:
    log, people = room
    conf, secret = people["conf"].cert, people["secret"].cert
    assert may_write(policy, log.room, secret, Label.parse("SECRET/CYBER//TLP:AMBER"), pki.NOW)
    assert not may_write(policy, log.room, conf, Label.parse("SECRET//TLP:AMBER"), pki.NOW)
    assert not may_write(policy, log.room, people["outsider"].cert,
                         Label.parse("UNCLASSIFIED//TLP:CLEAR"), pki.NOW)
    # A RED label: the writer counts as named (direct mode to named recipients).
    assert may_write(policy, log.room, conf, Label.parse("CONFIDENTIAL//TLP:RED"), pki.NOW)
    assert not may_write(policy, log.room, secret, Label.parse("TOP-SECRET//TLP:AMBER"),
                         pki.NOW)
    crl = pki.crl(1, [pki.revocation(people["secret"])])
    assert not may_write(policy, log.room, secret, Label.parse("SECRET//TLP:AMBER"), pki.NOW,
                         crl)
    assert not may_write(policy, log.room, secret, Label.parse("SECRET//TLP:AMBER"),
                         pki.NOW + 400 * DAY)


def test_devices_by_user(pki: Any) -> None:
    a1, a2, b = pki.device("a"), pki.device("a"), pki.device("b")
    grouped = devices_by_user([a1.cert, b.cert, a2.cert])
    assert {k: [c.device_id for c in v] for k, v in grouped.items()} == {
        "a": [a1.device_id, a2.device_id], "b": [b.device_id]}


def test_server_supplied_member_list_is_irrelevant(room: Any, policy: Policy, pki: Any) -> None:
    # Selection reads membership from the verified log only: a certificate of a non-member
    # (e.g. added to the directory by a malicious server) never becomes a recipient.
    log, people = room
    mallory = pki.device("mallory", level="TOP-SECRET", compartments=COMPS)
    got = select_recipients(policy, log.room, [mallory.cert, people["secret"].cert],
                            Label.parse("UNCLASSIFIED//TLP:CLEAR"), pki.NOW)
    assert set(got) == {people["secret"].device_id}
