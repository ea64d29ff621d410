"""What the prefetch thread prepares (``sync.verify``) is used only where it provably applies:
for the very envelope object it was made from, with the certificate and the epoch key the
vault's thread holds. Anything else is checked again inline, with the same verdict."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

from crypto import primitives as p
from crypto.encoding import b64e
from crypto.envelope import Envelope, new_header, seal_group
from crypto.identity import DeviceKeys
from store import audit
from store import items as store_items
from store import keys as store_keys
from sync import content, ingest, verify
from sync.wire import SyncResponse

LABEL = "CONFIDENTIAL//TLP:AMBER"


def _setup(relay_world: Any) -> tuple[Any, Any, str, Any]:
    sender = relay_world.person("analyst", "SECRET")
    reader = relay_world.person("responder", "CONFIDENTIAL")
    sender.sync()
    room = sender.e.create_room("Prepared", "SECRET//TLP:AMBER", "none")
    sender.e.invite(room, reader.user)
    sender.e.send_text(room, LABEL, "first")
    reader.sync()
    [ek] = store_keys.list_epoch_keys(sender.s.conn, room, LABEL)
    return sender, reader, room, ek


def _wire(sender: Any, room: str, ek: Any, seq: int, body: str) -> tuple[str, dict[str, Any]]:
    h = new_header(room=room, sender=sender.device_id, seq=seq, label=LABEL, epoch=ek.epoch,
                   created=int(time.time() * 1000), ctype="renkei/message")
    plain = json.dumps({"kind": "message", "body": body}).encode()
    return h.id_hex, seal_group(h, plain, ek.key, sender.s.keys).to_wire()


def _batch(sender: Any, room: str, ek: Any, prefix: str,
           n: int = 60) -> list[tuple[str, dict[str, Any]]]:
    """``n`` genuine envelopes (id, wire form), bodies ``prefix`` + number, seq from 100."""
    return [_wire(sender, room, ek, 100 + i, f"{prefix}{i}") for i in range(n)]


def _numbered(wires: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """The wire forms at feed positions 5000, 5001, ..."""
    return [(str(5000 + i), w) for i, (_, w) in enumerate(wires)]


def _prepare(reader: Any, resp: SyncResponse, room: str, ek: Any) -> verify.PreparedPage:
    """``resp`` prepared as the prefetch thread would, with the reader's certificates."""
    return verify.prepare_page(resp, dict(reader.s.certs), {(room, LABEL, ek.epoch): ek.key},
                               reader.s.now_ms)


def _page(room: str, wires: list[tuple[str, dict[str, Any]]]) -> SyncResponse:
    return SyncResponse.model_validate({
        "cursor": "9000", "more": False,
        "items": [{"pos": pos, "kind": "envelope", "room": room, "label": LABEL,
                   "envelope": w} for pos, w in wires]})


def _forged(sender: Any, room: str, ek: Any, seq: int) -> tuple[dict[str, Any], DeviceKeys]:
    """An envelope naming ``sender``'s device but signed by another key."""
    mallory = DeviceKeys.generate()
    h = new_header(room=room, sender=sender.device_id, seq=seq, label=LABEL, epoch=ek.epoch,
                   created=int(time.time() * 1000), ctype="renkei/message")
    good = seal_group(h, b'{"kind":"message","body":"forged"}', ek.key, sender.s.keys)
    unsigned = Envelope(good.header_bytes, good.nonce, good.ciphertext, b"")
    sig = p.sign(mallory.sign_key, p.CTX_ENVELOPE, unsigned._signed_bytes())
    return dataclasses.replace(unsigned, signature=sig).to_wire(), mallory


def _status(reader: Any, item_id: str) -> str | None:
    it = store_items.get_item(reader.s.conn, item_id)
    return None if it is None else it.status


def test_prepared_envelopes_are_stored_like_inline_ones(relay_world: Any) -> None:
    sender, reader, room, ek = _setup(relay_world)
    wires = _batch(sender, room, ek, "ahead ")
    resp = _page(room, _numbered(wires))
    prepared = _prepare(reader, resp, room, ek)
    assert len(prepared) == 60 and all(pr.item is not None for pr in prepared.values())
    res = ingest.apply_sync(reader.s, resp, prepared=prepared)
    assert len(res.stored) == 60 and not res.rejected
    got = store_items.get_item(reader.s.conn, wires[7][0])
    assert got is not None and got.body == "ahead 7" and got.sender_user == sender.user


