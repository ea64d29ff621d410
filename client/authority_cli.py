"""``renkei-authority``: the offline clearance office.

Creates the authority key, issues device certificates from enrolment requests, revokes them,
signs the revocation list and the markings policy, and shows any Renkei document. Headless and
quick to start: no Qt here, and the keyring is imported only when used.

Every failure the user can cause ends with one line ``renkei-authority: error: ...`` on stderr
and exit code 2; success exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from client.authority_show import show, when
from client.authority_store import (
    AuthorityDir,
    CliError,
    Issued,
    Revoked,
    keyring_reference,
    keyring_store,
    read_input,
    write_atomic,
)
from crypto import authority
from crypto import primitives as p
from crypto.certs import (
    MAX_VALIDITY_S,
    ROLES,
    EnrolmentRequest,
    Revocation,
    RevocationList,
    issue_certificate,
    sign_policy,
)
from crypto.encoding import b64e, canonical
from crypto.errors import AuthenticationFailed, CryptoError
from intel.errors import IntelError
from intel.markings import Policy

PROG = "renkei-authority"
MIN_PASSPHRASE = 12
MAX_DAYS = MAX_VALIDITY_S // 86400
_DEVICE_RE = re.compile(r"^d[0-9a-f]{32}$")
_ORG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")  # as crypto.certs checks ids
_POLICY_FIELDS = {"name", "version", "levels", "compartments", "copy_block_level",
                  "idle_lock_seconds"}
_LEVEL_FIELDS = {"key", "name_en", "name_ja", "banner_bg", "banner_fg"}
_COMPARTMENT_FIELDS = {"key", "name_en", "name_ja"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')")


def _out(msg: str) -> None:
    print(msg, flush=True)


# ---------------------------------------------------------------------------- inputs
def _now(args: argparse.Namespace) -> int:
    return int(args.now) if args.now is not None else int(time.time())


def _read_passphrase_file(path: str) -> str:
    data = read_input(path, "passphrase file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"passphrase file {path}: not UTF-8 text") from None
    line = text.split("\n", 1)[0].removesuffix("\r")
    if not line:
        raise CliError(f"passphrase file {path}: the first line is empty")
    return line


def _prompt(text: str) -> str:
    # getpass falls back to echoing stdin without a terminal: refuse instead of leaking.
    if not sys.stdin.isatty():
        raise CliError("a passphrase is needed: give --passphrase-file FILE or run in a terminal")
    return getpass.getpass(text)


def _passphrase(args: argparse.Namespace) -> Callable[[], str]:
    def get() -> str:
        if args.passphrase_file:
            return _read_passphrase_file(args.passphrase_file)
        pw = _prompt("Authority passphrase: ")
        if not pw:
            raise CliError("the passphrase is empty")
        return pw
    return get


def _new_passphrase(args: argparse.Namespace) -> str:
    if args.passphrase_file:
        pw = _read_passphrase_file(args.passphrase_file)
    else:
        pw = _prompt("New authority passphrase: ")
        if pw != _prompt("Repeat the passphrase: "):
            raise CliError("the two passphrases differ; nothing was created")
    if len(pw) < MIN_PASSPHRASE:
        raise CliError(f"the passphrase must have at least {MIN_PASSPHRASE} characters; it "
                       "protects the root of trust of the whole deployment")
    return pw


def _kdf_limits(args: argparse.Namespace) -> tuple[int, int]:
    if args.fast_kdf or os.environ.get("RENKEI_TEST_FAST_KDF") == "1":
        return p.ARGON_OPS_MIN, p.ARGON_MEM_MIN
    return p.ARGON_OPS_DEFAULT, p.ARGON_MEM_DEFAULT


def _split(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def _check_out(d: AuthorityDir, out: str) -> None:
    """Refuse to let --out clobber the authority's own files (a typo must not cost the key)."""
    target = Path(out).resolve()
    for own in d.protected_paths():
        if target == own.resolve():
            raise CliError(f"--out {out} would overwrite the authority's own {own.name}")
    if target.is_dir():
        raise CliError(f"--out {out} is a directory; give a file name")


def _write_out(out: str, data: bytes) -> None:
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(out)
    if not path.parent.is_dir():
        raise CliError(f"--out {out}: the directory {path.parent} does not exist")
    write_atomic(path, data)


