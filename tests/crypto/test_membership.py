"""Room membership logs: honest logs replay, every forgery is a MembershipError and the
forged member never becomes a recipient (the Matrix 2022 server-controlled membership)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crypto import primitives as p
from crypto.encoding import canonical
from crypto.errors import EncodingError, MembershipError
from crypto.membership import GENESIS, SignedEvent, apply_event, compute_membership, make_event
from crypto.recipients import select_recipients
from intel.markings import Label

LABEL = Label.parse("CONFIDENTIAL//TLP:AMBER")


@pytest.fixture
def cast(pki: Any) -> dict[str, Any]:
    return {name: pki.device(name, level="SECRET") for name in
            ("alice", "bob", "carol", "mallory")}


@pytest.fixture
def log(room_log: Any, cast: dict[str, Any]) -> Any:
    log = room_log("room-joint-1").create(cast["alice"], history="none")
    log.invite(cast["alice"], cast["bob"], "admin")
    log.invite(cast["bob"], cast["carol"])
    log.know(cast["mallory"])
    return log


def _replay(log: Any, events: list[SignedEvent], crl: Any = None) -> Any:
    return compute_membership(events, log.certs, crl, room_id=log.room_id)


def _refused_and_never_recipient(policy: Any, log: Any, cast: dict[str, Any], forged: Any,
                                 now: int, message: str, crl: Any = None) -> None:
    """The forged event is refused, and the client, keeping the last valid state, never
    selects Mallory's device for anything."""
    with pytest.raises(MembershipError, match=message):
        _replay(log, log.events + [forged], crl)
    with pytest.raises(MembershipError, match=message):
        apply_event(log.room, forged, log.certs, crl)
    state = _replay(log, log.events, crl)
    assert "mallory" not in state.members
    for text in ("UNCLASSIFIED//TLP:CLEAR", "SECRET//TLP:AMBER"):
        rec = select_recipients(policy, state, [d.cert for d in cast.values()],
                                Label.parse(text), now, crl)
        assert cast["mallory"].device_id not in rec
        assert cast["alice"].device_id in rec


def test_honest_log_round_trip(log: Any, cast: dict[str, Any], pki: Any) -> None:
    log.set_role(cast["alice"], cast["carol"], "admin")
    log.remove(cast["carol"], cast["bob"])
    log.leave(cast["alice"])
    wire = [json.loads(json.dumps(ev.to_dict())) for ev in log.events]
    parsed = [SignedEvent.parse(d) for d in wire]
    assert [e.hash for e in parsed] == [e.hash for e in log.events]
    assert [SignedEvent.parse(e.to_bytes()) for e in log.events] == log.events
    state = _replay(log, parsed)
    assert state == log.room
    assert dict(state.members) == {"carol": "admin"}
    assert state.length == 6 and state.head == log.events[-1].hash
    assert (state.name, state.history, state.creator) == ("Joint response room", "none", "alice")
    assert state.ceiling == Label.parse("TOP-SECRET/CYBER,FIN,OT//TLP:RED")
    assert [e.index for e in parsed] == list(range(6))


def test_forged_invite_by_non_admin(log: Any, cast: dict[str, Any], policy: Any,
                                    pki: Any) -> None:
    ev = log.make(cast["carol"], "invite", target="mallory", role="admin")
    _refused_and_never_recipient(policy, log, cast, ev, pki.NOW, "carol is not an admin")


def test_forged_invite_by_outsider_or_uncertified_device(log: Any, cast: dict[str, Any],
                                                         pki: Any, other_pki: Any,
                                                         policy: Any) -> None:
    # Mallory (certified but not a member) and a device the authority never certified.
    ev = log.make(cast["mallory"], "invite", target="mallory", role="admin")
    _refused_and_never_recipient(policy, log, cast, ev, pki.NOW, "mallory is not an admin")
    rogue = other_pki.device("alice")  # claims to be alice, certified by the wrong authority
    ev = log.make(rogue, "invite", target="mallory", role="admin")
    _refused_and_never_recipient(policy, log, cast, ev, pki.NOW, "unknown device")


def test_event_claiming_another_users_identity(log: Any, cast: dict[str, Any], pki: Any,
                                               policy: Any) -> None:
    # Mallory signs with her own device but names alice as the actor.
    m = cast["mallory"]
    body = dict(log.make(m, "invite", target="mallory", role="admin").body, actor="alice")
    ev = SignedEvent(body, p.sign(m.keys.sign_key, p.CTX_MEMBERSHIP, canonical(body)))
    _refused_and_never_recipient(policy, log, cast, ev, pki.NOW, "for another user")
    # Or names alice's device but signs with her own key.
    body = dict(body, device=cast["alice"].device_id)
    ev = SignedEvent(body, p.sign(m.keys.sign_key, p.CTX_MEMBERSHIP, canonical(body)))
    _refused_and_never_recipient(policy, log, cast, ev, pki.NOW, "signature is invalid")


