"""Request authentication with the device's request key (never its content key).

The signed string binds method, path with query, a digest of the body, a timestamp and a
nonce; the server refuses stale timestamps and nonces it has seen. Headers:
``X-Renkei-Device``, ``X-Renkei-Time`` (ms), ``X-Renkei-Nonce``, ``X-Renkei-Signature``.
A body can be signed and checked by its digest (``*_digest``) when it is streamed; the signed
string is the same either way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from crypto import primitives as p
from crypto.encoding import MAX_INT, b64d, b64e
from crypto.errors import AuthenticationFailed, EncodingError
from crypto.identity import DeviceKeys

H_DEVICE = "X-Renkei-Device"
H_TIME = "X-Renkei-Time"
H_NONCE = "X-Renkei-Nonce"
H_SIG = "X-Renkei-Signature"
H_SESSION = "X-Renkei-Session"  # instead of a signature: see crypto.sessions


def request_string(device: str, method: str, path: str, body_digest: bytes, ts: int,
                   nonce: str) -> bytes:
    """What a request signature (or a session MAC, ``crypto.sessions``) covers:
    ``canonical({"b", "d", "m", "n", "p", "t"})``, assembled directly (this runs for every
    request on the server; tests check it is byte for byte the canonical encoding)."""
    if isinstance(ts, bool) or not isinstance(ts, int) or not -MAX_INT <= ts <= MAX_INT:
        raise EncodingError("request time out of range")
    try:
        return (f'{{"b":"{b64e(body_digest)}","d":{_text(device)},"m":{_text(method.upper())},'
                f'"n":{_text(nonce)},"p":{_text(path)},"t":{ts}}}').encode()
    except UnicodeEncodeError:
        raise EncodingError("text is not valid Unicode") from None


def _text(value: str) -> str:
    if not isinstance(value, str):
        raise EncodingError("request fields are text")
    return json.dumps(value, ensure_ascii=False)


def sign_request_digest(keys: DeviceKeys, method: str, path: str, body_digest: bytes,
                        ts_ms: int, nonce: str | None = None) -> dict[str, str]:
    """Headers for a request whose body is known by its digest (``primitives.hash32``),
    e.g. a streamed upload hashed while it was written to disk."""
    if len(body_digest) != 32:
        raise EncodingError("a body digest is 32 bytes (crypto.primitives.hash32)")
    n = nonce or b64e(p.random_bytes(16))
    dev = keys.device_id
    sig = p.sign(keys.auth_key, p.CTX_REQUEST,
                 request_string(dev, method, path, body_digest, ts_ms, n))
    return {H_DEVICE: dev, H_TIME: str(ts_ms), H_NONCE: n, H_SIG: b64e(sig)}


def sign_request(keys: DeviceKeys, method: str, path: str, body: bytes, ts_ms: int,
                 nonce: str | None = None) -> dict[str, str]:
    return sign_request_digest(keys, method, path, p.hash32(body), ts_ms, nonce)


def lowercase(headers: Mapping[str, str]) -> Mapping[str, str]:
    """``headers`` with lower-case names; as given when they already are (ASGI scopes and
    Starlette's headers are), which spares a copy on every request the server takes."""
    if "x-renkei-device" in headers:
        return headers
    return {k.lower(): v for k, v in headers.items()}


def parse_auth_headers(headers: Mapping[str, str]) -> tuple[str, int, str, bytes]:
    """(device id, timestamp ms, nonce, signature), or :class:`EncodingError`. The
    signature is empty for a request made in a session (``crypto.sessions``)."""
    lower = lowercase(headers)
    try:
        dev = lower[H_DEVICE.lower()]
        ts = int(lower[H_TIME.lower()])
        nonce = lower[H_NONCE.lower()]
        signed = H_SESSION.lower() not in lower
        sig = b64d(lower[H_SIG.lower()], size=p.SIG_BYTES) if signed else b""
    except (KeyError, ValueError) as exc:
        raise EncodingError("missing or malformed authentication headers") from exc
    if not 8 <= len(nonce) <= 64 or len(dev) > 64:
        raise EncodingError("malformed authentication headers")
    return dev, ts, nonce, sig


def verify_request_digest(auth_pk: bytes, device: str, method: str, path: str,
                          body_digest: bytes, ts_ms: int, nonce: str, signature: bytes) -> None:
    """:func:`verify_request` for a body known by its digest (a streamed body hashed while
    it was spooled); :class:`AuthenticationFailed` unless it verifies."""
    if len(body_digest) != 32:
        raise AuthenticationFailed()
    p.verify(auth_pk, p.CTX_REQUEST,
             request_string(device, method, path, body_digest, ts_ms, nonce), signature)


def verify_request(auth_pk: bytes, device: str, method: str, path: str, body: bytes, ts_ms: int,
                   nonce: str, signature: bytes) -> None:
    verify_request_digest(auth_pk, device, method, path, p.hash32(body), ts_ms, nonce,
                          signature)


def sign_challenge(keys: DeviceKeys, challenge: bytes) -> bytes:
    return p.sign(keys.auth_key, p.CTX_CHALLENGE, challenge)


def verify_challenge(auth_pk: bytes, challenge: bytes, signature: bytes) -> None:
    if not challenge:
        raise AuthenticationFailed()
    p.verify(auth_pk, p.CTX_CHALLENGE, challenge, signature)
