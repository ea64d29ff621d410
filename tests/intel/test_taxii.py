"""TAXII 2.1 client: against medallion (OASIS reference server) on loopback, and against
scripted transports for the failure cases."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from intel.documents import Document, parse_document
from intel.markings import TLP, TLP2_STIX_IDS, Policy
from intel.stix_export import Audience, export_bundle, tlp_marking_definition
from sync.taxii import MEDIA_TAXII, Status, TaxiiClient, TaxiiError, TaxiiRefused, check_pushable


class CountingTransport(httpx.HTTPTransport):
    """Real HTTP, but remembers every request so a test can prove nothing was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, str(request.url)))
        return super().handle_request(request)


def client_for(server: dict[str, Any], transport: httpx.BaseTransport | None = None
               ) -> TaxiiClient:
    return TaxiiClient(server["url"], auth=server["auth"], transport=transport)


def marked(n: int, tlp: TLP) -> dict[str, Any]:
    return {
        "type": "indicator", "spec_version": "2.1",
        "id": f"indicator--00000000-0000-4000-8000-{n:012d}",
        "created": "2025-09-01T00:00:00.000Z", "modified": "2025-09-01T00:00:00.000Z",
        "name": f"test {n}", "description": "test indicator",
        "pattern": f"[ipv4-addr:value = '192.0.2.{n % 250}']", "pattern_type": "stix",
        "valid_from": "2025-09-01T00:00:00.000Z",
        "object_marking_refs": [TLP2_STIX_IDS[tlp]],
    }


def test_discovery_roots_and_collections(taxii_server: dict[str, Any]) -> None:
    with client_for(taxii_server) as client:
        disc = client.discover()
        assert disc.title == "Test TAXII"
        assert disc.api_roots == (f"{taxii_server['url']}/api1/",)
        assert disc.default == disc.api_roots[0]
        root = client.api_root(disc.api_roots[0])
        assert root.versions == (MEDIA_TAXII,)
        assert root.max_content_length == 2_000_000
        cols = {c.id: c for c in client.collections(disc.api_roots[0])}
        assert cols[taxii_server["collection"]].can_write
        assert not cols[taxii_server["readonly"]].can_write
        assert client.collection(disc.api_roots[0], taxii_server["collection"]).title == "Shared"


def test_push_clear_bundle_and_pull_it_back(
    taxii_server: dict[str, Any], advisory: Document, policy: Policy
) -> None:
    bundle = export_bundle(advisory, Audience.public(policy, "ncc"))
    with client_for(taxii_server) as client:
        root = client.discover().api_roots[0]
        statuses = client.push(root, taxii_server["collection"], bundle["objects"])
        assert len(statuses) == 1
        status = client.wait_for_status(root, statuses[0], sleep=lambda _: None)
        assert status.complete
        assert status.success_count == len(bundle["objects"]) and status.failure_count == 0
        assert client.get_status(root, status.id).success_count == status.success_count
        # max_page_size is 3, so this needs several pages linked by 'next'
        first = client.get_page(root, taxii_server["collection"], limit=3)
        assert first.more and first.next is not None and len(first.objects) == 3
        pulled = client.get_objects(root, taxii_server["collection"], limit=3)
        assert not pulled.more and pulled.date_added_last is not None
        assert {o["id"] for o in pulled.objects} >= {o["id"] for o in bundle["objects"]}
        reports = client.get_objects(root, taxii_server["collection"], types=["report"])
        assert [o["type"] for o in reports.objects] == ["report"]
        # Pull only what was added after the cursor.
        second = [tlp_marking_definition(TLP.GREEN), marked(101, TLP.GREEN)]
        client.add_objects(root, taxii_server["collection"], second)
        newer = client.get_objects(root, taxii_server["collection"],
                                   added_after=pulled.date_added_last)
        assert {o["id"] for o in newer.objects} == {o["id"] for o in second}


