"""Fuzz every endpoint of the OpenAPI schema over real HTTP: no 500, always JSON errors.

Cases come from schemathesis (valid and invalid data per the schema); about half are signed
by a registered device so they get past authentication into validation and handlers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET

from crypto.requests import sign_request
from server.config import ServerConfig
from server.runner import serve_in_thread
from tests.server.conftest import World


def _body(case: Any) -> bytes:
    if case.body is NOT_SET:
        return b""
    if isinstance(case.body, bytes):
        return case.body
    if case.media_type == "application/octet-stream" and isinstance(case.body, str):
        return case.body.encode("utf-8", "surrogatepass")
    return json.dumps(case.body).encode("utf-8", "surrogatepass")


def test_fuzz_every_endpoint(world: World, make_config: Callable[..., ServerConfig]) -> None:
    srv = serve_in_thread(make_config(rate_per_s=0, anon_rate_per_s=0))
    try:
        with httpx.Client(base_url=srv.url, timeout=30) as http:
            dev = world.device("fuzzer", roles=("publisher", "intake"))
            reg = json.dumps({"certificate": dev.signed.to_dict()}).encode()
            hdrs = sign_request(dev.keys, "POST", "/v1/devices", reg, int(time.time() * 1000))
            r = http.post("/v1/devices", content=reg,
                          headers={**hdrs, "content-type": "application/json"})
            assert r.status_code == 200
            raw = http.get("/v1/openapi.json").json()
            schema = schemathesis.openapi.from_dict(raw)
            operations = {(m.upper(), path) for path, item in raw["paths"].items()
                          for m in item}
            seen: set[tuple[str, str]] = set()
            cases = st.one_of(schema.as_strategy(generation_mode=GenerationMode.POSITIVE),
                              schema.as_strategy(generation_mode=GenerationMode.NEGATIVE))

            @settings(max_examples=400, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=cases, signed=st.booleans())
            def run(case: Any, signed: bool) -> None:
                seen.add((case.method.upper(), case.path))
                path = case.formatted_path
                query = dict(case.query or {})
                if path == "/v1/sync":
                    query["timeout"] = "0"  # never hold the fuzzer for a whole long-poll
                target = path + ("?" + urlencode(query, doseq=True) if query else "")
                body = _body(case)
                headers = {"content-type": case.media_type or "application/json"}
                if signed:
                    headers.update(sign_request(dev.keys, case.method, target, body,
                                                int(time.time() * 1000)))
                try:
                    resp = http.request(case.method, target, content=body, headers=headers)
                except (httpx.InvalidURL, UnicodeEncodeError):
                    return  # the client itself refuses to send it
                assert resp.status_code < 500, (case.method, case.path, resp.text)
                if resp.status_code >= 400:
                    assert set(resp.json()) == {"error", "message"}

            run()
            assert seen == operations
    finally:
        srv.stop()


@pytest.mark.parametrize("payload", [
    b"", b"null", b"[]", b"{}", b'{"certificate": null}', b'{"certificate": {"a": 1}}',
    b'{"certificate": {"certificate": {"v": 1}, "signature": "x"}}',
    b'{"revocation_list": {"revocation_list": {"v": 1, "revoked": [1]}, "signature": "AA"}}',
    b"\xff\xfe", b'{"certificate": {"certificate": ' * 200,
])
def test_anonymous_endpoints_with_junk(world: World, make_config: Callable[..., ServerConfig],
                                       payload: bytes) -> None:
    srv = serve_in_thread(make_config(anon_rate_per_s=0))
    try:
        with httpx.Client(base_url=srv.url) as http:
            for path in ("/v1/devices", "/v1/crl"):
                r = http.post(path, content=payload,
                              headers={"content-type": "application/json"})
                assert 400 <= r.status_code < 500 and set(r.json()) == {"error", "message"}
    finally:
        srv.stop()
