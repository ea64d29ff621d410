"""Work off the GUI thread: one-shot tasks (unlock, search, send) and the sync loop.

Workers are QObjects moved to QThreads. Signals carry task ids and immutable values only;
results are handed to callbacks on the GUI thread.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from client.ui.backend import Backend, BackendError, BackendEvent, SyncStatus

__all__ = ["EventBridge", "SyncController", "TaskRunner", "wait_for_threads"]

log = logging.getLogger(__name__)

Job = Callable[[], Any]
OnDone = Callable[[Any], object]
OnError = Callable[[BackendError], None]


def _as_backend_error(exc: Exception) -> BackendError:
    if isinstance(exc, BackendError):
        return exc
    # Never a traceback in front of a user: log it, show a plain sentence.
    log.error("unexpected error in a background task", exc_info=exc)
    return BackendError(
        "Something went wrong in the background; the details were written to the log.",
        "バックグラウンド処理でエラーが発生しました。詳細はログに記録されました。",
    )


class _Worker(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)

    @Slot(int, object)
    def run(self, task_id: int, job: Job) -> None:
        try:
            result = job()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a BackendError
            self.failed.emit(task_id, _as_backend_error(exc))
        else:
            self.done.emit(task_id, result)


class TaskRunner(QObject):
    """Runs jobs one at a time on a dedicated thread, in submission order."""

    _submit = Signal(int, object)
    finished = Signal(int, object)  # task id, result
    failed = Signal(int, object)  # task id, BackendError

    def __init__(self, parent: QObject | None = None, name: str = "renkei-tasks") -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[OnDone | None, OnError | None]] = {}
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()

    def submit(
        self, job: Job, on_done: OnDone | None = None, on_error: OnError | None = None
    ) -> int:
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error)
        self._submit.emit(task_id, job)
        return task_id

    def pending(self) -> int:
        return len(self._callbacks)

    def forget(self, task_id: int) -> None:
        """Drop the callbacks of a task whose answer is no longer wanted (e.g. after lock)."""
        self._callbacks.pop(task_id, None)

    def forget_all(self) -> None:
        self._callbacks.clear()

    @Slot(int, object)
    def _on_done(self, task_id: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(task_id, (None, None))
        if on_done is not None:
            on_done(result)
        self.finished.emit(task_id, result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, error: BackendError) -> None:
        _, on_error = self._callbacks.pop(task_id, (None, None))
        if on_error is not None:
            on_error(error)
        self.failed.emit(task_id, error)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        self._callbacks.clear()
        self._thread.quit()
        self._thread.wait(timeout_ms)


class EventBridge(QObject):
    """Backend listener → Qt signal. The backend may call from any thread; the signal is
    delivered queued to receivers on the GUI thread."""

    received = Signal(object)  # BackendEvent

    def __init__(self, backend: Backend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = backend.subscribe(self._on_event)

    def _on_event(self, ev: BackendEvent) -> None:
        self.received.emit(ev)

    def close(self) -> None:
        self._unsubscribe()


# Sync threads of closed windows that may still be inside a long-poll: kept alive here until
# they end, so closing a window never waits for the network (see wait_for_threads).
_RETIRING: list[tuple[QThread, QObject]] = []


def wait_for_threads(timeout_ms: int = 60_000) -> None:
    """At exit: wait for the sync threads of closed windows (a QThread destroyed while it
    runs aborts the process)."""
    while _RETIRING:
        thread, _loop = _RETIRING.pop()
        thread.quit()
        thread.wait(timeout_ms)


class _SyncLoop(QObject):
    status = Signal(object)
    stopped = Signal()

    def __init__(self, backend: Backend, backoff_s: tuple[float, ...]) -> None:
        super().__init__()
        self._backend = backend
        self._backoff_s = backoff_s
        self.stop_flag = threading.Event()

    @Slot()
    def run(self) -> None:
        failures = 0
        while not self.stop_flag.is_set():
            try:
                self._backend.run_sync(self.stop_flag)
                failures = 0
                if not self.stop_flag.is_set():
                    self.stop_flag.wait(self._backoff_s[0])  # returned early: no busy loop
            except Exception as exc:  # noqa: BLE001 - shown in the status bar, then retried
                if self.stop_flag.is_set():
                    break  # locked or closing: the error is the lock's doing
                err = _as_backend_error(exc)
                self.status.emit(SyncStatus("error", message=str(err)))
                delay = self._backoff_s[min(failures, len(self._backoff_s) - 1)]
                failures += 1
                self.stop_flag.wait(delay)
        self.stopped.emit()


class SyncController(QObject):
    """Runs ``backend.run_sync`` on its own thread (restarting it after failures, with
    backoff) until stopped.

    ``stop`` never blocks: a long-poll in flight ends on its own (the thread then closes its
    vault connection) and a ``start`` meanwhile takes effect once it has. Only ``shutdown``
    waits for the thread.
    """

    status = Signal(object)  # SyncStatus

    def __init__(
        self,
        backend: Backend,
        parent: QObject | None = None,
        backoff_s: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 30.0),
    ) -> None:
        super().__init__(parent)
        self._backend = backend
        self._backoff_s = backoff_s
        self._thread: QThread | None = None
        self._loop: _SyncLoop | None = None
        self._restart = False

    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def stopping(self) -> bool:
        return self._loop is not None and self._loop.stop_flag.is_set()

    def start(self) -> None:
        if self._thread is not None:
            if self.stopping():
                self._restart = True  # once the old loop has wound down
            return
        self._restart = False
        thread = QThread()
        thread.setObjectName("renkei-sync")
        loop = _SyncLoop(self._backend, self._backoff_s)
        loop.moveToThread(thread)
        thread.started.connect(loop.run)
        loop.status.connect(self.status)
        loop.stopped.connect(thread.quit)
        thread.finished.connect(self._finished)
        self._thread, self._loop = thread, loop
        thread.start()

    def stop(self) -> None:
        self._restart = False
        if self._loop is not None:
            self._loop.stop_flag.set()
            self._backend.cancel_sync()
        if self._thread is not None:
            self._thread.quit()  # leaves its event loop once the sync loop returns

    @Slot()
    def _finished(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        thread.wait(5_000)  # "finished" is emitted just before the thread really ends
        self._thread = self._loop = None
        thread.deleteLater()
        if loop is not None:
            loop.deleteLater()
        if self._restart:
            self.start()

    def shutdown(self, timeout_ms: int = 60_000, *, wait: bool = True) -> None:
        """Stop; wait for the thread, or (``wait=False``) hand it to ``wait_for_threads``."""
        self.stop()
        thread, loop = self._thread, self._loop
        self._thread = self._loop = None
        if thread is None or loop is None:
            return
        if wait:
            thread.wait(timeout_ms)
        else:
            _RETIRING.append((thread, loop))