def test_red_and_amber_are_refused_before_sending(taxii_server: dict[str, Any]) -> None:
    transport = CountingTransport()
    with client_for(taxii_server, transport) as client:
        root = client.discover().api_roots[0]
        before = client.get_objects(root, taxii_server["collection"])
        transport.requests.clear()
        for tlp in (TLP.RED, TLP.AMBER, TLP.AMBER_STRICT):
            objects = [tlp_marking_definition(TLP.GREEN), marked(200, TLP.GREEN),
                       tlp_marking_definition(tlp), marked(201, tlp)]
            with pytest.raises(TaxiiRefused) as err:
                client.push(root, taxii_server["collection"], objects)
            assert any(f"marked TLP:{tlp.value}" in p for p in err.value.problems)
            with pytest.raises(TaxiiRefused):
                client.add_objects(root, taxii_server["collection"], objects)
        assert transport.requests == []  # not a single byte went out
        after = client.get_objects(root, taxii_server["collection"])
        assert {o["id"] for o in after.objects} == {o["id"] for o in before.objects}


def test_server_errors_become_taxii_errors(taxii_server: dict[str, Any]) -> None:
    with TaxiiClient(taxii_server["url"], auth=("analyst", "wrong")) as client:
        with pytest.raises(TaxiiError) as err:
            client.discover()
        assert err.value.status == 401 and "user name and password" in str(err.value)
    with client_for(taxii_server) as client:
        root = client.discover().api_roots[0]
        with pytest.raises(TaxiiError) as err:
            client.add_objects(root, taxii_server["readonly"], [marked(300, TLP.CLEAR)])
        assert err.value.status == 403
        with pytest.raises(TaxiiError) as err:
            client.collection(root, "00000000-0000-4000-8000-000000000000")
        assert err.value.status == 404


# --------------------------------------------------------------------------- scripted
Handler = Callable[[httpx.Request], httpx.Response]


def scripted(handler: Handler) -> TaxiiClient:
    return TaxiiClient("https://taxii.example", auth=("u", "p"),
                       transport=httpx.MockTransport(handler))


def taxii_json(data: Any, status: int = 200, headers: dict[str, str] | None = None
               ) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(data).encode(),
                          headers={"Content-Type": MEDIA_TAXII, **(headers or {})})


