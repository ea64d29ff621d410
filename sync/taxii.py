"""TAXII 2.1 client for pushing and pulling shareable (TLP:CLEAR / TLP:GREEN) STIX content.

One ``httpx.Client`` per :class:`TaxiiClient`; tests inject a transport. Before anything is
sent, every object's markings are checked: only content marked TLP:CLEAR or TLP:GREEN (and
nothing else) may leave, because a TAXII collection is outside Renkei's encryption.
Credentials never go to another host than the one configured, nor over plain HTTP except to
the local machine.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from intel.markings import TLP
from intel.stix_export import stix_timestamp
from intel.stix_import import tlp_for_marking_ref, tlp_from_marking_definition

__all__ = ["TaxiiError", "TaxiiRefused", "TaxiiClient", "Discovery", "ApiRoot", "Collection",
           "ObjectPage", "Status", "check_pushable", "MEDIA_TAXII", "SHAREABLE_TLPS"]

from sync.errors import SyncError  # noqa: E402

MEDIA_TAXII = "application/taxii+json;version=2.1"
SHAREABLE_TLPS = frozenset({TLP.CLEAR, TLP.GREEN})
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class TaxiiError(SyncError):
    """A TAXII exchange failed; the message says what to do. ``status`` is the HTTP code."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TaxiiRefused(TaxiiError):
    """Push refused before sending: some objects are not TLP:CLEAR or TLP:GREEN."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"nothing was sent: {len(problems)} object(s) may not be shared over TAXII "
            f"(only TLP:CLEAR and TLP:GREEN may); first: {problems[0]}"
        )
        self.problems = problems


@dataclass(frozen=True)
class Discovery:
    title: str
    description: str | None
    contact: str | None
    default: str | None
    api_roots: tuple[str, ...]


@dataclass(frozen=True)
class ApiRoot:
    url: str
    title: str
    description: str | None
    versions: tuple[str, ...]
    max_content_length: int | None


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str | None
    can_read: bool
    can_write: bool
    media_types: tuple[str, ...]


@dataclass(frozen=True)
class ObjectPage:
    objects: tuple[dict[str, Any], ...]
    more: bool
    next: str | None
    date_added_first: str | None
    date_added_last: str | None  # keep as the cursor for the next ``added_after``


@dataclass(frozen=True)
class Status:
    id: str
    status: str  # "pending" or "complete"
    total_count: int
    success_count: int
    failure_count: int
    pending_count: int
    failures: tuple[dict[str, Any], ...] = ()

    @property
    def complete(self) -> bool:
        return self.status == "complete"


# --------------------------------------------------------------------------- push check
def check_pushable(objects: Iterable[Any]) -> list[str]:
    """Why each object may not be pushed (empty when all may). Fails closed: an object
    without a TLP marking, or with any marking that is not a known TLP, is refused."""
    items = list(objects)
    local: dict[str, TLP | None] = {}
    for obj in items:
        if isinstance(obj, Mapping) and obj.get("type") == "marking-definition":
            local[str(obj.get("id"))] = tlp_from_marking_definition(obj)
    problems = []
    for i, obj in enumerate(items):
        if not isinstance(obj, Mapping) or not isinstance(obj.get("id"), str):
            problems.append(f"objects[{i}]: not a STIX object")
            continue
        oid = obj["id"]
        if obj.get("type") == "marking-definition":
            tlp = local.get(oid)
            if tlp not in SHAREABLE_TLPS:
                problems.append(f"{oid}: only TLP:CLEAR and TLP:GREEN marking-definitions "
                                "may be pushed")
            continue
        refs = [r for r in obj.get("object_marking_refs", []) or []]
        refs += [g.get("marking_ref") for g in obj.get("granular_markings", []) or []
                 if isinstance(g, Mapping) and g.get("marking_ref") is not None]
        if not refs:
            problems.append(f"{oid}: unmarked; mark it TLP:CLEAR or TLP:GREEN first")
            continue
        for ref in refs:
            tlp = tlp_for_marking_ref(ref) if isinstance(ref, str) else None
            if tlp is None and isinstance(ref, str):
                tlp = local.get(ref)
            if tlp is None:
                problems.append(f"{oid}: marking {ref!r} is not a TLP marking known here")
            elif tlp not in SHAREABLE_TLPS:
                problems.append(f"{oid}: marked TLP:{tlp.value}")
    return problems


# --------------------------------------------------------------------------- client
def _origin(url: str) -> tuple[str, str | None, int]:
    p = urlsplit(url)
    return p.scheme, p.hostname, p.port or (443 if p.scheme == "https" else 80)


def _text(d: Mapping[str, Any], key: str) -> str | None:
    v = d.get(key)
    return v if isinstance(v, str) else None


class TaxiiClient:
    """A TAXII 2.1 client for one server. Use as a context manager, or call :meth:`close`."""

    def __init__(
        self,
        server_url: str,
        *,
        auth: tuple[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        max_response_bytes: int = 50_000_000,
        allow_http: bool = False,
    ) -> None:
        parts = urlsplit(server_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise TaxiiError(f"{server_url!r} is not an http(s) URL of a TAXII server")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK and not allow_http:
            raise TaxiiError("refusing plain HTTP to a remote TAXII server; use https://")
        self._origin = _origin(server_url)
        base = server_url if server_url.endswith("/") else server_url + "/"
        self.discovery_url = base if base.rstrip("/").endswith("/taxii2") else base + "taxii2/"
        self._max = max_response_bytes
        self._roots: dict[str, ApiRoot] = {}
        self._client = httpx.Client(
            auth=auth, transport=transport, timeout=timeout, follow_redirects=False,
            headers={"Accept": MEDIA_TAXII, "User-Agent": "Renkei TAXII client"},
        )

    def __enter__(self) -> TaxiiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- plumbing ------------------------------------------------------------------------
    def _url(self, url: str) -> str:
        absolute = urljoin(self.discovery_url, url)
        if _origin(absolute) != self._origin:
            # The configured credentials must not be handed to a host the user did not name.
            raise TaxiiError(f"the server pointed to another host ({absolute}); not following")
        return absolute if absolute.endswith("/") else absolute + "/"

    def _request(
        self, method: str, url: str, *, params: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[Any, httpx.Headers]:
        headers = {"Content-Type": MEDIA_TAXII} if body is not None else None
        try:
            request = self._client.build_request(method, url, params=params, content=body,
                                                 headers=headers)
            response = self._client.send(request, stream=True)
            try:
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self._max:
                        raise TaxiiError(f"the TAXII server sent more than {self._max} bytes")
                    chunks.append(chunk)
            finally:
                response.close()
        except httpx.TimeoutException:
            raise TaxiiError(f"the TAXII server at {url} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise TaxiiError(f"could not reach the TAXII server at {url}: {exc}") from None
        raw = b"".join(chunks)
        if response.status_code >= 400:
            raise TaxiiError(self._error_text(response.status_code, raw, url),
                             response.status_code)
        if response.status_code not in (200, 202):
            raise TaxiiError(f"unexpected answer {response.status_code} from {url}",
                             response.status_code)
        try:
            return json.loads(raw), response.headers
        except ValueError:
            raise TaxiiError(f"the TAXII server at {url} did not answer with JSON") from None

    @staticmethod
    def _error_text(code: int, raw: bytes, url: str) -> str:
        detail = ""
        try:
            err = json.loads(raw)
            if isinstance(err, Mapping):
                detail = str(err.get("description") or err.get("title") or "")[:300]
        except ValueError:
            pass
        hint = {401: "check the user name and password",
                403: "this account may not do that on this collection",
                404: "check the server URL, API root and collection id",
                406: "the server does not speak TAXII 2.1",
                413: "send fewer objects at a time",
                415: "the server does not accept TAXII 2.1 envelopes"}.get(
                    code, "try again later" if code >= 500 else "see the server's message")
        text = f"TAXII server answered {code} for {url}: {hint}"
        return f"{text} ({detail})" if detail else text

    @staticmethod
    def _object(data: Any, what: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise TaxiiError(f"the TAXII server sent a malformed {what}")
        return data

    # -- server information -----------------------------------------------------------------
    def discover(self) -> Discovery:
        data, _ = self._request("GET", self.discovery_url)
        d = self._object(data, "discovery resource")
        roots = d.get("api_roots", [])
        if not isinstance(roots, list):
            raise TaxiiError("the TAXII server sent a malformed discovery resource")
        default = _text(d, "default")
        return Discovery(
            title=_text(d, "title") or "", description=_text(d, "description"),
            contact=_text(d, "contact"),
            default=urljoin(self.discovery_url, default) if default else None,
            api_roots=tuple(urljoin(self.discovery_url, r) for r in roots if isinstance(r, str)),
        )

    def api_root(self, url: str) -> ApiRoot:
        url = self._url(url)
        if url not in self._roots:
            data, _ = self._request("GET", url)
            d = self._object(data, "API root resource")
            mcl = d.get("max_content_length")
            self._roots[url] = ApiRoot(
                url=url, title=_text(d, "title") or "", description=_text(d, "description"),
                versions=tuple(v for v in d.get("versions", []) if isinstance(v, str)),
                max_content_length=mcl if isinstance(mcl, int) and mcl > 0 else None,
            )
        return self._roots[url]

    def collections(self, api_root_url: str) -> list[Collection]:
        data, _ = self._request("GET", self._url(api_root_url) + "collections/")
        items = self._object(data, "collections resource").get("collections", [])
        if not isinstance(items, list):
            raise TaxiiError("the TAXII server sent a malformed collections resource")
        return [self._collection(c) for c in items]

    def collection(self, api_root_url: str, collection_id: str) -> Collection:
        data, _ = self._request("GET", self._url(api_root_url) + f"collections/{collection_id}/")
        return self._collection(data)

    def _collection(self, c: Any) -> Collection:
        d = self._object(c, "collection")
        if not isinstance(d.get("id"), str):
            raise TaxiiError("the TAXII server sent a collection without an id")
        return Collection(
            id=d["id"], title=_text(d, "title") or "", description=_text(d, "description"),
            can_read=d.get("can_read") is True, can_write=d.get("can_write") is True,
            media_types=tuple(m for m in d.get("media_types", []) if isinstance(m, str)),
        )

    # -- objects ------------------------------------------------------------------------------
    def get_page(
        self, api_root_url: str, collection_id: str, *,
        added_after: dt.datetime | str | None = None, next_token: str | None = None,
        limit: int | None = None, types: Sequence[str] | None = None,
    ) -> ObjectPage:
        params: dict[str, str] = {}
        if added_after is not None:
            params["added_after"] = (stix_timestamp(added_after)
                                     if isinstance(added_after, dt.datetime) else added_after)
        if types:
            params["match[type]"] = ",".join(types)
        if limit is not None:
            params["limit"] = str(limit)
        if next_token is not None:
            params["next"] = next_token
        url = self._url(api_root_url) + f"collections/{collection_id}/objects/"
        data, headers = self._request("GET", url, params=params)
        d = self._object(data, "envelope")
        objects = d.get("objects", [])
        if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
            raise TaxiiError("the TAXII server sent a malformed envelope")
        nxt = d.get("next")
        return ObjectPage(
            objects=tuple(objects), more=d.get("more") is True,
            next=nxt if isinstance(nxt, str) and nxt else None,
            date_added_first=headers.get("X-TAXII-Date-Added-First"),
            date_added_last=headers.get("X-TAXII-Date-Added-Last"),
        )

    def get_objects(
        self, api_root_url: str, collection_id: str, *,
        added_after: dt.datetime | str | None = None, limit: int | None = None,
        types: Sequence[str] | None = None, max_pages: int = 1000,
    ) -> ObjectPage:
        """Every object (following ``next``/``more``), as one page; ``date_added_last`` is
        the cursor to pass as ``added_after`` next time."""
        objects: list[dict[str, Any]] = []
        first: str | None = None
        last: str | None = None
        token: str | None = None
        cursor = added_after
        for _ in range(max_pages):
            page = self.get_page(api_root_url, collection_id, added_after=cursor,
                                 next_token=token, limit=limit, types=types)
            if limit is None and page.more:
                # Keep the server's page size explicit: some servers (medallion 3.0) fail on
                # a 'next' request that carries no 'limit'.
                limit = max(1, len(page.objects))
            objects += page.objects
            first = first or page.date_added_first
            last = page.date_added_last or last
            if not page.more:
                return ObjectPage(tuple(objects), False, None, first, last)
            if page.next is not None:
                token = page.next
            elif page.date_added_last and page.date_added_last != cursor:
                token, cursor = None, page.date_added_last  # server without 'next' support
            else:
                raise TaxiiError("the TAXII server says there is more but gives no way on")
        raise TaxiiError(f"stopped after {max_pages} pages; pull again from the cursor")

    def add_objects(
        self, api_root_url: str, collection_id: str, objects: Sequence[Mapping[str, Any]]
    ) -> Status:
        """Send one envelope. Raises TaxiiRefused, sending nothing, unless every object is
        TLP:CLEAR or TLP:GREEN."""
        problems = check_pushable(objects)
        if problems:
            raise TaxiiRefused(problems)
        body = json.dumps({"objects": list(objects)}, ensure_ascii=False).encode("utf-8")
        limit = self.api_root(api_root_url).max_content_length
        if limit is not None and len(body) > limit:
            raise TaxiiError(f"{len(body)} bytes is more than the server accepts ({limit}); "
                             "use push() to send in parts")
        url = self._url(api_root_url) + f"collections/{collection_id}/objects/"
        data, _ = self._request("POST", url, body=body)
        return self._status(data)

    def push(
        self, api_root_url: str, collection_id: str, objects: Sequence[Mapping[str, Any]]
    ) -> list[Status]:
        """Send ``objects`` in as many envelopes as the server's size limit needs. The
        marking check covers all of them before the first byte is sent."""
        problems = check_pushable(objects)
        if problems:
            raise TaxiiRefused(problems)
        limit = self.api_root(api_root_url).max_content_length
        # Every envelope carries all marking-definitions, so each is pushable on its own.
        markings = [o for o in objects if o.get("type") == "marking-definition"]
        content = [o for o in objects if o.get("type") != "marking-definition"]

        def size(obj: Mapping[str, Any]) -> int:
            return len(json.dumps(obj, ensure_ascii=False).encode("utf-8")) + 2

        base = len(b'{"objects": []}') + sum(size(m) for m in markings)
        batches: list[list[Mapping[str, Any]]] = [[]]
        total = base
        for obj in content:
            n = size(obj)
            if limit is not None and batches[-1] and total + n > limit:
                batches.append([])
                total = base
            batches[-1].append(obj)
            total += n
        statuses = []
        for batch in batches:
            if batch or not content:
                statuses.append(self.add_objects(api_root_url, collection_id, markings + batch))
        return statuses

    def get_status(self, api_root_url: str, status_id: str) -> Status:
        data, _ = self._request("GET", self._url(api_root_url) + f"status/{status_id}/")
        return self._status(data)

    def wait_for_status(
        self, api_root_url: str, status: Status, *, poll_interval: float = 1.0,
        max_polls: int = 60, sleep: Callable[[float], None] = time.sleep,
    ) -> Status:
        """Poll until the server has processed the envelope (status 'complete')."""
        for _ in range(max_polls):
            if status.complete:
                return status
            sleep(poll_interval)
            status = self.get_status(api_root_url, status.id)
        if status.complete:
            return status
        raise TaxiiError(f"the TAXII server is still processing ({status.pending_count} "
                         "pending); check the status later")

    def _status(self, data: Any) -> Status:
        d = self._object(data, "status resource")

        def count(key: str) -> int:
            v = d.get(key, 0)
            return v if isinstance(v, int) and v >= 0 else 0

        if not isinstance(d.get("id"), str) or not isinstance(d.get("status"), str):
            raise TaxiiError("the TAXII server sent a malformed status resource")
        failures = d.get("failures", [])
        return Status(
            id=d["id"], status=d["status"], total_count=count("total_count"),
            success_count=count("success_count"), failure_count=count("failure_count"),
            pending_count=count("pending_count"),
            failures=tuple(f for f in failures if isinstance(f, dict))
            if isinstance(failures, list) else (),
        )
