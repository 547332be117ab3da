"""The FUSE adapter: mfusepy calls translated to `fs.paths.View`, each timed and counted for /stats.json.

Attribute names matter here: mfusepy registers any attribute named like a FUSE operation as a callback, so the
view and the statistics are kept under names no operation has."""

from __future__ import annotations

import errno
import logging
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any, TypeVar

import mfusepy as fuse

from lighthouse_mcp.fs.paths import ANSWER_MODE, MAX_CONTEXT_FILE, Attr, FsError, View

T = TypeVar("T")
log = logging.getLogger("lighthouse.fs")
MAX_NOTE_BYTES = 1024 * 1024  # an answer to an approval, a file's notes
SPILL_BYTES = 1024 * 1024  # what a file being written may hold in memory before it goes to a temporary file


class Pending:
    """A file being written, bounded as the bytes arrive (EFBIG past `limit`), held in a temporary file once it is
    larger than SPILL_BYTES: no write, however far it seeks, takes more memory or disk than the limit."""

    def __init__(self, limit: int, initial: bytes = b"") -> None:
        self.limit = limit
        self._file = tempfile.SpooledTemporaryFile(max_size=SPILL_BYTES)  # noqa: SIM115 - closed by close()
        self.size = 0
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

    def truncate(self, length: int) -> None:
        if length < 0 or length > self.limit:
            raise FsError(errno.EFBIG, f"files here hold at most {self.limit} bytes")
        if length > self.size:
            self.write(self.size, b"\0" * (length - self.size))
        self._file.truncate(length)
        self.size = length

    def data(self) -> bytes:
        self._file.seek(0)
        return self._file.read(self.size)

    def close(self) -> None:
        self._file.close()


class LighthouseOps(fuse.Operations):  # type: ignore[misc]
    use_ns = True

    def __init__(self, view: View) -> None:
        self.lh_view = view
        self.lh_uid = os.getuid()
        self.lh_gid = os.getgid()
        # Bytes written to an approval file, answered at release (echo writes in one go; this keeps partial writes).
        self.lh_pending_writes: dict[str, Pending] = {}
        self.lh_dirty: set[str] = set()  # written since the last commit
        self.lh_mounted = False

    def init(self, path: str) -> None:
        """Called by libfuse once the mount is up."""
        self.lh_mounted = True

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

    def getattr(self, path: str, fh: int | None = None) -> dict[str, Any]:
        def attributes() -> dict[str, Any]:
            try:
                a = self.lh_view.getattr(path)
            except FsError:
                written = self.lh_pending_writes.get(path)
                if written is None:
                    raise
                a = Attr(ANSWER_MODE, written.size, time.time_ns())  # being written: recorded at release
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
        return self._timed("readdir", lambda: [".", "..", *self.lh_view.readdir(path)])

    def open(self, path: str, flags: int) -> int:
        def opening() -> int:
            attr = self.lh_view.getattr(path)
            if attr.is_dir:
                raise FsError(errno.EISDIR)
            if flags & (os.O_WRONLY | os.O_RDWR):
                if not self.lh_view.writable(path):
                    raise FsError(errno.EROFS)
                # Writing into what is there (>>, or an editor's partial write) starts from its current bytes.
                current = b"" if flags & os.O_TRUNC else self.lh_view.read(path, attr.size, 0)
                self._pending(path, current)
            return 0

        return self._timed("open", opening)

    def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
        return self._timed("read", lambda: self.lh_view.read(path, size, offset))

    def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
        def writing() -> int:
            if not self.lh_view.writable(path):
                self.lh_view.write(path, data)  # raises EROFS or ENOENT
            pending = self.lh_pending_writes.get(path) or self._pending(path)
            pending.write(offset, data)
            self.lh_dirty.add(path)
            return len(data)

        return self._timed("write", writing)

    def truncate(self, path: str, length: int, fh: int | None = None) -> int:
        def truncating() -> int:
            if not self.lh_view.writable(path):
                self.lh_view.write(path, b"")  # raises EROFS or ENOENT
            (self.lh_pending_writes.get(path) or self._pending(path)).truncate(length)
            self.lh_dirty.add(path)
            return 0

        return self._timed("truncate", truncating)

    def flush(self, path: str, fh: int) -> int:
        """What was written is committed when a descriptor is closed (close() gets the error, unlike release).
        Closing a duplicate before writing (as a shell's `>>` does) commits nothing."""

        def flushing() -> int:
            if path not in self.lh_dirty:
                return 0
            self.lh_dirty.discard(path)
            pending = self.lh_pending_writes.get(path)
            data = pending.data() if pending is not None else b""
            if data or path.startswith("/context/"):
                self.lh_view.write(path, data)  # an empty context file is a file too; an empty answer is not
            return 0

        return self._timed("flush", flushing)

    def release(self, path: str, fh: int) -> int:
        pending = self.lh_pending_writes.pop(path, None)
        if pending is not None:
            pending.close()
        self.lh_dirty.discard(path)
        return 0

    def _pending(self, path: str, initial: bytes = b"") -> Pending:
        """Start holding what is written to `path`, within its limit."""
        limit = MAX_CONTEXT_FILE if path.startswith("/context/") else MAX_NOTE_BYTES
        old = self.lh_pending_writes.pop(path, None)
        if old is not None:
            old.close()
        pending = self.lh_pending_writes[path] = Pending(limit, initial)
        return pending

    def create(self, path: str, mode: int, fi: Any = None) -> int:
        def creating() -> int:
            if not self.lh_view.writable(path):
                raise FsError(errno.EROFS)
            self._pending(path)
            self.lh_dirty.add(path)
            return 0

        return self._timed("create", creating)

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


def _refuse(view: View, path: str, *, exists: bool = False) -> int:
    """The view is read-only apart from approvals: EROFS (ENOENT first for what does not exist, when it must)."""
    if exists:
        view.getattr(path)
    raise FsError(errno.EROFS)