def _say(out: str, msg: str) -> None:
    # With --out - the document goes to stdout, so messages go to stderr.
    print(msg, file=sys.stderr if out == "-" else sys.stdout, flush=True)


# ---------------------------------------------------------------------------- commands
def cmd_init(args: argparse.Namespace) -> None:
    d = AuthorityDir(args.dir)
    if d.has_authority():
        raise CliError(f"an authority already exists in {d.path}; refusing to overwrite it")
    key = authority.generate()
    pub = authority.public_of(key)
    if args.keyring:
        keyring_store(pub.fingerprint, b64e(bytes(key)))
        blob, storage = keyring_reference(pub), "keyring"
    else:
        ops, mem = _kdf_limits(args)
        blob, storage = authority.protect(key, _new_passphrase(args), ops=ops, mem=mem), \
            "passphrase"
    d.create(pub, blob, storage)
    where = "the OS keyring" if args.keyring else f"{d.key_path} (passphrase-protected)"
    _out(f"Created a Renkei authority in {d.path}\n"
         f"  fingerprint: {pub.fingerprint}\n"
         f"  public key:  {d.pub_path} (pin this file in every client and server)\n"
         f"  private key: {where}\n"
         "Keep this directory offline and backed up; losing the key means re-enrolling "
         "every device.")


def _parse_request(path: str) -> EnrolmentRequest:
    data = read_input(path, "enrolment request")
    try:
        return EnrolmentRequest.verify(data)
    except AuthenticationFailed:
        raise CliError(f"enrolment request {path}: the device signature does not verify "
                       "(forged or altered request); nothing was issued") from None
    except CryptoError as exc:
        raise CliError(f"enrolment request {path}: {exc}") from None


def _clearance(policy: Policy, args: argparse.Namespace) -> tuple[str, list[str], list[str]]:
    level = args.level.strip().upper()
    try:
        policy.level(level)
    except IntelError as exc:
        raise CliError(str(exc)) from None
    comps = sorted({c.upper() for c in _split(args.compartments)})
    unknown = set(comps) - policy.compartment_keys()
    if unknown:
        known = ", ".join(c.key for c in policy.compartments) or "none"
        raise CliError(f"unknown compartment(s) {', '.join(sorted(unknown))}; this policy has "
                       f"{known}")
    roles = sorted({r.lower() for r in _split(args.roles)})
    bad = set(roles) - ROLES
    if bad:
        raise CliError(f"unknown role(s) {', '.join(sorted(bad))}; roles are "
                       f"{', '.join(sorted(ROLES))}")
    return level, comps, roles


def cmd_issue(args: argparse.Namespace) -> None:
    d = AuthorityDir(args.dir)
    d.require()
    pub = d.public()
    req = _parse_request(args.request)
    if args.org is not None:
        if not _ORG_RE.match(args.org):
            raise CliError(f"--org {args.org!r} must be 1-64 letters, digits, . _ @ - "
                           "(starting with a letter or digit)")
        req = dataclasses.replace(req, org=args.org)
    policy = d.policy(pub)
    level, comps, roles = _clearance(policy, args)
    if not 1 <= args.days <= MAX_DAYS:
        raise CliError(f"--days must be between 1 and {MAX_DAYS} (three years)")
    _check_out(d, args.out)
    if req.keys.device_id in d.load_state(pub).revoked_devices():
        raise CliError(f"device {req.keys.device_id} has been revoked; it must enrol again "
                       "with new keys")
    key = d.signing_key(pub, _passphrase(args))
    now = _now(args)
    with d.locked():
        st = d.load_state(pub)
        if req.keys.device_id in st.revoked_devices():
            raise CliError(f"device {req.keys.device_id} has been revoked")
        try:
            signed = issue_certificate(
                key, req, serial=st.next_serial, level=level, compartments=comps, roles=roles,
                not_before=now, not_after=now + args.days * 86400, now=now, policy=policy)
        except (CryptoError, IntelError) as exc:
            raise CliError(f"cannot issue: {exc}") from None
        c = signed.cert
        st.issued.append(Issued(c.serial, c.device_id, c.user_id, c.org, c.level,
                                tuple(sorted(c.compartments)), tuple(sorted(c.roles)),
                                c.not_before, c.not_after, c.issued_at))
        st.next_serial += 1
        # The serial is recorded before the file exists: a crash may skip a serial, never
        # reuse one.
        d.save_state(st)
    _write_out(args.out, signed.to_bytes())
    _say(args.out, f"Issued certificate {c.serial} to {c.user_id} ({c.display_name}) of {c.org}\n"
         f"  level {c.level}, compartments {', '.join(comps) or 'none'}, "
         f"roles {', '.join(roles) or 'none'}\n"
         f"  valid until {when(c.not_after)}\n"
         f"  device {c.device_id}\n"
         f"  device fingerprint {c.keys.fingerprint}\n"
         f"    (compare it with the fingerprint the device shows before handing it over)\n"
         f"  written to {args.out}")


