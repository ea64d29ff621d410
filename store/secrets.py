"""Where device private keys and the vault key live: the OS keyring, or a passphrase file.

Both implement :class:`SecretStore`. There is no plaintext fallback: if the keyring cannot be
used, :class:`KeyringUnavailable` says why and points to the passphrase option.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import secrets as pysecrets
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import nacl.exceptions
import nacl.pwhash
import nacl.secret

from store.errors import (
    InvalidData,
    KeyringUnavailable,
    SecretsFileCorrupt,
    SecretsFileExists,
    SecretsFileNotFound,
    StoreError,
    VaultWriteError,
    WrongPassphrase,
)

__all__ = [
    "SecretStore",
    "KeyringSecrets",
    "PassphraseSecrets",
    "probe_keyring",
    "OPSLIMIT_MODERATE",
    "MEMLIMIT_MODERATE",
    "OPSLIMIT_MIN",
    "MEMLIMIT_MIN",
]

OPSLIMIT_MODERATE: int = nacl.pwhash.argon2id.OPSLIMIT_MODERATE
MEMLIMIT_MODERATE: int = nacl.pwhash.argon2id.MEMLIMIT_MODERATE
OPSLIMIT_MIN: int = nacl.pwhash.argon2id.OPSLIMIT_MIN
MEMLIMIT_MIN: int = nacl.pwhash.argon2id.MEMLIMIT_MIN
# Limits read from a file are bounded so a crafted file cannot make us allocate without end.
_OPSLIMIT_CAP = 64
_MEMLIMIT_CAP = 4 << 30

T = TypeVar("T")


@runtime_checkable
class SecretStore(Protocol):
    """Named binary secrets. ``kind`` is "keyring" or "passphrase"."""

    @property
    def kind(self) -> str: ...

    def get(self, name: str) -> bytes | None: ...

    def put(self, name: str, data: bytes) -> None: ...

    def delete(self, name: str) -> None: ...


# -- OS keyring ---------------------------------------------------------------------------


def _unusable_backend(kr: Any) -> str | None:
    if isinstance(kr, keyring.backends.fail.Keyring):
        return "no keyring backend is available on this system"
    if isinstance(kr, keyring.backends.null.Keyring):
        return "the keyring is configured as the 'null' backend, which stores nothing"
    if getattr(kr, "backends", None) == []:
        return "no keyring backend is available on this system"
    return None


def _keyring_call(kr: Any, action: Callable[[Any], T]) -> T:
    unusable = _unusable_backend(kr)
    if unusable:
        raise KeyringUnavailable(unusable, KeyringUnavailable.REASON_NO_BACKEND)
    try:
        return action(kr)
    except keyring.errors.NoKeyringError as exc:
        raise KeyringUnavailable(
            "no keyring backend is available on this system", KeyringUnavailable.REASON_NO_BACKEND
        ) from exc
    except keyring.errors.KeyringLocked as exc:
        raise KeyringUnavailable(
            "the keyring is locked", KeyringUnavailable.REASON_LOCKED
        ) from exc
    except keyring.errors.InitError as exc:
        raise KeyringUnavailable(
            f"the keyring backend failed to start ({exc})", KeyringUnavailable.REASON_INIT_FAILED
        ) from exc
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the keyring refused the request ({exc})") from exc
    except Exception as exc:
        # Backends are third-party plugins (D-Bus, Secret Service, macOS, Windows) and raise
        # their own exception types; every one of them means "no usable keyring here".
        raise KeyringUnavailable(
            f"the keyring backend failed ({type(exc).__name__}: {exc})"
        ) from exc


def probe_keyring(service: str = "renkei") -> tuple[bool, str]:
    """Whether a usable OS keyring exists, and a sentence saying which or why not."""
    kr = keyring.get_keyring()
    try:
        _keyring_call(kr, lambda k: k.get_password(service, "renkei-keyring-probe"))
    except KeyringUnavailable as exc:
        return False, str(exc)
    return True, f"the OS keyring is usable ({type(kr).__module__}.{type(kr).__name__})"


class KeyringSecrets:
    """Secrets in the OS keyring (python ``keyring``), base64-encoded, one entry per name."""

    kind = "keyring"

    def __init__(self, service: str, account: str) -> None:
        if not service or not account:
            raise InvalidData("a keyring service and account are needed")
        self.service = service
        self.account = account

    def _user(self, name: str) -> str:
        if not name:
            raise InvalidData("a secret needs a name")
        return f"{self.account}/{name}"

    def get(self, name: str) -> bytes | None:
        user = self._user(name)
        value = _keyring_call(keyring.get_keyring(), lambda k: k.get_password(self.service, user))
        if value is None:
            return None
        try:
            return base64.b64decode(str(value), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise StoreError(
                f"the keyring entry {self.service}/{user} is damaged (not base64); "
                "it was left as it is"
            ) from exc

    def put(self, name: str, data: bytes) -> None:
        user = self._user(name)
        encoded = base64.b64encode(bytes(data)).decode("ascii")
        _keyring_call(
            keyring.get_keyring(), lambda k: k.set_password(self.service, user, encoded)
        )
        # Some backends accept a write and drop it (e.g. a locked collection); check.
        if self.get(name) != bytes(data):
            raise KeyringUnavailable("the keyring did not keep the secret that was written")

    def delete(self, name: str) -> None:
        user = self._user(name)

        def _delete(k: Any) -> None:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                k.delete_password(self.service, user)

        _keyring_call(keyring.get_keyring(), _delete)


# -- passphrase file -----------------------------------------------------------------------

_FORMAT = "renkei-secrets"
_CHECK = b"renkei-secrets-check-v1"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise SecretsFileCorrupt()
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise SecretsFileCorrupt() from None


def _aad(name: str) -> bytes:
    # Binds each sealed value to its name, so entries cannot be swapped inside the file.
    return b"renkei-secret:" + name.encode("utf-8")


class PassphraseSecrets:
    """Secrets sealed with XChaCha20-Poly1305 under a key derived from a passphrase (Argon2id).

    ``create=True`` makes a new file and refuses if one exists; otherwise the file must exist
    and the passphrase must open it (:class:`WrongPassphrase` if not). The file is mode 0600
    and every write replaces it atomically.
    """

    kind = "passphrase"

    def __init__(
        self,
        path: str | os.PathLike[str],
        passphrase: str | bytes,
        *,
        create: bool = False,
        opslimit: int = OPSLIMIT_MODERATE,
        memlimit: int = MEMLIMIT_MODERATE,
    ) -> None:
        self.path = Path(path)
        secret = _passphrase_bytes(passphrase)
        if create:
            self._create(secret, opslimit, memlimit)
        else:
            self._open(secret)

    # construction
    def _create(self, passphrase: bytes, opslimit: int, memlimit: int) -> None:
        if not (OPSLIMIT_MIN <= opslimit <= _OPSLIMIT_CAP):
            raise InvalidData(f"opslimit must be between {OPSLIMIT_MIN} and {_OPSLIMIT_CAP}")
        if not (MEMLIMIT_MIN <= memlimit <= _MEMLIMIT_CAP):
            raise InvalidData(f"memlimit must be between {MEMLIMIT_MIN} and {_MEMLIMIT_CAP}")
        if self.path.exists():
            raise SecretsFileExists(
                f"a secrets file already exists at {self.path}; it is never overwritten"
            )
        salt = pysecrets.token_bytes(nacl.pwhash.argon2id.SALTBYTES)
        self._kdf = {"alg": "argon2id", "opslimit": opslimit, "memlimit": memlimit,
                     "salt": _b64(salt)}
        self._box = nacl.secret.Aead(_derive(passphrase, salt, opslimit, memlimit))
        self._check = _b64(bytes(self._box.encrypt(_CHECK, _aad(""))))
        self._entries: dict[str, str] = {}
        self._write(exclusive=True)

    def _open(self, passphrase: bytes) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise SecretsFileNotFound(f"no secrets file exists at {self.path}") from None
        except OSError as exc:
            raise StoreError(
                f"the secrets file {self.path} cannot be read: {exc.strerror}"
            ) from exc
        try:
            doc = json.loads(raw)
            if doc.get("format") != _FORMAT or doc.get("version") != 1:
                raise SecretsFileCorrupt()
            kdf = doc["kdf"]
            opslimit, memlimit = kdf["opslimit"], kdf["memlimit"]
            if kdf.get("alg") != "argon2id" or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in (opslimit, memlimit)
            ):
                raise SecretsFileCorrupt()
            entries = doc["secrets"]
            if not isinstance(entries, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in entries.items()
            ):
                raise SecretsFileCorrupt()
        except (ValueError, KeyError, TypeError, AttributeError):
            raise SecretsFileCorrupt(
                f"the secrets file {self.path} is damaged or is not a Renkei secrets file"
            ) from None
        if not (OPSLIMIT_MIN <= opslimit <= _OPSLIMIT_CAP) or not (
            MEMLIMIT_MIN <= memlimit <= _MEMLIMIT_CAP
        ):
            raise SecretsFileCorrupt(f"the secrets file {self.path} has invalid KDF limits")
        salt = _unb64(kdf["salt"])
        if len(salt) != nacl.pwhash.argon2id.SALTBYTES:
            raise SecretsFileCorrupt()
        box = nacl.secret.Aead(_derive(passphrase, salt, opslimit, memlimit))
        try:
            ok = box.decrypt(_unb64(doc["check"]), _aad("")) == _CHECK
        except nacl.exceptions.CryptoError:
            ok = False
        if not ok:
            raise WrongPassphrase()
        self._kdf = {"alg": "argon2id", "opslimit": opslimit, "memlimit": memlimit,
                     "salt": _b64(salt)}
        self._box = box
        self._check = str(doc["check"])
        self._entries = dict(entries)

    # SecretStore
    def get(self, name: str) -> bytes | None:
        sealed = self._entries.get(name)
        if sealed is None:
            return None
        try:
            return bytes(self._box.decrypt(_unb64(sealed), _aad(name)))
        except nacl.exceptions.CryptoError:
            raise SecretsFileCorrupt(
                f"the secret {name!r} in {self.path} was altered and cannot be opened"
            ) from None

    def put(self, name: str, data: bytes) -> None:
        if not name:
            raise InvalidData("a secret needs a name")
        self._entries[name] = _b64(bytes(self._box.encrypt(bytes(data), _aad(name))))
        self._write(exclusive=False)

    def delete(self, name: str) -> None:
        if self._entries.pop(name, None) is not None:
            self._write(exclusive=False)

    def names(self) -> list[str]:
        return sorted(self._entries)

    # storage
    def _write(self, *, exclusive: bool) -> None:
        doc = {"format": _FORMAT, "version": 1, "kdf": self._kdf, "check": self._check,
               "secrets": self._entries}
        data = json.dumps(doc, indent=1, sort_keys=True).encode("utf-8")
        tmp = self.path.with_name(f".{self.path.name}.{pysecrets.token_hex(8)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            if exclusive:
                # link() fails if the target exists: creation can never clobber a file.
                try:
                    os.link(tmp, self.path)
                except FileExistsError:
                    raise SecretsFileExists(
                        f"a secrets file already exists at {self.path}; it is never overwritten"
                    ) from None
            else:
                os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
        except OSError as exc:
            raise VaultWriteError(
                f"the secrets file {self.path} could not be written: {exc.strerror}"
            ) from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    if isinstance(passphrase, str):
        # NFC so the same passphrase typed through different input methods derives one key.
        passphrase = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    if not passphrase:
        raise InvalidData("the passphrase cannot be empty")
    return bytes(passphrase)


def _derive(passphrase: bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    key: bytes = nacl.pwhash.argon2id.kdf(
        nacl.secret.Aead.KEY_SIZE, passphrase, salt, opslimit=opslimit, memlimit=memlimit
    )
    return key


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
