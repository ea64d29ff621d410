"""``renkei account create | import-cert | show``, and how errors are reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from client import cli, cli_account


def _create(run: Any, d: Path, server: str, pub: Path, *extra: str | Path,
            stdin: str | None = None) -> Any:
    return run("--account", d, "account", "create", "--server", server, "--authority", pub,
               "--user", "alice", "--name", "Alice Example", "--org", "ministry-a", *extra,
               stdin=stdin)


def test_create_with_keyring_import_and_show(tmp_path: Path, run: Any, memory_keyring: Any,
                                            cli_authority: Any) -> None:
    pub = cli_authority.write_pub(tmp_path / "authority.pub")
    d = tmp_path / "acct"
    r = _create(run, d, "http://127.0.0.1:9", pub, "--keyring")
    assert r.rc == 0, r.err
    assert "enrolment request" in r.out and str(d / "enrolment.json") in r.out
    assert "OS keyring" in r.out
    assert not (d / "secrets.json").exists()
    assert any(k[0] == "renkei" for k in memory_keyring.entries)
    shown = run("--account", d, "account", "show")
    assert shown.rc == 0 and "none yet" in shown.out
    fp_before = next(ln for ln in shown.out.splitlines() if "device fingerprint" in ln)

    sc = cli_authority.issue((d / "enrolment.json").read_bytes(), "SECRET",
                             compartments=["CYBER"], roles=["publisher"])
    cert = tmp_path / "cert.json"
    cert.write_bytes(sc.to_bytes())
    r = run("--account", d, "account", "import-cert", cert)
    assert r.rc == 0, r.err
    assert "SECRET / CYBER" in r.out and "publisher" in r.out
    shown = run("--account", d, "account", "show")
    assert shown.rc == 0
    assert fp_before.split(":", 1)[1].strip() in shown.out
    assert sc.cert.device_id in shown.out and "(valid)" in shown.out
    assert cli_authority.fingerprint in shown.out


def test_no_keyring_explains_and_needs_a_passphrase(tmp_path: Path, run: Any, no_keyring: Any,
                                                    cli_authority: Any, pwfile: Path,
                                                    error: Any) -> None:
    pub = cli_authority.write_pub(tmp_path / "authority.pub")
    r = _create(run, tmp_path / "a", "http://127.0.0.1:9", pub, "--keyring")
    error(r, 1, "no usable OS keyring", "--passphrase-file")
    r = _create(run, tmp_path / "b", "http://127.0.0.1:9", pub, stdin="")
    error(r, 2, "passphrase is needed", "--passphrase-file")
    assert "No OS keyring works here" in r.err
    assert not (tmp_path / "b" / "account.json").exists()
    r = _create(run, tmp_path / "c", "http://127.0.0.1:9", pub, "--passphrase-file", pwfile)
    assert r.rc == 0, r.err
    assert (tmp_path / "c" / "secrets.json").exists()
    short = tmp_path / "short.txt"
    short.write_text("abc\n")
    r = _create(run, tmp_path / "d", "http://127.0.0.1:9", pub, "--passphrase-file", short)
    error(r, 2, "at least 8 characters")


def test_refuses_to_overwrite_and_bad_inputs(tmp_path: Path, run: Any, cli_authority: Any,
                                             pwfile: Path, error: Any) -> None:
    pub = cli_authority.write_pub(tmp_path / "authority.pub")
    d = tmp_path / "acct"
    assert _create(run, d, "http://127.0.0.1:9", pub, "--passphrase-file", pwfile).rc == 0
    before = (d / "account.json").read_bytes()
    error(_create(run, d, "http://127.0.0.1:9", pub, "--passphrase-file", pwfile), 2,
          "already exists")
    assert (d / "account.json").read_bytes() == before
    error(_create(run, tmp_path / "x", "ftp://host", pub, "--passphrase-file", pwfile), 2,
          "http")
    error(_create(run, tmp_path / "y", "http://127.0.0.1:9", tmp_path / "missing.pub"), 2,
          "no such file")
    error(run("--account", d, "account", "create", "--server", "http://127.0.0.1:9"), 2,
          "required")
    error(run("--account", d, "sync", "--bogus"), 2, "unrecognized arguments")
    error(run("--account", tmp_path / "nothing", "rooms"), 2, "no renkei account")
    # A certificate for another device, and a damaged one.
    other = cli_authority.issue(_other_request(), "SECRET")
    f = tmp_path / "other.json"
    f.write_bytes(other.to_bytes())
    error(run("--account", d, "account", "import-cert", f), 2, "another device")
    f.write_text("{not json")
    error(run("--account", d, "account", "import-cert", f), 2, "not accepted")
    # No certificate yet: commands that need it say what to do.
    error(run("--account", d, "--passphrase-file", pwfile, "rooms"), 2, "no certificate yet")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase at all\n")
    error(run("--account", d, "--passphrase-file", wrong, "rooms"), 2, "passphrase")


def _other_request() -> dict[str, Any]:
    from crypto.certs import EnrolmentRequest
    from crypto.identity import DeviceKeys

    return EnrolmentRequest.create(DeviceKeys.generate(), "bob", "Bob", "org-b", 1_700_000_000)


def test_authority_by_fingerprint(tmp_path: Path, run: Any, cli_authority: Any, pwfile: Path,
                                  error: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key is fetched from the server and pinned only when the fingerprint matches."""
    served = {"body": cli_authority.pub.to_bytes(), "status": 200}

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/authority"
        return httpx.Response(served["status"], content=served["body"])

    import sync.engine as engine

    real = engine.fetch_authority
    monkeypatch.setattr(engine, "fetch_authority", lambda url, **kw: real(
        url, transport=httpx.MockTransport(handler)))

    def create(d: str, fp: str) -> Any:
        return run("--account", tmp_path / d, "account", "create", "--server",
                   "http://127.0.0.1:9", "--authority-fingerprint", fp, "--user", "alice",
                   "--name", "Alice", "--org", "org-a", "--passphrase-file", pwfile)

    r = create("ok", cli_authority.fingerprint.lower().replace("-", " "))
    assert r.rc == 0, r.err
    pinned = json.loads((tmp_path / "ok" / "account.json").read_text())["authority"]
    assert pinned["fingerprint"] == cli_authority.fingerprint
    # A server presenting another key (impersonated, or the wrong server): refused.
    served["body"] = worldlib_authority().pub.to_bytes()
    error(create("mismatch", cli_authority.fingerprint), 1, "nothing was created")
    assert not (tmp_path / "mismatch" / "account.json").exists()
    served["status"], served["body"] = 404, b'{"error":"not_found","message":"no"}'
    error(create("absent", cli_authority.fingerprint), 1, "authority.pub")
    error(create("short", "ABCD-1234"), 2, "64 hex digits")