def test_wrong_signature_and_tampered_body(log: Any, cast: dict[str, Any], pki: Any,
                                           policy: Any) -> None:
    ev = log.make(cast["alice"], "invite", target="mallory", role="member")
    other_key = p.sign(cast["mallory"].keys.sign_key, p.CTX_MEMBERSHIP, canonical(ev.body))
    for sig in (bytes(64), other_key, ev.signature[:-1] + bytes([ev.signature[-1] ^ 1])):
        _refused_and_never_recipient(policy, log, cast, SignedEvent(ev.body, sig), pki.NOW,
                                     "signature is invalid")
    # The server changes the role of an honest invite from member to admin.
    tampered = SignedEvent(dict(ev.body, role="admin"), ev.signature)
    with pytest.raises(MembershipError, match="signature is invalid"):
        _replay(log, log.events + [tampered])
    # Or rewrites an old invite in place.
    old = log.events[2]
    swapped = SignedEvent(dict(old.body, target="mallory"), old.signature)
    with pytest.raises(MembershipError, match="signature is invalid"):
        _replay(log, log.events[:2] + [swapped])


def test_broken_chain_reordered_dropped_and_replayed(log: Any, cast: dict[str, Any]) -> None:
    ev = log.make(cast["alice"], "invite", target="mallory", role="member")
    e = log.events
    cases = {
        "reordered": [e[0], e[2], e[1]],
        "dropped": [e[0], e[2]],
        "replayed": e + [e[2]],
        "duplicate create": [e[0], e[0]],
        "fork on old head": e[:2] + [ev],
        "no create": e[1:],
    }
    for name, events in cases.items():
        with pytest.raises(MembershipError):
            _replay(log, events)
        assert name  # each case raised
    with pytest.raises(MembershipError, match="empty"):
        compute_membership([], log.certs)
    # Wrong prev hash with the right index (a spliced log).
    body = dict(ev.body, prev="f" * 64)
    spliced = SignedEvent(body, p.sign(cast["alice"].keys.sign_key, p.CTX_MEMBERSHIP,
                                       canonical(body)))
    with pytest.raises(MembershipError, match="chain is broken"):
        _replay(log, e + [spliced])


def test_event_from_another_room(log: Any, cast: dict[str, Any], room_log: Any) -> None:
    other = room_log("room-other-2").create(cast["alice"])
    other.invite(cast["alice"], cast["mallory"], "admin")
    # The whole other log presented as this room's, or its invite spliced in.
    with pytest.raises(MembershipError, match="another room"):
        _replay(log, other.events)
    body = dict(other.events[1].body, index=log.room.length, prev=log.room.head)
    ev = SignedEvent(body, p.sign(cast["alice"].keys.sign_key, p.CTX_MEMBERSHIP,
                                  canonical(body)))
    with pytest.raises(MembershipError, match="another room"):
        _replay(log, log.events + [ev])


def test_event_after_signer_revocation(log: Any, cast: dict[str, Any], pki: Any,
                                       policy: Any) -> None:
    bob = cast["bob"]
    revoked_at_s = log.clock // 1000 + 5
    crl = pki.crl(1, [pki.revocation(bob, at=revoked_at_s)])
    # History before the revocation stays valid.
    assert _replay(log, log.events, crl).members["carol"] == "member"
    log.clock = revoked_at_s * 1000 + 1000
    ev = log.make(bob, "invite", target="mallory", role="admin")
    _refused_and_never_recipient(policy, log, cast, ev, pki.NOW, "revoked device", crl)
    # Bob remains in the log but his revoked device is never a recipient.
    rec = select_recipients(policy, log.room, [d.cert for d in cast.values()], LABEL, pki.NOW,
                            crl)
    assert bob.device_id not in rec and cast["carol"].device_id in rec


def test_revoked_device_cannot_append_backdated_events(log: Any, cast: dict[str, Any],
                                                       pki: Any) -> None:
    bob = cast["bob"]
    revoked_at_s = log.clock // 1000 + 5
    crl = pki.crl(1, [pki.revocation(bob, at=revoked_at_s)])
    log.clock = revoked_at_s * 1000 + 60_000
    log.add(cast["alice"], "invite", crl, target="dave", role="member")  # after revocation
    ev = log.make(bob, "invite", target="mallory", role="admin", created=log.clock - 100_000)
    assert ev.body["created"] < revoked_at_s * 1000
    with pytest.raises(MembershipError):
        _replay(log, log.events + [ev], crl)