def test_a_repeated_position_cannot_borrow_a_verdict(relay_world: Any) -> None:
    sender, reader, room, ek = _setup(relay_world)
    genuine = _batch(sender, room, ek, "g")
    forged, _ = _forged(sender, room, ek, 500)
    forged_id = Envelope.from_wire(forged).header_unverified().id_hex
    # The forged envelope carries the same position as a genuine one that verified.
    items = _numbered(genuine) + [("5000", forged)]
    resp = _page(room, items)
    prepared = _prepare(reader, resp, room, ek)
    assert len(prepared) == 60  # the forged one did not verify
    ingest.apply_sync(reader.s, resp, prepared=prepared)
    assert _status(reader, forged_id) == "rejected"
    assert all(_status(reader, i) == "ok" for i, _ in genuine)


def test_a_verdict_made_with_another_key_is_checked_again(relay_world: Any) -> None:
    sender, reader, room, ek = _setup(relay_world)
    filler = _batch(sender, room, ek, "f")
    forged, mallory = _forged(sender, room, ek, 500)
    forged_id = Envelope.from_wire(forged).header_unverified().id_hex
    resp = _page(room, _numbered(filler) +
                 [("6000", forged)])
    # A snapshot that (wrongly) pairs the sender's device id with mallory's key.
    real = reader.s.certs[sender.device_id]
    lying = dict(reader.s.certs)
    lying[sender.device_id] = dataclasses.replace(real, keys=mallory.public)
    prepared = verify.prepare_page(resp, lying, {(room, LABEL, ek.epoch): ek.key},
                                   reader.s.now_ms)
    assert id(resp.items[-1].envelope) in prepared  # "verified" with the wrong key
    ingest.apply_sync(reader.s, resp, prepared=prepared)
    assert _status(reader, forged_id) == "rejected"
    kinds = [e.kind for e in audit.list_security_events(reader.s.conn)]
    assert "rejected-envelope" in kinds


def test_an_opening_with_another_key_is_not_used(relay_world: Any) -> None:
    sender, reader, room, ek = _setup(relay_world)
    wires = _batch(sender, room, ek, "true ")
    resp = _page(room, _numbered(wires))
    prepared = _prepare(reader, resp, room, ek)
    # Tamper with what was prepared: another key, another plaintext, another item.
    evil = content.Content(kind="message", body="substituted")
    for k, pr in list(prepared.items()):
        item = dataclasses.replace(pr.item, body="substituted") if pr.item else None
        prepared[k] = dataclasses.replace(pr, key=b"\x01" * 32, plain=b"x", content=evil,
                                          item=item)
    ingest.apply_sync(reader.s, resp, prepared=prepared)
    bodies = {store_items.get_item(reader.s.conn, i).body for i, _ in wires}  # type: ignore[union-attr]
    assert bodies == {f"true {i}" for i in range(60)}


def test_a_prepared_result_for_another_object_is_ignored(relay_world: Any) -> None:
    sender, reader, room, ek = _setup(relay_world)
    wires = _batch(sender, room, ek, "w")
    resp = _page(room, _numbered(wires))
    prepared = _prepare(reader, resp, room, ek)
    # The same page parsed again: equal objects, but not the ones prepared.
    again = SyncResponse.model_validate_json(resp.model_dump_json())
    tampered = dict(wires[3][1], c=b64e(b"\x00" * 40))
    again = SyncResponse.model_validate({**again.model_dump(exclude_none=True), "items": [
        *again.model_dump(exclude_none=True)["items"][:3],
        {"pos": "5003", "kind": "envelope", "room": room, "label": LABEL,
         "envelope": tampered},
        *again.model_dump(exclude_none=True)["items"][4:]]})
    res = ingest.apply_sync(reader.s, again, prepared=prepared)
    assert _status(reader, wires[3][0]) == "rejected"
    assert len(res.stored) == 59
