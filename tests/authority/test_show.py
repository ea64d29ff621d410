"""``show`` summarises every kind of Renkei document and verifies with ``--authority``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crypto.encoding import b64d, b64e
from intel.markings import Policy

NOT_CHECKED = "not checked"


@pytest.fixture
def world(auth: Any, new_device: Any, run: Any, tmp_path: Path) -> dict[str, Path]:
    """An authority with one certificate, one revoked certificate, a CRL and a policy."""
    alice, bob = new_device("alice"), new_device("bob", org="power-co", display="Bob Example")
    files = {"request": alice.request, "pub": auth.dir / "authority.pub",
             "key": auth.dir / "authority.key", "state": auth.dir / "state.json"}
    for name, dev in (("alice", alice), ("bob", bob)):
        files[name] = tmp_path / f"{name}.cert"
        assert run(*auth.args("issue", dev.request, "--level", "SECRET", "--compartments",
                              "CYBER,FIN", "--roles", "room-admin", "--days", "10",
                              "--out", files[name])).rc == 0
    assert run("revoke", "2", "--reason", "left the company", "--dir", auth.dir).rc == 0
    files["crl"] = tmp_path / "crl.json"
    assert run(*auth.args("crl", "--out", files["crl"])).rc == 0
    files["policy_src"] = tmp_path / "policy.json"
    files["policy_src"].write_text(json.dumps(Policy.default().to_dict() | {"version": 5},
                                              ensure_ascii=False), encoding="utf-8")
    files["policy"] = tmp_path / "policy.signed.json"
    assert run(*auth.args("sign-policy", files["policy_src"], "--out", files["policy"])).rc == 0
    return files


def test_show_certificate(world: dict[str, Path], auth: Any, run: Any) -> None:
    r = run("show", world["alice"])
    assert r.rc == 0, r.err
    for text in ("serial:", " 1", "alice (Alice Example)", "ministry-a", "SECRET", "CYBER, FIN",
                 "room-admin", "device id:", "device fingerprint:", "valid until:",
                 auth.pub.fingerprint, NOT_CHECKED, "within its validity period"):
        assert text in r.out, text
    r = run("show", world["alice"], "--authority", world["pub"])
    assert r.rc == 0 and "valid, signed by the given authority" in r.out
    # The authority directory may be given instead of the file.
    assert run("show", world["alice"], "--authority", auth.dir).rc == 0


def test_show_certificate_status(world: dict[str, Path], auth: Any, run: Any) -> None:
    r = run("show", world["bob"], "--authority", auth.dir, "--crl", world["crl"])
    assert r.rc == 0 and "REVOKED" in r.out and "power-co" in r.out
    r = run("show", world["alice"], "--authority", auth.dir, "--crl", world["crl"])
    assert r.rc == 0 and "not revoked" in r.out
    r = run("show", world["alice"], now=1_750_000_000 + 11 * 86400)
    assert "EXPIRED" in r.out


def test_show_forged_certificate_fails_verification(world: dict[str, Path], auth: Any,
                                                    run: Any, tmp_path: Path,
                                                    assert_error: Any) -> None:
    doc = json.loads(world["alice"].read_text())
    doc["certificate"]["level"] = "TOP-SECRET"
    forged = tmp_path / "forged.cert"
    forged.write_text(json.dumps(doc))
    assert run("show", forged).rc == 0  # readable, but says it was not checked
    assert_error(run("show", forged, "--authority", world["pub"]), "does not verify", "forged")


def test_show_with_another_authority(world: dict[str, Path], run: Any, tmp_path: Path,
                                     pwfile: Path, assert_error: Any) -> None:
    other = tmp_path / "other"
    assert run("init", "--out", other, "--passphrase-file", pwfile).rc == 0
    for name, what in (("alice", "certificate"), ("crl", "revocation list"),
                       ("policy", "signed policy")):
        assert_error(run("show", world[name], "--authority", other), what,
                     "does not verify")
    assert_error(run("show", world["pub"], "--authority", other), "not the given authority")


def test_show_enrolment_request(world: dict[str, Path], run: Any, tmp_path: Path,
                                assert_error: Any) -> None:
    r = run("show", world["request"])
    assert r.rc == 0
    for text in ("enrolment request", "alice (Alice Example)", "ministry-a", "device id:",
                 "device fingerprint:", "proof of possession"):
        assert text in r.out, text
    doc = json.loads(world["request"].read_text())
    doc["enrolment"]["org"] = "elsewhere"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(doc))
    assert_error(run("show", forged), "enrolment request", "forged")


def test_show_crl(world: dict[str, Path], run: Any) -> None:
    r = run("show", world["crl"])
    assert r.rc == 0 and NOT_CHECKED in r.out
    assert "serial 2" in r.out and "left the company" in r.out and "1 certificate" in r.out
    r = run("show", world["crl"], "--authority", world["pub"])
    assert r.rc == 0 and "valid, signed by the given authority" in r.out


def test_show_policy(world: dict[str, Path], run: Any) -> None:
    r = run("show", world["policy"], "--authority", world["pub"])
    assert r.rc == 0 and "(signed)" in r.out and "version:" in r.out and " 5" in r.out
    for text in ("TOP-SECRET", "機密", "CYBER", "サイバー作戦", "valid, signed"):
        assert text in r.out, text
    r = run("show", world["policy_src"])
    assert r.rc == 0 and "(unsigned)" in r.out


def test_show_authority_files(world: dict[str, Path], auth: Any, run: Any) -> None:
    r = run("show", world["pub"])
    assert r.rc == 0 and auth.pub.fingerprint in r.out
    r = run("show", world["pub"], "--authority", world["pub"])
    assert r.rc == 0 and "matches" in r.out
    key_blob = json.loads(world["key"].read_text())
    r = run("show", world["key"])
    assert r.rc == 0 and auth.pub.fingerprint in r.out and "Argon2id" in r.out
    assert key_blob["ciphertext"] not in r.out
    r = run("show", world["state"])
    assert r.rc == 0
    for text in ("next serial:", " 3", "alice@ministry-a", "bob@power-co", "revoked", "valid"):
        assert text in r.out, text


def test_show_unknown_and_broken(run: Any, tmp_path: Path, world: dict[str, Path],
                                 assert_error: Any) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text('{"hello": 1}')
    assert_error(run("show", odd), "not a Renkei document")
    odd.write_text("not json at all")
    assert_error(run("show", odd), "not valid JSON")
    assert_error(run("show", tmp_path / "missing"), "no such file")
    doc = json.loads(world["alice"].read_text())
    doc["signature"] = b64e(b64d(doc["signature"])[:10])
    odd.write_text(json.dumps(doc))
    assert_error(run("show", odd), "certificate", "64 bytes")
    assert_error(run("show", world["alice"], "--crl", world["crl"]), "--crl needs --authority")
