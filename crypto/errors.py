"""Exception root for the crypto package.

Every failure to authenticate or decrypt raises the same opaque :class:`AuthenticationFailed`:
callers (and attackers probing them) learn only that a check failed, never which one.
"""


class CryptoError(Exception):
    """Root of every error raised by ``crypto``."""


class AuthenticationFailed(CryptoError):
    """A signature, MAC or decryption check failed. Deliberately says nothing more."""

    def __init__(self) -> None:
        super().__init__("authentication failed")


class EncodingError(CryptoError, ValueError):
    """Input is not in the expected canonical format (before any authentication)."""


class CertificateRejected(CryptoError):
    """A certificate is authentic but not acceptable now: expired, not yet valid or revoked."""


class MembershipError(CryptoError):
    """A room membership event is invalid: wrong chain, wrong signer or not permitted."""


class RecipientError(CryptoError):
    """No valid set of recipients can be formed for the requested label."""


class KeyStorageError(CryptoError):
    """A protected private key blob could not be unwrapped (wrong passphrase or damaged)."""
