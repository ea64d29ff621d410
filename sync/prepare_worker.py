"""Preparing catch-up pages in a helper process (ADR 0007).

Threads in one Python process share the interpreter lock, and measured during a catch-up
they slowed each other down far more than the lock alone explains: the checks a thread of
the prefetch pipeline (``sync.verify``) made cost about 50% more CPU time while the vault's
thread worked beside it (shared objects bouncing between the two cores' caches at every hand
over of the lock). A process shares nothing, so a long catch-up hands the decoding, signature
checks, decryption and item building of the next page to one helper process, while the
vault's thread stores the current one.

The helper gets the page exactly as the server sent it (the same bytes the engine parses for
itself), the public signing keys and names of the devices the engine knows, and the epoch
keys the vault held when the page was fetched. It answers, for each group envelope it could
check, with compact values. Nothing it answers is trusted by itself: :func:`adopt` turns an
answer into a :class:`sync.verify.Prepared` for the engine's own parsed envelope at the same
index only if the signing key the helper checked with is the one of the certificate the
engine holds for that device and the item names that certificate's user; and
``sync.ingest_envelopes`` then uses it under exactly the rules it applies to the prefetch
thread's work (same epoch key as the vault's, every routing, membership, clearance, replay
and sequence check made there). Whatever the helper did not answer is done inline.

The helper is a fresh interpreter started by this process (no memory of the parent is
copied into it: it gets only what it is sent), ended with the catch-up; see
docs/threat-model.md.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import IO, Any

from crypto.certs import Certificate
from crypto.envelope import Header
from store.models import NewItem
from sync.verify import (
    MIN_BATCH,
    Prepared,
    PreparedPage,
    item_index_texts,
    make_item,
    open_ahead,
)
from sync.wire import SyncResponse

__all__ = ["Signers", "Answer", "signers_of", "prepare_targets", "adopt", "Helper", "start_helper",
           "serve"]

# device id -> (signing public key, user id, display name)
Signers = dict[str, tuple[bytes, str, str]]
# (index of the item in the page, the envelope as sent (header, nonce, ciphertext and
# signature text), the decoded header, signing key checked with, epoch key opened with, the
# item and its index texts or None, the content error or None). Header and item cross the
# process boundary as pickles of the objects the helper made (and validated): rebuilding
# them through their constructors cost the engine's threads more than anything else here.
Answer = tuple[int, tuple[str, str, str, str], Header, bytes, bytes,
               tuple[NewItem, tuple[str, str]] | None, str | None]


def signers_of(certs: Mapping[str, Certificate]) -> Signers:
    return {d: (c.keys.sign_pk, c.user_id, c.display_name) for d, c in certs.items()}


def _targets_of(raw: bytes) -> list[tuple[int, Mapping[str, Any]]]:
    """``verify.group_targets`` of the page in ``raw``, read with ``json`` alone: the engine
    validates the page with its model, and an answer is adopted only for an envelope equal
    to the one it was made from, so the helper need not validate twice (the model costs
    three times what parsing does). A page the model refuses is not applied at all, so
    what is answered for it does not matter; one ``json`` cannot read gets no answers."""
    try:
        page = json.loads(raw)
        wires = [(i, it["envelope"]) for i, it in enumerate(page["items"])
                 if it.get("kind") == "envelope" and it.get("envelope")]
        if len(wires) < MIN_BATCH:
            return []
        return [(i, w) for i, w in wires
                if isinstance(w, dict) and w.get("w") is None
                and all(type(w.get(k)) is str for k in ("h", "n", "c", "s"))]
    except (ValueError, TypeError, KeyError, AttributeError):
        return []


def prepare_targets(targets: Sequence[tuple[int, Mapping[str, Any]]], signers: Signers,
                    epoch_keys: Mapping[tuple[str, str, int], bytes],
                    received_ms: int) -> list[Answer]:
    """In the helper process: prepare these group envelopes of a page (with their index in
    it). Only those checked and opened are answered (with their item, or the reason their
    content was refused); the engine does everything else itself."""
    out: list[Answer] = []
    shared: dict[str, str] = {}
    for index, w in targets:
        try:
            answer = _prepare(index, {k: w[k] for k in ("h", "n", "c", "s")}, signers,
                              epoch_keys, received_ms)
        except Exception:  # noqa: BLE001 - a head start only: the engine redoes it inline
            continue
        if answer is not None:
            _share_strings(answer[2], shared)
            if answer[5] is not None:
                _share_strings(answer[5][0], shared)
            out.append(answer)
    return out


def _share_strings(obj: object, shared: dict[str, str]) -> None:
    """Make equal short strings of a header or item (room, sender, label, content type...)
    one object across the answers: pickle then sends each once, and the engine's thread,
    which unpickles while the vault's thread waits for the interpreter lock, makes each
    once. The objects are this process's own, just made; their values do not change."""
    fields = vars(obj)
    for name, value in fields.items():
        if type(value) is str and len(value) <= 128:
            fields[name] = shared.setdefault(value, value)


def _prepare(index: int, wire: dict[str, Any], signers: Signers,
             epoch_keys: Mapping[tuple[str, str, int], bytes],
             received_ms: int) -> Answer | None:
    def sign_pk_of(device: str) -> bytes | None:
        signer = signers.get(device)
        return None if signer is None else signer[0]

    opened = open_ahead(wire, sign_pk_of, epoch_keys)
    if opened is None:
        return None
    _, h, key, plain = opened
    if key is None or plain is None:
        return None  # not opened: nothing the engine could use without checking it again
    sign_pk, user_id, display_name = signers[h.sender]
    _, error, item = make_item(h, plain, user_id, display_name, received_ms)
    if item is None and error is None:
        return None
    sent = (wire["h"], wire["n"], wire["c"], wire["s"])
    return (index, sent, h, sign_pk, key,
            None if item is None else (item, item_index_texts(item)), error)


