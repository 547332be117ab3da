"""The event store interface every backend implements, and how a process opens the configured one.

Callers depend only on `EventStore`; SQL lives in the backend modules.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lighthouse_mcp.config import Config
from lighthouse_mcp.errors import StoreError
from lighthouse_mcp.events.chain import ChainRow, VerifyReport
from lighthouse_mcp.events.model import Event, NewEvent
from lighthouse_mcp.events.query import EventFilter
from lighthouse_mcp.home import ProjectHome, read_key


@dataclass(frozen=True)
class Page:
    """One page of a query; `next_cursor` is None on the last page."""

    events: list[Event]
    next_cursor: str | None


@dataclass(frozen=True)
class Snapshot:
    """A stored projection state at `seq`, authenticated by `mac`."""

    seq: int
    state: str
    mac: bytes


class EventStore(Protocol):
    """Append-only, hash-chained events, content-addressed blobs and projection snapshots."""

    @property
    def location(self) -> str:
        """Where the store lives (a file path or a URL without credentials), for messages and `health`."""
        ...

    def append(self, event: NewEvent) -> Event:
        """Append one event durably and return it with seq, id, ts and mac."""
        ...

    def append_batch(self, events: Sequence[NewEvent]) -> list[Event]:
        """Append several events in one transaction: all or none."""
        ...

    def get(self, seq: int) -> Event | None: ...

    def query(self, flt: EventFilter) -> Page: ...

    def read_after(self, seq: int, limit: int) -> list[Event]:
        """Up to `limit` events with sequence greater than `seq`, oldest first (for followers and folds)."""
        ...

    def last_seq(self) -> int: ...

    def count(self, flt: EventFilter | None = None) -> int:
        """How many events there are, or how many match `flt` (its order, limit and cursor aside)."""
        ...

    def seq_at_time(self, ts_ns: int) -> int:
        """The last sequence appended at or before `ts_ns` (0 when none)."""
        ...

    def put_blob(self, data: bytes) -> str:
        """Store `data` once under its SHA-256 (hex) and return that digest."""
        ...

    def get_blob(self, digest: str) -> bytes | None: ...

    def chain_rows(self, after_seq: int = 0, until_seq: int | None = None) -> Iterator[ChainRow]:
        """Stored rows as the chain covers them, oldest first."""
        ...

    def chain_head(self) -> tuple[int, bytes]:
        """The recorded (seq, mac) of the newest event."""
        ...

    def verify(self) -> VerifyReport:
        """Walk the whole chain; the report names the first event that does not check out."""
        ...

    def wait_for_events(self, after_seq: int, timeout_s: float) -> int:
        """Block until an event after `after_seq` exists or `timeout_s` passes; returns the last sequence. A backend
        with notifications wakes at once; others poll."""
        ...

    def copy_in(self, rows: Sequence[ChainRow]) -> None:
        """Store rows from another store as they are (seq, id, ts, mac kept); they must continue this chain."""
        ...

    def blob_digests(self) -> Iterator[str]:
        """Every stored blob's digest, in order."""
        ...

    def save_snapshot(self, name: str, version: str, snapshot: Snapshot) -> None: ...

    def load_snapshot(self, name: str, version: str, max_seq: int) -> Snapshot | None:
        """The newest snapshot at or before `max_seq`."""
        ...

    def close(self) -> None: ...


def open_store(home: ProjectHome, config: Config, *, busy_timeout_ms: int | None = None) -> EventStore:
    """Open the project's configured store: PostgreSQL when `store.url` is set, else SQLite in the home."""
    if config.store.url:
        return open_url(config.store.url, read_key(home.key_path), config)
    from lighthouse_mcp.events.sqlite import SQLiteEventStore

    return SQLiteEventStore(
        home.db_path(config.store.path),
        read_key(home.key_path),
        synchronous=config.store.synchronous,
        busy_timeout_ms=config.store.busy_timeout_ms if busy_timeout_ms is None else busy_timeout_ms,
        max_payload_bytes=config.store.max_payload_bytes,
        poll_interval_ms=config.store.poll_interval_ms,
    )


def open_url(url: str, key: bytes, config: Config, *, create: bool = True) -> EventStore:
    """A store by URL: `postgresql://…`, or a SQLite file (`sqlite:///path` or a plain path)."""
    if url.startswith(("postgresql://", "postgres://")):
        from lighthouse_mcp.config import check_store_url

        check_store_url(url)
        try:
            from lighthouse_mcp.events.postgres import PostgresEventStore
        except ImportError as exc:
            raise StoreError(
                f"the PostgreSQL store needs psycopg: pip install 'lighthouse-mcp[postgres]' ({exc})"
            ) from exc
        return PostgresEventStore(
            url,
            key,
            pool_size=config.store.pool_size,
            connect_timeout_s=config.store.connect_timeout_s,
            max_payload_bytes=config.store.max_payload_bytes,
            create=create,
        )
    from lighthouse_mcp.events.sqlite import SQLiteEventStore

    path = Path(url.removeprefix("sqlite://")) if url.startswith("sqlite://") else Path(url)
    if not create and not path.is_file():
        raise StoreError(f"event store {path} does not exist")
    return SQLiteEventStore(path, key, max_payload_bytes=config.store.max_payload_bytes)


def db_location(home: ProjectHome, config: Config) -> Path:
    return home.db_path(config.store.path)
