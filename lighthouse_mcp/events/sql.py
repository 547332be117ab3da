"""What the SQL backends share: the columns, how a filter becomes a WHERE clause, how new events are checked and
chained, how a blob is checked, and (`SQLStore`) every read. Each backend supplies its placeholder, its text-search
expression and its connections."""

from __future__ import annotations

import hashlib
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from lighthouse_mcp.errors import DataError, StoreError
from lighthouse_mcp.events.anchor import Anchor, AnchorError, Anchors, behind
from lighthouse_mcp.events.chain import ChainRow, ChainVerifier, Linker, VerifyReport, body, head
from lighthouse_mcp.events.model import Event, NewEvent, canonical_payload, check_event_fields
from lighthouse_mcp.events.query import EventFilter, encode_cursor, type_family
from lighthouse_mcp.events.store import Page, Snapshot

COLUMNS = "seq, id, ts, type, agent, session, aggregate, payload, mac"
INSERT_EVENT = f"INSERT INTO events({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)"
CHAIN_BATCH = 5000
_RECENT_BATCH = 256  # rows read at a time walking an agent's events back from the newest
MAX_BLOB_BYTES = 64 * 1024 * 1024
SEARCHED = "type || ' ' || coalesce(agent, '') || ' ' || coalesce(aggregate, '') || ' ' || payload"


@dataclass(frozen=True)
class Dialect:
    """What differs between SQLite's and PostgreSQL's SQL in the queries both run."""

    param: str  # "?" or "%s"
    contains: str  # a condition true when SEARCHED (lower-cased) contains the parameter


SQLITE = Dialect("?", f"instr(lower({SEARCHED}), ?)")
POSTGRES = Dialect("%s", f"strpos(lower({SEARCHED}), %s) > 0")


def where(flt: EventFilter, since_seq: int | None, until_seq: int | None, d: Dialect) -> tuple[str, list[Any]]:
    """The WHERE clause (empty when nothing is filtered) and its parameters; time bounds arrive as sequences."""
    p = d.param
    clauses: list[str] = []
    params: list[Any] = []
    if flt.types:
        # `family` (the type up to its first dot) is indexed with seq, so a page comes straight off the index.
        alternatives = []
        for t in flt.types:
            family, rest = type_family(t)
            if not rest:
                alternatives.append(f"family = {p}")
                params.append(family)
            elif rest.endswith("."):
                alternatives.append(f"(family = {p} AND type >= {p} AND type < {p})")
                params.extend((family, t, t[:-1] + "/"))
            else:
                alternatives.append(f"(family = {p} AND (type = {p} OR (type >= {p} AND type < {p})))")
                params.extend((family, t, t + ".", t + "/"))
        clauses.append("(" + " OR ".join(alternatives) + ")")
    if flt.agents:
        clauses.append(f"agent IN ({', '.join([p] * len(flt.agents))})")
        params.extend(flt.agents)
    for column in ("session", "aggregate"):
        value = getattr(flt, column)
        if value is not None:
            clauses.append(f"{column} = {p}")
            params.append(value)
    for op, value in ((">=", since_seq), ("<=", until_seq)):
        if value is not None:
            clauses.append(f"seq {op} {p}")
            params.append(value)
    if flt.after is not None:
        clauses.append(f"seq < {p}" if flt.order == "desc" else f"seq > {p}")
        params.append(flt.after)
    for word in flt.text:
        clauses.append(d.contains)
        params.append(word)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


Prepared = tuple[NewEvent, str, bytes]  # an event checked, its payload text, and its canonical bytes after the head


def prepare(events: Sequence[NewEvent], max_payload_bytes: int) -> list[Prepared]:
    """Every event checked, its payload made canonical, and the part of its canonical bytes its writer decides
    (`chain.body`: the store puts the head before it under its lock), before anything touches the database."""
    out = []
    for event in events:
        if not isinstance(event, NewEvent):
            raise DataError(f"expected a NewEvent, not {type(event).__name__}")
        check_event_fields(event)
        text = canonical_payload(event.payload, max_bytes=max_payload_bytes)
        out.append((event, text, body(event.type, event.agent, event.session, event.aggregate, text)))
    return out


