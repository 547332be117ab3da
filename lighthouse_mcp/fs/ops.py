"""The FUSE adapter: mfusepy calls translated to `fs.paths.View`, each timed and counted for /stats.json.

Attribute names matter here: mfusepy registers any attribute named like a FUSE operation as a callback, so the
view and the statistics are kept under names no operation has."""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import mfusepy as fuse

from lighthouse_mcp.fs.kernel import (
    CAP_ATOMIC_O_TRUNC,
    CAP_NO_OPEN_SUPPORT,
    CAP_READDIRPLUS_AUTO,
    Invalidator,
    session_handle,
    to_stat,
)
from lighthouse_mcp.fs.paths import ANSWER_MODE, MAX_CONTEXT_FILE, Attr, FsError, View, kind
from lighthouse_mcp.fs.tree import Index, Tree, changes

T = TypeVar("T")
log = logging.getLogger("lighthouse.fs")
MAX_NOTE_BYTES = 1024 * 1024  # an answer to an approval, a file's notes
SPILL_BYTES = 1024 * 1024  # what a file being written may hold in memory before it goes to a temporary file
QUIET_S = 0.2  # a context file nobody has written to for this long is recorded
LIVE_KEPT = 4096


class Pending:
    """A file being written, bounded as the bytes arrive (EFBIG past `limit`), held in a temporary file once it is
    larger than SPILL_BYTES: no write, however far it seeks, takes more memory or disk than the limit."""

    def __init__(self, limit: int, initial: bytes = b"") -> None:
        self.limit = limit
        self._file = tempfile.SpooledTemporaryFile(max_size=SPILL_BYTES)  # noqa: SIM115 - closed by close()
        self.size = 0
        self.touched = time.monotonic()
        self.since = time.time_ns()  # its mtime while it is being written
        self.write(0, initial)

    def write(self, offset: int, data: bytes) -> None:
        end = offset + len(data)
        if offset < 0 or end > self.limit:
            raise FsError(errno.EFBIG, f"files here hold at most {self.limit} bytes")
        if offset > self.size:
            self._file.seek(self.size)
            self._file.write(b"\0" * (offset - self.size))  # bounded by the limit
        self._file.seek(offset)
        self._file.write(data)
        self.size = max(self.size, end)
        self.touched = time.monotonic()

    def truncate(self, length: int) -> None:
        if length < 0 or length > self.limit:
            raise FsError(errno.EFBIG, f"files here hold at most {self.limit} bytes")
        if length > self.size:
            self.write(self.size, b"\0" * (length - self.size))
        self._file.truncate(length)
        self.size = length
        self.touched = time.monotonic()

    def data(self) -> bytes:
        return self.read(0, self.size)

    def read(self, offset: int, size: int) -> bytes:
        self._file.seek(offset)
        return self._file.read(max(0, min(size, self.size - offset)))

    def close(self) -> None:
        self._file.close()


