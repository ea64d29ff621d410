"""Request authentication: headers, the signed string, and every field bound."""

from __future__ import annotations

from typing import Any

import pytest

from crypto import primitives as p
from crypto.encoding import b64e
from crypto.errors import AuthenticationFailed, EncodingError
from crypto.identity import DeviceKeys
from crypto.requests import (
    H_DEVICE,
    H_NONCE,
    H_SIG,
    H_TIME,
    parse_auth_headers,
    sign_challenge,
    sign_request,
    sign_request_digest,
    verify_challenge,
    verify_request,
    verify_request_digest,
)

BODY = b'{"envelope": {}}'


@pytest.fixture(scope="module")
def dev() -> DeviceKeys:
    return DeviceKeys.generate()


def _signed(dev: DeviceKeys) -> tuple[dict[str, str], tuple[str, int, str, bytes]]:
    headers = sign_request(dev, "post", "/v1/envelopes?x=1", BODY, 1_760_000_000_000)
    return headers, parse_auth_headers(headers)


def test_round_trip(dev: DeviceKeys) -> None:
    headers, (device, ts, nonce, sig) = _signed(dev)
    assert set(headers) == {H_DEVICE, H_TIME, H_NONCE, H_SIG}
    assert device == dev.device_id and ts == 1_760_000_000_000 and len(sig) == 64
    assert len(nonce) == 22  # 16 random bytes, base64url
    verify_request(dev.public.auth_pk, device, "POST", "/v1/envelopes?x=1", BODY, ts, nonce, sig)
    # Header names are case-insensitive, as in HTTP.
    lower = {k.lower(): v for k, v in headers.items()}
    assert parse_auth_headers(lower) == (device, ts, nonce, sig)
    # Fresh nonce on every call.
    assert sign_request(dev, "GET", "/", b"", 1)[H_NONCE] != sign_request(dev, "GET", "/", b"",
                                                                          1)[H_NONCE]


@pytest.mark.parametrize("change", [
    {"method": "PUT"}, {"path": "/v1/envelopes?x=2"}, {"path": "/v1/envelopes"},
    {"body": BODY + b" "}, {"ts": 1_760_000_000_001}, {"nonce": "AAAAAAAAAAAAAAAAAAAAAA"},
    {"device": "d" + "0" * 32},
])
def test_every_field_is_bound(dev: DeviceKeys, change: dict[str, Any]) -> None:
    _, (device, ts, nonce, sig) = _signed(dev)
    args: dict[str, Any] = {"device": device, "method": "POST", "path": "/v1/envelopes?x=1",
                            "body": BODY, "ts_ms": ts, "nonce": nonce}
    args.update({("ts_ms" if k == "ts" else k): v for k, v in change.items()})
    with pytest.raises(AuthenticationFailed):
        verify_request(dev.public.auth_pk, signature=sig, **args)


def test_only_the_auth_key_verifies(dev: DeviceKeys) -> None:
    _, (device, ts, nonce, sig) = _signed(dev)
    for pk in (dev.public.sign_pk, dev.public.enc_pk, DeviceKeys.generate().public.auth_pk):
        with pytest.raises(AuthenticationFailed):
            verify_request(pk, device, "POST", "/v1/envelopes?x=1", BODY, ts, nonce, sig)


@pytest.mark.parametrize("mutate", [
    lambda h: h.pop(H_SIG), lambda h: h.pop(H_TIME), lambda h: h.pop(H_NONCE),
    lambda h: h.pop(H_DEVICE), lambda h: h.update({H_TIME: "soon"}),
    lambda h: h.update({H_SIG: "AAAA"}), lambda h: h.update({H_NONCE: "short"}),
    lambda h: h.update({H_NONCE: "n" * 65}), lambda h: h.update({H_DEVICE: "d" * 65}),
    lambda h: h.update({H_SIG: b64e(bytes(64)) + "="}),
])
def test_malformed_headers(dev: DeviceKeys, mutate: Any) -> None:
    headers, _ = _signed(dev)
    mutate(headers)
    with pytest.raises(EncodingError):
        parse_auth_headers(headers)


def test_challenge(dev: DeviceKeys) -> None:
    ch = p.random_bytes(32)
    sig = sign_challenge(dev, ch)
    verify_challenge(dev.public.auth_pk, ch, sig)
    with pytest.raises(AuthenticationFailed):
        verify_challenge(dev.public.auth_pk, p.random_bytes(32), sig)
    with pytest.raises(AuthenticationFailed):
        verify_challenge(dev.public.sign_pk, ch, sig)
    with pytest.raises(AuthenticationFailed):
        verify_challenge(dev.public.auth_pk, b"", sign_challenge(dev, b""))
    # A challenge signature is not a request signature over the same bytes, and vice versa.
    with pytest.raises(AuthenticationFailed):
        p.verify(dev.public.auth_pk, p.CTX_REQUEST, ch, sig)


def test_digest_form_signs_the_same_string(dev: DeviceKeys) -> None:
    # A streamed body is signed and checked by its digest; the bytes signed are the same, so
    # either side may use either form.
    digest = p.hash32(BODY)
    ts, nonce = 1_760_000_000_000, "nonce-abcdefgh"
    by_body = sign_request(dev, "POST", "/v1/attachments", BODY, ts, nonce)
    by_digest = sign_request_digest(dev, "POST", "/v1/attachments", digest, ts, nonce)
    assert by_body == by_digest
    _, _, _, sig = parse_auth_headers(by_digest)
    auth_pk = dev.public.auth_pk
    verify_request(auth_pk, dev.device_id, "POST", "/v1/attachments", BODY, ts, nonce, sig)
    verify_request_digest(auth_pk, dev.device_id, "POST", "/v1/attachments", digest, ts, nonce,
                          sig)
    for bad in (p.hash32(BODY + b" "), digest[:31], b"", bytes(32)):
        with pytest.raises(AuthenticationFailed):
            verify_request_digest(auth_pk, dev.device_id, "POST", "/v1/attachments", bad, ts,
                                  nonce, sig)
    with pytest.raises(EncodingError):
        sign_request_digest(dev, "POST", "/v1/attachments", b"short", ts)
