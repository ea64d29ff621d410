"""Server configuration: what the CLI parses and what tests build directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crypto.authority import AuthorityPublic
from crypto.certs import verify_policy
from crypto.errors import CryptoError
from intel.errors import IntelError
from intel.markings import Policy
from server.errors import ConfigError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_body: int = 2 * MiB  # JSON request bodies (an envelope is at most ~1.5 MB)
    max_attachment: int = 256 * MiB
    # Per device (authenticated requests) and per client address (unauthenticated ones);
    # a rate of 0 disables the limit (benchmarks).
    rate_per_s: float = 200.0
    rate_burst: int = 400
    anon_rate_per_s: float = 20.0
    anon_rate_burst: int = 60
    clock_skew_s: int = 300
    max_waiters_per_device: int = 16
    session_s: int = 900  # lifetime of a request session (crypto.sessions)


@dataclass(frozen=True)
class ServerConfig:
    authority: AuthorityPublic
    data_dir: Path | None = None
    database_url: str | None = None
    policy: Policy = field(default_factory=Policy.default)
    limits: Limits = field(default_factory=Limits)
    host: str = "127.0.0.1"
    port: int = 8470

    def __post_init__(self) -> None:
        if self.database_url is None and self.data_dir is None:
            raise ConfigError("give --data-dir (SQLite) or --database-url (PostgreSQL)")
        if self.database_url is not None and not self.database_url.startswith(
                ("postgresql://", "postgres://")):
            raise ConfigError("--database-url must be a postgresql:// URL")


def load_authority(path: Path) -> AuthorityPublic:
    try:
        return AuthorityPublic.parse(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read the authority key file {path}: {exc.strerror}") from None
    except CryptoError as exc:
        raise ConfigError(f"{path} is not a valid authority.pub file: {exc}") from None


def load_policy(path: Path, authority: AuthorityPublic) -> Policy:
    try:
        return verify_policy(path.read_bytes(), authority.public_key)
    except OSError as exc:
        raise ConfigError(f"cannot read the policy file {path}: {exc.strerror}") from None
    except (CryptoError, IntelError) as exc:
        raise ConfigError(
            f"{path} is not a markings policy signed by the pinned authority: {exc}") from None
