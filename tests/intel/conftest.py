"""Shared fixtures for the intel tests: sample data, a policy, documents, the STIX validator,
and a medallion TAXII server on loopback."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from intel.documents import Document, parse_document
from intel.markings import Policy

DATA = Path(__file__).resolve().parents[1] / "data"
RUNNER = Path(__file__).resolve().parent / "medallion_runner.py"
NOW = dt.datetime(2025, 9, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def kev_bytes() -> bytes:
    return (DATA / "kev" / "known_exploited_vulnerabilities.json").read_bytes()


@pytest.fixture(scope="session")
def policy() -> Policy:
    return Policy.default()


@pytest.fixture
def now() -> dt.datetime:
    return NOW


def advisory_dict(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "advisory",
        "document_id": "ADV-2025-001",
        "version": 1,
        "title": "Exploitation of VPN appliances",
        "header_label": "UNCLASSIFIED//TLP:CLEAR",
        "severity": "high",
        "publisher": "National Cyber Centre",
        "issued_at": NOW.isoformat(),
        "sections": [
            {"section_id": "summary", "kind": "executive_summary",
             "label": "UNCLASSIFIED//TLP:CLEAR", "body": "Attackers exploit VPN appliances."},
            {"section_id": "impact", "kind": "business_impact",
             "label": "UNCLASSIFIED//TLP:GREEN", "body": "Remote access may be lost for days."},
            {"section_id": "do", "kind": "actions", "label": "UNCLASSIFIED//TLP:CLEAR",
             "actions": [{"text": "Apply the vendor fix", "due": "2025-09-15"},
                         {"text": "Reset VPN credentials", "due": "2025-09-05"}]},
            {"section_id": "iocs", "kind": "indicators", "label": "UNCLASSIFIED//TLP:GREEN",
             "indicators": [{"type": "ipv4", "value": "203.0.113.7"},
                            {"type": "domain", "value": "update-check.example"},
                            {"type": "sha256", "value": "ab" * 32},
                            {"type": "url", "value": "https://update-check.example/a'b"}]},
            {"section_id": "ttp", "kind": "techniques", "label": "UNCLASSIFIED//TLP:CLEAR",
             "techniques": ["T1190", "T1133"]},
            {"section_id": "cve", "kind": "cves", "label": "UNCLASSIFIED//TLP:CLEAR",
             "cves": ["CVE-2024-21887", "CVE-2023-46805"]},
            {"section_id": "annex", "kind": "technical_annex", "label": "SECRET/CYBER//TLP:AMBER",
             "body": "ANNEX-SECRET-TEXT: attribution details.",
             "indicators": [{"type": "ipv4", "value": "198.51.100.99"}]},
            {"section_id": "red", "kind": "technical_annex", "label": "UNCLASSIFIED//TLP:RED",
             "body": "RED-ONLY-TEXT: victim names."},
        ],
    }
    doc.update(overrides)
    return doc


@pytest.fixture
def advisory(policy: Policy) -> Document:
    return parse_document(advisory_dict(), policy)


@pytest.fixture
def make_advisory() -> Callable[..., dict[str, Any]]:
    return advisory_dict


def _validate(bundle: dict[str, Any]) -> list[str]:
    from stix2validator import ValidationOptions, validate_instance

    with warnings.catch_warnings():
        # The validator's own dependencies must not turn its run into a test failure; any
        # warning they raise is about them, not about the bundle under test.
        warnings.simplefilter("ignore")
        result = validate_instance(bundle, ValidationOptions(strict=True, enforce_refs=True))
    messages = [str(e) for e in getattr(result, "errors", [])]
    messages += [f"warning: {w}" for w in getattr(result, "warnings", [])]
    for obj_result in getattr(result, "object_results", []) or []:
        messages += [str(e) for e in obj_result.errors]
        messages += [f"warning: {w}" for w in obj_result.warnings]
    if not result.is_valid and not messages:
        messages.append("invalid")
    return messages


@pytest.fixture(scope="session")
def stix_problems() -> Callable[[dict[str, Any]], list[str]]:
    """Run the OASIS stix2-validator in strict mode; the list is empty for a valid bundle."""
    return _validate


# --------------------------------------------------------------------------- TAXII
COLLECTION_ID = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
READONLY_ID = "472c94ae-3113-4e3e-a4dd-a9f4ac7471d4"


@pytest.fixture(scope="module")
def taxii_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """medallion (OASIS reference TAXII 2.1 server), memory backend, on a free loopback port."""
    tmp = tmp_path_factory.mktemp("medallion")
    password = secrets.token_urlsafe(16)
    collection = {"can_read": True, "media_types": ["application/stix+json;version=2.1"],
                  "objects": [], "manifest": []}
    config = {
        "users": {"analyst": password},
        "taxii": {"max_page_size": 3},
        "backend": {"data": {
            "/discovery": {"title": "Test TAXII", "description": "loopback test server",
                           "contact": "nobody@example.invalid", "default": "", "api_roots": []},
            "api1": {
                "information": {"title": "API root 1", "description": "tests",
                                "versions": ["application/taxii+json;version=2.1"],
                                "max_content_length": 2_000_000},
                "status": [],
                "collections": [
                    {**collection, "id": COLLECTION_ID, "title": "Shared",
                     "description": "read-write", "can_write": True},
                    {**collection, "id": READONLY_ID, "title": "Feed",
                     "description": "read-only", "can_write": False},
                ],
            },
        }},
    }
    cfg = tmp / "config.json"
    cfg.write_text(json.dumps(config), encoding="utf-8")
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, str(RUNNER), str(cfg)],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        proc.stdout.close()
        if not line.isdigit():
            raise RuntimeError("medallion did not start: "
                               + (tmp / "server.log").read_text("utf-8", "replace")[-2000:])
        yield {"url": f"http://127.0.0.1:{line}", "auth": ("analyst", password),
               "collection": COLLECTION_ID, "readonly": READONLY_ID}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
