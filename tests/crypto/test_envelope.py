"""Envelopes: round trips, and every kind of tampering ends in AuthenticationFailed."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from crypto import primitives as p
from crypto.encoding import canonical
from crypto.envelope import (
    MAX_DIRECT_RECIPIENTS,
    MAX_PLAINTEXT,
    Envelope,
    Header,
    Wrap,
    _finish,
    message_key,
    new_header,
    open_direct,
    open_group,
    open_verified_group,
    seal_direct,
    seal_group,
)
from crypto.errors import AuthenticationFailed, CryptoError, EncodingError
from crypto.identity import DeviceKeys
from crypto.sequence import SequenceTracker
from sync.wire import EnvelopeWire

ROOM = "room-joint-1"
LABEL = "SECRET/CYBER//TLP:AMBER"
TEXT = "検体ハッシュ 44d88612fea8a8f36de82e1278abb02f — block at the edge".encode()


def _group(sender: DeviceKeys, key: bytes, *, seq: int = 1, room: str = ROOM,
           label: str = LABEL, plaintext: bytes = TEXT) -> Envelope:
    h = new_header(room=room, sender=sender.device_id, seq=seq, label=label, epoch=3,
                   created=1_760_000_000_123, ctype="text/markdown")
    return seal_group(h, plaintext, key, sender)


def _direct(sender: DeviceKeys, recipients: list[DeviceKeys], *, seq: int = 1) -> Envelope:
    h = new_header(room="channel:intake", sender=sender.device_id, seq=seq,
                   label="SECRET//TLP:RED", epoch=0, created=1_760_000_000_456,
                   ctype="application/vnd.renkei.report+json", mode="direct")
    return seal_direct(h, TEXT, sender, [(r.device_id, r.public.enc_pk) for r in recipients])


@pytest.fixture(scope="module")
def alice() -> DeviceKeys:
    return DeviceKeys.generate()


@pytest.fixture(scope="module")
def readers() -> list[DeviceKeys]:
    return [DeviceKeys.generate() for _ in range(3)]


@pytest.fixture(scope="module")
def key() -> bytes:
    return p.random_bytes(32)


# ---------------------------------------------------------------------------- round trips
def test_group_round_trip_through_wire_and_json(alice: DeviceKeys, key: bytes) -> None:
    env = _group(alice, key)
    wire = json.loads(json.dumps(env.to_wire()))
    assert set(wire) == {"h", "n", "c", "s"}
    back = Envelope.from_wire(wire)
    assert back == env
    # The server's strict wire model accepts exactly this shape.
    assert EnvelopeWire.model_validate(wire).model_dump(exclude_none=True) == wire
    h, pt = open_group(back, key, alice.public.sign_pk, room=ROOM, label=LABEL)
    assert pt == TEXT
    assert (h.room, h.sender, h.seq, h.label, h.epoch, h.mode, h.ctype) == (
        ROOM, alice.device_id, 1, LABEL, 3, "group", "text/markdown")
    assert h.created == 1_760_000_000_123 and len(h.id) == 16
    assert back.header_unverified() == h
    # The header is carried as canonical JSON bytes: exactly what was signed.
    assert env.header_bytes == canonical(h.to_dict())


def test_group_message_keys_are_per_envelope(alice: DeviceKeys, key: bytes) -> None:
    e1, e2 = _group(alice, key, seq=1), _group(alice, key, seq=2)
    h1, h2 = e1.header_unverified(), e2.header_unverified()
    assert h1.id != h2.id
    assert message_key(key, h1.id) != message_key(key, h2.id)
    # Decrypting e1's ciphertext with e2's message key fails.
    with pytest.raises(AuthenticationFailed):
        p.aead_decrypt(message_key(key, h2.id), e1.nonce, e1.ciphertext, e1.header_bytes)


def test_direct_round_trip_for_every_recipient(alice: DeviceKeys,
                                               readers: list[DeviceKeys]) -> None:
    env = _direct(alice, readers)
    wire = json.loads(json.dumps(env.to_wire()))
    assert EnvelopeWire.model_validate(wire).model_dump(exclude_none=True) == wire
    back = Envelope.from_wire(wire)
    assert back == env
    expected_to = tuple(sorted(r.device_id for r in readers))
    for r in readers:
        h, pt = open_direct(back, r, alice.public.sign_pk, room="channel:intake")
        assert pt == TEXT and h.mode == "direct" and h.epoch == 0 and h.to == expected_to
        assert len(h.eph) == 32
    with pytest.raises(AuthenticationFailed):
        open_direct(back, DeviceKeys.generate(), alice.public.sign_pk, room="channel:intake")
    # The sender is not a recipient unless it names itself.
    with pytest.raises(AuthenticationFailed):
        open_direct(back, alice, alice.public.sign_pk, room="channel:intake")


def test_direct_mode_deduplicates_and_limits_recipients(alice: DeviceKeys,
                                                        readers: list[DeviceKeys]) -> None:
    h = new_header(room="channel:briefs", sender=alice.device_id, seq=1, label="SECRET//TLP:RED",
                   epoch=0, created=1, ctype="text/plain", mode="direct")
    r = readers[0]
    env = seal_direct(h, b"x", alice, [(r.device_id, r.public.enc_pk)] * 3)
    assert len(env.wraps) == 1 and env.header_unverified().to == (r.device_id,)
    with pytest.raises(CryptoError, match="1 to 256"):
        seal_direct(h, b"x", alice, [])
    many = [(f"d{i:032x}", r.public.enc_pk) for i in range(MAX_DIRECT_RECIPIENTS + 1)]
    with pytest.raises(CryptoError, match="1 to 256"):
        seal_direct(h, b"x", alice, many)


def test_seal_refuses_wrong_sender_mode_and_size(alice: DeviceKeys, key: bytes) -> None:
    other = DeviceKeys.generate()
    h = new_header(room=ROOM, sender=other.device_id, seq=1, label=LABEL, epoch=1, created=1,
                   ctype="text/plain")
    with pytest.raises(CryptoError, match="not describe a group message from this device"):
        seal_group(h, b"x", key, alice)
    with pytest.raises(CryptoError, match="header sender is not this device"):
        seal_direct(h, b"x", alice, [(other.device_id, other.public.enc_pk)])
    mine = replace(h, sender=alice.device_id)
    with pytest.raises(CryptoError, match="too large"):
        seal_group(mine, b"\0" * (MAX_PLAINTEXT + 1), key, alice)
    assert seal_group(mine, b"\0" * MAX_PLAINTEXT, key, alice).ciphertext


@pytest.mark.parametrize("kw,message", [
    ({"room": "Room 1"}, "invalid room"), ({"room": "ab"}, "invalid room"),
    ({"ctype": "Text/Plain"}, "invalid content type"), ({"seq": 0}, "start at 1"),
])
def test_new_header_validation(alice: DeviceKeys, kw: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"room": ROOM, "sender": alice.device_id, "seq": 1, "label": LABEL,
                            "epoch": 1, "created": 1, "ctype": "text/plain"}
    args.update(kw)
    with pytest.raises(EncodingError, match=message):
        new_header(**args)


@pytest.mark.parametrize("wire", [
    None, [], {"h": "AA"}, {"h": "AA", "n": "AA", "c": "AA", "s": "AA"},
    {"h": "AA", "n": "A" * 32, "c": "AA", "s": "A" * 86, "x": 1},
    {"h": "AA", "n": "A" * 32, "c": "AA", "s": "A" * 86, "w": [{"d": "x"}]},
    {"h": "AA", "n": "A" * 32, "c": "AA", "s": "A" * 86, "w": 5},
    {"h": 5, "n": "A" * 32, "c": "AA", "s": "A" * 86},
])
def test_from_wire_rejects_malformed(wire: Any) -> None:
    with pytest.raises(EncodingError):
        Envelope.from_wire(wire)


# ---------------------------------------------------------------------------- tampering
def _mutations(env: Envelope) -> list[tuple[str, Envelope]]:
    """One flipped byte (two masks) at every position of header, nonce, ciphertext, signature."""
    out: list[tuple[str, Envelope]] = []
    for part in ("header_bytes", "nonce", "ciphertext", "signature"):
        data: bytes = getattr(env, part)
        for i in range(len(data)):
            for mask in (0x01, 0x80):
                flipped = data[:i] + bytes([data[i] ^ mask]) + data[i + 1:]
                out.append((f"{part}[{i}]^{mask:#x}", replace(env, **{part: flipped})))
    return out


def _assert_all_fail(muts: list[tuple[str, Envelope]], opener: Callable[[Envelope], Any]) -> None:
    survivors = []
    for name, env in muts:
        try:
            opener(env)
        except AuthenticationFailed as exc:
            assert str(exc) == "authentication failed"
        else:
            survivors.append(name)
    assert survivors == []


def test_group_every_byte_flip_fails(alice: DeviceKeys, key: bytes) -> None:
    env = _group(alice, key)
    muts = _mutations(env)
    assert len(muts) == 2 * (len(env.header_bytes) + 24 + len(env.ciphertext) + 64)
    _assert_all_fail(muts, lambda e: open_group(e, key, alice.public.sign_pk, room=ROOM))


def test_direct_every_byte_flip_fails(alice: DeviceKeys, readers: list[DeviceKeys]) -> None:
    env = _direct(alice, readers)
    me = readers[1]
    muts = _mutations(env)
    # The wraps are bound as associated data rather than signed: flip mine too.
    mine = next(i for i, w in enumerate(env.wraps) if w.device == me.device_id)
    for part in ("nonce", "key"):
        data: bytes = getattr(env.wraps[mine], part)
        for i in range(len(data)):
            w = replace(env.wraps[mine], **{part: data[:i] + bytes([data[i] ^ 1]) + data[i + 1:]})
            wraps = env.wraps[:mine] + (w,) + env.wraps[mine + 1:]
            muts.append((f"wrap.{part}[{i}]", replace(env, wraps=wraps)))
    _assert_all_fail(muts, lambda e: open_direct(e, me, alice.public.sign_pk,
                                                 room="channel:intake"))


def test_direct_wraps_cannot_be_swapped_between_devices(alice: DeviceKeys,
                                                        readers: list[DeviceKeys]) -> None:
    env = _direct(alice, readers)
    a, b = env.wraps[0], env.wraps[1]
    swapped = replace(env, wraps=(Wrap(a.device, b.nonce, b.key), Wrap(b.device, a.nonce, a.key))
                      + env.wraps[2:])
    by_id = {r.device_id: r for r in readers}
    for dev in (a.device, b.device):
        with pytest.raises(AuthenticationFailed):
            open_direct(swapped, by_id[dev], alice.public.sign_pk, room="channel:intake")
    # A wrap dropped by the server: that recipient cannot open, the others still can.
    dropped = replace(env, wraps=env.wraps[1:])
    with pytest.raises(AuthenticationFailed):
        open_direct(dropped, by_id[a.device], alice.public.sign_pk, room="channel:intake")
    open_direct(dropped, by_id[b.device], alice.public.sign_pk, room="channel:intake")


def test_moving_an_envelope_to_another_room_fails(alice: DeviceKeys, key: bytes,
                                                  readers: list[DeviceKeys]) -> None:
    env = _group(alice, key)
    with pytest.raises(AuthenticationFailed):
        open_group(env, key, alice.public.sign_pk, room="room-other-2")
    d_env = _direct(alice, readers)
    with pytest.raises(AuthenticationFailed):
        open_direct(d_env, readers[0], alice.public.sign_pk, room="channel:briefs")


def test_server_relabel_fails(alice: DeviceKeys, key: bytes) -> None:
    env = _group(alice, key)
    # The server routes it under a lower label: the client opens with the routed label.
    with pytest.raises(AuthenticationFailed):
        open_group(env, key, alice.public.sign_pk, room=ROOM, label="UNCLASSIFIED//TLP:CLEAR")
    # Rewriting the label inside the header breaks the signature (no re-signing possible).
    h = env.header_unverified()
    relabelled = replace(env, header_bytes=replace(h, label="UNCLASSIFIED//TLP:CLEAR").encode())
    with pytest.raises(AuthenticationFailed):
        open_group(relabelled, key, alice.public.sign_pk, room=ROOM)


@pytest.mark.parametrize("change", [
    {"seq": 2}, {"seq": 10**6}, {"epoch": 4}, {"created": 1}, {"sender": "d" + "0" * 32},
    {"ctype": "text/plain"}, {"room": "room-other-2"}, {"id": bytes(16)},
])
def test_header_field_changes_fail(alice: DeviceKeys, key: bytes, change: dict[str, Any]) -> None:
    env = _group(alice, key)
    changed = replace(env.header_unverified(), **change)
    env2 = replace(env, header_bytes=changed.encode())
    with pytest.raises(AuthenticationFailed):
        open_group(env2, key, alice.public.sign_pk, room=changed.room)


def test_group_and_direct_modes_cannot_be_confused(alice: DeviceKeys, key: bytes,
                                                   readers: list[DeviceKeys]) -> None:
    d_env = _direct(alice, readers)
    with pytest.raises(AuthenticationFailed):
        open_group(d_env, key, alice.public.sign_pk, room="channel:intake")
    g_env = _group(alice, key)
    with pytest.raises(AuthenticationFailed):
        open_direct(g_env, readers[0], alice.public.sign_pk, room=ROOM)


def test_wrong_epoch_key_or_sender_key_fails(alice: DeviceKeys, key: bytes) -> None:
    env = _group(alice, key)
    with pytest.raises(AuthenticationFailed):
        open_group(env, p.random_bytes(32), alice.public.sign_pk, room=ROOM)
    mallory = DeviceKeys.generate()
    with pytest.raises(AuthenticationFailed):
        open_group(env, key, mallory.public.sign_pk, room=ROOM)


def test_a_member_cannot_impersonate_another_sender(alice: DeviceKeys, key: bytes) -> None:
    # Mallory holds the epoch key and writes a header claiming to be Alice, signed by herself.
    mallory = DeviceKeys.generate()
    h = new_header(room=ROOM, sender=alice.device_id, seq=99, label=LABEL, epoch=3, created=1,
                   ctype="text/plain")
    hb = h.encode()
    nonce, ct = p.aead_encrypt(message_key(key, h.id), b"forged", hb)
    forged = _finish(hb, nonce, ct, mallory)
    # A receiver looks the key up by the header's sender: Alice's key refuses it.
    claimed = forged.header_unverified().sender
    assert claimed == alice.device_id
    with pytest.raises(AuthenticationFailed):
        open_group(forged, key, alice.public.sign_pk, room=ROOM)


def test_reflection_an_envelope_keeps_its_sender(alice: DeviceKeys,
                                                 readers: list[DeviceKeys]) -> None:
    # Threema-style reflection: Alice's own envelope sent back to her must not pass as
    # someone else's. It verifies only under Alice's key and names Alice as the sender.
    bob = readers[0]
    env = seal_direct(
        new_header(room="channel:briefs", sender=alice.device_id, seq=1, label="SECRET//TLP:RED",
                   epoch=0, created=1, ctype="text/plain", mode="direct"),
        b"to bob", alice, [(bob.device_id, bob.public.enc_pk), (alice.device_id,
                                                                 alice.public.enc_pk)])
    with pytest.raises(AuthenticationFailed):
        open_direct(env, alice, bob.public.sign_pk, room="channel:briefs")
    h, _ = open_direct(env, alice, alice.public.sign_pk, room="channel:briefs")
    assert h.sender == alice.device_id


def test_replay_is_detected_by_sequence_tracking(alice: DeviceKeys, key: bytes) -> None:
    env = _group(alice, key, seq=5)
    tracker = SequenceTracker()
    outcomes = []
    for _ in range(3):  # the server delivers the same envelope three times
        h, _ = open_group(env, key, alice.public.sign_pk, room=ROOM)
        outcomes.append(tracker.observe(h.room, h.sender, h.seq))
    assert outcomes == ["new", "duplicate", "duplicate"]
    assert tracker.gaps(ROOM) == {alice.device_id: [(1, 4)]}


def test_verify_then_parse_unparseable_signed_header_is_opaque(alice: DeviceKeys) -> None:
    # A (malicious) sender signs header bytes that are not a valid header: the receiver learns
    # only "authentication failed", the same answer as for a forgery.
    for hb in (b"not json", canonical({"v": 2}), canonical([1, 2]),
               b'{"v": 1}', canonical({"v": 1, "mode": "group"})):
        env = _finish(hb, p.random_bytes(24), b"\0" * 16, alice)
        with pytest.raises(AuthenticationFailed):
            env.verify_signature(alice.public.sign_pk)


def _header_dict(alice: DeviceKeys, **change: Any) -> dict[str, Any]:
    h = new_header(room=ROOM, sender=alice.device_id, seq=1, label=LABEL, epoch=1, created=1,
                   ctype="text/plain")
    d = h.to_dict()
    d.update(change)
    return {k: v for k, v in d.items() if v is not None}


@pytest.mark.parametrize("change", [
    {"v": 2}, {"mode": "broadcast"}, {"seq": -1}, {"seq": True}, {"epoch": "1"},
    {"room": 5}, {"label": "x" * 513}, {"extra": 1}, {"to": []}, {"created": None},
    {"id": "AAAA"}, {"mode": "direct"}, {"mode": "direct", "to": [1], "eph": "A" * 43},
])
def test_header_decode_rejects(alice: DeviceKeys, change: dict[str, Any]) -> None:
    with pytest.raises(EncodingError):
        Header.decode(canonical(_header_dict(alice, **change)))


def test_header_decode_rejects_sequence_zero(alice: DeviceKeys) -> None:
    with pytest.raises(EncodingError):
        Header.decode(canonical(_header_dict(alice, seq=0)))


def test_signed_header_with_lone_surrogate_is_refused_cleanly(alice: DeviceKeys) -> None:
    d = _header_dict(alice, label="\ud800")
    hb = json.dumps(d, sort_keys=True, separators=(",", ":")).encode()  # ASCII escapes
    env = _finish(hb, p.random_bytes(24), b"\0" * 16, alice)
    with pytest.raises(EncodingError):
        env.header_unverified()
    with pytest.raises(AuthenticationFailed):
        env.verify_signature(alice.public.sign_pk)


# ---------------------------------------------------------------------------- verified apart
def _check_then_open(env: Envelope, key: bytes, sign_pk: bytes, room: str = ROOM,
                     label: str | None = None) -> bytes:
    """What a receiver with a parallel verifier does: check the signature, then open with
    the header it decoded before (never decoding it twice)."""
    h = env.header_unverified()
    env.check_signature(sign_pk)
    return open_verified_group(env, h, key, room=room, label=label)


def test_open_verified_group_matches_open_group(alice: DeviceKeys, key: bytes) -> None:
    env = _group(alice, key)
    h, pt = open_group(env, key, alice.public.sign_pk, room=ROOM, label=LABEL)
    assert open_verified_group(env, env.header_unverified(), key, room=ROOM, label=LABEL) == pt
    assert _check_then_open(env, key, alice.public.sign_pk, label=LABEL) == TEXT
    assert h == env.header_unverified()


def test_check_signature_is_the_check_of_verify_signature(alice: DeviceKeys,
                                                          key: bytes) -> None:
    env = _group(alice, key)
    env.check_signature(alice.public.sign_pk)
    with pytest.raises(AuthenticationFailed):
        env.check_signature(DeviceKeys.generate().public.sign_pk)
    for _, bad in _mutations(env)[::7]:
        with pytest.raises(AuthenticationFailed):
            bad.check_signature(alice.public.sign_pk)


def test_verified_apart_every_byte_flip_fails(alice: DeviceKeys, key: bytes) -> None:
    env = _group(alice, key)

    def opener(e: Envelope) -> bytes:
        try:
            return _check_then_open(e, key, alice.public.sign_pk)
        except EncodingError:  # an unreadable header never gets as far as opening
            raise AuthenticationFailed() from None

    _assert_all_fail(_mutations(env), opener)
    # Even a caller that skipped the signature check is not fooled by a changed nonce or
    # ciphertext: the AEAD refuses them.
    h = env.header_unverified()
    body_flips = [(n, e) for n, e in _mutations(env) if n.startswith(("nonce", "ciphertext"))]
    _assert_all_fail(body_flips, lambda e: open_verified_group(e, h, key, room=ROOM))


def test_open_verified_group_keeps_the_routing_checks(alice: DeviceKeys, key: bytes,
                                                      readers: list[DeviceKeys]) -> None:
    env = _group(alice, key)
    h = env.header_unverified()
    with pytest.raises(AuthenticationFailed):
        open_verified_group(env, h, key, room="room-other-2")
    with pytest.raises(AuthenticationFailed):
        open_verified_group(env, h, key, room=ROOM, label="UNCLASSIFIED//TLP:CLEAR")
    with pytest.raises(AuthenticationFailed):
        open_verified_group(env, h, p.random_bytes(32), room=ROOM)
    # Another envelope's header does not open this one (its id derives another key).
    other = _group(alice, key)
    with pytest.raises(AuthenticationFailed):
        open_verified_group(env, other.header_unverified(), key, room=ROOM)
    d_env = _direct(alice, readers)
    with pytest.raises(AuthenticationFailed):
        open_verified_group(d_env, d_env.header_unverified(), key, room="channel:intake")
