"""The engine authenticates with a request session once it has one, renews it when the
server refuses it, and signs every request when the server offers no sessions."""

from __future__ import annotations

from typing import Any

import httpx

LABEL = "SECRET//TLP:AMBER"


class Recorder(httpx.BaseTransport):
    """Passes requests to a real transport and remembers how each was authenticated."""

    def __init__(self, refuse_sessions: bool = False) -> None:
        self.inner = httpx.HTTPTransport()
        self.refuse_sessions = refuse_sessions
        self.seen: list[tuple[str, str]] = []  # (path, "session" | "signed")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        how = "session" if "x-renkei-session" in request.headers else "signed"
        self.seen.append((request.url.path, how))
        if self.refuse_sessions and request.url.path == "/v1/sessions":
            return httpx.Response(404, json={"error": "not_found", "message": "Not Found"})
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_requests_go_in_a_session_after_one_signed_start(world: Any) -> None:
    alice = world.person("alice", "SECRET", unique=True)
    rec = Recorder()
    alice.open(transport=rec)
    room = alice.e.create_room("Sessions", LABEL)
    alice.e.send_text(room, LABEL, "in a session")
    alice.e.catch_up()
    assert ("/v1/sessions", "signed") in rec.seen
    others = [how for path, how in rec.seen if path not in ("/v1/sessions", "/v1/devices")]
    assert others and set(others) == {"session"}
    assert sum(1 for path, _ in rec.seen if path == "/v1/sessions") == 1


def test_a_refused_session_is_renewed_and_the_request_repeated(world: Any) -> None:
    alice = world.person("alice", "SECRET", unique=True)
    rec = Recorder()
    alice.open(transport=rec)
    alice.e.catch_up()
    # Corrupt the key held for the session: the server answers bad_session.
    active = alice.e._auth._active
    assert active is not None
    alice.e._auth._active = type(active)(active.token, bytes(32), active.expires_ms)
    alice.e.catch_up()  # no error: a new session is started and the request repeated
    assert sum(1 for path, _ in rec.seen if path == "/v1/sessions") == 2
    assert alice.e._auth._active is not None and alice.e._auth._active.key != bytes(32)


def test_without_sessions_every_request_is_signed(world: Any) -> None:
    alice = world.person("alice", "SECRET", unique=True)
    rec = Recorder(refuse_sessions=True)
    alice.open(transport=rec)
    room = alice.e.create_room("Signed", LABEL)
    alice.e.send_text(room, LABEL, "signed all the way")
    alice.e.catch_up()
    assert {how for path, how in rec.seen if path != "/v1/sessions"} == {"signed"}
    assert sum(1 for path, _ in rec.seen if path == "/v1/sessions") == 1  # asked once
    assert "signed all the way" in alice.bodies(room)
