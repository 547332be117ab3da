"""`EventStore` on PostgreSQL (psycopg 3 with a connection pool), for agents on several machines sharing one log.

The same ideas as the SQLite store: events are append-only (triggers refuse UPDATE, DELETE and TRUNCATE), each
append locks the single-row chain head (`SELECT … FOR UPDATE`), so appenders on every machine are serialised and the
chain is extended in the same transaction, blobs are content-addressed, and snapshots are a cache. Every append
also sends `NOTIFY lighthouse_events`, so `wait_for_events` wakes at once instead of polling.

The password never comes from the URL in the config: libpq reads PGPASSWORD or a .pgpass file (PGPASSFILE).
When a commit's outcome is unknown (the connection broke while committing) the store asks again on a new
connection whether the batch's first id is there, so an acknowledged event is never lost and a retried one never
doubled.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lighthouse_mcp.errors import DataError, StoreError, StoreLocked, StoreMissing, WrongKey
from lighthouse_mcp.events import ids, sql
from lighthouse_mcp.events.chain import ChainRow, Linker, key_id
from lighthouse_mcp.events.ids import new_ids
from lighthouse_mcp.events.model import Event, NewEvent
from lighthouse_mcp.events.schema import SCHEMA_VERSION
from lighthouse_mcp.events.store import Snapshot

CHANNEL = "lighthouse_events"
# The pool logs every failed connection attempt; this store reports failures itself, once, with the reason.
logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)
log = logging.getLogger("lighthouse.store")
_C = sql.COLUMNS
# Batches of this many events or more go in through COPY (a row costs a fraction of an INSERT's, but COPY cannot
# join the pipeline that carries the head's update and the COMMIT: two more round trips); fewer ride that pipeline
# as INSERTs, as single appends do. `store migrate` copies its batches in the same way.
COPY_FROM = 8
_COPY_EVENTS = f"COPY events ({_C}) FROM STDIN"
_SCHEMA_LOCK = 0x4C48_5343  # an advisory lock id: one process creates the schema at a time

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events(
  seq       BIGINT PRIMARY KEY,
  id        TEXT   NOT NULL UNIQUE,
  ts        BIGINT NOT NULL,
  type      TEXT COLLATE "C" NOT NULL,
  agent     TEXT,
  session   TEXT,
  aggregate TEXT,
  payload   TEXT   NOT NULL,
  mac       BYTEA  NOT NULL,
  family    TEXT COLLATE "C" GENERATED ALWAYS AS (split_part(type, '.', 1)) STORED
);
CREATE INDEX IF NOT EXISTS events_family    ON events(family, seq);
CREATE INDEX IF NOT EXISTS events_agent     ON events(agent, seq);
CREATE INDEX IF NOT EXISTS events_session   ON events(session, seq);
CREATE INDEX IF NOT EXISTS events_aggregate ON events(aggregate, seq);
CREATE INDEX IF NOT EXISTS events_ts        ON events(ts, seq);
CREATE OR REPLACE FUNCTION lighthouse_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
DROP TRIGGER IF EXISTS events_append_only ON events;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION lighthouse_append_only();
DROP TRIGGER IF EXISTS events_no_truncate ON events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION lighthouse_append_only();
CREATE TABLE IF NOT EXISTS chain_head(
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  mac BYTEA  NOT NULL,
  ts  BIGINT NOT NULL
);
INSERT INTO chain_head(id, seq, mac, ts) VALUES (1, 0, decode(repeat('00', 32), 'hex'), 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS blobs(sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, data BYTEA NOT NULL);
DROP TRIGGER IF EXISTS blobs_append_only ON blobs;
CREATE TRIGGER blobs_append_only BEFORE UPDATE OR DELETE ON blobs
  FOR EACH ROW EXECUTE FUNCTION lighthouse_append_only();
CREATE TABLE IF NOT EXISTS snapshots(
  name TEXT NOT NULL, version TEXT NOT NULL, seq BIGINT NOT NULL, state TEXT NOT NULL, mac BYTEA NOT NULL,
  PRIMARY KEY (name, version, seq)
);
"""
# The chain head, like the events, only moves forward and only to an event that exists (added to older stores too).
HEAD_GUARDS = """
CREATE OR REPLACE FUNCTION lighthouse_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'chain_head is moved by appends only'; END IF;
  IF NEW.seq < OLD.seq OR NOT EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq AND mac = NEW.mac) THEN
    RAISE EXCEPTION 'chain_head only moves forward, to an event that exists';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS chain_head_forward ON chain_head;
CREATE TRIGGER chain_head_forward BEFORE UPDATE OR DELETE ON chain_head
  FOR EACH ROW EXECUTE FUNCTION lighthouse_head_forward();
"""


