"""Running a server for tests and benchmarks: in a thread of this process, or as a real
``python -m server`` process on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from server.app import create_app
from server.config import ServerConfig


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ThreadServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def serve_in_thread(config: ServerConfig) -> ThreadServer:
    """Start ``config`` on a free loopback port in a daemon thread; returns once it serves."""
    app = create_app(config)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                           access_log=False, timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="renkei-server")
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server thread did not start")
        time.sleep(0.01)
    return ThreadServer(f"http://127.0.0.1:{port}", server, thread)


@dataclass
class ProcessServer:
    url: str
    proc: subprocess.Popen[bytes]
    log_path: Path

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return int(self.proc.returncode)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")


def start_process(args: list[str], log_path: Path, env: dict[str, str] | None = None,
                  timeout: float = 30.0) -> ProcessServer:
    """``python -m server ARGS --port FREE`` on loopback; waits for /v1/health."""
    port = free_port()
    full_env = dict(os.environ if env is None else env)
    out = open(log_path, "wb")  # noqa: SIM115 - handed to the child, closed below
    try:
        proc = subprocess.Popen([sys.executable, "-m", "server", *args, "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                env=full_env)
    finally:
        out.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"renkei-server exited with {proc.returncode}: "
                               f"{log_path.read_text('utf-8', 'replace')[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                return ProcessServer(url, proc, log_path)
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("renkei-server did not become healthy in time")
        time.sleep(0.05)
