"""Byte streams that can be sniffed: read the first bytes, then read everything as if nothing happened."""

from __future__ import annotations

import io
from typing import IO


class _HeadThenRest(io.RawIOBase):
    """A raw stream serving ``head`` first, then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if len(self._head):
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def sniffable(stream: IO[bytes], size: int = 4096) -> tuple[bytes, IO[bytes]]:
    """The first ``size`` bytes of ``stream`` (fewer at its end) and a stream that still starts with them.

    Unlike ``peek``, this blocks until ``size`` bytes came (a slow pipe gives its head in pieces); a
    seekable stream is rewound instead of wrapped, so it stays seekable.
    """
    try:
        pos = stream.tell() if stream.seekable() else None
    except (OSError, AttributeError, ValueError):
        pos = None
    head = stream.read(size)
    if pos is not None:
        stream.seek(pos)
        return head, stream
    return head, io.BufferedReader(_HeadThenRest(head, stream))
