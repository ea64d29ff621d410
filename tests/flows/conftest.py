"""Fixtures for the flows: a real ``renkei-server``, a cast of synthetic people, the ``renkei``
CLI with the intel commands, the OASIS STIX validator and a medallion TAXII server.

The world helpers are the sync tests' (``tests/sync/worldlib.py``, loaded by path: the suite
runs with ``--import-mode=importlib``); the validator and medallion setups follow
``tests/intel/conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import secrets
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
DATA = TESTS / "data"
MEDALLION_RUNNER = TESTS / "intel" / "medallion_runner.py"
NOW = dt.datetime(2025, 9, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def _load(name: str) -> ModuleType:
    modname = f"renkei_tests_sync_{name}"  # the name tests/sync and tests/cli use too
    if modname in sys.modules:
        return sys.modules[modname]
    spec = importlib.util.spec_from_file_location(modname, TESTS / "sync" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    return mod


worldlib = _load("worldlib")


@pytest.fixture(scope="session")
def wl() -> ModuleType:
    return worldlib


# -- server and people ---------------------------------------------------------------------
@pytest.fixture(scope="session")
def authority() -> Any:
    return worldlib.Authority()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, authority: Any) -> Iterator[Any]:
    """One ``renkei-server`` per xdist worker; every test uses people of its own."""
    base = tmp_path_factory.mktemp("flows-server")
    proc = worldlib.ServerProc(base / "data", authority.write_pub(base / "authority.pub"))
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def world(tmp_path: Path, server: Any, authority: Any) -> Iterator[Any]:
    w = worldlib.World(tmp_path, authority, server.url)
    try:
        yield w
    finally:
        w.close()


@dataclass
class Cast:
    """publisher (SECRET/CYBER, publisher role), desk (CONFIDENTIAL, intake role), analyst
    (SECRET/CYBER), responder (CONFIDENTIAL), executive (UNCLASSIFIED), reporter
    (CONFIDENTIAL, critical-infrastructure operator)."""

    publisher: Any
    desk: Any
    analyst: Any
    responder: Any
    executive: Any
    reporter: Any

    def everyone(self) -> list[Any]:
        return [self.publisher, self.desk, self.analyst, self.responder, self.executive,
                self.reporter]


@pytest.fixture
def cast(world: Any) -> Cast:
    c = Cast(
        publisher=world.person("publisher", "SECRET", compartments=["CYBER"],
                               roles=["publisher"], org="ncc", unique=True),
        desk=world.person("desk", "CONFIDENTIAL", roles=["intake"], org="ncc", unique=True),
        analyst=world.person("analyst", "SECRET", compartments=["CYBER"], org="org-a",
                             unique=True),
        responder=world.person("responder", "CONFIDENTIAL", org="org-b", unique=True),
        executive=world.person("executive", "UNCLASSIFIED", org="org-a", unique=True),
        reporter=world.person("reporter", "CONFIDENTIAL", roles=["reporter"], org="telco",
                              unique=True),
    )
    world.sync_all(c.everyone(), rounds=1)
    return c


# -- the CLI --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    rc: int
    out: str
    err: str


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """``renkei`` in-process with the intel commands registered (until ``client/cli.py``
    lists them itself); asserts no traceback ever reaches the user."""
    from client import cli

    monkeypatch.setenv("RENKEI_TEST_FAST_KDF", "1")
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    modules = tuple(cli.COMMAND_MODULES)
    if "client.cli_intel" not in modules:
        modules += ("client.cli_intel",)
    original = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda mods=modules: original(mods))

    def _run(*argv: str | Path) -> Result:
        out, err = io.StringIO(), io.StringIO()
        rc = cli.main([str(a) for a in argv], out=out, err=err)
        assert "Traceback" not in err.getvalue()
        return Result(rc, out.getvalue(), err.getvalue())

    return _run


@pytest.fixture
def as_user(tmp_path: Path) -> Callable[[Any], list[str]]:
    """The options that make the CLI act as a world person (close their session first)."""
    pw = tmp_path / "passphrase.txt"
    pw.write_text(worldlib.PASSPHRASE + "\n", encoding="utf-8")

    def args(person: Any) -> list[str]:
        return ["--account", str(person.directory), "--passphrase-file", str(pw)]

    return args


def assert_error(r: Result, code: int, *fragments: str) -> None:
    assert r.rc == code, (r.rc, r.out, r.err)
    lines = r.err.strip().splitlines()
    assert lines and lines[-1].startswith("renkei: error: "), r.err
    assert len([ln for ln in lines if ln.startswith("renkei: error: ")]) == 1, r.err
    for f in fragments:
        assert f.lower() in lines[-1].lower(), (f, lines[-1])


# -- sample content ------------------------------------------------------------------------
def report_dict(**overrides: Any) -> dict[str, Any]:
    rid = overrides.pop("report_id", f"IR-20250901-{secrets.token_hex(4).upper()}")
    stamp = NOW.isoformat()
    doc: dict[str, Any] = {
        "stage": "quick", "report_id": rid, "thread_id": rid,
        "label": "CONFIDENTIAL//TLP:AMBER+STRICT",
        "entity": {"name": "Example Telecom", "sector": "information_communications",
                   "org_id": "telco"},
        "contact": {"name": "Duty Officer", "email": "soc@telecom.example",
                    "phone": "+81 3-1234-5678"},
        "timeline": {"detected_at": stamp, "aware_at": stamp, "reported_at": stamp},
        "containment": "ongoing", "category": "ransomware",
        "summary": "File servers encrypted at the Osaka site.",
        "purposes": ["incident_response"], "consent": True,
    }
    doc.update(overrides)
    return doc


def advisory_dict(doc_id: str, **overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "advisory", "document_id": doc_id, "version": 1,
        "title": "Exploitation of VPN appliances", "header_label": "UNCLASSIFIED//TLP:CLEAR",
        "severity": "high", "publisher": "National Cyber Centre",
        "issued_at": NOW.isoformat(),
        "sections": [
            {"section_id": "summary", "kind": "executive_summary",
             "label": "UNCLASSIFIED//TLP:CLEAR", "body": "Attackers exploit VPN appliances."},
            {"section_id": "impact", "kind": "business_impact",
             "label": "UNCLASSIFIED//TLP:GREEN", "body": "GREENCANARY remote access lost."},
            {"section_id": "do", "kind": "actions", "label": "UNCLASSIFIED//TLP:CLEAR",
             "actions": [{"text": "Apply the vendor fix", "due": "2025-09-15"}]},
            {"section_id": "cve", "kind": "cves", "label": "UNCLASSIFIED//TLP:CLEAR",
             "cves": ["CVE-2024-21887", "CVE-2023-46805"]},
            {"section_id": "iocs", "kind": "indicators", "label": "CONFIDENTIAL//TLP:AMBER",
             "indicators": [{"type": "ipv4", "value": "203.0.113.7"}]},
            {"section_id": "annex", "kind": "technical_annex",
             "label": "SECRET/CYBER//TLP:AMBER",
             "body": "ANNEXCANARY attribution details.",
             "indicators": [{"type": "domain", "value": "annex-only.example"}]},
        ],
    }
    doc.update(overrides)
    return doc


@pytest.fixture
def doc_id() -> str:
    return f"ADV-{secrets.token_hex(4).upper()}"


# -- STIX validator and TAXII ---------------------------------------------------------------
def stix_problems(bundle: dict[str, Any]) -> list[str]:
    """The OASIS stix2-validator in strict mode; empty for a valid bundle."""
    from stix2validator import ValidationOptions, validate_instance

    with warnings.catch_warnings():
        # The validator's own dependencies may warn; that says nothing about the bundle.
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


COLLECTION_ID = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"


@pytest.fixture(scope="module")
def taxii_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """medallion (OASIS reference TAXII 2.1 server, memory backend) on a free loopback port."""
    tmp = tmp_path_factory.mktemp("medallion")
    password = secrets.token_urlsafe(16)
    config = {
        "users": {"sharer": password},
        "taxii": {"max_page_size": 3},
        "backend": {"data": {
            "/discovery": {"title": "Test TAXII", "description": "loopback test server",
                           "contact": "nobody@example.invalid", "default": "", "api_roots": []},
            "api1": {
                "information": {"title": "API root 1", "description": "tests",
                                "versions": ["application/taxii+json;version=2.1"],
                                "max_content_length": 2_000_000},
                "status": [],
                "collections": [{
                    "id": COLLECTION_ID, "title": "Shared", "description": "read-write",
                    "can_read": True, "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [], "manifest": []}],
            },
        }},
    }
    cfg = tmp / "config.json"
    cfg.write_text(json.dumps(config), encoding="utf-8")
    pwfile = tmp / "taxii-password.txt"
    pwfile.write_text(password + "\n", encoding="utf-8")
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, str(MEDALLION_RUNNER), str(cfg)],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        proc.stdout.close()
        if not line.isdigit():
            raise RuntimeError("medallion did not start: "
                               + (tmp / "server.log").read_text("utf-8", "replace")[-2000:])
        yield {"url": f"http://127.0.0.1:{line}", "auth": ("sharer", password),
               "user": "sharer", "password_file": pwfile, "collection": COLLECTION_ID}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


# -- helpers handed to tests (test modules cannot import each other under importlib) --------
@pytest.fixture
def make_report() -> Callable[..., dict[str, Any]]:
    return report_dict


@pytest.fixture
def make_advisory() -> Callable[..., dict[str, Any]]:
    return advisory_dict


@pytest.fixture
def error() -> Callable[..., None]:
    return assert_error


@pytest.fixture(scope="session")
def validate_stix() -> Callable[[dict[str, Any]], list[str]]:
    return stix_problems


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA
