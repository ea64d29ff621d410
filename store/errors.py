"""Exception root for the store package.

Every message is meant to be shown to a person as it is: it says what happened and what to do.
Each class also carries a short Japanese explanation (``message_ja``) that the client can show
beside or instead of the English text.
"""

from __future__ import annotations

__all__ = [
    "StoreError",
    "WrongKey",
    "WrongPassphrase",
    "VaultNotFound",
    "VaultExists",
    "VaultTooNew",
    "KeyringUnavailable",
    "SecretMissing",
    "SecretsFileExists",
    "SecretsFileNotFound",
    "SecretsFileCorrupt",
    "IntegrityError",
    "VaultWriteError",
    "InvalidData",
]


class StoreError(Exception):
    """Root of every error raised by ``store``; the message is fit to show a user."""

    message_ja: str = "ローカル保管庫でエラーが発生しました。"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message())

    @classmethod
    def default_message(cls) -> str:
        return "the local vault reported an error"


class WrongKey(StoreError):
    """The key given does not decrypt the vault. The vault file is left exactly as it was."""

    message_ja = (
        "保管庫の鍵でこの保管庫を開けません。保管庫は変更も再作成もされていません。"
    )

    @classmethod
    def default_message(cls) -> str:
        return (
            "the vault key does not open this vault — it was not changed or recreated. "
            "If the OS keyring or passphrase was reset, restore the original one; "
            "otherwise this file is not a Renkei vault."
        )


class WrongPassphrase(WrongKey):
    """The passphrase does not open the passphrase-protected secrets file."""

    message_ja = "パスフレーズが違います。秘密情報ファイルは変更されていません。"

    @classmethod
    def default_message(cls) -> str:
        return (
            "the passphrase does not open this secrets file — it was not changed or recreated. "
            "Check the passphrase (keyboard layout, Caps Lock) and try again."
        )


class VaultNotFound(StoreError):
    message_ja = "保管庫ファイルが見つかりません。新しい保管庫は自動では作成されません。"

    @classmethod
    def default_message(cls) -> str:
        return "no vault exists at this path; a new one is never created automatically"


class VaultExists(StoreError):
    message_ja = "この場所には既に保管庫があります。上書きはしません。"

    @classmethod
    def default_message(cls) -> str:
        return "a vault already exists at this path; it is never overwritten"


class VaultTooNew(StoreError):
    message_ja = "この保管庫は新しい版の Renkei で作成されています。Renkei を更新してください。"

    @classmethod
    def default_message(cls) -> str:
        return "this vault was written by a newer Renkei; update Renkei to open it"


class KeyringUnavailable(StoreError):
    """The OS keyring cannot be used. ``reason`` is one of the ``REASON_*`` codes."""

    REASON_NO_BACKEND = "no-backend"
    REASON_LOCKED = "locked"
    REASON_INIT_FAILED = "init-failed"
    REASON_BACKEND_ERROR = "backend-error"

    message_ja = (
        "OS のキーリングを利用できません（画面のない Linux では Secret Service が動いていない"
        "ことが多く、またキーリングがロックされている可能性があります）。"
        "パスフレーズ方式を選んでください。"
    )

    def __init__(self, detail: str, reason: str = REASON_BACKEND_ERROR) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(
            f"the OS keyring cannot be used: {detail}. "
            "Unlock or start the keyring (on a headless Linux machine there is usually no "
            "Secret Service), or choose the passphrase option to protect keys with a passphrase "
            "instead. Keys are never stored unprotected."
        )


class SecretMissing(StoreError):
    """A secret that must exist (e.g. the key of an existing vault) is not in its store."""

    message_ja = (
        "保管庫の鍵がキーリング（またはパスフレーズファイル）にありません。"
        "保管庫は再作成されていません。元のキーリングかパスフレーズファイルを復元してください。"
    )

    def __init__(self, name: str, where: str = "secret store") -> None:
        self.name = name
        super().__init__(
            f"the secret {name!r} is missing from the {where}; nothing was recreated or "
            "overwritten. Restore the original keyring entry or passphrase file, or use the "
            "passphrase option if this vault was protected that way."
        )


class SecretsFileExists(StoreError):
    message_ja = "秘密情報ファイルは既に存在します。上書きはしません。"

    @classmethod
    def default_message(cls) -> str:
        return "a secrets file already exists at this path; it is never overwritten"


class SecretsFileNotFound(StoreError):
    message_ja = "秘密情報ファイルが見つかりません。"

    @classmethod
    def default_message(cls) -> str:
        return "no secrets file exists at this path"


class SecretsFileCorrupt(StoreError):
    message_ja = "秘密情報ファイルが壊れているか、Renkei のファイルではありません。"

    @classmethod
    def default_message(cls) -> str:
        return "the secrets file is damaged or is not a Renkei secrets file"


class IntegrityError(StoreError):
    """Stored data contradicts itself or new data (forked log, swapped key, edited audit row)."""

    message_ja = "保管庫内のデータの整合性が確認できません。セキュリティ担当者に連絡してください。"

    @classmethod
    def default_message(cls) -> str:
        return "data in the vault is inconsistent; report this to your security officer"


class VaultWriteError(StoreError):
    """SQLite refused a write (disk full, read-only file, busy for too long)."""

    message_ja = "保管庫に書き込めませんでした。空き容量と権限を確認してください。"

    @classmethod
    def default_message(cls) -> str:
        return "the vault could not be written; check free disk space and file permissions"


class InvalidData(StoreError, ValueError):
    """A caller passed a value the vault will not store (unknown kind, bad key length, ...)."""

    message_ja = "保管庫に保存できない値が渡されました。"

    @classmethod
    def default_message(cls) -> str:
        return "a value passed to the vault is invalid"