def test_event_outside_signer_certificate_validity(log: Any, cast: dict[str, Any],
                                                   pki: Any) -> None:
    short = pki.device("ivan", not_before=pki.NOW - 100, not_after=pki.NOW + 100)
    log.invite(cast["alice"], short, "admin")
    for created in ((pki.NOW + 100) * 1000, (pki.NOW - 101) * 1000):
        ev = log.make(short, "invite", target="mallory", role="member", created=created)
        with pytest.raises(MembershipError, match="outside the signer's certificate validity"):
            _replay(log, log.events + [ev])


def test_state_rules(log: Any, cast: dict[str, Any]) -> None:
    a, b, c, m = cast["alice"], cast["bob"], cast["carol"], cast["mallory"]
    bad = [
        (a, "invite", {"target": "carol", "role": "member"}, "already a member"),
        (a, "invite", {"target": "mallory", "role": "owner"}, "invalid role"),
        (a, "remove", {"target": "mallory"}, "not a member"),
        (m, "leave", {}, "only a member can leave"),
        (a, "role", {"target": "mallory", "role": "admin"}, "invalid role change"),
        (a, "create", {"name": "x", "ceiling": "SECRET//TLP:RED", "history": "none"},
         "created only once"),
        (c, "remove", {"target": "alice"}, "not an admin"),
        (c, "role", {"target": "carol", "role": "admin"}, "not an admin"),
        (a, "invite", {"target": 5, "role": "member"}, "needs a target"),
    ]
    for actor, etype, kw, message in bad:
        ev = log.make(actor, etype, **kw)
        with pytest.raises(MembershipError, match=message):
            apply_event(log.room, ev, log.certs)
    # Demoted admins lose their powers.
    log.set_role(a, b, "member")
    with pytest.raises(MembershipError, match="bob is not an admin"):
        apply_event(log.room, log.make(b, "invite", target="mallory", role="member"), log.certs)
    # Removed members cannot act or leave again.
    log.remove(a, c)
    with pytest.raises(MembershipError):
        apply_event(log.room, log.make(c, "leave"), log.certs)


@pytest.mark.parametrize("change,message", [
    ({"type": "ban"}, "malformed"), ({"extra": 1}, "malformed"), ({"name": "x"}, "malformed"),
])
def test_malformed_event_fields(log: Any, cast: dict[str, Any], change: dict[str, Any],
                                message: str) -> None:
    ev = log.make(cast["alice"], "invite", target="mallory", role="member")
    body = dict(ev.body, **change)
    signed = SignedEvent(body, p.sign(cast["alice"].keys.sign_key, p.CTX_MEMBERSHIP,
                                      canonical(body)))
    with pytest.raises(MembershipError, match=message):
        apply_event(log.room, signed, log.certs)


def test_malformed_create_events(room_log: Any, cast: dict[str, Any]) -> None:
    for kw, message in (({"ceiling": "not a label"}, "invalid room ceiling"),
                        ({"history": "forever"}, "invalid room settings"),
                        ({"name": 7}, "invalid room settings")):
        args = {"name": "r", "ceiling": "SECRET//TLP:AMBER", "history": "none"}
        args.update(kw)
        log = room_log("room-new-1")
        log.know(cast["alice"])
        with pytest.raises(MembershipError, match=message):
            apply_event(None, log.make(cast["alice"], "create", **args), log.certs,
                        room_id=log.room_id)


def test_unknown_event_version_is_refused(log: Any, cast: dict[str, Any]) -> None:
    ev = log.make(cast["alice"], "invite", target="mallory", role="member")
    body = dict(ev.body, v=2)
    signed = SignedEvent(body, p.sign(cast["alice"].keys.sign_key, p.CTX_MEMBERSHIP,
                                      canonical(body)))
    with pytest.raises(MembershipError):
        apply_event(log.room, signed, log.certs)


@pytest.mark.parametrize("doc", [
    "{}", "[]", {"event": [], "signature": "A" * 86}, {"event": {}, "signature": "AAAA"},
    {"event": {}, "signature": "A" * 86, "x": 1}, "nope",
])
def test_signed_event_parse_errors(doc: Any) -> None:
    with pytest.raises(EncodingError):
        SignedEvent.parse(doc)


def test_make_event_is_what_apply_expects(cast: dict[str, Any], pki: Any) -> None:
    a = cast["alice"]
    ev = make_event(a.keys, a.cert, room_id="room-x-1", index=0, prev=GENESIS, type="create",
                    created=pki.NOW_MS, name="名前", ceiling="SECRET//TLP:AMBER", history="shared")
    assert ev.index == 0 and SignedEvent(ev.body, ev.signature).hash == ev.hash
    st = apply_event(None, ev, {a.device_id: a.cert}, room_id="room-x-1")
    assert st.name == "名前" and st.is_admin("alice") and not st.is_admin("bob")
    assert SignedEvent({}, bytes(64)).index == -1