def test_check_pushable_fails_closed() -> None:
    green = marked(1, TLP.GREEN)
    unmarked = {k: v for k, v in green.items() if k != "object_marking_refs"}
    unknown = dict(green, object_marking_refs=[
        "marking-definition--99999999-9999-4999-8999-999999999999"])
    granular_red = dict(green, granular_markings=[
        {"marking_ref": TLP2_STIX_IDS[TLP.RED], "selectors": ["description"]}])
    tlp1_white = dict(green, object_marking_refs=[
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"])
    assert check_pushable([tlp_marking_definition(TLP.GREEN), green, tlp1_white]) == []
    problems = check_pushable([unmarked, unknown, granular_red, "junk",
                               tlp_marking_definition(TLP.AMBER)])
    assert len(problems) == 5
    assert "unmarked" in problems[0] and "not a TLP marking" in problems[1]
    assert "TLP:RED" in problems[2] and "not a STIX object" in problems[3]


def test_pagination_without_next_uses_the_date_cursor() -> None:
    calls: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        calls.append(params)
        if "added_after" not in params:
            return taxii_json({"more": True, "objects": [{"id": "a"}]},
                              headers={"X-TAXII-Date-Added-Last": "2025-01-01T00:00:00.000Z"})
        return taxii_json({"more": False, "objects": [{"id": "b"}]},
                          headers={"X-TAXII-Date-Added-Last": "2025-01-02T00:00:00.000Z"})

    with scripted(handler) as client:
        page = client.get_objects("https://taxii.example/api/", "c1")
    assert [o["id"] for o in page.objects] == ["a", "b"]
    assert page.date_added_last == "2025-01-02T00:00:00.000Z"
    assert calls[1]["added_after"] == "2025-01-01T00:00:00.000Z"
    assert calls[1]["limit"] == "1"


def test_wait_for_status_polls_until_complete() -> None:
    answers = iter(["pending", "pending", "complete"])

    def handler(request: httpx.Request) -> httpx.Response:
        return taxii_json({"id": "s1", "status": next(answers), "total_count": 1,
                           "success_count": 1, "failure_count": 0, "pending_count": 0})

    slept: list[float] = []
    pending = Status("s1", "pending", 1, 0, 0, 1)
    with scripted(handler) as client:
        done = client.wait_for_status("https://taxii.example/api/", pending,
                                      poll_interval=2.0, sleep=slept.append)
    assert done.complete and slept == [2.0, 2.0, 2.0]
    with scripted(lambda r: taxii_json({"id": "s1", "status": "pending"})) as client, \
            pytest.raises(TaxiiError, match="still processing"):
        client.wait_for_status("https://taxii.example/api/", pending, max_polls=2,
                               sleep=lambda _: None)


@pytest.mark.parametrize(("response", "message"), [
    (httpx.Response(200, content=b"<html>"), "did not answer with JSON"),
    (httpx.Response(500, content=b'{"title": "boom"}'), "try again later (boom)"),
    (httpx.Response(302, headers={"Location": "https://elsewhere.example/"}), "unexpected"),
    (httpx.Response(200, content=b"[1, 2]"), "malformed"),
])
def test_bad_answers(response: httpx.Response, message: str) -> None:
    with scripted(lambda r: response) as client, pytest.raises(TaxiiError) as err:
        client.discover()
    assert message in str(err.value)


def test_oversized_answer_is_cut_off() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return taxii_json({"title": "x" * 5000, "api_roots": []})

    client = TaxiiClient("https://taxii.example", transport=httpx.MockTransport(handler),
                         max_response_bytes=1000)
    with client, pytest.raises(TaxiiError, match="more than 1000 bytes"):
        client.discover()


def test_network_failure_is_a_taxii_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with scripted(handler) as client, pytest.raises(TaxiiError, match="could not reach"):
        client.discover()


def test_credentials_stay_with_the_configured_host() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return taxii_json({"title": "t", "api_roots": ["https://evil.example/api/"]})

    with scripted(handler) as client:
        disc = client.discover()
        with pytest.raises(TaxiiError, match="another host"):
            client.collections(disc.api_roots[0])
        with pytest.raises(TaxiiError, match="another host"):
            client.collections("http://taxii.example/api/")
        client.collections("https://taxii.example:443/api/")  # same origin, explicit port
    assert seen == ["https://taxii.example/taxii2/", "https://taxii.example/api/collections/"]
    with pytest.raises(TaxiiError, match="plain HTTP"):
        TaxiiClient("http://taxii.example/")
    with pytest.raises(TaxiiError, match="not an http"):
        TaxiiClient("ftp://taxii.example/")


def test_push_splits_by_the_servers_size_limit(policy: Policy,
                                               make_advisory: Callable[..., dict[str, Any]]
                                               ) -> None:
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return taxii_json({"title": "root", "versions": [MEDIA_TAXII],
                               "max_content_length": 3000})
        body = json.loads(request.content)
        bodies.append(body)
        return taxii_json({"id": f"s{len(bodies)}", "status": "complete",
                           "total_count": len(body["objects"]),
                           "success_count": len(body["objects"])}, status=202)

    doc: Document = parse_document(make_advisory(), policy)
    objects = export_bundle(doc, Audience.community(policy, "ncc"))["objects"]
    with scripted(handler) as client:
        statuses = client.push("https://taxii.example/api/", "c1", objects)
    assert len(statuses) == len(bodies) > 1
    sent = [o for b in bodies for o in b["objects"] if o["type"] != "marking-definition"]
    assert sorted(o["id"] for o in sent) == sorted(
        o["id"] for o in objects if o["type"] != "marking-definition")
    for body in bodies:
        assert len(json.dumps(body).encode()) <= 3000
        assert check_pushable(body["objects"]) == []  # each envelope carries its markings