def redact(url: str) -> str:
    """The URL without a password, for messages and `location`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresEventStore(sql.SQLStore):
    """`EventStore` on one PostgreSQL database. Safe to share between threads; open one per process."""

    DIALECT = sql.POSTGRES

    def __init__(
        self,
        url: str,
        key: bytes,
        *,
        pool_size: int = 4,
        connect_timeout_s: float = 10.0,
        max_payload_bytes: int = 1_048_576,
        clock: Callable[[], int] = time.time_ns,
        randbits: Callable[[int], int] = ids.randbits,
        create: bool = True,
    ) -> None:
        import psycopg_pool

        self.url = url
        self._where_name = redact(url)
        self._key = key
        self._linker = Linker(key)
        self._max_payload = max_payload_bytes
        self._clock = clock
        self._randbits = randbits
        self._timeout = connect_timeout_s
        self._listener: Any = None
        self._listen_mu = threading.Lock()
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs=self._connect_args(),
            reconnect_timeout=connect_timeout_s,
            timeout=connect_timeout_s,
            open=False,
            name="lighthouse",
        )
        try:
            self._init_schema(create=create)  # on a connection of its own: its failure names the reason
            with self._errors("open"):
                self._pool.open(wait=True, timeout=connect_timeout_s)
        except BaseException:
            self._pool.close()
            raise

    @property
    def location(self) -> str:
        return self._where_name

    # -- writing ---------------------------------------------------------------------------------------------

    def append_batch(self, events: Sequence[NewEvent]) -> list[Event]:
        """Two round trips: lock the head (BEGIN; SELECT … FOR UPDATE), then insert, move the head, notify and
        COMMIT in one pipeline (a batch of COPY_FROM events or more is copied in first, two round trips more). A
        connection that fails before the commit is sent (one the database dropped while idle, say) is replaced and
        the append tried once more; one that fails during the commit is resolved by looking for the batch's first
        id."""
        import psycopg

        prepared = sql.prepare(events, self._max_payload)
        if not prepared:
            return []
        attempts = self._pool.max_size + 1  # every stale connection in the pool may fail once before a fresh one
        for attempt in range(1, attempts + 1):
            committing = False
            first_id = ""
            try:
                with self._errors("append"), self._pool.connection() as conn:
                    try:
                        with conn.pipeline():
                            conn.execute("BEGIN")
                            head = conn.execute("SELECT seq, mac, ts FROM chain_head WHERE id = 1 FOR UPDATE")
                        seq, mac, last_ts = head.fetchone()  # type: ignore[misc]
                        after = (int(seq), bytes(mac).hex())
                        ts = max(self._clock(), int(last_ts))
                        ids = new_ids(ts, len(prepared), self._randbits)
                        first_id = ids[0]
                        rows, out, mac = sql.chain(prepared, self._linker, int(seq), bytes(mac), ts, ids)
                        committing = True
                        with conn.cursor() as cur:
                            copied = _copied(cur, rows)
                            with conn.pipeline():
                                if not copied:
                                    cur.executemany(self.q(sql.INSERT_EVENT), rows)
                                cur.execute(
                                    "UPDATE chain_head SET seq = %s, mac = %s, ts = %s WHERE id = 1",
                                    (rows[-1][0], mac, ts),
                                )
                                cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(rows[-1][0])))
                                cur.execute("COMMIT")
                    except BaseException:
                        if not conn.closed and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                            with contextlib.suppress(psycopg.Error):
                                conn.execute("ROLLBACK")
                        raise
                self._anchored(rows[-1][0], mac, ts, after)
                return out
            except StoreError as exc:
                broken = _broken(exc)
                if broken and committing:
                    committed = self._committed(first_id, len(prepared))
                    if committed is not None:
                        return committed
                if not broken or committing or attempt == attempts:
                    raise
        raise AssertionError("unreachable")

    def _committed(self, first_id: str, count: int) -> list[Event] | None:
        """After a connection broke while committing: the batch as stored if it committed, else None. The broken
        transaction held the head's lock until it committed or aborted, so waiting for that lock first makes the
        answer final."""
        import psycopg

        with contextlib.suppress(StoreError, psycopg.Error), self._errors("check an append"):
            with psycopg.connect(self.url, **self._connect_args()) as conn, conn.transaction():
                conn.execute(f"SET LOCAL lock_timeout = '{max(1, int(self._timeout))}s'")
                conn.execute("SELECT seq FROM chain_head WHERE id = 1 FOR SHARE")
                found = conn.execute(f"SELECT {_C} FROM events WHERE id = %s", (first_id,)).fetchall()
                if not found:
                    return None
                seq = int(found[0][0])
                text = f"SELECT {_C} FROM events WHERE seq >= %s AND seq < %s ORDER BY seq"
                rows = conn.execute(text, (seq, seq + count)).fetchall()
            log.warning(
                "the connection broke while committing events %d..%d; they were committed", seq, seq + count - 1
            )
            return [sql.to_event(r) for r in rows]
        return None

    def put_blob(self, data: bytes) -> str:
        data, digest = sql.checked_blob(data)
        with self._errors("store a blob"), self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO blobs(sha256, size, data) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                (digest, len(data), data),
            )
        return digest

    def save_snapshot(self, name: str, version: str, snapshot: Snapshot) -> None:
        with self._errors("save a snapshot"), self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO snapshots(name, version, seq, state, mac) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (name, version, seq) DO UPDATE SET state = excluded.state, mac = excluded.mac",
                (name, version, snapshot.seq, snapshot.state, snapshot.mac),
            )

    def copy_in(self, rows: Sequence[ChainRow]) -> None:
        """Rows taken from another store, stored as they are (seq, id, ts and mac kept); they must continue
        this store's chain. For `lighthouse store migrate`."""
        if not rows:
            return
        with self._errors("copy events in"), self._pool.connection() as conn, conn.transaction():
            head = conn.execute("SELECT seq FROM chain_head WHERE id = 1 FOR UPDATE").fetchone()
            values = sql.copy_values(rows, int(head[0]))  # type: ignore[index]
            with conn.cursor() as cur:
                if not _copied(cur, values):
                    cur.executemany(self.q(sql.INSERT_EVENT), values)
            last = rows[-1]
            conn.execute(
                "UPDATE chain_head SET seq = %s, mac = %s, ts = %s WHERE id = 1", (last.seq, last.mac, last.ts)
            )
        self._anchored(last.seq, last.mac, last.ts)

    def adopt_identity(self, store_id: str) -> None:
        with self._errors("take over a store id"), self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('store_id', %s) ON CONFLICT (key) DO UPDATE SET value = %s",
                (store_id, store_id),
            )
        self.store_id = store_id

    # -- reading (the rest is `sql.SQLStore`'s) ---------------------------------------------------------------

    def _count_all(self) -> int:
        return self.last_seq()  # sequences start at 1 and have no gaps: appends are serialised transactions

    def seq_at_time(self, ts_ns: int) -> int:
        rows = self._fetch("SELECT seq FROM events WHERE ts <= %s ORDER BY ts DESC, seq DESC LIMIT 1", (ts_ns,))
        return int(rows[0][0]) if rows else 0

    def wait_for_events(self, after_seq: int, timeout_s: float) -> int:
        """Block until there is an event after `after_seq` (woken by NOTIFY) or `timeout_s` passes; the last seq."""
        import psycopg

        deadline = time.monotonic() + timeout_s
        with self._listen_mu:
            try:
                if self._listener is None or self._listener.closed:
                    self._listener = psycopg.connect(self.url, **self._connect_args())
                    self._listener.execute(f"LISTEN {CHANNEL}")
                seq = self.last_seq()
                while seq <= after_seq and (left := deadline - time.monotonic()) > 0:
                    for _ in self._listener.notifies(timeout=left, stop_after=1):
                        break
                    seq = self.last_seq()
                return seq
            except psycopg.Error:
                # No listening connection: fall back to one poll after a short sleep.
                if self._listener is not None:
                    self._listener.close()
                    self._listener = None
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
                return self.last_seq()

    def close(self) -> None:
        with self._listen_mu:
            if self._listener is not None:
                self._listener.close()
                self._listener = None
        self._pool.close()
        if self.anchor is not None:
            self.anchor.close()

    # -- internals -------------------------------------------------------------------------------------------

    def _init_schema(self, *, create: bool) -> None:
        import psycopg

        with self._errors("open"), psycopg.connect(self.url, **self._connect_args()) as conn:
            exists = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]  # type: ignore[index]
            if not exists and create:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                    conn.execute(SCHEMA)
                    for name, value in (("schema_version", SCHEMA_VERSION), ("key_id", key_id(self._key))):
                        conn.execute(
                            "INSERT INTO meta(key, value) VALUES (%s, %s) ON CONFLICT DO NOTHING", (name, value)
                        )
            elif not exists:
                raise StoreMissing(f"{self.location} holds no Lighthouse event store")
            meta: dict[str, str] = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            if "store_id" not in meta and meta.get("schema_version") == SCHEMA_VERSION:
                with conn.transaction():  # a new store, or one made before stores had ids and guarded heads
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                    conn.execute(HEAD_GUARDS)
                    conn.execute(
                        "INSERT INTO meta(key, value) VALUES ('store_id', %s) ON CONFLICT DO NOTHING",
                        (sql.new_store_id(),),
                    )
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.store_id = meta.get("store_id")
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise StoreError(
                f"event store {self.location}: schema version {meta.get('schema_version')} is not supported by this "
                f"Lighthouse (expects {SCHEMA_VERSION})"
            )
        if meta.get("key_id") != key_id(self._key):
            raise WrongKey(
                f"event store {self.location} was chained with another secret key (key id {meta.get('key_id')}, this "
                f"key is {key_id(self._key)}): use the secret.key that created it"
            )

    def _connect_args(self) -> dict[str, Any]:
        """Connections give up on a dead peer: `connect_timeout` while connecting; afterwards keepalives probe an
        idle connection and `tcp_user_timeout` fails one whose sent data goes unacknowledged (a dropped network),
        instead of waiting for the kernel's default of many minutes. Lock waits are bounded the same way."""
        seconds = max(1, int(self._timeout))
        return {
            # A lock wait (another appender holding the chain head) fails after the timeout rather than hanging,
            # and a session left idle inside a transaction (its process stopped mid-append) is ended by the
            # server, which releases the head for everyone else.
            "options": f"-c lock_timeout={seconds * 1000} -c idle_in_transaction_session_timeout={seconds * 3000}",
            "autocommit": True,
            "connect_timeout": seconds,
            "keepalives": 1,
            "keepalives_idle": seconds,
            "keepalives_interval": max(1, seconds // 3),
            "keepalives_count": 3,
            "tcp_user_timeout": seconds * 1000,
        }

    def _fetch(self, text: str, params: Sequence[Any]) -> list[Any]:
        """Rows of a read; a connection the database dropped (a restart) is replaced and the read tried again."""

        attempts = self._pool.max_size + 1
        for attempt in range(1, attempts + 1):
            try:
                with self._errors("read"), self._pool.connection() as conn:
                    return conn.execute(text, params).fetchall()
            except StoreError as exc:
                if attempt == attempts or not _broken(exc):
                    raise
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        import psycopg
        import psycopg_pool

        try:
            yield
        except psycopg_pool.PoolTimeout as exc:
            raise StoreError(
                f"event store {self.location}: cannot {action}: no database connection within {self._timeout:g} s "
                f"(is the server up and reachable?)"
            ) from exc
        except psycopg.errors.LockNotAvailable as exc:
            raise StoreLocked(
                f"event store {self.location} is locked by another appender (waited {self._timeout:g} s to "
                f"{action}); nothing was written"
            ) from exc
        except psycopg.errors.RaiseException as exc:
            raise StoreError(f"event store {self.location}: cannot {action}: {_one_line(exc)}") from exc
        except psycopg.errors.UniqueViolation as exc:
            raise StoreError(f"event store {self.location}: cannot {action}: {_one_line(exc)}") from exc
        except psycopg.OperationalError as exc:
            raise StoreError(
                f"event store {self.location}: cannot {action}: the database is unreachable or went away: "
                f"{_one_line(exc)}"
            ) from exc
        except psycopg.Error as exc:
            raise StoreError(f"event store {self.location}: cannot {action}: {_one_line(exc)}") from exc
        except (ValueError, TypeError) as exc:
            raise DataError(f"event store {self.location}: cannot {action}: {exc}") from exc


def _copied(cur: Any, rows: Sequence[tuple[Any, ...]]) -> bool:
    """Copy `rows` (values of sql.COLUMNS) into events when there are COPY_FROM or more; whether it did."""
    if len(rows) < COPY_FROM:
        return False
    with cur.copy(_COPY_EVENTS) as copy:
        for row in rows:
            copy.write_row(row)
    return True


def _broken(exc: StoreError) -> bool:
    """The error came from a connection that broke in use (worth one more try on another), not from having no
    connection at all (the pool's wait already took its time)."""
    import psycopg
    import psycopg_pool

    cause = exc.__cause__
    if not isinstance(cause, psycopg.OperationalError) or isinstance(cause, psycopg_pool.PoolTimeout):
        return False
    # No SQLSTATE: the connection itself failed. 08…: connection exceptions; 57P0…: the server shutting down.
    state = cause.sqlstate
    return state is None or state.startswith(("08", "57P"))


def _one_line(exc: BaseException) -> str:
    """libpq's messages span lines (a hint on the second); one line reads better in an error."""
    return " ".join(str(exc).split())
