"""The authority directory on disk: public key, protected key (or keyring reference), state.

Layout of ``DIR``:

- ``authority.pub``       the public key file servers and clients pin (``AuthorityPublic``)
- ``authority.key``       the private key, Argon2id-protected, or a reference to the OS keyring
- ``state.json``          next certificate serial, issued certificates, revocations, CRL serial
- ``policy.signed.json``  the markings policy last signed here (absent: the default policy)

Every file the tool replaces is written to a temporary file and renamed, so a crash never
leaves half a state file; mutating commands hold an advisory lock so two runs cannot hand out
the same serial.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from crypto import authority
from crypto.authority import AuthorityPublic
from crypto.certs import verify_policy
from crypto.encoding import b64d, b64e, canonical
from crypto.errors import AuthenticationFailed, CryptoError
from intel.errors import IntelError
from intel.markings import Policy

PUB_NAME = "authority.pub"
KEY_NAME = "authority.key"
STATE_NAME = "state.json"
POLICY_NAME = "policy.signed.json"
LOCK_NAME = ".lock"
KEYRING_SERVICE = "renkei-authority"
# Every document this tool reads is small; refuse anything larger rather than load it.
MAX_INPUT_BYTES = 1 << 20


class CliError(Exception):
    """A problem to report to the user in one line (exit code 2)."""


# ---------------------------------------------------------------------------- file helpers
def read_input(path: str | Path, what: str) -> bytes:
    p = Path(path)
    try:
        with p.open("rb") as f:
            data = f.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise CliError(f"{what} {p}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{what} {p}: is a directory, not a file") from None
    except PermissionError:
        raise CliError(f"{what} {p}: permission denied") from None
    except OSError as exc:
        raise CliError(f"{what} {p}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise CliError(f"{what} {p}: file is too large (more than 1 MiB)")
    return data


def _fsync_dir(directory: Path) -> None:
    # Makes the rename durable; not possible (nor needed) on every platform.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path``; fails if it exists (O_EXCL), so nothing is ever overwritten."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------- state
def _int(d: dict[str, Any], key: str, what: str) -> int:
    v = d.get(key)
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise CliError(f"{what}: field {key!r} must be a non-negative integer")
    return v


def _str(d: dict[str, Any], key: str, what: str) -> str:
    v = d.get(key)
    if not isinstance(v, str):
        raise CliError(f"{what}: field {key!r} must be text")
    return v


def _strs(d: dict[str, Any], key: str, what: str) -> list[str]:
    v = d.get(key)
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise CliError(f"{what}: field {key!r} must be a list of text")
    return list(v)


@dataclass(frozen=True)
class Issued:
    """One line of the issued-certificates index (enough to revoke and to report)."""

    serial: int
    device_id: str
    user_id: str
    org: str
    level: str
    compartments: tuple[str, ...]
    roles: tuple[str, ...]
    not_before: int
    not_after: int
    issued_at: int

    def to_dict(self) -> dict[str, Any]:
        return {"serial": self.serial, "device_id": self.device_id, "user_id": self.user_id,
                "org": self.org, "level": self.level, "compartments": list(self.compartments),
                "roles": list(self.roles), "not_before": self.not_before,
                "not_after": self.not_after, "issued_at": self.issued_at}

    @classmethod
    def from_dict(cls, d: dict[str, Any], what: str) -> Issued:
        return cls(_int(d, "serial", what), _str(d, "device_id", what), _str(d, "user_id", what),
                   _str(d, "org", what), _str(d, "level", what),
                   tuple(_strs(d, "compartments", what)), tuple(_strs(d, "roles", what)),
                   _int(d, "not_before", what), _int(d, "not_after", what),
                   _int(d, "issued_at", what))


@dataclass(frozen=True)
class Revoked:
    serial: int
    device_id: str
    revoked_at: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"serial": self.serial, "device_id": self.device_id,
                "revoked_at": self.revoked_at, "reason": self.reason}

    @classmethod
    def from_dict(cls, d: dict[str, Any], what: str) -> Revoked:
        return cls(_int(d, "serial", what), _str(d, "device_id", what),
                   _int(d, "revoked_at", what), _str(d, "reason", what))


@dataclass
class State:
    fingerprint: str
    key_storage: str  # "passphrase" or "keyring"
    next_serial: int = 1
    last_crl_serial: int = 0
    issued: list[Issued] = field(default_factory=list)
    revocations: list[Revoked] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        return json.dumps({
            "renkei_authority_state": 1, "fingerprint": self.fingerprint,
            "key_storage": self.key_storage, "next_serial": self.next_serial,
            "last_crl_serial": self.last_crl_serial,
            "issued": [i.to_dict() for i in self.issued],
            "revocations": [r.to_dict() for r in self.revocations],
        }, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"

    @classmethod
    def parse(cls, data: bytes, what: str) -> State:
        try:
            d = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise CliError(f"{what} is damaged: not valid JSON") from None
        if not isinstance(d, dict) or d.get("renkei_authority_state") != 1:
            raise CliError(f"{what} is not a Renkei authority state file")
        storage = _str(d, "key_storage", what)
        if storage not in ("passphrase", "keyring"):
            raise CliError(f"{what}: unknown key storage {storage!r}")
        issued, revoked = d.get("issued"), d.get("revocations")
        if not isinstance(issued, list) or not isinstance(revoked, list) or not all(
                isinstance(x, dict) for x in issued + revoked):
            raise CliError(f"{what}: 'issued' and 'revocations' must be lists of objects")
        st = cls(_str(d, "fingerprint", what), storage, _int(d, "next_serial", what),
                 _int(d, "last_crl_serial", what),
                 [Issued.from_dict(x, what) for x in issued],
                 [Revoked.from_dict(x, what) for x in revoked])
        if st.next_serial < 1 or any(i.serial >= st.next_serial for i in st.issued):
            raise CliError(f"{what} is damaged: next_serial is not above every issued serial")
        return st

    def find_serial(self, serial: int) -> Issued | None:
        return next((i for i in self.issued if i.serial == serial), None)

    def revoked_serials(self) -> set[int]:
        return {r.serial for r in self.revocations}

    def revoked_devices(self) -> set[str]:
        return {r.device_id for r in self.revocations}


# ---------------------------------------------------------------------------- keyring
def _keyring_problem(exc: BaseException) -> str:
    text = str(exc).strip().split(". ")[0].rstrip(".") or type(exc).__name__
    return text[:200]


def keyring_store(username: str, secret: str) -> None:
    """Store and read back; any backend failure means "no working keyring" for the user."""
    try:
        import keyring
    except ImportError:
        raise CliError("the python 'keyring' package is not installed; protect the authority "
                       "key with a passphrase instead (init without --keyring)") from None
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    # A plaintext "keyring" would store the root of trust unencrypted: never acceptable.
    if name.startswith("keyrings.alt") or "Plaintext" in name:
        raise CliError(f"the keyring backend {name} stores secrets unencrypted; protect the "
                       "authority key with a passphrase instead (init without --keyring)")
    try:
        keyring.set_password(KEYRING_SERVICE, username, secret)
        back = keyring.get_password(KEYRING_SERVICE, username)
    except Exception as exc:  # backends raise many types (D-Bus, OS errors, KeyringError)
        raise CliError(f"no working OS keyring ({_keyring_problem(exc)}); protect the "
                       "authority key with a passphrase instead (init without --keyring)"
                       ) from None
    if back != secret:
        raise CliError("the OS keyring did not keep the authority key; protect it with a "
                       "passphrase instead (init without --keyring)")


def keyring_load(username: str) -> str:
    try:
        import keyring

        secret = keyring.get_password(KEYRING_SERVICE, username)
    except ImportError:
        raise CliError("the python 'keyring' package is not installed, but this authority "
                       "keeps its key in the OS keyring") from None
    except Exception as exc:  # see keyring_store
        raise CliError(f"cannot read the authority key from the OS keyring "
                       f"({_keyring_problem(exc)})") from None
    if secret is None:
        raise CliError(f"the OS keyring holds no key for this authority (service "
                       f"{KEYRING_SERVICE!r}, user {username!r})")
    return str(secret)


def keyring_reference(pub: AuthorityPublic) -> bytes:
    return canonical({"renkei_authority_key_ref": 1, "storage": "keyring",
                      "service": KEYRING_SERVICE, "username": pub.fingerprint,
                      "public_key": b64e(pub.public_key)}) + b"\n"


# ---------------------------------------------------------------------------- the directory
class AuthorityDir:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.pub_path = self.path / PUB_NAME
        self.key_path = self.path / KEY_NAME
        self.state_path = self.path / STATE_NAME
        self.policy_path = self.path / POLICY_NAME

    def protected_paths(self) -> list[Path]:
        return [self.pub_path, self.key_path, self.state_path, self.policy_path]

    def has_authority(self) -> bool:
        return any(p.exists() for p in (self.pub_path, self.key_path, self.state_path))

    def require(self) -> None:
        if not self.pub_path.is_file() or not self.state_path.is_file():
            raise CliError(f"no authority in {self.path} (expected {PUB_NAME} and {STATE_NAME}"
                           "); create one with 'renkei-authority init' or give --dir")

    def create(self, pub: AuthorityPublic, key_blob: bytes, storage: str) -> None:
        """Writes the three files of a new authority; on failure removes what it wrote."""
        if self.path.exists() and not self.path.is_dir():
            raise CliError(f"{self.path} exists and is not a directory")
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.mkdir(mode=0o700)
        written: list[Path] = []
        try:
            for path, data, mode in (
                    (self.key_path, key_blob, 0o600),
                    (self.state_path, State(pub.fingerprint, storage).to_bytes(), 0o600),
                    (self.pub_path, pub.to_bytes(), 0o644)):
                write_new(path, data, mode)
                written.append(path)
        except FileExistsError as exc:
            for p in written:
                p.unlink(missing_ok=True)
            raise CliError(f"an authority already exists in {self.path} ({exc.filename} is "
                           "there); refusing to overwrite it") from None
        except BaseException:
            for p in written:
                p.unlink(missing_ok=True)
            raise
        _fsync_dir(self.path)

    @contextmanager
    def locked(self) -> Iterator[None]:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: single operator, no advisory lock
            yield
            return
        fd = os.open(self.path / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def public(self) -> AuthorityPublic:
        data = read_input(self.pub_path, "authority public key")
        try:
            return AuthorityPublic.parse(data)
        except CryptoError as exc:
            raise CliError(f"{self.pub_path}: {exc}") from None

    def load_state(self, pub: AuthorityPublic) -> State:
        st = State.parse(read_input(self.state_path, "authority state"), str(self.state_path))
        if st.fingerprint != pub.fingerprint:
            raise CliError(f"{self.state_path} belongs to another authority than {self.pub_path}")
        return st

    def save_state(self, st: State) -> None:
        write_atomic(self.state_path, st.to_bytes(), 0o600)

    def signing_key(self, pub: AuthorityPublic, passphrase: Callable[[], str]) -> SigningKey:
        """Unlocks the private key; ``passphrase`` is only called when one is needed."""
        blob = read_input(self.key_path, "authority key")
        try:
            d = json.loads(blob)
        except (ValueError, UnicodeDecodeError):
            raise CliError(f"{self.key_path} is damaged: not valid JSON") from None
        if isinstance(d, dict) and d.get("renkei_authority_key_ref") == 1:
            secret = keyring_load(str(d.get("username", pub.fingerprint)))
            try:
                key = SigningKey(b64d(secret, size=32))
            except CryptoError:
                raise CliError("the authority key in the OS keyring is damaged") from None
        else:
            try:
                key = authority.unprotect(blob, passphrase())
            except AuthenticationFailed:
                raise CliError("wrong passphrase, or the authority key file is damaged") from None
            except CryptoError as exc:
                raise CliError(f"{self.key_path}: {exc}") from None
        if bytes(key.verify_key) != pub.public_key:
            raise CliError(f"{self.key_path} does not belong to the authority in {self.pub_path}")
        return key

    def signed_policy(self, pub: AuthorityPublic) -> Policy | None:
        if not self.policy_path.exists():
            return None
        data = read_input(self.policy_path, "signed policy")
        try:
            return verify_policy(data, pub.public_key)
        except AuthenticationFailed:
            raise CliError(f"{self.policy_path}: signature does not verify against this "
                           "authority; the file was altered") from None
        except (CryptoError, IntelError) as exc:
            raise CliError(f"{self.policy_path}: {exc}") from None

    def policy(self, pub: AuthorityPublic) -> Policy:
        return self.signed_policy(pub) or Policy.default()
