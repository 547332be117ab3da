"""What the kernel keeps of the view, and how it is told to drop it.

A round trip from the kernel into this process costs about 100 µs, and `grep -r` opens, stats, reads and closes
every file. So the mount is set up for the kernel to ask as little as it can:

- opens and closes never come here (FUSE_NO_OPEN_SUPPORT: `open` answers ENOSYS once; there is no `flush` or
  `release`), and every file keeps its page cache across opens;
- names and attributes are kept for an hour, and every directory listing carries its entries' attributes
  (readdirplus, always), so a walk over a tree asks for nothing per file once it has been read;
- a notifier thread tells the kernel to drop exactly what changed, through libfuse's invalidation call: the paths
  of /current and /shadows whose file changed when the tree moves, and the live files (logs, sessions, approvals,
  context packages, stats) when new events arrive. Past trees (/history/<seq>) never change and are never dropped.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import mfusepy as fuse

from lighthouse_mcp.fs.paths import Attr

log = logging.getLogger("lighthouse.fs")

CAP_ATOMIC_O_TRUNC = 1 << 3  # without it O_TRUNC arrives as a truncate, which the view judges
CAP_READDIRPLUS_AUTO = 1 << 14  # without it every listing is a readdirplus
CAP_NO_OPEN_SUPPORT = 1 << 17
READDIR_PLUS = 1 << 0
FILL_DIR_PLUS = 1 << 1
KEPT_S = 3600.0  # how long the kernel may keep names and attributes without asking (changes are invalidated)

_invalidate = fuse._libfuse.fuse_invalidate_path
_invalidate.argtypes = (ctypes.c_void_p, ctypes.c_char_p)
_invalidate.restype = ctypes.c_int


def session_handle() -> int:
    """The running libfuse session (`struct fuse *`); only valid inside a callback such as `init`."""
    handle: int = fuse._libfuse.fuse_get_context().contents.fuse
    return handle


def to_stat(attr: Attr, uid: int, gid: int) -> Any:
    """`attr` as the `struct stat` a readdirplus entry carries."""
    st = fuse.c_stat()
    st.st_mode = attr.mode
    st.st_nlink = 2 if attr.is_dir else 1
    st.st_size = attr.size
    st.st_uid, st.st_gid = uid, gid
    seconds, nanos = divmod(attr.mtime_ns, 10**9)
    for stamp in (st.st_atimespec, st.st_mtimespec, st.st_ctimespec):
        stamp.tv_sec, stamp.tv_nsec = seconds, nanos
    return st


class Invalidator:
    """A thread that drops what the kernel keeps: the paths `soon` is given, at once, and every `every_s` the
    paths `tick` returns. `gone(path)` is told when libfuse no longer knows a path (the kernel forgot it)."""

    def __init__(
        self, handle: int, tick: Callable[[], Iterable[str]], gone: Callable[[str], None], every_s: float = 0.2
    ) -> None:
        self._handle = handle
        self._tick = tick
        self._gone = gone
        self._every_s = every_s
        self._wake = threading.Condition()
        self._queued: set[str] = set()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="lighthouse-invalidate", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def now(self, path: str) -> None:
        """Drop what the kernel keeps of `path` before returning. Never for the file of the request being served
        (the kernel holds that file's pages until the answer): for another one, such as a manifest."""
        self._drop(path)

    def soon(self, path: str) -> None:
        with self._wake:
            self._queued.add(path)
            self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        last_tick = 0.0
        while True:
            with self._wake:
                if not self._queued and not self._stopping:
                    self._wake.wait(max(0.0, self._every_s - (time.monotonic() - last_tick)))
                if self._stopping:
                    return
                paths, self._queued = self._queued, set()
            if time.monotonic() - last_tick >= self._every_s:
                last_tick = time.monotonic()
                try:
                    paths.update(self._tick())
                except Exception:  # the view failing must not stop invalidation of what was queued
                    log.exception("working out what changed failed")
            for path in sorted(paths):
                self._drop(path)

    def _drop(self, path: str) -> None:
        # Called with no lock held: the kernel may first wait for a request in flight on the same file.
        if _invalidate(self._handle, path.encode("utf-8", "surrogateescape")) == -errno.ENOENT:
            self._gone(path)


class LighthouseFUSE(fuse.FUSE):  # type: ignore[misc]
    """mfusepy's FUSE with listings that carry attributes: `operations.lh_entries(path)` gives the entries as
    (name, struct stat) pairs, with resumable offsets so that libfuse passes the attributes on to the kernel."""

    def readdir_fuse_3(self, path: bytes | None, buf: Any, filler: Any, offset: int, fip: Any, flags: int) -> int:
        entries = self.operations.lh_entries("/" if path is None else path.decode(self.encoding, self.errors))
        plus = bool(flags & READDIR_PLUS)
        for position in range(offset, len(entries)):
            name, st = entries[position]
            fill = FILL_DIR_PLUS if plus and st is not None else 0
            if filler(buf, name, st, position + 1, fill) != 0:
                break
        return 0