def cmd_revoke(args: argparse.Namespace) -> None:
    d = AuthorityDir(args.dir)
    d.require()
    pub = d.public()
    target = args.target.strip()
    reason = " ".join(args.reason.split())
    if not reason or len(reason) > 200:
        raise CliError("--reason must be 1-200 characters")
    now = _now(args)
    with d.locked():
        st = d.load_state(pub)
        if target.isdigit():
            found = st.find_serial(int(target))
            if found is None:
                raise CliError(f"no certificate with serial {target} was issued by this "
                               "authority")
            victims = [found]
        elif _DEVICE_RE.match(target):
            victims = [i for i in st.issued if i.device_id == target]
            if not victims:
                raise CliError(f"no certificate was issued to device {target}")
        else:
            raise CliError(f"{target!r} is neither a certificate serial (a number) nor a "
                           "device id (d followed by 32 hex digits)")
        done = st.revoked_serials()
        new = [i for i in victims if i.serial not in done]
        if not new:
            what = f"serial {target}" if target.isdigit() else f"device {target}"
            raise CliError(f"{what} is already revoked")
        st.revocations.extend(Revoked(i.serial, i.device_id, now, reason) for i in new)
        d.save_state(st)
    for i in new:
        _out(f"Revoked certificate {i.serial} ({i.user_id} of {i.org}, device {i.device_id})")
    _out("Publish it: renkei-authority crl --out FILE, then give FILE to the servers.")


def cmd_crl(args: argparse.Namespace) -> None:
    d = AuthorityDir(args.dir)
    d.require()
    pub = d.public()
    _check_out(d, args.out)
    key = d.signing_key(pub, _passphrase(args))
    now = _now(args)
    with d.locked():
        st = d.load_state(pub)
        serial = st.last_crl_serial + 1
        crl = RevocationList.sign(key, serial, now, [
            Revocation(r.serial, r.device_id, r.revoked_at, r.reason) for r in st.revocations])
        st.last_crl_serial = serial
        d.save_state(st)
    _write_out(args.out, crl.to_bytes())
    _say(args.out, f"Revocation list {serial} ({len(crl.entries)} revoked) written to "
         f"{args.out}")


def _load_policy(path: str) -> Policy:
    data = read_input(path, "policy")
    try:
        doc = Policy.from_json(data)
    except IntelError as exc:
        raise CliError(f"policy {path}: {exc}") from None
    raw = json.loads(data)
    unknown = set(raw) - _POLICY_FIELDS
    for lv in raw.get("levels", []):
        unknown |= {f"levels.{k}" for k in set(lv) - _LEVEL_FIELDS}
    for c in raw.get("compartments") or []:
        unknown |= {f"compartments.{k}" for k in set(c) - _COMPARTMENT_FIELDS}
    if unknown:
        raise CliError(f"policy {path}: unknown field(s) {', '.join(sorted(unknown))} "
                       "(a typo would otherwise be dropped silently)")
    return doc


def cmd_sign_policy(args: argparse.Namespace) -> None:
    d = AuthorityDir(args.dir)
    d.require()
    pub = d.public()
    pol = _load_policy(args.policy)
    _check_out(d, args.out)
    old = d.signed_policy(pub)
    if old is not None and old != pol and pol.version <= old.version:
        raise CliError(f"policy version {pol.version} is not above the version already signed "
                       f"({old.version}); raise 'version' so clients take the new policy")
    st = d.load_state(pub)
    now = _now(args)
    live = [i for i in st.issued if i.serial not in st.revoked_serials() and now < i.not_after]
    lost_levels = {i.level for i in live} - {lv.key for lv in pol.levels}
    lost_comps = {c for i in live for c in i.compartments} - pol.compartment_keys()
    key = d.signing_key(pub, _passphrase(args))
    data = canonical(sign_policy(key, pol))
    with d.locked():
        write_atomic(d.policy_path, data)
    _write_out(args.out, data)
    if lost_levels or lost_comps:
        print(f"{PROG}: warning: certificates still valid use "
              f"{', '.join(sorted(lost_levels | lost_comps))}, which this policy drops",
              file=sys.stderr)
    _say(args.out, f"Signed policy {pol.name!r} version {pol.version} "
         f"({len(pol.levels)} levels, {len(pol.compartments)} compartments) written to "
         f"{args.out}; new certificates are checked against it")