def chain(
    prepared: list[Prepared], linker: Linker, seq: int, mac: bytes, ts: int, ids: list[str]
) -> tuple[list[tuple[Any, ...]], list[Event], bytes]:
    """Rows to insert (the COLUMNS, mac as bytes), the events they are, and the new head mac, for `prepared`
    appended after (seq, mac) at time `ts`."""
    rows, out = [], []
    for (event, text, tail), id_ in zip(prepared, ids, strict=True):
        seq += 1
        mac = linker.link(mac, head(seq, id_, ts), tail)
        rows.append((seq, id_, ts, event.type, event.agent, event.session, event.aggregate, text, mac))
        out.append(Event(seq, id_, ts, event.type, event.agent, event.session, event.aggregate, text, mac.hex()))
    return rows, out, mac


def checked_blob(data: Any) -> tuple[bytes, str]:
    """The blob as bytes and its SHA-256 (hex); refuses what is not bytes or is too large."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise DataError(f"blob content must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_BLOB_BYTES:
        raise DataError(f"blob is {len(data)} bytes, over the limit of {MAX_BLOB_BYTES}")
    return data, hashlib.sha256(data).hexdigest()


def new_store_id() -> str:
    """A store's identity, chosen once when it is created (so that another store put in its place is seen)."""
    return "st_" + os.urandom(12).hex()


def to_event(row: Sequence[Any]) -> Event:
    return Event(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], bytes(row[8]).hex())


def to_chain_row(row: Sequence[Any]) -> ChainRow:
    """The row as stored: a column edited to hold another kind of value keeps it, for the verifier to name."""
    mac = bytes(row[8]) if isinstance(row[8], (bytearray, memoryview)) else row[8]
    return ChainRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], mac)


def chain_pages(fetch: Callable[[int, int, int], list[Any]], after_seq: int, until_seq: int | None) -> Any:
    """Chain rows in pages of CHAIN_BATCH: `fetch(after, until, limit)` returns rows with seq in (after, until]."""
    last = after_seq
    limit = until_seq if until_seq is not None else 2**62
    while True:
        rows = fetch(last, limit, CHAIN_BATCH)
        for r in rows:
            yield to_chain_row(r)
        if len(rows) < CHAIN_BATCH:
            return
        last = rows[-1][0]


def copy_values(rows: Sequence[ChainRow], head_seq: int) -> list[tuple[Any, ...]]:
    """Rows taken from another store as values to insert (seq, id, ts and mac kept); they must continue the chain
    whose head is at `head_seq`."""
    if rows[0].seq != head_seq + 1:
        raise StoreError(f"copy: event {rows[0].seq} does not follow this store's head ({head_seq})")
    return [(r.seq, r.id, r.ts, r.type, r.agent, r.session, r.aggregate, r.payload, r.mac) for r in rows]


class SQLStore(ABC):
    """What the SQL backends share above their connections: every read, the chain walk and single appends,
    written once with `?` placeholders (`q` puts in the backend's). A backend gives its `DIALECT`, `_key`, `_fetch`,
    `seq_at_time`, `append_batch` and `_count_all`."""

    DIALECT: Dialect
    _key: bytes
    store_id: str | None = None  # read from the store's meta table when it is opened
    anchor: Anchors | None = None  # where appends anchor the chain, outside the database (set by open_store)

    @abstractmethod
    def _fetch(self, text: str, params: Sequence[Any]) -> list[Any]: ...

    @abstractmethod
    def seq_at_time(self, ts_ns: int) -> int: ...

    @abstractmethod
    def append_batch(self, events: Sequence[NewEvent]) -> list[Event]: ...

    @abstractmethod
    def _count_all(self) -> int: ...

    @property
    @abstractmethod
    def location(self) -> str: ...

    def q(self, text: str) -> str:
        """`text` with this backend's placeholder for each `?` (statement text only; values are parameters)."""
        return text if self.DIALECT.param == "?" else text.replace("?", self.DIALECT.param)

    def append(self, event: NewEvent) -> Event:
        return self.append_batch([event])[0]

    def get(self, seq: int) -> Event | None:
        rows = self._fetch(self.q(f"SELECT {COLUMNS} FROM events WHERE seq = ?"), (seq,))
        return to_event(rows[0]) if rows else None

    def query(self, flt: EventFilter) -> Page:
        clause, params = self._where(flt)
        direction = "DESC" if flt.order == "desc" else "ASC"
        text = self.q(f"SELECT {COLUMNS} FROM events {clause} ORDER BY seq {direction} LIMIT ?")
        rows = self._fetch(text, (*params, flt.limit + 1))
        events = [to_event(r) for r in rows[: flt.limit]]
        cursor = encode_cursor(flt.order, events[-1].seq) if len(rows) > flt.limit else None
        return Page(events, cursor)

    def read_after(self, seq: int, limit: int) -> list[Event]:
        rows = self._fetch(self.q(f"SELECT {COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?"), (seq, limit))
        return [to_event(r) for r in rows]

    def last_seq(self) -> int:
        return int(self._fetch("SELECT seq FROM chain_head WHERE id = 1", ())[0][0])

    def recent_times(self, agent: str, types: tuple[str, ...], since_ns: int) -> list[int]:
        """Reads `agent`'s events back from its newest until one is older than `since_ns` (ts never decreases
        along seq): the window and no more, however long the agent's history."""
        times: list[int] = []
        before = 2**62
        while True:
            rows = self._fetch(
                self.q("SELECT seq, ts, type FROM events WHERE agent = ? AND seq < ? ORDER BY seq DESC LIMIT ?"),
                (agent, before, _RECENT_BATCH),
            )
            for seq, ts, type_ in rows:
                if ts < since_ns:
                    return times[::-1]
                if type_ in types:
                    times.append(int(ts))
                before = seq
            if len(rows) < _RECENT_BATCH:
                return times[::-1]

    def times_after(self, types: tuple[str, ...], after_seq: int, limit: int) -> list[tuple[int, int, str | None]]:
        """(seq, ts, agent) of up to `limit` events of exactly `types` after `after_seq`, oldest first: what a rate
        window follows, without reading whole events."""
        matches = " OR ".join(["(family = ? AND type = ?)"] * len(types))
        params = [value for t in types for value in (type_family(t)[0], t)]
        text = self.q(f"SELECT seq, ts, agent FROM events WHERE ({matches}) AND seq > ? ORDER BY seq LIMIT ?")
        return [(int(seq), int(ts), agent) for seq, ts, agent in self._fetch(text, (*params, after_seq, limit))]

    def count(self, flt: EventFilter | None = None) -> int:
        if flt is None:
            return self._count_all()
        clause, params = self._where(replace(flt, after=None))
        return int(self._fetch(f"SELECT count(*) FROM events {clause}", params)[0][0])

    def _where(self, flt: EventFilter) -> tuple[str, list[Any]]:
        # ts never decreases along seq, so time bounds become sequence bounds.
        since_seq, until_seq = flt.since_seq, flt.until_seq
        if flt.since_ts is not None:
            since_seq = max(since_seq or 0, self.seq_at_time(flt.since_ts - 1) + 1)
        if flt.until_ts is not None:
            until_seq = min(until_seq if until_seq is not None else 2**62, self.seq_at_time(flt.until_ts))
        return where(flt, since_seq, until_seq, self.DIALECT)

    def get_blob(self, digest: str) -> bytes | None:
        """The blob stored under `digest`; StoreError when its content no longer has that digest (edited)."""
        rows = self._fetch(self.q("SELECT data FROM blobs WHERE sha256 = ?"), (digest,))
        return self._checked(digest, rows[0][0]) if rows else None

    def get_blobs(self, digests: Sequence[str]) -> dict[str, bytes]:
        """The blobs stored under `digests`, in a few queries (those that are missing are left out); checked as
        `get_blob` checks one."""
        found: dict[str, bytes] = {}
        wanted = sorted(set(digests))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            text = self.q(f"SELECT sha256, data FROM blobs WHERE sha256 IN ({', '.join('?' * len(chunk))})")
            for digest, raw in self._fetch(text, tuple(chunk)):
                found[str(digest)] = self._checked(str(digest), raw)
        return found

    def _checked(self, digest: str, raw: Any) -> bytes:
        data = bytes(raw)
        if hashlib.sha256(data).hexdigest() != digest:
            raise StoreError(f"event store {self.location}: blob {digest} does not match its digest (it was edited)")
        return data

    def blob_digests(self) -> Iterator[str]:
        after = ""
        while True:
            text = self.q("SELECT sha256 FROM blobs WHERE sha256 > ? ORDER BY sha256 LIMIT 1000")
            rows = self._fetch(text, (after,))
            yield from (str(r[0]) for r in rows)
            if len(rows) < 1000:
                return
            after = rows[-1][0]

    def load_snapshot(self, name: str, version: str, max_seq: int) -> Snapshot | None:
        text = "SELECT seq, state, mac FROM snapshots WHERE name = ? AND version = ? AND seq <= ? ORDER BY seq DESC"
        rows = self._fetch(self.q(text + " LIMIT 1"), (name, version, max_seq))
        return Snapshot(int(rows[0][0]), rows[0][1], bytes(rows[0][2])) if rows else None

    def chain_head(self) -> tuple[int, bytes]:
        seq, mac = self._fetch("SELECT seq, mac FROM chain_head WHERE id = 1", ())[0]
        return int(seq), bytes(mac)

    def chain_rows(self, after_seq: int = 0, until_seq: int | None = None) -> Iterator[ChainRow]:
        text = self.q(f"SELECT {COLUMNS} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")

        def fetch(after: int, until: int, limit: int) -> list[Any]:
            return self._fetch(text, (after, until, limit))

        return chain_pages(fetch, after_seq, until_seq)  # type: ignore[no-any-return]

    def verify(self) -> VerifyReport:
        """The whole chain, the blobs its file changes refer to, and the anchor outside the database."""
        from lighthouse_mcp.events.integrity import walk

        return walk(self, ChainVerifier(self._key))  # type: ignore[arg-type]  # a SQLStore is an EventStore

    def _anchored(self, seq: int, mac: bytes, ts: int, after: tuple[int, str] | None = None) -> None:
        """Move the anchor to an event just committed (chained onto the head `after`, when known); a failure to
        write it is logged (the event stands)."""
        if self.anchor is None or self.store_id is None:
            return

        def mac_at(at: int) -> str | None:
            found = self.get(at)
            return found.mac if found is not None else None

        try:
            self.anchor.advance(Anchor(self.store_id, seq, mac.hex(), ts), mac_at, after)
        except (OSError, StoreError) as exc:
            import logging  # only when the anchor cannot be moved: not on every hook call's path

            logging.getLogger("lighthouse.store").error("cannot move the audit log's anchor: %s", exc)

    def anchor_problem(self) -> tuple[int, str] | None:
        """(the anchored sequence, why) when this store is behind its anchor or the anchor is unusable; None when
        all is well or there is no anchor yet."""
        if self.anchor is None:
            return None
        for file, place in zip(self.anchor.files, self.anchor.places, strict=True):
            try:
                anchor = file.read()
            except AnchorError as exc:
                return self.last_seq() + 1, f"{exc} ({place})"
            if anchor is None:
                continue
            found = self.get(anchor.seq) if anchor.seq else None
            mac_at = found.mac if found is not None else (bytes(32).hex() if anchor.seq == 0 else None)
            problem = behind(anchor, self.store_id, mac_at, self.last_seq())
            if problem:
                return anchor.seq, f"{problem} (by the anchor {place})"
        return None
