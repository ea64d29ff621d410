"""Every bad input ends with one clear line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from intel.markings import Policy


@pytest.fixture
def no_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _issue(auth: Any, request: Path, tmp_path: Path, *extra: str) -> list[Any]:
    return auth.args("issue", request, "--level", "SECRET", *extra, "--out",
                     tmp_path / "out.cert")


@pytest.mark.parametrize("name, content, fragments", [
    ("missing.json", None, ["enrolment request", "no such file"]),
    ("broken.json", "{not json", ["enrolment request", "not valid JSON"]),
    ("list.json", "[1, 2]", ["enrolment request", "JSON object"]),
    ("cert.json", '{"certificate": {}, "signature": "AA"}', ["enrolment request"]),
])
def test_bad_request_files(auth: Any, run: Any, tmp_path: Path, assert_error: Any, name: str,
                           content: str | None, fragments: list[str]) -> None:
    path = tmp_path / name
    if content is not None:
        _write(path, content)
    assert_error(run(*_issue(auth, path, tmp_path)), *fragments)
    assert not (tmp_path / "out.cert").exists()


@pytest.mark.parametrize("field, value", [
    ("display_name", "Mallory Example"), ("org", "other-org"), ("user_id", "root"),
])
def test_forged_request_is_refused(auth: Any, device: Any, run: Any, tmp_path: Path,
                                   assert_error: Any, field: str, value: str) -> None:
    doc = json.loads(device.request.read_text())
    doc["enrolment"][field] = value
    forged = _write(tmp_path / "forged.json", json.dumps(doc))
    assert_error(run(*_issue(auth, forged, tmp_path)), "forged", "nothing was issued")
    assert not (tmp_path / "out.cert").exists()
    assert json.loads((auth.dir / "state.json").read_text())["next_serial"] == 1


def test_request_signed_by_other_device_keys(auth: Any, new_device: Any, run: Any,
                                             tmp_path: Path, assert_error: Any) -> None:
    a, b = new_device("alice"), new_device("bob")
    doc = json.loads(a.request.read_text())
    doc["enrolment"]["keys"] = json.loads(b.request.read_text())["enrolment"]["keys"]
    swapped = _write(tmp_path / "swapped.json", json.dumps(doc))
    assert_error(run(*_issue(auth, swapped, tmp_path)), "does not verify")


@pytest.mark.parametrize("extra, fragments", [
    (["--level", "COSMIC"], ["unknown level 'COSMIC'", "SECRET"]),
    (["--compartments", "CYBER,NUKE"], ["unknown compartment", "NUKE", "CYBER, OT, FIN"]),
    (["--roles", "publisher,king"], ["unknown role", "king", "room-admin"]),
    (["--days", "0"], ["--days"]),
    (["--days", "5000"], ["--days", "three years"]),
    (["--days", "many"], ["invalid int value"]),
    (["--org", "bad org!"], ["--org", "1-64 letters"]),
])
def test_bad_clearance_options(auth: Any, device: Any, run: Any, tmp_path: Path,
                               assert_error: Any, extra: list[str], fragments: list[str]) -> None:
    argv = auth.args("issue", device.request, "--level", "SECRET", "--out",
                     tmp_path / "out.cert")
    assert_error(run(*argv, *extra), *fragments)
    assert not (tmp_path / "out.cert").exists()


def test_missing_required_option(auth: Any, device: Any, run: Any, tmp_path: Path,
                                 assert_error: Any) -> None:
    assert_error(run(*auth.args("issue", device.request, "--out", tmp_path / "c")),
                 "required", "--level")
    assert_error(run("frobnicate"), "invalid choice")


def test_wrong_passphrase(auth: Any, device: Any, run: Any, tmp_path: Path,
                          assert_error: Any) -> None:
    wrong = _write(tmp_path / "wrong.txt", "this is not the passphrase\n")
    argv = ["issue", device.request, "--level", "SECRET", "--out", tmp_path / "out.cert",
            "--dir", auth.dir, "--passphrase-file", wrong]
    assert_error(run(*argv), "wrong passphrase")
    assert not (tmp_path / "out.cert").exists()
    assert_error(run("crl", "--out", tmp_path / "crl", "--dir", auth.dir,
                     "--passphrase-file", wrong), "wrong passphrase")
    assert json.loads((auth.dir / "state.json").read_text())["last_crl_serial"] == 0


def test_passphrase_file_problems(auth: Any, device: Any, run: Any, tmp_path: Path,
                                  assert_error: Any, no_tty: None) -> None:
    base = ["issue", device.request, "--level", "SECRET", "--out", tmp_path / "o",
            "--dir", auth.dir]
    assert_error(run(*base, "--passphrase-file", tmp_path / "nope"), "passphrase file",
                 "no such file")
    empty = _write(tmp_path / "empty.txt", "\nsecond line\n")
    assert_error(run(*base, "--passphrase-file", empty), "first line is empty")
    # No file and no terminal: refuse rather than read a secret from a pipe with echo.
    assert_error(run(*base), "--passphrase-file")


def test_passphrase_file_only_first_line_counts(auth: Any, device: Any, run: Any,
                                                tmp_path: Path) -> None:
    pw = auth.pwfile.read_text().rstrip("\n")
    crlf = _write(tmp_path / "crlf.txt", "")
    crlf.write_bytes(pw.encode() + b"\r\nignored second line\n")
    assert run("issue", device.request, "--level", "SECRET", "--out", tmp_path / "o",
               "--dir", auth.dir, "--passphrase-file", crlf).rc == 0


def test_init_problems(run: Any, tmp_path: Path, assert_error: Any) -> None:
    short = _write(tmp_path / "short.txt", "short\n")
    assert_error(run("init", "--out", tmp_path / "a", "--passphrase-file", short),
                 "at least 12 characters")
    assert not (tmp_path / "a").exists()
    blocker = _write(tmp_path / "file", "x")
    good = _write(tmp_path / "good.txt", "a long enough synthetic passphrase\n")
    assert_error(run("init", "--out", blocker, "--passphrase-file", good), "not a directory")
    # A directory holding only part of an authority is still not overwritten.
    partial = tmp_path / "partial"
    partial.mkdir()
    _write(partial / "state.json", "{}")
    assert_error(run("init", "--out", partial, "--passphrase-file", good), "already exists")
    assert (partial / "state.json").read_text() == "{}"


def test_commands_without_an_authority(run: Any, tmp_path: Path, device: Any,
                                       assert_error: Any) -> None:
    empty = tmp_path / "nothing"
    for argv in (["issue", device.request, "--level", "SECRET", "--out", tmp_path / "o"],
                 ["revoke", "1"], ["crl", "--out", tmp_path / "o"],
                 ["sign-policy", tmp_path / "p.json", "--out", tmp_path / "o"]):
        assert_error(run(*argv, "--dir", empty), "no authority in", "init")


@pytest.mark.parametrize("target, fragments", [
    ("7", ["no certificate with serial 7"]),
    ("d" + "0" * 32, ["no certificate was issued to device"]),
    ("alice", ["neither a certificate serial", "device id"]),
])
def test_bad_revocations(auth: Any, run: Any, assert_error: Any, target: str,
                         fragments: list[str]) -> None:
    assert_error(run("revoke", target, "--dir", auth.dir), *fragments)
    assert json.loads((auth.dir / "state.json").read_text())["revocations"] == []


def test_revoke_reason_must_be_sensible(auth: Any, device: Any, run: Any, tmp_path: Path,
                                        assert_error: Any) -> None:
    assert run(*auth.args("issue", device.request, "--level", "SECRET", "--out",
                          tmp_path / "c")).rc == 0
    assert_error(run("revoke", "1", "--reason", "   ", "--dir", auth.dir), "--reason")
    assert_error(run("revoke", "1", "--reason", "x" * 201, "--dir", auth.dir), "--reason")


@pytest.mark.parametrize("content, fragments", [
    (None, ["policy", "no such file"]),
    ("{oops", ["not valid JSON"]),
    (json.dumps(Policy.default().to_dict() | {"levels": []}), ["levels", "non-empty"]),
    (json.dumps(Policy.default().to_dict() | {"copy_block_level": "MAXIMUM"}),
     ["copy_block_level", "MAXIMUM"]),
    (json.dumps(Policy.default().to_dict() | {"compartment": []}),
     ["unknown field", "compartment"]),
    (json.dumps(Policy.default().to_dict() | {"levels": [
        {"key": "LOW", "name_en": "Low", "name_ja": "低", "banner_bg": "green",
         "banner_fg": "#ffffff"}]}), ["banner_bg", "colour"]),
])
def test_bad_policies(auth: Any, run: Any, tmp_path: Path, assert_error: Any,
                      content: str | None, fragments: list[str]) -> None:
    src = tmp_path / "policy.json"
    if content is not None:
        _write(src, content)
    out = tmp_path / "signed.json"
    assert_error(run(*auth.args("sign-policy", src, "--out", out)), *fragments)
    assert not out.exists() and not (auth.dir / "policy.signed.json").exists()


def test_out_never_clobbers_the_authority(auth: Any, device: Any, run: Any,
                                          assert_error: Any) -> None:
    pub = (auth.dir / "authority.pub").read_bytes()
    for own in ("authority.pub", "authority.key", "state.json"):
        assert_error(run(*auth.args("issue", device.request, "--level", "SECRET",
                                    "--out", auth.dir / own)), "would overwrite", own)
        assert_error(run(*auth.args("crl", "--out", auth.dir / own)), "would overwrite")
    assert (auth.dir / "authority.pub").read_bytes() == pub


def test_out_directory_missing(auth: Any, device: Any, run: Any, tmp_path: Path,
                               assert_error: Any) -> None:
    assert_error(run(*auth.args("issue", device.request, "--level", "SECRET",
                                "--out", tmp_path / "no" / "such" / "c.cert")),
                 "does not exist")


def test_damaged_authority_files(auth: Any, device: Any, run: Any, tmp_path: Path,
                                 assert_error: Any) -> None:
    argv = auth.args("issue", device.request, "--level", "SECRET", "--out", tmp_path / "c")
    state = (auth.dir / "state.json").read_bytes()
    (auth.dir / "state.json").write_text("{garbage")
    assert_error(run(*argv), "state.json", "damaged")
    (auth.dir / "state.json").write_bytes(state)
    key = (auth.dir / "authority.key").read_bytes()
    (auth.dir / "authority.key").write_text("[]")
    assert_error(run(*argv), "authority.key")
    (auth.dir / "authority.key").write_bytes(key)
    pub = json.loads((auth.dir / "authority.pub").read_text())
    pub["fingerprint"] = "0000"
    (auth.dir / "authority.pub").write_text(json.dumps(pub))
    assert_error(run(*argv), "fingerprint does not match")
