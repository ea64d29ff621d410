"""``renkei report | advisory | brief | doc | ack | kev | inventory | stix | taxii``.

The flows of ``sync.flows`` on the command line. The commands live in ``cli_intel_*.py`` by
subject; :func:`register` adds them all. Problems with an input file are listed one per line
on stderr (each with its field path) before the one ``renkei: error: …`` line; the exit code
is 2 for bad input or a refusal, 1 for anything else (offline, refused by the server).
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from client.cli import EXIT_FAILED, EXIT_USAGE, CliError, Context, Registry, read_input, t

Command = Callable[[Context], "int | None"]


def register(reg: Registry) -> None:
    from client import cli_intel_docs, cli_intel_kev, cli_intel_reports, cli_intel_stix

    cli_intel_reports.register(reg)
    cli_intel_docs.register(reg)
    cli_intel_kev.register(reg)
    cli_intel_stix.register(reg)


def guarded(nothing: str = "") -> Callable[[Command], Command]:
    """Turn the flows' errors into the CLI's conventions. ``nothing`` completes the error
    line when a refusal means nothing was done (e.g. "nothing was sent")."""

    def wrap(fn: Command) -> Command:
        @functools.wraps(fn)
        def run(ctx: Context) -> int | None:
            from intel.errors import FormatError
            from sync.compose import SendError
            from sync.flows_common import FlowError
            from sync.taxii import TaxiiRefused

            tail = f"; {nothing}" if nothing else ""
            try:
                return fn(ctx)
            except SendError as exc:
                text = str(exc)
                raise CliError(text if "nothing was" in text else text + tail,
                               EXIT_USAGE) from None
            except FormatError as exc:
                show_problems(ctx, exc.problems, str(exc))
                raise CliError(f"{exc}{tail}", EXIT_USAGE) from None
            except TaxiiRefused as exc:
                show_problems(ctx, exc.problems, str(exc))
                raise CliError(str(exc), EXIT_USAGE) from None
            except FlowError as exc:
                raise CliError(str(exc), EXIT_USAGE) from None

        return run

    return wrap


def show_problems(ctx: Context, problems: list[str] | tuple[str, ...], message: str = ""
                  ) -> None:
    if list(problems) == [message]:
        return
    for p in problems:
        print(f"  {p}", file=ctx.err, flush=True)


def read_file(path: str, what: str, limit: int) -> bytes:
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise CliError(f"{what} on stdin: larger than {limit} bytes")
        return data
    return read_input(path, what, limit)


def online(ctx: Context) -> bool:
    """Register, send what is queued and fetch what is new; False when offline (the command
    then works from what this device already holds)."""
    from client.cli_messaging import catch_up
    from sync.engine import Offline

    try:
        catch_up(ctx, quiet=True)
    except Offline:
        ctx.warn(t("the server cannot be reached; working from what this device holds",
                   "サーバに接続できません。この端末が保持する情報で処理します"))
        return False
    return True


def queued_error(what: str, ident: str) -> CliError:
    return CliError(t(
        f"the server cannot be reached; {what} {ident} is kept in the outbox and will be sent "
        "once by the next 'renkei sync' (do not send it again)",
        f"サーバに接続できません。{what} {ident} は送信待ちに保存され、次の 'renkei sync' で"
        "一度だけ送信されます（再送しないでください）"), EXIT_FAILED)


def any_queued(ctx: Context, envelope_ids: list[str] | tuple[str, ...]) -> bool:
    from sync.flows import delivery_state

    session = ctx.session()
    return any(delivery_state(session, e) == "queued" for e in envelope_ids)


def write_out(ctx: Context, path: str, data: bytes) -> None:
    if path == "-":
        ctx.out.write(data.decode("utf-8") + "\n")
        ctx.out.flush()
        return
    p = Path(path)
    if p.is_dir():
        raise CliError(f"--out {p}: is a directory; name a file")
    try:
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(p)
    except OSError as exc:
        with contextlib.suppress(OSError):
            p.with_name(p.name + ".tmp").unlink()
        raise CliError(f"--out {p}: {exc.strerror or exc}", EXIT_FAILED) from None


def who(session: Any, user: str) -> str:
    names = {c.user_id: c.display_name for c in session.certs.values()}
    name = names.get(user)
    return f"{name} <{user}>" if name else user
