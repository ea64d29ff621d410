"""Small checked wrappers over PyNaCl: the only place that touches raw primitives.

Every signature and every derivation carries a context string (domain separation), so a
value made for one purpose never verifies or derives for another. Contexts are listed in
docs/protocol.md; new ones must be added there.
"""

from __future__ import annotations

import hashlib
from typing import Final

import nacl.bindings as nb
import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.utils
from nacl.signing import SigningKey

from crypto.errors import AuthenticationFailed, EncodingError

KEY_BYTES: Final = 32
NONCE_BYTES: Final = nb.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
SIG_BYTES: Final = 64

# Signature contexts: one per thing signed.
CTX_CERT: Final = b"renkei/v1/certificate"
CTX_CRL: Final = b"renkei/v1/revocation-list"
CTX_POLICY: Final = b"renkei/v1/markings-policy"
CTX_ENROL: Final = b"renkei/v1/enrolment-request"
CTX_ENVELOPE: Final = b"renkei/v1/envelope"
CTX_MEMBERSHIP: Final = b"renkei/v1/membership-event"
CTX_KEYBATCH: Final = b"renkei/v1/epoch-key-batch"
CTX_REQUEST: Final = b"renkei/v1/request"
CTX_CHALLENGE: Final = b"renkei/v1/auth-challenge"

# Derivation personalisations (BLAKE2b "person", 16 bytes max).
P_MSGKEY: Final = b"rk1-msgkey"
P_WRAP: Final = b"rk1-wrap"
P_COMMIT: Final = b"rk1-keycommit"
P_DEVICE_ID: Final = b"rk1-device-id"
P_FINGERPRINT: Final = b"rk1-fingerprint"
P_AUTHORITY: Final = b"rk1-authority"
P_HASH: Final = b"rk1-hash"
P_PASSKEY: Final = b"rk1-passkey"


def random_bytes(n: int) -> bytes:
    return bytes(nacl.utils.random(n))


def _framed(context: bytes, message: bytes) -> bytes:
    # Length-prefixed context: no context is a prefix-collision of another.
    if not 0 < len(context) < 256:
        raise ValueError("context must be 1..255 bytes")
    return bytes([len(context)]) + context + message


def sign(key: SigningKey, context: bytes, message: bytes) -> bytes:
    return bytes(key.sign(_framed(context, message)).signature)


def verify(public_key: bytes, context: bytes, message: bytes, signature: bytes) -> None:
    """Raise :class:`AuthenticationFailed` unless ``signature`` is valid for this context."""
    if len(public_key) != 32 or len(signature) != SIG_BYTES:
        raise AuthenticationFailed()
    try:
        # What VerifyKey(public_key).verify(message, signature) does, without the object.
        nb.crypto_sign_open(signature + _framed(context, message), public_key)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError):
        raise AuthenticationFailed() from None


def hash32(data: bytes, person: bytes = P_HASH, key: bytes = b"") -> bytes:
    # hashlib's BLAKE2b (the same function as libsodium's crypto_generichash with a zero salt
    # and the person zero-padded to 16 bytes; a test compares them) skips PyNaCl's argument
    # checks written in Python, which cost eight times the hash of a short input.
    if len(person) > 16 or len(key) > 64:
        raise ValueError("BLAKE2b person is at most 16 bytes and key at most 64")
    return hashlib.blake2b(data, digest_size=32, key=key, person=person).digest()


def derive_key(key: bytes, person: bytes, info: bytes) -> bytes:
    """BLAKE2b keyed with ``key``, personalised with ``person``, over ``info``: a 32-byte key."""
    if len(key) != KEY_BYTES:
        raise ValueError("derivation key must be 32 bytes")
    return hash32(info, person, key)


def aead_encrypt(key: bytes, plaintext: bytes, aad: bytes, nonce: bytes | None = None) -> tuple[
    bytes, bytes
]:
    """XChaCha20-Poly1305 (IETF). Returns (nonce, ciphertext); a random nonce unless given."""
    if len(key) != KEY_BYTES:
        raise ValueError("AEAD key must be 32 bytes")
    n = nonce if nonce is not None else random_bytes(NONCE_BYTES)
    return n, bytes(nb.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, aad, n, key))


def aead_decrypt(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    if len(key) != KEY_BYTES or len(nonce) != NONCE_BYTES:
        raise AuthenticationFailed()
    try:
        return bytes(nb.crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, aad, nonce, key))
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        raise AuthenticationFailed() from None


def x25519_keypair() -> tuple[bytes, bytes]:
    sk = random_bytes(32)
    return sk, bytes(nb.crypto_scalarmult_base(sk))


def x25519_public(sk: bytes) -> bytes:
    return bytes(nb.crypto_scalarmult_base(sk))


def x25519(sk: bytes, pk: bytes) -> bytes:
    """Raw X25519; an all-zero result (low-order point) is refused."""
    try:
        shared = bytes(nb.crypto_scalarmult(sk, pk))
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        raise AuthenticationFailed() from None
    if shared == bytes(32):
        raise AuthenticationFailed()
    return shared


def wrap_key(shared: bytes, eph_pk: bytes, recipient_pk: bytes) -> bytes:
    """Key-encryption key from a DH result, bound to both public keys."""
    return derive_key(shared, P_WRAP, eph_pk + recipient_pk)


# Argon2id for passphrases (authority key, vault key where no keyring works).
ARGON_OPS_DEFAULT: Final = argon2id.OPSLIMIT_MODERATE
ARGON_MEM_DEFAULT: Final = argon2id.MEMLIMIT_MODERATE
ARGON_OPS_MIN: Final = argon2id.OPSLIMIT_MIN
ARGON_MEM_MIN: Final = argon2id.MEMLIMIT_MIN
SALT_BYTES: Final = argon2id.SALTBYTES


def passphrase_key(passphrase: str, salt: bytes, ops: int, mem: int) -> bytes:
    if not passphrase:
        raise EncodingError("the passphrase is empty")
    if len(salt) != SALT_BYTES:
        raise EncodingError("bad salt length")
    return bytes(argon2id.kdf(KEY_BYTES, passphrase.encode("utf-8"), salt, opslimit=ops,
                              memlimit=mem))


def signing_key_from_seed(seed: bytes) -> SigningKey:
    if len(seed) != 32:
        raise EncodingError("signing seed must be 32 bytes")
    return SigningKey(seed)


def new_signing_key() -> SigningKey:
    return SigningKey.generate()