def adopt(resp: SyncResponse, answers: Sequence[Answer],
          certs: Mapping[str, Certificate]) -> PreparedPage:
    """In the engine: the helper's answers as prepared results for the engine's own parsed
    envelopes of the same page (``resp``, parsed from the bytes the helper was given)."""
    prepared: PreparedPage = {}
    items = resp.items
    for index, sent, h, sign_pk, key, made, error in answers:
        if not 0 <= index < len(items):
            continue
        wire = items[index].envelope
        # The very envelope the helper checked, not merely the same place in a page: the
        # header's fields are its decoding of exactly these bytes.
        if wire is None or wire.w is not None or (wire.h, wire.n, wire.c, wire.s) != sent:
            continue
        if type(h) is not Header:
            continue
        cert = certs.get(h.sender)
        if cert is None or cert.keys.sign_pk != sign_pk:
            continue
        if made is None:
            prepared[id(wire)] = Prepared(wire, None, h, cert, key, b"", None,
                                          error or "malformed content")
            continue
        item = made[0]
        if type(item) is not NewItem:
            continue
        if (item.sender_user, item.sender_name, item.item_id) != (
                cert.user_id, cert.display_name, h.id_hex):
            continue
        prepared[id(wire)] = Prepared(wire, None, h, cert, key, b"", None, None, item,
                                      made[1])
    return prepared


class Helper:
    """One helper process for the length of a catch-up, used by one thread at a time (the
    prefetch thread): :meth:`send` a page, then :meth:`receive` the answers. Until it has
    started (importing takes a moment), :meth:`ready` is false and pages are prepared on a
    thread as before; once it fails, it stays failed.

    A plain child interpreter (``python -c``) speaking length-prefixed pickles over its
    standard input and output, not ``multiprocessing``: that would run the parent's main
    script again in the child. It ends when its input closes, so also when the parent dies.
    """

    def __init__(self) -> None:
        env = dict(os.environ)
        # The child imports Renkei's packages from where this process found them.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self._proc = subprocess.Popen(
            [sys.executable, "-c", "from sync.prepare_worker import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, close_fds=True)
        self._started = threading.Event()
        self.lock = threading.Lock()  # held by the one page the helper is serving
        self._sent = self._received = 0
        self.failed = False
        threading.Thread(target=self._wait_started, name="renkei-helper-start",
                         daemon=True).start()

    def _wait_started(self) -> None:
        try:
            if _read_frame(self._proc.stdout) != _READY:
                self.failed = True
        except (OSError, EOFError, pickle.UnpicklingError):
            self.failed = True
        self._started.set()

    def ready(self) -> bool:
        return self._started.is_set() and not self.failed

    def new_page(self, raw: bytes, signers: Signers,
                 epoch_keys: Mapping[tuple[str, str, int], bytes], received_ms: int) -> bool:
        """Send the page the next chunks are of (exactly the bytes the engine parses);
        False if the helper cannot take it (it has failed)."""
        try:
            _write_frame(self._proc.stdin, ("page", raw, signers, dict(epoch_keys),
                                            received_ms))
        except (OSError, ValueError):
            self.failed = True
        return not self.failed

    def send(self, start: int, stop: int) -> None:
        """Ask for the prepared targets ``start:stop`` of the page (``verify.group_targets``
        of it); the answers come back in the order asked, through :meth:`receive`."""
        self._sent += 1
        _write_frame(self._proc.stdin, ("chunk", self._sent, start, stop))

    def receive(self) -> list[Answer]:
        """The answers to the oldest chunk not yet received."""
        self._received += 1
        frame = _read_frame(self._proc.stdout)
        if not (isinstance(frame, tuple) and len(frame) == 2 and frame[0] == self._received
                and isinstance(frame[1], list)):
            raise EOFError("the helper process answered out of turn")
        return frame[1]

    def close(self) -> None:
        self.failed = True
        with contextlib.suppress(OSError):
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()


_READY = "ready"
_LENGTH = struct.Struct(">Q")


def _write_frame(stream: IO[bytes] | None, value: object) -> None:
    if stream is None:
        raise OSError("no pipe to the helper process")
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the helper process ended")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(stream: IO[bytes] | None) -> Any:
    if stream is None:
        raise EOFError("no pipe from the helper process")
    (n,) = _LENGTH.unpack(_read_exactly(stream, _LENGTH.size))
    return pickle.loads(_read_exactly(stream, n))  # noqa: S301 - our own child process


def serve() -> None:
    """The helper process: answer chunks of pages until the parent closes the pipe."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames may reach the parent's pipe
    # Short-lived objects only, none in cycles: collect rarely (see sync.engine).
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    _write_frame(stdout, _READY)
    targets: list[tuple[int, Mapping[str, Any]]] = []
    signers: Signers = {}
    epoch_keys: dict[tuple[str, str, int], bytes] = {}
    received_ms = 0
    while True:
        try:
            frame = _read_frame(stdin)
        except EOFError:
            return
        if frame[0] == "page":
            _, raw, signers, epoch_keys, received_ms = frame
            targets = _targets_of(raw)
        else:
            _, number, start, stop = frame
            _write_frame(stdout, (number, prepare_targets(targets[start:stop], signers,
                                                          epoch_keys, received_ms)))


def start_helper() -> Helper | None:
    """A helper process, or None where none can be started (the thread does the work)."""
    if getattr(sys, "frozen", False):
        return None  # a packaged app's executable is the app, not an interpreter
    try:
        return Helper()
    except (OSError, ValueError):
        return None
