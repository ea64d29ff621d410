"""End to end: init → enrolment request → issue → revoke → crl → sign-policy."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crypto import authority
from crypto.certs import RevocationList, SignedCertificate, verify_policy
from crypto.encoding import b64e
from crypto.errors import AuthenticationFailed, CertificateRejected, KeyStorageError
from intel.markings import Policy

NOW = 1_750_000_000
DAY = 86400


def _cert(path: Path) -> SignedCertificate:
    return SignedCertificate.parse(path.read_bytes())


def test_init_creates_the_authority_files(run: Any, tmp_path: Path, pwfile: Path) -> None:
    d = tmp_path / "nested" / "ca"
    r = run("init", "--out", d, "--passphrase-file", pwfile)
    assert r.rc == 0, r.err
    pub = authority.AuthorityPublic.parse((d / "authority.pub").read_bytes())
    assert pub.fingerprint in r.out
    assert stat.S_IMODE((d / "authority.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((d / "state.json").stat().st_mode) == 0o600
    state = json.loads((d / "state.json").read_text())
    assert state["next_serial"] == 1 and state["last_crl_serial"] == 0
    assert state["issued"] == [] and state["revocations"] == []
    assert state["fingerprint"] == pub.fingerprint


def test_key_file_holds_no_plaintext_seed(auth: Any) -> None:
    blob = (auth.dir / "authority.key").read_bytes()
    key = authority.unprotect(blob, auth.pwfile.read_text().rstrip("\n"))
    assert bytes(key.verify_key) == auth.pub.public_key
    seed = bytes(key)
    assert len(seed) == 32
    for needle in (seed, seed.hex().encode(), seed.hex().upper().encode(), b64e(seed).encode(),
                   base64.b64encode(seed).rstrip(b"=")):
        assert needle not in blob
    with pytest.raises(KeyStorageError):
        authority.unprotect(blob, "not the passphrase at all")


def test_init_refuses_to_overwrite(auth: Any, run: Any, assert_error: Any) -> None:
    before = {p.name: p.read_bytes() for p in auth.dir.iterdir()}
    r = run("init", "--out", auth.dir, "--passphrase-file", auth.pwfile)
    assert_error(r, "already exists", "refusing to overwrite")
    assert {p.name: p.read_bytes() for p in auth.dir.iterdir()} == before


def test_issue_certificate_carries_the_clearance(auth: Any, device: Any, run: Any,
                                                 tmp_path: Path) -> None:
    out = tmp_path / "alice.cert"
    r = run(*auth.args("issue", device.request, "--level", "SECRET", "--compartments",
                       "CYBER,OT", "--roles", "publisher,intake", "--days", "30", "--out", out))
    assert r.rc == 0, r.err
    assert device.keys.public.fingerprint in r.out
    cert = _cert(out).verify(auth.pub.public_key, NOW + 1)
    assert cert.serial == 1
    assert (cert.user_id, cert.display_name, cert.org) == ("alice", "Alice Example",
                                                         "ministry-a")
    assert cert.level == "SECRET"
    assert cert.compartments == {"CYBER", "OT"}
    assert cert.roles == {"publisher", "intake"}
    assert cert.keys == device.keys.public and cert.device_id == device.keys.device_id
    assert (cert.not_before, cert.not_after) == (NOW, NOW + 30 * DAY)
    with pytest.raises(CertificateRejected):
        _cert(out).verify(auth.pub.public_key, NOW + 30 * DAY)
    # Exactly what SignedCertificate.to_bytes() gives: the canonical form.
    assert out.read_bytes() == _cert(out).to_bytes()


def test_issue_defaults_serials_and_org_override(auth: Any, new_device: Any, run: Any,
                                                 tmp_path: Path) -> None:
    a, b = new_device("alice"), new_device("bob", org="power-co", display="Bob Example")
    assert run(*auth.args("issue", a.request, "--level", "confidential",
                          "--out", tmp_path / "a.cert")).rc == 0
    assert run(*auth.args("issue", b.request, "--level", "UNCLASSIFIED", "--org", "grid-op",
                          "--out", tmp_path / "b.cert")).rc == 0
    ca = _cert(tmp_path / "a.cert").verify(auth.pub.public_key, NOW)
    cb = _cert(tmp_path / "b.cert").verify(auth.pub.public_key, NOW)
    assert (ca.serial, cb.serial) == (1, 2)
    assert ca.level == "CONFIDENTIAL" and ca.compartments == frozenset() and ca.roles == set()
    assert ca.not_after - ca.not_before == 365 * DAY
    assert ca.org == "ministry-a" and cb.org == "grid-op"
    state = json.loads((auth.dir / "state.json").read_text())
    assert state["next_serial"] == 3
    assert [(i["serial"], i["device_id"]) for i in state["issued"]] == [
        (1, a.keys.device_id), (2, b.keys.device_id)]


def test_certificate_does_not_verify_against_another_authority(
        auth: Any, device: Any, run: Any, tmp_path: Path, pwfile: Path) -> None:
    other = tmp_path / "other"
    assert run("init", "--out", other, "--passphrase-file", pwfile).rc == 0
    other_pub = authority.AuthorityPublic.parse((other / "authority.pub").read_bytes())
    out = tmp_path / "c.cert"
    assert run(*auth.args("issue", device.request, "--level", "SECRET", "--out", out)).rc == 0
    with pytest.raises((AuthenticationFailed, CertificateRejected)):
        _cert(out).verify(other_pub.public_key, NOW)


def test_revoke_and_crl_with_monotonic_serials(auth: Any, new_device: Any, run: Any,
                                               tmp_path: Path, assert_error: Any) -> None:
    a, b = new_device("alice"), new_device("bob")
    for dev, name in ((a, "a"), (b, "b")):
        assert run(*auth.args("issue", dev.request, "--level", "SECRET",
                              "--out", tmp_path / f"{name}.cert")).rc == 0
    ca, cb = _cert(tmp_path / "a.cert").cert, _cert(tmp_path / "b.cert").cert
    pk = auth.pub.public_key

    crl0 = tmp_path / "crl0.json"
    assert run(*auth.args("crl", "--out", crl0)).rc == 0
    empty = RevocationList.verify(crl0.read_bytes(), pk)
    assert empty.serial == 1 and not empty.is_revoked(ca)

    r = run("revoke", "1", "--reason", "key compromise", "--dir", auth.dir, now=NOW + 10)
    assert r.rc == 0, r.err
    crl1 = tmp_path / "crl1.json"
    assert run(*auth.args("crl", "--out", crl1), now=NOW + 20).rc == 0
    l1 = RevocationList.verify(crl1.read_bytes(), pk, previous_serial=empty.serial)
    assert l1.serial == 2 and l1.issued_at == NOW + 20
    assert l1.is_revoked(ca) and not l1.is_revoked(cb)
    (entry,) = l1.entries
    assert (entry.serial, entry.device_id, entry.revoked_at, entry.reason) == (
        1, a.keys.device_id, NOW + 10, "key compromise")
    with pytest.raises(CertificateRejected):
        _cert(tmp_path / "a.cert").verify(pk, NOW + 30, l1)

    assert run("revoke", b.keys.device_id, "--dir", auth.dir).rc == 0
    crl2 = tmp_path / "crl2.json"
    assert run(*auth.args("crl", "--out", crl2)).rc == 0
    l2 = RevocationList.verify(crl2.read_bytes(), pk, previous_serial=l1.serial)
    assert l2.serial == 3 and l2.is_revoked(ca) and l2.is_revoked(cb)
    # A verifier holding list 3 refuses list 2: the serial is what makes rollback visible.
    with pytest.raises(CertificateRejected):
        RevocationList.verify(crl1.read_bytes(), pk, previous_serial=l2.serial)

    assert_error(run("revoke", "1", "--dir", auth.dir), "already revoked")
    # A revoked device cannot be certified again with the same keys.
    assert_error(run(*auth.args("issue", a.request, "--level", "SECRET",
                                "--out", tmp_path / "again.cert")), "revoked")


def _policy_doc(**changes: Any) -> dict[str, Any]:
    doc = Policy.default().to_dict()
    doc.update(changes)
    return doc


def test_sign_policy_and_issue_against_it(auth: Any, device: Any, run: Any, tmp_path: Path,
                                          assert_error: Any) -> None:
    doc = _policy_doc(version=2, levels=Policy.default().to_dict()["levels"][:3],
                      compartments=[{"key": "ENERGY", "name_en": "Energy sector",
                                     "name_ja": "エネルギー分野"}])
    src = tmp_path / "policy.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "policy.signed.json"
    r = run(*auth.args("sign-policy", src, "--out", out))
    assert r.rc == 0, r.err
    pol = verify_policy(out.read_bytes(), auth.pub.public_key)
    assert pol == Policy.from_dict(doc)
    assert pol.compartment_keys() == {"ENERGY"}

    # New certificates follow the signed policy kept in the authority directory.
    assert_error(run(*auth.args("issue", device.request, "--level", "SECRET",
                                "--compartments", "CYBER", "--out", tmp_path / "x.cert")),
                 "unknown compartment", "CYBER", "ENERGY")
    assert_error(run(*auth.args("issue", device.request, "--level", "TOP-SECRET",
                                "--out", tmp_path / "x.cert")), "unknown level", "TOP-SECRET")
    cert_path = tmp_path / "ok.cert"
    assert run(*auth.args("issue", device.request, "--level", "SECRET", "--compartments",
                          "energy", "--out", cert_path)).rc == 0
    assert _cert(cert_path).verify(auth.pub.public_key, NOW).compartments == {"ENERGY"}

    # An older or same-numbered but different policy is refused: clients would not take it.
    src.write_text(json.dumps(_policy_doc(version=2)), encoding="utf-8")
    assert_error(run(*auth.args("sign-policy", src, "--out", out)), "version 2")
    assert verify_policy(out.read_bytes(), auth.pub.public_key) == pol


def test_signed_policy_tampered_in_directory_is_refused(auth: Any, device: Any, run: Any,
                                                        tmp_path: Path,
                                                        assert_error: Any) -> None:
    src = tmp_path / "policy.json"
    src.write_text(json.dumps(_policy_doc(version=3)), encoding="utf-8")
    assert run(*auth.args("sign-policy", src, "--out", tmp_path / "p.json")).rc == 0
    kept = auth.dir / "policy.signed.json"
    doc = json.loads(kept.read_text())
    doc["policy"]["compartments"].append({"key": "EXTRA", "name_en": "x", "name_ja": "x"})
    kept.write_text(json.dumps(doc))
    assert_error(run(*auth.args("issue", device.request, "--level", "SECRET", "--compartments",
                                "EXTRA", "--out", tmp_path / "x.cert")), "altered")


def test_prompts_for_passphrase_twice_on_init(run: Any, tmp_path: Path, device: Any,
                                              monkeypatch: pytest.MonkeyPatch,
                                              assert_error: Any) -> None:
    answers = iter(["a long synthetic phrase", "a long synthetic phrase",
                    "a long synthetic phrase"])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr(sys, "stdin", _Tty())
    d = tmp_path / "ca"
    assert run("init", "--out", d).rc == 0
    assert len(prompts) == 2
    assert run("issue", device.request, "--level", "SECRET", "--out", tmp_path / "c.cert",
               "--dir", d).rc == 0
    assert len(prompts) == 3

    monkeypatch.setattr("getpass.getpass", lambda prompt="": prompt)
    assert_error(run("init", "--out", tmp_path / "ca2"), "differ")
    assert not (tmp_path / "ca2").exists()


class _Tty:
    def isatty(self) -> bool:
        return True


def _env() -> dict[str, str]:
    env = dict(os.environ, RENKEI_TEST_FAST_KDF="1")
    env.pop("RENKEI_DEBUG", None)
    return env


def test_module_runs_headless_without_qt(tmp_path: Path, pwfile: Path) -> None:
    code = ("import sys, client.authority_cli; "
            "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], env=_env(), timeout=60).returncode == 0
    cmd = [sys.executable, "-m", "client.authority_cli"]
    h = subprocess.run([*cmd, "--help"], capture_output=True, text=True, env=_env(), timeout=60)
    assert h.returncode == 0 and "sign-policy" in h.stdout
    ok = subprocess.run([*cmd, "--dir", tmp_path / "ca", "init", "--passphrase-file", pwfile],
                        capture_output=True, text=True, env=_env(), timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "ca" / "authority.pub").is_file()
    bad = subprocess.run([*cmd, "--dir", tmp_path / "ca", "issue", tmp_path / "missing.json",
                          "--level", "SECRET", "--out", tmp_path / "x"],
                         capture_output=True, text=True, env=_env(), timeout=60)
    assert bad.returncode == 2
    assert bad.stderr.startswith("renkei-authority: error: enrolment request")
    assert "no such file" in bad.stderr and "Traceback" not in bad.stderr


def test_default_kdf_limits_are_moderate(run: Any, tmp_path: Path, pwfile: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from crypto import primitives as p

    seen: list[tuple[int, int]] = []
    real = authority.protect

    def spy(key: Any, passphrase: str, *, ops: int, mem: int) -> bytes:
        seen.append((ops, mem))
        return real(key, passphrase, ops=p.ARGON_OPS_MIN, mem=p.ARGON_MEM_MIN)

    monkeypatch.setattr(authority, "protect", spy)
    monkeypatch.delenv("RENKEI_TEST_FAST_KDF")
    assert run("init", "--out", tmp_path / "a", "--passphrase-file", pwfile).rc == 0
    assert run("init", "--out", tmp_path / "b", "--passphrase-file", pwfile,
               "--fast-kdf").rc == 0
    assert seen == [(p.ARGON_OPS_DEFAULT, p.ARGON_MEM_DEFAULT), (p.ARGON_OPS_MIN, p.ARGON_MEM_MIN)]
    assert p.ARGON_OPS_DEFAULT > p.ARGON_OPS_MIN