def cmd_show(args: argparse.Namespace) -> None:
    _out(show(args.file, args.authority, args.crl, _now(args)))


# ---------------------------------------------------------------------------- parser
def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    # On subcommands the defaults are SUPPRESSed so they never overwrite a value given before
    # the command name (both `--dir X issue` and `issue --dir X` work).
    def d(v: object) -> object:
        return v if top else argparse.SUPPRESS
    parser.add_argument("--dir", default=d("authority"),
                        help="authority directory (default: ./authority)")
    parser.add_argument("--passphrase-file", metavar="FILE", default=d(None),
                        help="read the passphrase from the first line of FILE")
    parser.add_argument("--now", type=int, default=d(None), help=argparse.SUPPRESS)
    parser.add_argument("--fast-kdf", action="store_true", default=d(False),
                        help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog=PROG, description="Renkei authority: enrol devices, issue and revoke "
                 "certificates, sign the revocation list and the markings policy.")
    _common(ap, True)
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def cmd(name: str, fn: Callable[[argparse.Namespace], None], text: str
            ) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=text, description=text)
        _common(sp, False)
        sp.set_defaults(func=fn)
        return sp

    sp = cmd("init", cmd_init, "create a new authority key and directory")
    sp.add_argument("--out", dest="dir", default=argparse.SUPPRESS, metavar="DIR",
                    help="directory to create the authority in (same as --dir)")
    sp.add_argument("--keyring", action="store_true",
                    help="keep the private key in the OS keyring instead of a passphrase file")

    sp = cmd("issue", cmd_issue, "issue a device certificate from an enrolment request")
    sp.add_argument("request", metavar="REQUEST", help="the device's enrolment request file")
    sp.add_argument("--level", required=True, help="clearance level, e.g. SECRET")
    sp.add_argument("--compartments", default="", metavar="A,B", help="compartments granted")
    sp.add_argument("--roles", default="", metavar="R,S",
                    help=f"roles granted: {', '.join(sorted(ROLES))}")
    sp.add_argument("--org", help="organisation (default: the one in the request)")
    sp.add_argument("--days", type=int, default=365, help="validity in days (default 365)")
    sp.add_argument("--out", required=True, metavar="FILE", help="certificate file to write")

    sp = cmd("revoke", cmd_revoke, "revoke a certificate (by serial) or a device (by id)")
    sp.add_argument("target", metavar="SERIAL_OR_DEVICE_ID")
    sp.add_argument("--reason", default="unspecified", help="why (recorded in the list)")

    sp = cmd("crl", cmd_crl, "sign and write the revocation list (next serial)")
    sp.add_argument("--out", required=True, metavar="FILE")

    sp = cmd("sign-policy", cmd_sign_policy, "validate and sign a markings policy")
    sp.add_argument("policy", metavar="POLICY.json")
    sp.add_argument("--out", required=True, metavar="FILE")

    sp = cmd("show", cmd_show, "summarise any Renkei document; verify with --authority")
    sp.add_argument("file", metavar="FILE")
    sp.add_argument("--authority", metavar="PUB", help="authority.pub (or its directory) to "
                    "verify signatures against")
    sp.add_argument("--crl", metavar="FILE", help="revocation list to check a certificate "
                    "against (needs --authority)")
    return ap


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        args.func(args)
    except CliError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except (CryptoError, IntelError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as other command-line tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:
        print(f"{PROG}: error: {_os_message(exc)}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print(f"{PROG}: cancelled", file=sys.stderr)
        return 130
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except Exception as exc:  # a bug: still no traceback for the user unless asked for
        if os.environ.get("RENKEI_DEBUG") == "1":
            raise
        print(f"{PROG}: internal error: {type(exc).__name__}: {exc} (please report it; "
              "set RENKEI_DEBUG=1 for details)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
