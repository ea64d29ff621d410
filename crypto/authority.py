"""The authority key: generation and passphrase protection (pure bytes in, bytes out).

The CLI (``client.authority_cli``) does the file and keyring I/O; this module never touches
the disk. A protected key is a JSON object holding an Argon2id salt and limits and an AEAD
ciphertext of the 32-byte seed; the public key is bound as associated data so a blob cannot
be paired with another public key file unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey

from crypto import primitives as p
from crypto.encoding import b64d, b64e, canonical, field, parse_json_object
from crypto.errors import AuthenticationFailed, EncodingError, KeyStorageError
from crypto.identity import authority_fingerprint


@dataclass(frozen=True)
class AuthorityPublic:
    public_key: bytes

    @property
    def fingerprint(self) -> str:
        return authority_fingerprint(self.public_key)

    def to_bytes(self) -> bytes:
        return canonical({"renkei_authority": 1, "public_key": b64e(self.public_key),
                          "fingerprint": self.fingerprint}) + b"\n"

    @classmethod
    def parse(cls, data: bytes | str) -> AuthorityPublic:
        """Reads an ``authority.pub`` file; a fingerprint that does not match is refused."""
        d = parse_json_object(data, "authority public key file")
        pub = cls(b64d(field(d, "public_key", str, "authority public key file"), size=32))
        if d.get("fingerprint") != pub.fingerprint:
            raise EncodingError("authority public key file: fingerprint does not match the key")
        return pub


def generate() -> SigningKey:
    return p.new_signing_key()


def protect(key: SigningKey, passphrase: str, *, ops: int = p.ARGON_OPS_DEFAULT,
            mem: int = p.ARGON_MEM_DEFAULT) -> bytes:
    salt = p.random_bytes(p.SALT_BYTES)
    kek = p.passphrase_key(passphrase, salt, ops, mem)
    pk = bytes(key.verify_key)
    nonce, ct = p.aead_encrypt(kek, bytes(key), b"renkei-authority-key" + pk)
    return canonical({"renkei_authority_key": 1, "kdf": "argon2id", "ops": ops, "mem": mem,
                      "salt": b64e(salt), "public_key": b64e(pk), "nonce": b64e(nonce),
                      "ciphertext": b64e(ct)}) + b"\n"


def unprotect(blob: bytes, passphrase: str) -> SigningKey:
    what = "authority key file"
    d = parse_json_object(blob, what)
    if d.get("renkei_authority_key") != 1 or d.get("kdf") != "argon2id":
        raise EncodingError(f"{what}: not a Renkei authority key")
    ops, mem = field(d, "ops", int, what), field(d, "mem", int, what)
    if not (p.ARGON_OPS_MIN <= ops <= 16 and p.ARGON_MEM_MIN <= mem <= 4 * 2**30):
        raise EncodingError(f"{what}: Argon2id limits out of range")
    salt = b64d(field(d, "salt", str, what), size=p.SALT_BYTES)
    pk = b64d(field(d, "public_key", str, what), size=32)
    kek = p.passphrase_key(passphrase, salt, ops, mem)
    try:
        seed = p.aead_decrypt(kek, b64d(field(d, "nonce", str, what)),
                              b64d(field(d, "ciphertext", str, what)),
                              b"renkei-authority-key" + pk)
    except AuthenticationFailed:
        raise KeyStorageError("wrong passphrase, or the authority key file is damaged") from None
    key = SigningKey(seed)
    if bytes(key.verify_key) != pk:
        raise KeyStorageError("the authority key file is damaged")
    return key


def public_of(key: SigningKey) -> AuthorityPublic:
    return AuthorityPublic(bytes(key.verify_key))


def describe(doc: dict[str, Any]) -> dict[str, Any]:
    """A readable summary of any signed document (for ``renkei-authority show``)."""
    kind = next((k for k in doc if k != "signature"), "unknown")
    inner = doc.get(kind)
    return {"kind": kind, "content": inner}