def worldlib_authority() -> Any:
    from crypto import authority

    class _A:
        pub = authority.public_of(authority.generate())

    return _A()


def test_help_and_registry_extension_point(run: Any) -> None:
    r = run("--help")
    assert r.rc == 0
    for name in ("account", "sync", "rooms", "room", "send", "read", "search"):
        assert name in r.out
    assert all(m.startswith("client.cli_") for m in cli.COMMAND_MODULES)
    assert hasattr(cli_account, "register")


def test_authority_fingerprint_against_the_real_server(tmp_path: Path, run: Any, server: Any,
                                                       cli_authority: Any, pwfile: Path,
                                                       error: Any) -> None:
    def create(d: str, fp: str) -> Any:
        return run("--account", tmp_path / d, "account", "create", "--server", server.url,
                   "--authority-fingerprint", fp, "--user", "alice", "--name", "Alice",
                   "--org", "org-a", "--passphrase-file", pwfile)

    r = create("ok", cli_authority.fingerprint)
    assert r.rc == 0, r.err
    assert cli_authority.fingerprint in r.out
    other = worldlib_authority().pub.fingerprint
    error(create("bad", other), 1, "not the one you gave")
    assert not (tmp_path / "bad").exists() or not (tmp_path / "bad" / "account.json").exists()