class LighthouseOps(fuse.Operations):  # type: ignore[misc]
    """Opens and closes never reach this class (see `fs.kernel`), so what is written is taken from the writes
    themselves: an approval's answer and an annotations file at each write (the error, if any, is the write's),
    a context file once nobody has written to it for a moment or as soon as anything in its package is asked for
    (so a reader through the mount always sees it), and at unmount."""

    use_ns = True

    def __init__(self, view: View) -> None:
        from cachetools import LRUCache

        self.lh_view = view
        self.lh_uid = os.getuid()
        self.lh_gid = os.getgid()
        self.lh_writes: dict[str, Pending] = {}  # files being written, by path
        self.lh_writes_mu = threading.Lock()
        self.lh_mounted = False
        self.lh_no_open = True
        # Live paths the kernel was given attributes for (`paths.kind`), oldest first, at most LIVE_KEPT.
        self.lh_live: dict[str, None] = {}
        self.lh_live_mu = threading.Lock()
        # Listings of immutable tree indexes, with the index kept alive so that its id is not reused.
        self.lh_listings: LRUCache[tuple[int, str], tuple[Index, list[tuple[bytes, Any]]]] = LRUCache(maxsize=2048)
        self.lh_listings_mu = threading.Lock()
        self.lh_invalidator: Invalidator | None = None
        self.lh_tree: Tree | None = None
        self.lh_head = -1
        self.lh_ops_seen = -1

    # ---- the session ----------------------------------------------------------------------------------------

    def init_with_config(self, conn: Any, config: Any) -> None:
        """Called by libfuse once the mount is up: every listing a readdirplus, O_TRUNC sent as a truncate, and
        the notifier started."""
        conn.want &= ~(CAP_READDIRPLUS_AUTO | CAP_ATOMIC_O_TRUNC)
        self.lh_no_open = bool(conn.capable & CAP_NO_OPEN_SUPPORT)
        self.lh_tree = self.lh_view.trees.current()[0]
        self.lh_head = self.lh_view.head()
        self.lh_invalidator = Invalidator(session_handle(), self.lh_tick, self._forget)
        self.lh_invalidator.start()
        self.lh_mounted = True

    def destroy(self, path: str) -> None:
        """Called by libfuse as the mount ends: the notifier stopped, and what is still being written recorded."""
        if self.lh_invalidator is not None:
            self.lh_invalidator.stop()
        with self.lh_writes_mu:
            left = [p for p in self.lh_writes if p.startswith("/context/")]
        for written in left:
            self._commit_logged(written)

    def lh_tick(self) -> list[str]:
        """What changed since the last tick, for the notifier: context files written and left alone are recorded;
        the files of /current and /shadows that changed with the tree; every live path once new events arrived."""
        paths: list[str] = []
        now = time.monotonic()
        with self.lh_writes_mu:
            quiet = [p for p, w in self.lh_writes.items() if now - w.touched >= QUIET_S]
        for written in quiet:
            if written.startswith("/context/"):
                self._commit_logged(written)
                paths.append(_manifest_of(written))
            else:  # a truncate that no write followed
                self._drop(written)
        # Read first, then move on: a store that fails here leaves what was seen as it was, for the next tick.
        tree, head = self.lh_view.trees.current()[0], self.lh_view.head()
        ops = self.lh_view.stats.total()  # under the lock that serving threads add new operations' counts with
        if self.lh_tree is not None and tree is not self.lh_tree:
            for rel in changes(self.lh_tree, tree):
                paths += [f"/current/{rel}", f"/shadows/{rel}"]
        self.lh_tree = tree
        if head != self.lh_head:
            self.lh_head = head
            with self.lh_live_mu:
                paths += self.lh_live
        if ops != self.lh_ops_seen:
            self.lh_ops_seen = ops
            paths.append("/stats.json")
        return paths

    def _forget(self, path: str) -> None:
        with self.lh_live_mu:
            self.lh_live.pop(path, None)

    def _given(self, path: str) -> None:
        """The kernel now holds `path`'s attributes: remember it when they may change with any event. Past
        LIVE_KEPT (a caller asking for many `@time` trees), the oldest is dropped from the kernel too, so that it
        asks again, rather than kept unwatched: the work per new event stays bounded."""
        if kind(path) != "live":
            return
        with self.lh_live_mu:
            self.lh_live[path] = None
            oldest = next(iter(self.lh_live)) if len(self.lh_live) > LIVE_KEPT else None
            if oldest is not None:
                del self.lh_live[oldest]
        if oldest is not None and self.lh_invalidator is not None:
            self.lh_invalidator.soon(oldest)

    def _timed(self, op: str, call: Callable[[], T]) -> T:
        started = time.perf_counter()
        failed: int | None = None
        try:
            return call()
        except FsError as exc:
            failed = exc.errno
            raise fuse.FuseOSError(exc.errno) from None
        except Exception:
            log.exception("%s failed", op)
            failed = errno.EIO
            raise fuse.FuseOSError(errno.EIO) from None
        finally:
            self.lh_view.stats.record(op, time.perf_counter() - started, failed)

    # ---- reading --------------------------------------------------------------------------------------------

    def getattr(self, path: str, fh: int | None = None) -> dict[str, Any]:
        def attributes() -> dict[str, Any]:
            self._settle(path)
            written = self._written(path)
            a = Attr(ANSWER_MODE, written.size, written.since) if written else self.lh_view.getattr(path)
            self._given(path)
            return {
                "st_mode": a.mode,
                "st_nlink": 2 if a.is_dir else 1,
                "st_size": a.size,
                "st_mtime": a.mtime_ns,
                "st_atime": a.mtime_ns,
                "st_ctime": a.mtime_ns,
                "st_uid": self.lh_uid,
                "st_gid": self.lh_gid,
            }

        return self._timed("getattr", attributes)

    def readdir(self, path: str, fh: int) -> list[str]:
        """Only for mfusepy's registration: `fs.kernel.LighthouseFUSE` lists through `lh_entries`."""
        return [name.decode("utf-8", "surrogateescape") for name, _ in self.lh_entries(path)]

    def lh_entries(self, path: str) -> list[tuple[bytes, Any]]:
        """A directory's entries with their attributes; a tree's are built once per index and directory."""

        def listing() -> list[tuple[bytes, Any]]:
            self._settle(path)
            within = self.lh_view.tree_of(path)
            key = (id(within[0][1]) if within else 0, path)
            if within is not None:
                with self.lh_listings_mu:
                    kept = self.lh_listings.get(key)
                if kept is not None and kept[0] is within[0][1]:
                    return kept[1]
            found = self.lh_view.listing(path, within)
            entries: list[tuple[bytes, Any]] = [(b".", None), (b"..", None)]
            for name, attr in found:
                entries.append((name.encode("utf-8", "surrogateescape"), to_stat(attr, self.lh_uid, self.lh_gid)))
            if within is None:
                for name, _ in found:
                    self._given(f"{path.rstrip('/')}/{name}")
            else:
                with self.lh_listings_mu:
                    self.lh_listings[key] = (within[0][1], entries)
            return entries

        return self._timed("readdir", listing)

    def open(self, path: str, flags: int) -> int:
        """Asked once: ENOSYS tells a kernel that can (FUSE_NO_OPEN_SUPPORT) to open every file without asking
        and to keep its pages across opens. What may be written is judged at the write."""
        if self.lh_no_open:
            raise fuse.FuseOSError(errno.ENOSYS)
        return 0

    def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
        def reading() -> bytes:
            self._settle(path)
            written = self._written(path)
            return written.read(offset, size) if written else self.lh_view.read(path, size, offset)

        return self._timed("read", reading)

    # ---- writing --------------------------------------------------------------------------------------------

    def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
        def writing() -> int:
            self._pending(path).write(offset, data)
            if path.startswith("/context/"):
                self._changed(path)
            else:
                self._commit(path)  # an answer or a note is taken at each write
            return len(data)

        return self._timed("write", writing)

    def truncate(self, path: str, length: int, fh: int | None = None) -> int:
        def truncating() -> int:
            self._pending(path, empty=length == 0).truncate(length)
            self._changed(path)
            return 0

        return self._timed("truncate", truncating)

    def create(self, path: str, mode: int, fi: Any = None) -> int:
        def creating() -> int:
            if not self.lh_view.writable(path):
                raise FsError(errno.EROFS)
            self._pending(path, empty=True)
            self._changed(path)
            return 0

        return self._timed("create", creating)

    def _pending(self, path: str, *, empty: bool = False) -> Pending:
        """What is being written to `path`: started from its current bytes (an append, an editor's partial write)
        unless `empty`; EROFS where nothing may be written, ENOSPC for a context package that is full."""
        with self.lh_writes_mu:
            pending = self.lh_writes.get(path)
            if pending is not None and not empty:
                pending.touched = time.monotonic()
                return pending
        if not self.lh_view.writable(path):
            self.lh_view.write(path, b"")  # raises EROFS or ENOENT
            raise FsError(errno.EROFS)
        self.lh_view.check_room(path)
        current = b""
        if not empty:
            try:
                current = self.lh_view.read(path, self.lh_view.getattr(path).size, 0)
            except FsError as exc:
                if exc.errno != errno.ENOENT:
                    raise
        limit = MAX_CONTEXT_FILE if path.startswith("/context/") else MAX_NOTE_BYTES
        started = Pending(limit, current)
        with self.lh_writes_mu:
            old = self.lh_writes.pop(path, None)
            self.lh_writes[path] = started
        if old is not None:
            old.close()
        return started

    def _changed(self, path: str) -> None:
        """A context file is being written: the package's manifest the kernel holds is out of date, now (a reader
        right after `cp` asks for it again, and sees the file recorded)."""
        if path.startswith("/context/") and self.lh_invalidator is not None:
            self.lh_invalidator.now(_manifest_of(path))

    def _settle(self, path: str) -> None:
        """Before anything in a context package is answered, what was written into its other files is recorded
        (a file still being written answers for itself: `_written`)."""
        if not path.startswith("/context/"):
            return
        package = "/".join(path.split("/")[:3]) + "/"
        with self.lh_writes_mu:
            written = [p for p in self.lh_writes if p.startswith(package) and p != path]
        for one in written:
            self._commit_logged(one)

    def _written(self, path: str) -> Pending | None:
        """A context file being written, which answers for itself until it is recorded."""
        if not path.startswith("/context/"):
            return None
        with self.lh_writes_mu:
            return self.lh_writes.get(path)

    def _commit(self, path: str) -> None:
        with self.lh_writes_mu:
            pending = self.lh_writes.pop(path, None)
        if pending is None:
            return
        try:
            self.lh_view.write(path, pending.data())
        finally:
            pending.close()

    def _commit_logged(self, path: str) -> None:
        """Record a context file written earlier; nobody is waiting for the answer, so a failure is logged."""
        try:
            self._commit(path)
        except FsError as exc:
            log.warning("%s was written but could not be recorded: %s", path, os.strerror(exc.errno))
        except Exception:
            log.exception("%s was written but could not be recorded", path)

    def _drop(self, path: str) -> None:
        with self.lh_writes_mu:
            pending = self.lh_writes.pop(path, None)
        if pending is not None:
            pending.close()

    # ---- refused --------------------------------------------------------------------------------------------

    def mkdir(self, path: str, mode: int) -> int:
        def making() -> int:
            self.lh_view.mkdir(path)
            return 0

        return self._timed("mkdir", making)

    def unlink(self, path: str) -> int:
        return self._timed("unlink", lambda: _refuse(self.lh_view, path, exists=True))

    def rmdir(self, path: str) -> int:
        return self._timed("rmdir", lambda: _refuse(self.lh_view, path, exists=True))

    def rename(self, old: str, new: str) -> int:
        return self._timed("rename", lambda: _refuse(self.lh_view, old, exists=True))

    def chmod(self, path: str, mode: int) -> int:
        return self._timed("chmod", lambda: _refuse(self.lh_view, path, exists=True))

    def chown(self, path: str, uid: int, gid: int) -> int:
        return self._timed("chown", lambda: _refuse(self.lh_view, path, exists=True))

    def symlink(self, target: str, source: str) -> int:
        return self._timed("symlink", lambda: _refuse(self.lh_view, target))

    def link(self, target: str, source: str) -> int:
        return self._timed("link", lambda: _refuse(self.lh_view, target))

    def utimens(self, path: str, times: Any = None) -> int:
        return self._timed("utimens", lambda: _refuse(self.lh_view, path, exists=True))


def _manifest_of(path: str) -> str:
    return "/".join(path.split("/")[:3]) + "/manifest.json"


def _refuse(view: View, path: str, *, exists: bool = False) -> int:
    """The view is read-only apart from approvals: EROFS (ENOENT first for what does not exist, when it must)."""
    if exists:
        view.getattr(path)
    raise FsError(errno.EROFS)
