"""An in-memory relay speaking the server's wire API, for ``httpx.MockTransport``.

Honest by default (it follows the delivery rules of ``server.delivery``: room rows only to
members, envelopes only to cleared devices, direct envelopes only to the devices named, key
deliveries to their one device). A test turns it into a malicious server by *injecting*
crafted items into one device's feed, forged with the real crypto. Loaded by path (see
``worldlib``); not a test module.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from crypto.certs import Certificate, RevocationList, SignedCertificate, empty_crl
from crypto.envelope import Envelope
from crypto.errors import CryptoError
from crypto.groupkeys import KeyDelivery
from crypto.membership import RoomState, SignedEvent, apply_event
from crypto.requests import parse_auth_headers, verify_request
from intel.markings import Label, Policy, can_read
from sync import wire


@dataclass
class Row:
    pos: int
    kind: str
    scope: str  # room id, "*", "d:<device>", "u:<user>", or "only:<device>" (injected)
    item: dict[str, Any]
    label: str | None = None
    recipients: tuple[str, ...] | None = None


@dataclass
class Relay:
    authority_pk: bytes
    policy: Policy = field(default_factory=Policy.default)
    rows: list[Row] = field(default_factory=list)
    devices: dict[str, tuple[Certificate, dict[str, Any]]] = field(default_factory=dict)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    states: dict[str, RoomState] = field(default_factory=dict)
    intervals: dict[tuple[str, str], list[list[int]]] = field(default_factory=dict)
    envelopes: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (room, device)
    blobs: dict[str, bytes] = field(default_factory=dict)
    offline: bool = False
    forget_cursors: bool = False
    verify_requests: bool = True
    requests: list[tuple[str, str]] = field(default_factory=list)
    on_request: Callable[[httpx.Request], None] | None = None

    # -- plumbing -------------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def _append(self, kind: str, scope: str, item: dict[str, Any], *, label: str | None = None,
                recipients: tuple[str, ...] | None = None) -> Row:
        row = Row(len(self.rows) + 1, kind, scope, {"kind": kind, **item}, label, recipients)
        self.rows.append(row)
        return row

    def inject(self, device_id: str, item: dict[str, Any]) -> int:
        """Put a crafted item (a SyncItem without ``pos``) into one device's feed."""
        row = self._append(str(item["kind"]), "only:" + device_id,
                           {k: v for k, v in item.items() if k != "kind"})
        return row.pos

    def top(self) -> int:
        return len(self.rows)

    @staticmethod
    def _json(status: int, body: Any) -> httpx.Response:
        return httpx.Response(status, json=body)

    def _err(self, status: int, code: str, message: str) -> httpx.Response:
        return self._json(status, {"error": code, "message": message})

    # -- delivery rules (mirroring server.delivery) -------------------------------------------
    def member_at(self, room: str, user: str, pos: int) -> bool:
        return any(a <= pos and (b < 0 or pos <= b) for a, b in self.intervals.get((room, user),
                                                                                      []))

    def visible(self, cert: Certificate, row: Row) -> bool:
        if row.scope.startswith("only:"):
            return row.scope == "only:" + cert.device_id
        if row.kind in ("certificate", "crl"):
            return True
        if row.kind == "key":
            return row.scope == "d:" + cert.device_id
        if row.kind == "ack":
            return row.scope == "u:" + cert.user_id
        if row.kind == "event":
            return self.member_at(row.scope, cert.user_id, row.pos)
        if row.kind != "envelope" or row.label is None:
            return False
        named = None
        if row.recipients is not None:
            if cert.device_id not in row.recipients:
                return False
            named = [cert.user_id]
        if row.scope not in wire.CHANNELS and not self.member_at(row.scope, cert.user_id,
                                                                 row.pos):
            return False
        return can_read(self.policy, cert.clearance, Label.parse(row.label), named)

    # -- handlers ---------------------------------------------------------------------------
    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.offline:
            raise httpx.ConnectError("relay is offline", request=request)
        if self.on_request is not None:
            self.on_request(request)
        url = urlsplit(str(request.url))
        path, query = url.path, parse_qs(url.query)
        body = request.read()
        self.requests.append((request.method, path))
        if path == "/v1/health":
            return self._json(200, {"status": "ok", "version": "relay"})
        caller: Certificate | None = None
        try:
            dev, ts, nonce, sig = parse_auth_headers(request.headers)
        except CryptoError:
            return self._err(401, "unauthenticated", "sign the request")
        if path == "/v1/devices" and request.method == "POST":
            return self._register(body, dev)
        info = self.devices.get(dev)
        if info is None:
            return self._err(401, "unknown_device", "register first")
        caller = info[0]
        if self.verify_requests:
            target = path + ("?" + url.query if url.query else "")
            try:
                verify_request(caller.keys.auth_pk, dev, request.method, target, body, ts,
                               nonce, sig)
            except CryptoError:
                return self._err(401, "bad_signature", "request signature does not verify")
        if path == "/v1/sync":
            return self._sync(caller, int(query.get("since", ["0"])[0]))
        if path == "/v1/envelopes":
            return self._envelope(caller, body)
        if path == "/v1/keys":
            return self._keys(caller, body)
        if path == "/v1/acks":
            return self._ack(caller, body)
        if path == "/v1/attachments" and request.method == "POST":
            aid = hashlib.sha256(body).hexdigest()
            self.blobs[aid] = body
            return self._json(200, {"id": aid, "size": len(body)})
        m = re.fullmatch(r"/v1/attachments/([0-9a-f]{64})", path)
        if m:
            blob = self.blobs.get(m.group(1))
            return httpx.Response(200, content=blob) if blob is not None else self._err(
                404, "not_found", "no such attachment")
        m = re.fullmatch(r"/v1/rooms/([^/]+)/events", path)
        if m and request.method == "POST":
            return self._event(caller, m.group(1), body)
        if m:
            start = int(query.get("from", ["0"])[0])
            return self._json(200, {"events": self.events.get(m.group(1), [])[start:]})
        return self._err(404, "not_found", path)

    def _register(self, body: bytes, dev: str) -> httpx.Response:
        doc = json.loads(body)["certificate"]
        try:
            cert = SignedCertificate.parse(doc).verify_signature(self.authority_pk)
        except CryptoError:
            return self._err(403, "bad_certificate", "not signed by the authority")
        if cert.device_id != dev:
            return self._err(403, "wrong_device", "certificate of another device")
        if dev not in self.devices:
            self.devices[dev] = (cert, doc)
            self._append("certificate", "*", {"certificate": doc})
        return self._json(200, {"device_id": dev, "user_id": cert.user_id})

    def _sync(self, cert: Certificate, since: int) -> httpx.Response:
        if self.forget_cursors and since:
            self.forget_cursors = False  # as a server whose database was replaced
            return self._err(400, "bad_cursor", "this cursor was not issued here")
        items: list[dict[str, Any]] = []
        cursor = since
        more = False
        for row in self.rows[since:]:
            if len(items) >= wire.MAX_SYNC_ITEMS:
                more = True
                break
            cursor = row.pos
            if self.visible(cert, row):
                items.append({"pos": str(row.pos), **row.item})
        return self._json(200, {"cursor": str(cursor), "items": items, "more": more})

    def _envelope(self, cert: Certificate, body: bytes) -> httpx.Response:
        wire_env = json.loads(body)["envelope"]
        h = Envelope.from_wire(wire_env).header_unverified()
        if h.sender != cert.device_id:
            return self._err(403, "not_sender", "envelope of another device")
        if h.id_hex in self.envelopes:
            return self._json(200, {"id": h.id_hex, "cursor": str(self.top()),
                                    "duplicate": True})
        if h.room not in wire.CHANNELS and h.room not in self.states:
            return self._err(404, "no_such_room", "unknown room")
        if h.room not in wire.CHANNELS and cert.user_id not in self.states[h.room].members:
            return self._err(403, "not_member", "not a member")
        self.envelopes[h.id_hex] = (h.room, h.sender)
        row = self._append("envelope", h.room, {"room": h.room, "label": h.label,
                                                "envelope": wire_env},
                           label=h.label, recipients=h.to if h.mode == "direct" else None)
        return self._json(200, {"id": h.id_hex, "cursor": str(row.pos), "duplicate": False})

    def _keys(self, cert: Certificate, body: bytes) -> httpx.Response:
        deliveries = json.loads(body)["deliveries"]
        for d in deliveries:
            kd = KeyDelivery.from_wire(d)
            h = kd.header_unverified()
            if h["sender"] != cert.device_id:
                return self._err(403, "not_sender", "delivery of another device")
            self._append("key", "d:" + kd.to, {"room": h["room"], "label": h["label"],
                                                "key": d}, label=str(h["label"]))
        return self._json(200, {"accepted": len(deliveries)})

    def _ack(self, cert: Certificate, body: bytes) -> httpx.Response:
        ack = json.loads(body)
        found = self.envelopes.get(ack["envelope_id"])
        if found is None:
            return self._err(404, "not_found", "no such envelope")
        sender_user = self.devices[found[1]][0].user_id
        self._append("ack", "u:" + sender_user, {"room": ack["room"], "ack": ack,
                                                 "ack_from": cert.user_id})
        return self._json(200, {"accepted": 1})

    def _event(self, cert: Certificate, room: str, body: bytes) -> httpx.Response:
        doc = json.loads(body)
        ev = SignedEvent.parse(doc)
        certs = {d: c for d, (c, _) in self.devices.items()}
        try:
            new = apply_event(self.states.get(room), ev, certs, empty_crl(), room)
        except CryptoError as exc:
            return self._err(409, "bad_event", str(exc))
        before = set(self.states[room].members) if room in self.states else set()
        self.states[room] = new
        self.events.setdefault(room, []).append(doc)
        row = self._append("event", room, {"room": room, "event": doc})
        after = set(new.members)
        for user in after - before:
            self.intervals.setdefault((room, user), []).append([row.pos, -1])
        for user in before - after:
            for iv in self.intervals.get((room, user), []):
                if iv[1] < 0:
                    iv[1] = row.pos
        return self._json(200, {"accepted": 1})

    def publish_crl(self, crl: RevocationList) -> None:
        self._append("crl", "*", {"revocation_list": crl.to_dict()})
