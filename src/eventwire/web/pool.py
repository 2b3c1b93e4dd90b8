"""A fixed set of store connections shared by the server's request threads.

A store connection serves one thread at a time, so each request borrows one (:meth:`StorePool.borrow`)
and gives it back; when all are busy a request waits, and after ``wait`` seconds answers 503. Writes go
through one more connection, one at a time.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import StoreError
from ..store import Store, open_store


class BusyError(StoreError):
    """Every connection stayed busy for longer than the server waits."""


class StorePool:
    """``size`` connections to one database (forks of the first), each with the statement timeout."""

    def __init__(
        self,
        url: str,
        *,
        size: int,
        timeout: float,
        read_only: bool,
        wait: float = 10.0,
        write_timeout: float = 120.0,
    ) -> None:
        self.first = open_store(url, read_only=read_only)
        self.first.set_timeout(timeout)
        self.timeout = timeout
        self.wait = wait
        self._all = [self.first]
        try:
            self._all += [self.first.fork() for _ in range(size - 1)]
            self._writer = None if read_only else self.first.fork()
            if self._writer is not None:
                self._writer.set_timeout(write_timeout)
        except BaseException:
            self.close()
            raise
        self._free: queue.SimpleQueue[Store] = queue.SimpleQueue()
        for s in self._all:
            self._free.put(s)
        self._write_lock = threading.Lock()

    @contextmanager
    def borrow(self) -> Iterator[Store]:
        """A connection for this thread, until the block ends."""
        try:
            store = self._free.get(timeout=self.wait)
        except queue.Empty:
            raise BusyError(
                f"the server is busy: all {len(self._all)} database connections stayed in use for "
                f"{self.wait:g} s; try again shortly"
            ) from None
        try:
            yield store
        finally:
            store.set_timeout(self.timeout)  # a long export may have raised it
            self._free.put(store)

    @contextmanager
    def writer(self) -> Iterator[Store]:
        """The write connection, one writer at a time (only when the pool was opened for writing)."""
        if self._writer is None:
            raise StoreError("the database was opened read-only: start the server with --allow-writes")
        with self._write_lock:
            yield self._writer

    def close(self) -> None:
        """Close every connection (forks first, then the one they share a database with)."""
        extra = [*self._all[1:], *([self._writer] if getattr(self, "_writer", None) else [])]
        for s in extra:
            if s is not None:
                s.close()
        self.first.close()
