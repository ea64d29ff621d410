"""Signature checks on a worker thread, so the event loop keeps parsing and storing meanwhile.

An Ed25519 check costs about as much as everything else the server does for a post, and
PyNaCl releases the GIL while it runs: on a second core it is nearly free. Jobs queued while
the worker is busy are run together and their results reach the loop in one wake-up, so the
hand-over costs little more than appending to a list. Jobs must be pure functions of their
arguments (they run on another thread); what they raise is raised to the awaiting request.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_Job = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[[], Any]]


class Offload:
    def __init__(self, name: str = "renkei-sigcheck") -> None:
        self._name = name
        self._jobs: list[_Job] = []
        self._cv = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self._closed = False

    def run(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        """Start ``fn()`` on the worker; await the returned future for its result."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()
        with self._cv:
            if self._closed:
                raise RuntimeError("the signature checker is closed")
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self._name,
                                                daemon=True)
                self._thread.start()
            self._jobs.append((loop, fut, fn))
            if len(self._jobs) == 1:
                self._cv.notify()
        return fut

    def close(self) -> None:
        with self._cv:
            self._closed = True
            self._cv.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(5)

    def _work(self) -> None:
        while True:
            with self._cv:
                while not self._jobs and not self._closed:
                    self._cv.wait()
                jobs, self._jobs = self._jobs, []
                if not jobs:
                    return  # closed and drained
            by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Any, bool, Any]]] = {}
            for loop, fut, fn in jobs:
                try:
                    outcome: tuple[Any, bool, Any] = (fut, True, fn())
                except BaseException as exc:  # handed to the awaiting request
                    outcome = (fut, False, exc)
                by_loop.setdefault(loop, []).append(outcome)
            for loop, outcomes in by_loop.items():
                with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits
                    loop.call_soon_threadsafe(_deliver, outcomes)


def _deliver(outcomes: list[tuple[Any, bool, Any]]) -> None:
    for fut, ok, value in outcomes:
        if fut.done():
            continue  # the request was cancelled (client gone)
        if ok:
            fut.set_result(value)
        else:
            fut.set_exception(value)
