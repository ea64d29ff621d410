"""Opening the vault with its key taken from a :class:`~store.secrets.SecretStore`.

Fail closed: when the vault exists, its key must come from the secret store and must open it.
A missing key, an unusable keyring or a different key is an error; the vault is never
recreated and never overwritten.
"""

from __future__ import annotations

import os
import secrets as pysecrets
from pathlib import Path

from store.errors import KeyringUnavailable, SecretMissing, VaultNotFound
from store.secrets import SecretStore
from store.vault import KEY_SIZE, Connection, create_vault, open_vault

__all__ = ["VAULT_KEY_NAME", "unlock_vault", "new_vault_key"]

VAULT_KEY_NAME = "vault-key"


def new_vault_key() -> bytes:
    return pysecrets.token_bytes(KEY_SIZE)


def _where(secrets: SecretStore) -> str:
    return "OS keyring" if secrets.kind == "keyring" else "passphrase file"


def unlock_vault(
    path: str | os.PathLike[str],
    secrets: SecretStore,
    *,
    create: bool = False,
    key_name: str = VAULT_KEY_NAME,
    check_same_thread: bool = True,
) -> Connection:
    """Open the vault at ``path`` with the key stored under ``key_name``.

    With ``create=True`` and no vault at ``path``, a vault is created: with the stored key if
    there is one, else with a new random key that is stored (and read back) first.
    """
    p = Path(path)
    if p.exists():
        key = secrets.get(key_name)
        if key is None:
            raise SecretMissing(key_name, _where(secrets))
        return open_vault(p, key, check_same_thread=check_same_thread)
    if not create:
        raise VaultNotFound(f"no vault exists at {p}; a new one is never created automatically")
    key = secrets.get(key_name)
    if key is None:
        key = new_vault_key()
        secrets.put(key_name, key)
        if secrets.get(key_name) != key:
            raise KeyringUnavailable("the secret store did not keep the new vault key")
    return create_vault(p, key, check_same_thread=check_same_thread)
