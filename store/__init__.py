"""Renkei store: the client's encrypted local vault (SQLCipher 4) and its key storage.

Modules (all storage is plain functions taking a connection from :mod:`store.vault`):

- ``store.vault``: create/open the vault, ``transaction``, ``checkpoint``, ``close_vault``
- ``store.unlock``: open the vault with its key from a secret store (fail closed)
- ``store.secrets``: ``KeyringSecrets``, ``PassphraseSecrets``, ``probe_keyring``
- ``store.items`` / ``store.search``: items, paging, full-text search (English + Japanese)
- ``store.rooms``, ``store.keys``, ``store.seqs``, ``store.outbox``, ``store.kv``,
  ``store.audit``: rooms and membership logs, certificates and epoch keys, sequence numbers,
  outbox, cursors and settings, audit log and security events
- ``store.models``: the frozen row types; ``store.errors``: the exceptions (root StoreError)
- ``store.rowsource``: batches of rows fed to one statement (cheap under memory security)
"""
