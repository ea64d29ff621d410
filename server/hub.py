"""Wake-ups for long-polls: asyncio futures keyed by scope, no polling.

A long-poll registers a :class:`Waiter` for the scopes that could bring its device something
new *before* it reads the feed, so a row committed between the read and the wait still
wakes it. Publishing a scope resolves every waiter registered for it; ``*`` wakes all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable


class Waiter:
    __slots__ = ("device", "scopes", "fut")

    def __init__(self, device: str, scopes: set[str], fut: asyncio.Future[None]) -> None:
        self.device = device
        self.scopes = scopes
        self.fut = fut

    def wake(self) -> None:
        if not self.fut.done():
            self.fut.set_result(None)


class Hub:
    def __init__(self) -> None:
        self._by_scope: dict[str, set[Waiter]] = {}
        self._by_device: dict[str, set[Waiter]] = {}

    def register(self, device: str, scopes: set[str]) -> Waiter:
        w = Waiter(device, scopes, asyncio.get_running_loop().create_future())
        for s in scopes:
            self._by_scope.setdefault(s, set()).add(w)
        self._by_device.setdefault(device, set()).add(w)
        return w

    def unregister(self, w: Waiter) -> None:
        for s in w.scopes:
            group = self._by_scope.get(s)
            if group is not None:
                group.discard(w)
                if not group:
                    del self._by_scope[s]
        group = self._by_device.get(w.device)
        if group is not None:
            group.discard(w)
            if not group:
                del self._by_device[w.device]

    def publish(self, scopes: Iterable[str]) -> None:
        scopes = set(scopes)
        if "*" in scopes:
            for group in list(self._by_device.values()):
                for w in list(group):
                    w.wake()
            return
        for s in scopes:
            for w in list(self._by_scope.get(s, ())):
                w.wake()

    def wake_devices(self, devices: Iterable[str]) -> None:
        for d in devices:
            for w in list(self._by_device.get(d, ())):
                w.wake()

    def waiting(self, device: str | None = None) -> int:
        if device is not None:
            return len(self._by_device.get(device, ()))
        return sum(len(g) for g in self._by_device.values())
