"""An account on this device: its directory, keys, certificate and vault.

Layout of an account directory (mode 0700)::

    account.json      server URL, pinned authority key, identity, where the secrets live
    enrolment.json    the enrolment request to hand to the authority
    certificate.json  the authority-signed certificate, once imported
    vault.db          the SQLCipher vault (plus -wal/-shm)
    secrets.json      only in passphrase mode: device keys and vault key under Argon2id

Secrets (the 96 bytes of device keys and the 32-byte vault key) live in the OS keyring or,
where none works, under a passphrase. Never in plaintext; a missing or changed secret fails
closed and never recreates the vault.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from crypto.authority import AuthorityPublic
from crypto.certs import Certificate, EnrolmentRequest, SignedCertificate, verify_policy
from crypto.errors import CryptoError
from crypto.identity import DeviceKeys
from crypto.primitives import random_bytes
from intel.markings import Policy
from store import keys as store_keys
from store import vault
from store.secrets import KeyringSecrets, PassphraseSecrets, SecretStore
from sync.errors import SyncError

SecretsKind = Literal["keyring", "passphrase"]
DEVICE_SECRET = "device-keys"
VAULT_SECRET = "vault-key"


class AccountError(SyncError):
    """The account directory is missing, incomplete or does not match its secrets."""


@dataclass(frozen=True)
class AccountConfig:
    server_url: str
    authority: AuthorityPublic
    user_id: str
    display_name: str
    org: str
    device_id: str
    secrets: SecretsKind
    keyring_account: str

    def to_json(self) -> str:
        return json.dumps({
            "renkei_account": 1, "server_url": self.server_url,
            "authority": json.loads(self.authority.to_bytes()), "user_id": self.user_id,
            "display_name": self.display_name, "org": self.org, "device_id": self.device_id,
            "secrets": self.secrets, "keyring_account": self.keyring_account,
        }, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def load(cls, path: Path) -> AccountConfig:
        try:
            d = json.loads(path.read_text("utf-8"))
            return cls(str(d["server_url"]), AuthorityPublic.parse(json.dumps(d["authority"])),
                       str(d["user_id"]), str(d["display_name"]), str(d["org"]),
                       str(d["device_id"]), d["secrets"], str(d["keyring_account"]))
        except FileNotFoundError:
            raise AccountError(f"no Renkei account in {path.parent}; create one first") from None
        except (OSError, ValueError, KeyError, TypeError, CryptoError) as exc:
            raise AccountError(f"the account file {path} is damaged: {exc}") from None


@dataclass
class Session:
    """An unlocked account: keys, certificate and open vault. Not thread-safe: one thread."""

    directory: Path
    config: AccountConfig
    keys: DeviceKeys
    cert: Certificate
    policy: Policy
    conn: Any  # sqlcipher3 connection
    clock: Callable[[], float]
    # Verified certificates by device id, loaded from the vault and kept current by ingest.
    # Change them only through add_certificate, which tells the caches below.
    certs: dict[str, Certificate] = field(default_factory=dict)
    certs_version: int = 0
    # Room states computed from the log (sync.rooms), and the verified revocation list: both
    # are recomputed only when the log, the certificates or the stored list change.
    room_cache: dict[str, tuple[tuple[int, bytes], Any]] = field(default_factory=dict)
    crl_cache: tuple[str, Any] | None = None
    # Readers of (room, label) for sending (sync.compose), with the time span they hold for.
    readers_cache: dict[tuple[Any, ...], tuple[Any, int, int]] = field(default_factory=dict)

    def add_certificate(self, cert: Certificate) -> None:
        self.certs[cert.device_id] = cert
        self.certs_version += 1

    @property
    def authority_pk(self) -> bytes:
        return self.config.authority.public_key

    @property
    def device_id(self) -> str:
        return self.keys.device_id

    @property
    def user_id(self) -> str:
        return self.cert.user_id

    def now(self) -> int:
        return int(self.clock())

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def close(self) -> None:
        vault.close_vault(self.conn)


def secret_store(directory: Path, kind: SecretsKind, keyring_account: str,
                 passphrase: str | None, *, create: bool = False,
                 kdf: tuple[int, int] | None = None) -> SecretStore:
    """``kdf`` is (opslimit, memlimit) for Argon2id; tests pass the minimum."""
    if kind == "keyring":
        return KeyringSecrets("renkei", keyring_account)
    if not passphrase:
        raise AccountError("this account's keys are protected by a passphrase; give it")
    if kdf is None:
        return PassphraseSecrets(directory / "secrets.json", passphrase, create=create)
    return PassphraseSecrets(directory / "secrets.json", passphrase, create=create,
                             opslimit=kdf[0], memlimit=kdf[1])


def create_account(directory: Path, *, server_url: str, authority: AuthorityPublic,
                   user_id: str, display_name: str, org: str, secrets: SecretsKind,
                   passphrase: str | None = None, now: int,
                   kdf: tuple[int, int] | None = None) -> Path:
    """Generate keys, create the vault and write the enrolment request. Returns its path."""
    directory = Path(directory)
    if (directory / "account.json").exists():
        raise AccountError(f"an account already exists in {directory}; it was left unchanged")
    keys = DeviceKeys.generate()
    try:
        request = EnrolmentRequest.create(keys, user_id, display_name, org, now)
    except CryptoError as exc:
        raise AccountError(f"cannot create the account: {exc}") from None
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    keyring_account = f"{user_id}/{keys.device_id}"
    store = secret_store(directory, secrets, keyring_account, passphrase, create=True, kdf=kdf)
    vault_key = random_bytes(32)
    store.put(DEVICE_SECRET, keys.to_bytes())
    store.put(VAULT_SECRET, vault_key)
    conn = vault.create_vault(directory / "vault.db", vault_key)
    vault.close_vault(conn)
    cfg = AccountConfig(server_url.rstrip("/"), authority, user_id, display_name, org,
                        keys.device_id, secrets, keyring_account)
    _write(directory / "account.json", cfg.to_json())
    out = directory / "enrolment.json"
    _write(out, json.dumps(request, indent=2, ensure_ascii=False) + "\n")
    return out


def import_certificate(directory: Path, data: bytes, *, now: int) -> Certificate:
    """Check a certificate from the authority matches this device, and keep it."""
    cfg = AccountConfig.load(Path(directory) / "account.json")
    try:
        sc = SignedCertificate.parse(data)
        cert = sc.verify(cfg.authority.public_key, now)
    except CryptoError as exc:
        raise AccountError(
            f"the certificate was not accepted: {exc}. Check it was issued for this device by "
            f"the pinned authority {cfg.authority.fingerprint}") from None
    if cert.device_id != cfg.device_id or cert.user_id != cfg.user_id:
        raise AccountError("this certificate was issued for another device or user")
    _write(Path(directory) / "certificate.json", sc.to_bytes().decode() + "\n")
    return cert


def open_session(directory: Path, *, passphrase: str | None = None,
                 clock: Callable[[], float], policy_doc: bytes | None = None) -> Session:
    """Unlock: secrets from the keyring or passphrase, certificate, vault."""
    directory = Path(directory)
    cfg = AccountConfig.load(directory / "account.json")
    store = secret_store(directory, cfg.secrets, cfg.keyring_account, passphrase)
    raw_keys = store.get(DEVICE_SECRET)
    vault_key = store.get(VAULT_SECRET)
    if raw_keys is None or vault_key is None:
        raise AccountError(
            "this account's keys are missing from the "
            + ("OS keyring" if cfg.secrets == "keyring" else "secrets file")
            + "; the vault was left untouched. Restore the keyring or re-enrol this device.")
    keys = DeviceKeys.from_bytes(raw_keys)
    if keys.device_id != cfg.device_id:
        raise AccountError("the stored keys belong to another device; the vault was left "
                           "untouched")
    cert_path = directory / "certificate.json"
    if not cert_path.exists():
        raise AccountError("no certificate yet: send enrolment.json to the authority, then "
                           "import the certificate it issues")
    try:
        sc = SignedCertificate.parse(cert_path.read_bytes())
        cert = sc.verify_signature(cfg.authority.public_key)
    except CryptoError as exc:
        raise AccountError(f"the stored certificate is not valid: {exc}") from None
    policy = Policy.default()
    if policy_doc is not None:
        policy = verify_policy(policy_doc, cfg.authority.public_key)
    conn = vault.open_vault(directory / "vault.db", vault_key)
    session = Session(directory, cfg, keys, cert, policy, conn, clock)
    load_certificates(session)
    if cert.device_id not in session.certs:
        store_keys.put_certificate(conn, cert.device_id, cert.user_id, cert.org,
                                   cert.display_name, cert.keys.fingerprint, sc.to_bytes(),
                                   session.now_ms())
        session.add_certificate(cert)
    return session


def load_certificates(session: Session) -> None:
    """Re-verify every stored certificate against the pinned key (the vault is trusted for
    confidentiality, but a certificate is only ever trusted on the authority's word)."""
    session.certs.clear()
    session.certs_version += 1
    for row in store_keys.list_certificates(session.conn):
        try:
            cert = SignedCertificate.parse(row.cert).verify_signature(session.authority_pk)
        except CryptoError:
            continue
        session.add_certificate(cert)


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
