"""POST /v1/sessions: trade one signed request for a short-lived request session.

Every later request of the session carries a MAC instead of an Ed25519 signature
(``crypto.sessions``): the same binding to method, path, body, time and nonce, checked in
microseconds. The session key is sealed to the device's encryption key; the server keeps no
state (the key derives from its secret, the device and the token, which holds the expiry).
A revoked device is refused on its next request, session or not.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from crypto.sessions import new_token, seal_key, session_headers
from server.api.common import ERRORS, Who, core_of
from server.core import now_ms
from server.errors import unauthorized
from sync.wire import SessionGranted

router = APIRouter()


@router.post("/v1/sessions", response_model=SessionGranted, responses=ERRORS,
             summary="Start a request session (the request must be signed)")
async def start_session(request: Request, who: Who) -> SessionGranted:
    core = core_of(request)
    if session_headers(request.headers) is not None:
        raise unauthorized("signature_required", "a session is started with a signed "
                           "request, not from within another session")
    expires = now_ms() + core.limits.session_s * 1000
    token = new_token(expires)
    key = core.session_keys.key(who.device_id, token)
    sealed = seal_key(who.cert.keys.enc_pk, who.device_id, token, key)
    return SessionGranted(token=token, key=sealed, expires_ms=expires)
