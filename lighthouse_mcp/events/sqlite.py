"""The SQLite event store: one file in WAL mode shared by every process on the machine.

Appends take the write lock up front (`BEGIN IMMEDIATE`), read the chain head, link the new rows to it and move
the head in the same transaction, so the chain is one line however many processes append.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from lighthouse_mcp.errors import StoreError, StoreLocked, StoreMissing, WrongKey
from lighthouse_mcp.events import ids, sql
from lighthouse_mcp.events.chain import ChainRow, Linker, key_id
from lighthouse_mcp.events.ids import new_ids
from lighthouse_mcp.events.model import Event, NewEvent
from lighthouse_mcp.events.schema import HEAD_GUARDS, SCHEMA, SCHEMA_VERSION
from lighthouse_mcp.events.store import Snapshot


class SQLiteEventStore(sql.SQLStore):
    """`EventStore` on one SQLite file. Safe to share between threads; open one per process."""

    DIALECT = sql.SQLITE

    def __init__(
        self,
        path: Path,
        key: bytes,
        *,
        synchronous: str = "normal",
        busy_timeout_ms: int = 10_000,
        max_payload_bytes: int = 1_048_576,
        readonly: bool = False,
        clock: Callable[[], int] = time.time_ns,
        randbits: Callable[[int], int] = ids.randbits,
        poll_interval_ms: int = 200,
        create: bool = True,
    ) -> None:
        """`clock` (ns) and `randbits` (for event ids) are the store's only sources of time and chance; fixed ones
        give a reproducible store (for screenshots and examples). Without `create` a missing file is an error
        (StoreMissing) rather than a new, empty store. The file is only ever readable by its owner."""
        self.path = Path(path)
        self._clock = clock
        self._randbits = randbits
        self._poll_s = poll_interval_ms / 1000
        self._key = key
        self._linker = Linker(key)
        self._max_payload = max_payload_bytes
        self._busy_timeout_ms = busy_timeout_ms
        self._mu = threading.RLock()
        if not self.path.parent.is_dir():
            raise StoreError(f"event store {self.path}: directory {self.path.parent} does not exist")
        if readonly and not self.path.is_file():
            raise StoreError(f"event store {self.path} does not exist")
        if not readonly:
            _private(self.path, create=create)
        target = f"file:{self.path}?mode=ro" if readonly else str(self.path)
        try:
            self._db = sqlite3.connect(
                target,
                timeout=busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
                uri=readonly,
            )
        except sqlite3.Error as exc:
            raise StoreError(f"event store {self.path}: cannot open: {exc}") from exc
        self._file = identity(self.path)
        try:
            with self._errors("open"):
                self._db.execute("PRAGMA cache_size=-32768")  # 32 MiB: the secondary indexes take random inserts
                if not readonly:
                    self._db.execute("PRAGMA journal_mode=WAL")
                    self._db.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'full' else 'NORMAL'}")
                    self._db.execute("PRAGMA wal_autocheckpoint=10000")  # fewer, larger checkpoints
                self._init_schema(create=create and not readonly)
        except BaseException:
            self._db.close()
            raise
        self._opened = self._companions()

    @property
    def location(self) -> str:
        return str(self.path)

    def is_current(self) -> bool:
        """Whether the file this process opened is still the one at the store's path."""
        return identity(self.path) == self._file

    def recheck(self) -> None:
        """Read again what opening checked (schema version, key, store id): for a connection opened ahead, so that it
        answers as one opened now would (raising what that one would raise), and its file made private again as
        opening makes it (its mode may have been changed since)."""
        _private(self.path, create=False)
        with self._mu, self._errors("open"):
            self._init_schema(create=False)

    def opened_files(self) -> str:
        """How the files at the store's paths compare with those this connection opened. "same"; "other": another
        database (or none) is at the path, and a connection opened now is to that one; "changed": the database is
        the one it opened but its write-ahead log or shared-memory index was deleted or replaced (which SQLite never
        does while a connection is open), or it is now reached through another symbolic link (SQLite names the log
        and index after the link's target). A connection opened now in this process would share this one's view of
        the old files: only a process that never opened the store sees it as it is. (Only stat is used: opening the
        database file a second time and closing it would drop this process's locks on it, which belong to the
        process, not to a descriptor.)"""
        if not self.is_current():
            return "other"
        return "same" if self._companions() == self._opened else "changed"

    def opened_unchanged(self, before: tuple[int, int] | None) -> bool:
        """Whether the database file was `before` (its device and inode before this connection was made) when the
        connection was made, and the write-ahead log and index it opened are at their paths."""
        return before is not None and self._file == before and None not in self._opened[1:]

    def drop_cache(self) -> None:
        """Forget the pages read so far: every page is read again from the files (for a connection opened ahead, so
        that what changed in the database since shows as it would to a connection opened now)."""
        with self._mu, self._errors("read"):
            self._db.execute("PRAGMA shrink_memory")

    def _companions(self) -> tuple[object, ...]:
        """The database's real path (SQLite names its log and index after the file a symbolic link points to), and
        the identities of its log and its index."""
        real = os.path.realpath(self.path)
        return (real, *(identity(Path(f"{real}{suffix}")) for suffix in ("-wal", "-shm")))

    def anchor_problem(self) -> tuple[int, str] | None:
        """Also: whether the file this process opened is still the one at the store's path (a process keeps writing
        to a file deleted or replaced under it, where no other process will see its events)."""
        if not self.is_current():
            now = identity(self.path)
            what = "deleted" if now is None else "replaced"
            return self.last_seq() + 1, f"the event store {self.path} was {what} while this process had it open"
        return super().anchor_problem()

    # -- writing ---------------------------------------------------------------------------------------------

    def append_batch(self, events: Sequence[NewEvent]) -> list[Event]:
        prepared = sql.prepare(events, self._max_payload)  # everything checked before touching the database
        if not prepared:
            return []
        with self._mu, self._errors("append"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                seq, mac, last_ts = self._db.execute("SELECT seq, mac, ts FROM chain_head").fetchone()
                after = (seq, bytes(mac).hex())
                ts = max(self._clock(), last_ts)
                ids = new_ids(ts, len(prepared), self._randbits)
                rows, out, mac = sql.chain(prepared, self._linker, seq, mac, ts, ids)
                self._db.executemany(sql.INSERT_EVENT, rows)
                self._db.execute("UPDATE chain_head SET seq = ?, mac = ?, ts = ? WHERE id = 1", (rows[-1][0], mac, ts))
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        self._anchored(rows[-1][0], mac, ts, after)
        return out

    def copy_in(self, rows: Sequence[ChainRow]) -> None:
        if not rows:
            return
        with self._mu, self._errors("copy events in"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                head = int(self._db.execute("SELECT seq FROM chain_head").fetchone()[0])
                self._db.executemany(sql.INSERT_EVENT, sql.copy_values(rows, head))
                last = rows[-1]
                self._db.execute(
                    "UPDATE chain_head SET seq = ?, mac = ?, ts = ? WHERE id = 1", (last.seq, last.mac, last.ts)
                )
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        self._anchored(last.seq, last.mac, last.ts)

    def adopt_identity(self, store_id: str) -> None:
        with self._mu, self._errors("take over a store id"):
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('store_id', ?)", (store_id,))
        self.store_id = store_id

    def wait_for_events(self, after_seq: int, timeout_s: float) -> int:
        deadline = time.monotonic() + timeout_s
        while (seq := self.last_seq()) <= after_seq and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(self._poll_s, left))
        return seq

    def put_blob(self, data: bytes) -> str:
        data, digest = sql.checked_blob(data)
        with self._mu, self._errors("store a blob"):
            self._db.execute(
                "INSERT OR IGNORE INTO blobs(sha256, size, data) VALUES (?, ?, ?)", (digest, len(data), data)
            )
        return digest

    def save_snapshot(self, name: str, version: str, snapshot: Snapshot) -> None:
        with self._mu, self._errors("save a snapshot"):
            self._db.execute(
                "INSERT OR REPLACE INTO snapshots(name, version, seq, state, mac) VALUES (?, ?, ?, ?, ?)",
                (name, version, snapshot.seq, snapshot.state, snapshot.mac),
            )

    # -- reading (the rest is `sql.SQLStore`'s) ---------------------------------------------------------------

    def _count_all(self) -> int:
        return int(self._fetch("SELECT count(*) FROM events", ())[0][0])

    def seq_at_time(self, ts_ns: int) -> int:
        # Binary search over the primary key: ts is non-decreasing with seq, and gaps (if any) are skipped.
        with self._mu, self._errors("read"):
            low, high = 0, int(self._db.execute("SELECT seq FROM chain_head").fetchone()[0])
            while low < high:
                mid = (low + high + 1) // 2
                row = self._db.execute(
                    "SELECT seq, ts FROM events WHERE seq >= ? ORDER BY seq LIMIT 1", (mid,)
                ).fetchone()
                if row is not None and row[1] <= ts_ns:
                    low = row[0]
                else:
                    high = mid - 1
            return low

    # -- maintenance -----------------------------------------------------------------------------------------

    def backup_to(self, target: Path) -> None:
        """A consistent, self-contained copy of the whole database, taken while other processes keep appending
        (readable by its owner only, like the store)."""
        with self._errors("back up"):
            _private(target, create=True)
            dest = sqlite3.connect(target, isolation_level=None)
            try:
                with self._mu:
                    self._db.backup(dest)
                dest.execute("PRAGMA journal_mode=DELETE")  # one file, readable without -wal/-shm companions
            finally:
                dest.close()

    def restore_from(self, source: Path) -> None:
        """Replace this database's content with `source`'s, page by page under SQLite's own locking."""
        with self._errors("restore"):
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            try:
                with self._mu:
                    src.backup(self._db)
                    self._db.execute("PRAGMA journal_mode=WAL")
            finally:
                src.close()

    def close(self) -> None:
        """Close the connection, unless the files at the store's paths are no longer the ones it opened (a copy put
        back in place, its log or index deleted, the file replaced): closing it then would checkpoint its log into
        whatever is at the path now (undoing a restore, or putting back events someone cut) and remove the log by
        its path, which may be another's. Such a connection is left open until the process ends."""
        with self._mu:
            if self.opened_files() == "same":
                self._db.close()
            else:
                _ABANDONED.append(self._db)
        if self.anchor is not None:
            self.anchor.close()

    # -- internals -------------------------------------------------------------------------------------------

    def _init_schema(self, *, create: bool) -> None:
        version = self._meta("schema_version")
        if version is None and create:
            self._db.executescript(SCHEMA)
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for name, value in (("schema_version", SCHEMA_VERSION), ("key_id", key_id(self._key))):
                    self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (name, value))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            version = self._meta("schema_version")
        self.store_id = self._meta("store_id")
        if version == SCHEMA_VERSION and self.store_id is None and create:
            self._upgrade()
        if version is None:
            raise StoreMissing(f"{self.path} is not a Lighthouse event store (no schema version)")
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"event store {self.path}: schema version {version} is not supported by this Lighthouse "
                f"(expects {SCHEMA_VERSION})"
            )
        stored = self._meta("key_id")
        if stored != key_id(self._key):
            raise WrongKey(
                f"event store {self.path} was chained with another secret key (key id {stored}, this key is "
                f"{key_id(self._key)}): use the secret.key that created it"
            )

    def _upgrade(self) -> None:
        """Give the store an id and its chain head's guards (every store made before them gets both once)."""
        self._db.executescript(HEAD_GUARDS)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            candidate = sql.new_store_id()
            self._db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', ?)", (candidate,))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self.store_id = self._meta("store_id")

    def _meta(self, name: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return None if row is None else str(row[0])

    def _fetch(self, text: str, params: Sequence[Any]) -> list[Any]:
        with self._mu, self._errors("read"):
            return self._db.execute(text, params).fetchall()

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreLocked(
                    f"event store {self.path} is locked by another process (waited "
                    f"{self._busy_timeout_ms} ms to {action}); nothing was written"
                ) from exc
            raise StoreError(f"event store {self.path}: cannot {action}: {exc}") from exc
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"event store {self.path}: cannot {action}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"event store {self.path}: cannot {action}: {exc} (is it a Lighthouse database?)") from exc


def _private(path: Path, *, create: bool) -> None:
    """Make sure the database file exists (unless it must not be created) and only its owner can read it; SQLite
    gives its -wal and -shm files the database's own mode."""
    if not path.exists():
        if not create:
            raise StoreMissing(f"event store {path} is missing")
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass  # another process made it first
        except OSError as exc:
            raise StoreError(f"event store {path}: cannot create: {exc}") from exc
        return
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:
        pass  # not ours to change; opening it says what is wrong


_ABANDONED: list[sqlite3.Connection] = []  # connections never closed (see SQLiteEventStore.close)


def identity(path: Path) -> tuple[int, int] | None:
    """The file at `path` (device and inode), None when there is none."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino
