"""The event store interface every backend implements, and how a process opens the configured one.

Callers depend only on `EventStore`; SQL lives in the backend modules.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lighthouse_mcp.config import Config
from lighthouse_mcp.errors import StoreError, StoreMissing, UsageError
from lighthouse_mcp.events.anchor import ANCHOR_FILE, Anchor, AnchorFile, Anchors
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

    store_id: str | None  # chosen when the store was created; another store in its place has another
    anchor: Anchors | None  # moved forward by every append (see events.anchor)

    def anchor_problem(self) -> tuple[int, str] | None:
        """(anchored sequence, why) when the store is behind its anchor or the anchor is unusable, else None."""
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

    def recent_times(self, agent: str, types: tuple[str, ...], since_ns: int) -> list[int]:
        """The times (ns) of `agent`'s events of exactly `types` recorded at or after `since_ns`, oldest first."""
        ...

    def times_after(self, types: tuple[str, ...], after_seq: int, limit: int) -> list[tuple[int, int, str | None]]:
        """(seq, ts, agent) of up to `limit` events of exactly `types` with sequence greater than `after_seq`,
        oldest first."""
        ...

    def put_blob(self, data: bytes) -> str:
        """Store `data` once under its SHA-256 (hex) and return that digest."""
        ...

    def get_blob(self, digest: str) -> bytes | None: ...

    def get_blobs(self, digests: Sequence[str]) -> dict[str, bytes]:
        """The blobs stored under `digests`; the missing ones are left out."""
        ...

    def chain_rows(self, after_seq: int = 0, until_seq: int | None = None) -> Iterator[ChainRow]:
        """Stored rows as the chain covers them, oldest first."""
        ...

    def chain_head(self) -> tuple[int, bytes]:
        """The recorded (seq, mac) of the newest event."""
        ...

    def verify(self) -> VerifyReport:
        """Walk the whole chain, the blobs its file changes refer to and the anchor; the report names the first
        event that does not check out."""
        ...

    def wait_for_events(self, after_seq: int, timeout_s: float) -> int:
        """Block until an event after `after_seq` exists or `timeout_s` passes; returns the last sequence. A backend
        with notifications wakes at once; others poll."""
        ...

    def copy_in(self, rows: Sequence[ChainRow]) -> None:
        """Store rows from another store as they are (seq, id, ts, mac kept); they must continue this chain."""
        ...

    def adopt_identity(self, store_id: str) -> None:
        """Take over the id of the store this one is a verified copy of (`lighthouse store migrate`), so that the
        project's anchor holds for the copy."""
        ...

    def blob_digests(self) -> Iterator[str]:
        """Every stored blob's digest, in order."""
        ...

    def save_snapshot(self, name: str, version: str, snapshot: Snapshot) -> None: ...

    def load_snapshot(self, name: str, version: str, max_seq: int) -> Snapshot | None:
        """The newest snapshot at or before `max_seq`."""
        ...

    def close(self) -> None: ...


def open_store(
    home: ProjectHome, config: Config, *, busy_timeout_ms: int | None = None, create: bool = False
) -> EventStore:
    """Open the project's configured store: PostgreSQL when `store.url` is set, else SQLite in the home. Appends
    move the anchor forward, in the home and outside the project. A store that is missing is an error (StoreMissing)
    unless `create`: only `lighthouse init` and `lighthouse store reset` make one."""
    key = read_key(home.key_path)
    store: EventStore
    if config.store.url:
        store = open_url(config.store.url, key, config, create=create)
    else:
        from lighthouse_mcp.events.sqlite import SQLiteEventStore

        path = home.db_path(config.store.path)
        if not create and not path.exists():
            raise StoreMissing(
                f"the event store {path} is missing, although this project's key is here: the audit log was deleted "
                "or moved. A person can start a new one with `lighthouse store reset` (recorded)"
            )
        store = SQLiteEventStore(
            path,
            key,
            synchronous=config.store.synchronous,
            busy_timeout_ms=config.store.busy_timeout_ms if busy_timeout_ms is None else busy_timeout_ms,
            max_payload_bytes=config.store.max_payload_bytes,
            poll_interval_ms=config.store.poll_interval_ms,
            create=create,
        )
    witness = home.witness_path
    store.anchor = Anchors(
        (AnchorFile(home.path / ANCHOR_FILE, key), AnchorFile(witness, key)),
        ("in the project home", f"outside the project, {witness}"),
    )
    return store


def anchor_here(store: EventStore) -> Anchor | None:
    """Put the anchor at the store's head whatever it said before (a person started or replaced the chain);
    returns what it said before."""
    if store.anchor is None or store.store_id is None:
        return None
    seq, mac = store.chain_head()
    head = store.get(seq) if seq else None
    return store.anchor.reset(Anchor(store.store_id, seq, mac.hex(), head.ts if head else 0))


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

    scheme, found, _ = url.partition("://")
    if found and scheme != "sqlite":
        raise UsageError(
            f"store URL {url[:80]!r}: the scheme '{scheme[:20]}' is not one Lighthouse stores events in; use "
            "postgresql://user@host/db or sqlite:///path/to/file.db (or a plain path)"
        )
    path = Path(url.removeprefix("sqlite://")) if url.startswith("sqlite://") else Path(url)
    if not create and not path.is_file():
        raise StoreError(f"event store {path} does not exist")
    return SQLiteEventStore(path, key, max_payload_bytes=config.store.max_payload_bytes)


def db_location(home: ProjectHome, config: Config) -> Path:
    return home.db_path(config.store.path)
