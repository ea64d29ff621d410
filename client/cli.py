"""``renkei``: the headless client (enrol, sync, rooms, send, read, search).

Commands live in ``client/cli_*.py`` modules listed in :data:`COMMAND_MODULES`; each has a
``register(reg: Registry)`` function that adds its commands (or command groups) and the
function each runs. To add ``renkei report …`` and the like, write ``client/cli_report.py``
with a ``register`` function and append its name to :data:`COMMAND_MODULES`; nothing else
here changes. Command modules import the sync engine inside their functions, so ``renkei
--help`` starts fast, and never import Qt.

Errors end with one line ``renkei: error: …`` on stderr. Exit codes: 0 ok, 2 usage or bad
input (unknown option, bad label, wrong passphrase, refused locally), 1 anything else
(offline, refused by the server, damaged files), 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import importlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:  # the engine is imported only by commands that use it
    from sync.account import Session
    from sync.engine import Engine

PROG = "renkei"
COMMAND_MODULES: tuple[str, ...] = (
    "client.cli_account",
    "client.cli_rooms",
    "client.cli_messaging",
    "client.cli_intel",
    "client.cli_demo",
    # Further command groups register here, e.g. "client.cli_report", "client.cli_kev",
    # "client.cli_stix", "client.cli_demo".
)
MAX_INPUT_BYTES = 1 << 20
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CliError(Exception):
    """A problem to report in one line. ``code`` is the exit code (2: usage or bad input)."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def default_account_dir() -> Path:
    env = os.environ.get("RENKEI_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "renkei" / "default"


def is_japanese() -> bool:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return value.lower().startswith("ja")
    return False


def t(en: str, ja: str) -> str:
    """The text in the user's language (Japanese when the locale says so)."""
    return ja if is_japanese() else en


# ---------------------------------------------------------------------------- context
@dataclass
class Context:
    """What a command gets: its arguments, output streams, and the unlocked account."""

    args: argparse.Namespace
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    clock: Callable[[], float] = time.time
    _session: Session | None = None
    _engine: Engine | None = None

    @property
    def account_dir(self) -> Path:
        value = getattr(self.args, "account", None)
        return Path(value).expanduser() if value else default_account_dir()

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        """Progress and remarks: stderr, so stdout stays clean for scripts."""
        print(text, file=self.err, flush=True)

    def warn(self, text: str) -> None:
        print(f"{PROG}: warning: {text}", file=self.err, flush=True)

    def passphrase(self, prompt: str) -> str:
        path = getattr(self.args, "passphrase_file", None)
        if path:
            return read_passphrase_file(path)
        if not sys.stdin.isatty():
            raise CliError("this account's keys are protected by a passphrase: give "
                           "--passphrase-file FILE, or run in a terminal to type it")
        pw = getpass.getpass(prompt)
        if not pw:
            raise CliError("the passphrase is empty")
        return pw

    def session(self) -> Session:
        if self._session is None:
            from sync.account import AccountConfig, open_session

            cfg = AccountConfig.load(self.account_dir / "account.json")
            pw = None
            if cfg.secrets == "passphrase":
                pw = self.passphrase(t("Passphrase for this account: ",
                                       "このアカウントのパスフレーズ: "))
            self._session = open_session(self.account_dir, passphrase=pw, clock=self.clock)
        return self._session

    def engine(self) -> Engine:
        if self._engine is None:
            from sync.engine import Engine

            self._engine = Engine(self.session())
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
        if self._session is not None:
            self._session.close()
            self._session = None


def read_input(path: str | Path, what: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise CliError(f"{what} {p}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{what} {p}: is a directory, not a file") from None
    except OSError as exc:
        raise CliError(f"{what} {p}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise CliError(f"{what} {p}: larger than {limit} bytes")
    return data


def read_passphrase_file(path: str) -> str:
    data = read_input(path, "passphrase file")
    try:
        line = data.decode("utf-8").split("\n", 1)[0].removesuffix("\r")
    except UnicodeDecodeError:
        raise CliError(f"passphrase file {path}: not UTF-8 text") from None
    if not line:
        raise CliError(f"passphrase file {path}: the first line is empty")
    return line


# ---------------------------------------------------------------------------- registry
Run = Callable[[Context], "int | None"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see '{self.prog} --help')")


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    # On subcommands the defaults are SUPPRESSed so they never overwrite a value given before
    # the command name: `renkei --account X sync` and `renkei sync --account X` both work.
    def d(v: object) -> object:
        return v if top else argparse.SUPPRESS

    parser.add_argument("--account", metavar="DIR", default=d(None),
                        help="account directory (default: $RENKEI_HOME or "
                             "~/.local/share/renkei/default)")
    parser.add_argument("--passphrase-file", metavar="FILE", default=d(None),
                        help="read the account passphrase from the first line of FILE")


class Registry:
    """Where command modules add their commands: ``reg.command(...)`` for a command,
    ``reg.group(...)`` for a command with subcommands (``renkei room create``)."""

    def __init__(self, subparsers: Any) -> None:
        self._sub = subparsers

    def command(self, name: str, run: Run, help: str, *,
                description: str | None = None) -> argparse.ArgumentParser:
        sp: argparse.ArgumentParser = self._sub.add_parser(
            name, help=help, description=description or help)
        _common(sp, False)
        sp.set_defaults(run=run)
        return sp

    def group(self, name: str, help: str) -> Registry:
        sp = self._sub.add_parser(name, help=help, description=help)
        _common(sp, False)
        return Registry(sp.add_subparsers(dest=f"{name}_command", metavar="COMMAND",
                                          required=True))


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    ap = _Parser(prog=PROG, description=t(
        "Renkei: end-to-end encrypted sharing of classified cyber-threat information.",
        "連携: 機密サイバー脅威情報のエンドツーエンド暗号化共有クライアント。"))
    _common(ap, True)
    sub = ap.add_subparsers(dest="command", metavar="COMMAND", required=True,
                            parser_class=_Parser)
    reg = Registry(sub)
    for name in modules:
        importlib.import_module(name).register(reg)
    return ap


def _trailing_text(parser: argparse.ArgumentParser, args: argparse.Namespace,
                   extra: list[str]) -> argparse.Namespace:
    """argparse cannot give an optional positional that follows options (``send ROOM
    --label L TEXT``); commands that set ``trailing_text`` receive it here."""
    if not extra:
        return args
    if (getattr(args, "trailing_text", False) and getattr(args, "text", None) is None
            and len(extra) == 1 and not extra[0].startswith("-")):
        args.text = extra[0]
        return args
    parser.error(f"unrecognized arguments: {' '.join(extra)}")


# ---------------------------------------------------------------------------- errors
def _exit_code(exc: BaseException) -> tuple[int, str]:
    """Map an error from any layer to (exit code, one-line message)."""
    from crypto.errors import CryptoError
    from intel.errors import IntelError
    from store.errors import StoreError, WrongKey
    from sync.account import AccountError
    from sync.compose import SendError
    from sync.content import ContentError
    from sync.errors import SyncError

    if isinstance(exc, CliError):
        return exc.code, str(exc)
    if isinstance(exc, StoreError):
        text = exc.message_ja if is_japanese() else str(exc)
        return (EXIT_USAGE if isinstance(exc, WrongKey) else EXIT_FAILED), text
    if isinstance(exc, SendError | AccountError | ContentError | IntelError):
        return EXIT_USAGE, str(exc)
    if isinstance(exc, SyncError | CryptoError):
        return EXIT_FAILED, str(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return EXIT_FAILED, f"{where}{exc.strerror or exc}"
    raise exc


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None,
         err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    ctx: Context | None = None
    try:
        with contextlib.redirect_stdout(out):  # --help goes where output is asked to go
            parser = build_parser()
            args, extra = parser.parse_known_args(argv)
        args = _trailing_text(parser, args, extra)
        ctx = Context(args, out, err)
        rc = args.run(ctx)
        return EXIT_OK if rc is None else int(rc)
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except (KeyboardInterrupt, EOFError):
        print(f"{PROG}: {t('cancelled', '中断しました')}", file=err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    except Exception as exc:
        try:
            code, message = _exit_code(exc)
        except Exception:
            if os.environ.get("RENKEI_DEBUG") == "1":
                raise
            code, message = EXIT_FAILED, (f"internal error: {type(exc).__name__}: {exc} "
                                          "(please report it; set RENKEI_DEBUG=1 for details)")
        print(f"{PROG}: error: {' '.join(message.split())}", file=err)
        return code
    finally:
        if ctx is not None:
            with contextlib.suppress(Exception):
                ctx.close()


if __name__ == "__main__":
    sys.exit(main())
