"""``renkei-server``: run the sharing server (SQLite in a data directory, or PostgreSQL)."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path
from typing import Any

from server.config import Limits, ServerConfig, load_authority, load_policy
from server.errors import ConfigError

EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="renkei-server",
        description="Renkei sharing server (連携 共有サーバ): relays end-to-end encrypted "
                    "envelopes between devices certified by a pinned authority.")
    ap.add_argument("--authority", type=Path, metavar="FILE",
                    help="the pinned authority public key file (authority.pub); required")
    ap.add_argument("--data-dir", type=Path, metavar="DIR",
                    help="SQLite database and attachments (default: ./renkei-server-data)")
    ap.add_argument("--database-url", metavar="URL",
                    default=os.environ.get("RENKEI_DATABASE_URL"),
                    help="postgresql://… to use PostgreSQL instead of SQLite "
                         "(default: $RENKEI_DATABASE_URL)")
    ap.add_argument("--policy", type=Path, metavar="FILE",
                    help="markings policy signed by the authority (default: built-in policy)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8470)
    d = Limits()
    ap.add_argument("--max-body", type=int, default=d.max_body, metavar="BYTES",
                    help="largest JSON request body")
    ap.add_argument("--max-attachment", type=int, default=d.max_attachment, metavar="BYTES",
                    help="largest attachment upload")
    ap.add_argument("--rate", type=float, default=d.rate_per_s, metavar="PER_S",
                    help="requests per second per device (0: no limit)")
    ap.add_argument("--burst", type=int, default=d.rate_burst, help="burst per device")
    ap.add_argument("--anon-rate", type=float, default=d.anon_rate_per_s, metavar="PER_S",
                    help="unauthenticated requests per second per address (0: no limit)")
    ap.add_argument("--anon-burst", type=int, default=d.anon_rate_burst)
    ap.add_argument("--clock-skew", type=int, default=d.clock_skew_s, metavar="SECONDS",
                    help="accepted difference between request timestamps and server time")
    ap.add_argument("--log-level", default="info",
                    choices=["critical", "error", "warning", "info", "debug"])
    ap.add_argument("--loop", default="auto", choices=["auto", "asyncio", "uvloop"],
                    help="event loop (auto: uvloop when installed)")
    ap.add_argument("--http", default="auto", choices=["auto", "h11", "httptools"],
                    help="HTTP parser (auto: httptools when installed)")
    ap.add_argument("--access-log", action="store_true",
                    help="log each request line (method, path, status; never bodies)")
    return ap


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    if args.authority is None:
        raise ConfigError("no pinned authority: pass --authority authority.pub "
                          "(認証局の公開鍵ファイルを --authority で指定してください)")
    authority = load_authority(args.authority)
    policy = load_policy(args.policy, authority) if args.policy else None
    limits = Limits(max_body=args.max_body, max_attachment=args.max_attachment,
                    rate_per_s=args.rate, rate_burst=args.burst,
                    anon_rate_per_s=args.anon_rate, anon_rate_burst=args.anon_burst,
                    clock_skew_s=args.clock_skew)
    data_dir = args.data_dir
    if data_dir is None and not args.database_url:
        data_dir = Path("renkei-server-data")
    kw = {"policy": policy} if policy is not None else {}
    return ServerConfig(authority=authority, data_dir=data_dir, database_url=args.database_url,
                        limits=limits, host=args.host, port=args.port, **kw)


SERVER_GC_THRESHOLDS = (100_000, 50, 100)


def http_protocol(choice: str) -> Any:
    """What uvicorn is given for ``--http``: httptools with one write per response
    (``server.onewrite``) unless h11 is asked for or httptools is missing."""
    if choice == "h11":
        return choice
    try:
        from server.onewrite import OneWriteHttpToolsProtocol
    except ImportError:  # no httptools here: uvicorn's own choice ("auto" means h11)
        return choice
    return OneWriteHttpToolsProtocol


def main(argv: list[str] | None = None) -> int:
    # Signature checks run on their own thread (server.offload); with the default 5 ms
    # switch interval that thread waits behind a busy event loop for the GIL, and both
    # stall. 1 ms measured best: ingest 2,850 -> 3,200/s; shorter costs the loop more.
    sys.setswitchinterval(0.001)
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = config_from_args(args)
        from server.app import create_app

        app = create_app(config)
    except ConfigError as exc:
        print(f"renkei-server: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    import uvicorn

    print(f"renkei-server: authority {config.authority.fingerprint}", file=sys.stderr)
    # What exists now (modules, the app) lives as long as the process: the cycle collector
    # need not walk it again. And requests make many short-lived objects, so collect the
    # young generation less often (same thresholds as a client's long catch-up).
    gc.freeze()
    gc.set_threshold(*SERVER_GC_THRESHOLDS)
    http = http_protocol(args.http)
    uvicorn.run(app, host=config.host, port=config.port, log_level=args.log_level,
                access_log=args.access_log, lifespan="on", loop=args.loop, http=http,
                timeout_graceful_shutdown=3, backlog=4096)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
