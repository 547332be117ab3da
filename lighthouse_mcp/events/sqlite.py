"""The SQLite event store: one file in WAL mode shared by every process on the machine.

Appends take the write lock up front (`BEGIN IMMEDIATE`), read the chain head, link the new rows to it and move
the head in the same transaction, so the chain is one line however many processes append.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from lighthouse_mcp.errors import DataError, StoreError, StoreLocked
from lighthouse_mcp.events.chain import ChainRow, ChainVerifier, VerifyReport, canonical, key_id, link
from lighthouse_mcp.events.ids import new_ids
from lighthouse_mcp.events.model import Event, NewEvent, canonical_payload, check_event_fields
from lighthouse_mcp.events.query import EventFilter, encode_cursor, type_family
from lighthouse_mcp.events.schema import SCHEMA, SCHEMA_VERSION
from lighthouse_mcp.events.store import Page, Snapshot

_COLUMNS = "seq, id, ts, type, agent, session, aggregate, payload, mac"
_CHAIN_BATCH = 5000
MAX_BLOB_BYTES = 64 * 1024 * 1024


class SQLiteEventStore:
    """`EventStore` on one SQLite file. Safe to share between threads; open one per process."""

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
        randbits: Callable[[int], int] = secrets.randbits,
    ) -> None:
        """`clock` (ns) and `randbits` (for event ids) are the store's only sources of time and chance; fixed ones
        give a reproducible store (for screenshots and examples)."""
        self.path = Path(path)
        self._clock = clock
        self._randbits = randbits
        self._key = key
        self._max_payload = max_payload_bytes
        self._busy_timeout_ms = busy_timeout_ms
        self._mu = threading.RLock()
        if not self.path.parent.is_dir():
            raise StoreError(f"event store {self.path}: directory {self.path.parent} does not exist")
        if readonly and not self.path.is_file():
            raise StoreError(f"event store {self.path} does not exist")
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
        try:
            with self._errors("open"):
                self._db.execute("PRAGMA cache_size=-32768")  # 32 MiB: the secondary indexes take random inserts
                if not readonly:
                    self._db.execute("PRAGMA journal_mode=WAL")
                    self._db.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'full' else 'NORMAL'}")
                    self._db.execute("PRAGMA wal_autocheckpoint=10000")  # fewer, larger checkpoints
                self._init_schema(create=not readonly)
        except BaseException:
            self._db.close()
            raise

    @property
    def location(self) -> str:
        return str(self.path)

    # -- writing ---------------------------------------------------------------------------------------------

    def append(self, event: NewEvent) -> Event:
        return self.append_batch([event])[0]

    def append_batch(self, events: Sequence[NewEvent]) -> list[Event]:
        prepared = [self._prepare(e) for e in events]  # validate everything before touching the database
        if not prepared:
            return []
        with self._mu, self._errors("append"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                seq, mac, last_ts = self._db.execute("SELECT seq, mac, ts FROM chain_head").fetchone()
                ts = max(self._clock(), last_ts)
                rows = []
                out = []
                key = self._key
                for (event, payload_text), id_ in zip(
                    prepared, new_ids(ts, len(prepared), self._randbits), strict=True
                ):
                    seq += 1
                    fields = (seq, id_, ts, event.type, event.agent, event.session, event.aggregate, payload_text)
                    mac = link(key, mac, canonical(*fields))
                    rows.append((*fields, mac))
                    out.append(Event(*fields, mac.hex()))
                self._db.executemany(f"INSERT INTO events({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", rows)
                self._db.execute("UPDATE chain_head SET seq = ?, mac = ?, ts = ? WHERE id = 1", (seq, mac, ts))
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
        return out

    def _prepare(self, event: NewEvent) -> tuple[NewEvent, str]:
        if not isinstance(event, NewEvent):
            raise DataError(f"expected a NewEvent, not {type(event).__name__}")
        check_event_fields(event)
        return event, canonical_payload(event.payload, max_bytes=self._max_payload)

    def put_blob(self, data: bytes) -> str:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise DataError(f"blob content must be bytes, not {type(data).__name__}")
        data = bytes(data)
        if len(data) > MAX_BLOB_BYTES:
            raise DataError(f"blob is {len(data)} bytes, over the limit of {MAX_BLOB_BYTES}")
        digest = hashlib.sha256(data).hexdigest()
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

    # -- reading ---------------------------------------------------------------------------------------------

    def get(self, seq: int) -> Event | None:
        rows = self._fetch(f"SELECT {_COLUMNS} FROM events WHERE seq = ?", (seq,))
        return _event(rows[0]) if rows else None

    def query(self, flt: EventFilter) -> Page:
        where, params = self._where(flt)
        direction = "DESC" if flt.order == "desc" else "ASC"
        sql = f"SELECT {_COLUMNS} FROM events {where} ORDER BY seq {direction} LIMIT ?"
        rows = self._fetch(sql, (*params, flt.limit + 1))
        events = [_event(r) for r in rows[: flt.limit]]
        cursor = encode_cursor(flt.order, events[-1].seq) if len(rows) > flt.limit else None
        return Page(events, cursor)

    def read_after(self, seq: int, limit: int) -> list[Event]:
        rows = self._fetch(f"SELECT {_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        return [_event(r) for r in rows]

    def last_seq(self) -> int:
        return int(self._fetch("SELECT seq FROM chain_head", ())[0][0])

    def count(self, flt: EventFilter | None = None) -> int:
        if flt is None:
            return int(self._fetch("SELECT count(*) FROM events", ())[0][0])
        where, params = self._where(replace(flt, after=None))
        return int(self._fetch(f"SELECT count(*) FROM events {where}", tuple(params))[0][0])

    def _where(self, flt: EventFilter) -> tuple[str, list[Any]]:
        # ts never decreases along seq, so time bounds become sequence bounds found by binary search.
        since_seq, until_seq = flt.since_seq, flt.until_seq
        if flt.since_ts is not None:
            since_seq = max(since_seq or 0, self.seq_at_time(flt.since_ts - 1) + 1)
        if flt.until_ts is not None:
            until_seq = min(until_seq if until_seq is not None else 2**62, self.seq_at_time(flt.until_ts))
        return _where(flt, since_seq, until_seq)

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

    def get_blob(self, digest: str) -> bytes | None:
        rows = self._fetch("SELECT data FROM blobs WHERE sha256 = ?", (digest,))
        return bytes(rows[0][0]) if rows else None

    def load_snapshot(self, name: str, version: str, max_seq: int) -> Snapshot | None:
        rows = self._fetch(
            "SELECT seq, state, mac FROM snapshots WHERE name = ? AND version = ? AND seq <= ? "
            "ORDER BY seq DESC LIMIT 1",
            (name, version, max_seq),
        )
        return Snapshot(int(rows[0][0]), rows[0][1], bytes(rows[0][2])) if rows else None

    def chain_head(self) -> tuple[int, bytes]:
        seq, mac = self._fetch("SELECT seq, mac FROM chain_head", ())[0]
        return int(seq), bytes(mac)

    def chain_rows(self, after_seq: int = 0, until_seq: int | None = None) -> Iterator[ChainRow]:
        last = after_seq
        limit = until_seq if until_seq is not None else 2**62
        while True:
            rows = self._fetch(
                f"SELECT {_COLUMNS} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                (last, limit, _CHAIN_BATCH),
            )
            for r in rows:
                yield ChainRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bytes(r[8]))
            if len(rows) < _CHAIN_BATCH:
                return
            last = rows[-1][0]

    def verify(self) -> VerifyReport:
        head_seq, head_mac = self.chain_head()
        verifier = ChainVerifier(self._key)
        verifier.feed(self.chain_rows(0, None))
        return verifier.finish(head_seq, head_mac)

    # -- maintenance -----------------------------------------------------------------------------------------

    def backup_to(self, target: Path) -> None:
        """A consistent, self-contained copy of the whole database, taken while other processes keep appending."""
        with self._errors("back up"):
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
        with self._mu:
            self._db.close()

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
        if version is None:
            raise StoreError(f"{self.path} is not a Lighthouse event store (no schema version)")
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"event store {self.path}: schema version {version} is not supported by this Lighthouse "
                f"(expects {SCHEMA_VERSION})"
            )
        stored = self._meta("key_id")
        if stored != key_id(self._key):
            raise StoreError(
                f"event store {self.path} was chained with another secret key (key id {stored}, this key is "
                f"{key_id(self._key)}): use the secret.key that created it"
            )

    def _meta(self, name: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return None if row is None else str(row[0])

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._mu, self._errors("read"):
            return self._db.execute(sql, params).fetchall()

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


def _event(row: Sequence[Any]) -> Event:
    return Event(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], bytes(row[8]).hex())


def _where(flt: EventFilter, since_seq: int | None, until_seq: int | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.types:
        # `family` (the type up to its first dot) is indexed with seq, so a page comes straight off the index.
        alternatives = []
        for t in flt.types:
            family, rest = type_family(t)
            if not rest:
                alternatives.append("family = ?")
                params.append(family)
            elif rest.endswith("."):
                alternatives.append("(family = ? AND type >= ? AND type < ?)")
                params.extend((family, t, t[:-1] + "/"))
            else:
                alternatives.append("(family = ? AND (type = ? OR (type >= ? AND type < ?)))")
                params.extend((family, t, t + ".", t + "/"))
        clauses.append("(" + " OR ".join(alternatives) + ")")
    if flt.agents:
        clauses.append(f"agent IN ({', '.join('?' * len(flt.agents))})")
        params.extend(flt.agents)
    for column in ("session", "aggregate"):
        value = getattr(flt, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    for column, op, value in (("seq", ">=", since_seq), ("seq", "<=", until_seq)):
        if value is not None:
            clauses.append(f"{column} {op} ?")
            params.append(value)
    if flt.after is not None:
        clauses.append("seq < ?" if flt.order == "desc" else "seq > ?")
        params.append(flt.after)
    for word in flt.text:
        clauses.append(
            "instr(lower(type || ' ' || coalesce(agent, '') || ' ' || coalesce(aggregate, '') || ' ' || payload), ?)"
        )
        params.append(word)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
