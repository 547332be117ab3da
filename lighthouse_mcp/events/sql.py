"""What the SQL backends share: the columns, how a filter becomes a WHERE clause, how new events are checked and
chained, and how a blob is checked. Each backend supplies its placeholder and its text-search expression."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.events.chain import ChainRow, canonical, link
from lighthouse_mcp.events.model import Event, NewEvent, canonical_payload, check_event_fields
from lighthouse_mcp.events.query import EventFilter, type_family

COLUMNS = "seq, id, ts, type, agent, session, aggregate, payload, mac"
CHAIN_BATCH = 5000
MAX_BLOB_BYTES = 64 * 1024 * 1024
SEARCHED = "type || ' ' || coalesce(agent, '') || ' ' || coalesce(aggregate, '') || ' ' || payload"


@dataclass(frozen=True)
class Dialect:
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


def prepare(events: Sequence[NewEvent], max_payload_bytes: int) -> list[tuple[NewEvent, str]]:
    """Every event checked and its payload made canonical, before anything touches the database."""
    out = []
    for event in events:
        if not isinstance(event, NewEvent):
            raise DataError(f"expected a NewEvent, not {type(event).__name__}")
        check_event_fields(event)
        out.append((event, canonical_payload(event.payload, max_bytes=max_payload_bytes)))
    return out


def chain(
    prepared: list[tuple[NewEvent, str]], key: bytes, seq: int, mac: bytes, ts: int, ids: list[str]
) -> tuple[list[tuple[Any, ...]], list[Event], bytes]:
    """Rows to insert (the COLUMNS, mac as bytes), the events they are, and the new head mac, for `prepared`
    appended after (seq, mac) at time `ts`."""
    rows, out = [], []
    for (event, payload_text), id_ in zip(prepared, ids, strict=True):
        seq += 1
        fields = (seq, id_, ts, event.type, event.agent, event.session, event.aggregate, payload_text)
        mac = link(key, mac, canonical(*fields))
        rows.append((*fields, mac))
        out.append(Event(*fields, mac.hex()))
    return rows, out, mac


def checked_blob(data: Any) -> tuple[bytes, str]:
    """The blob as bytes and its SHA-256 (hex); refuses what is not bytes or is too large."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise DataError(f"blob content must be bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_BLOB_BYTES:
        raise DataError(f"blob is {len(data)} bytes, over the limit of {MAX_BLOB_BYTES}")
    return data, hashlib.sha256(data).hexdigest()


def to_event(row: Sequence[Any]) -> Event:
    return Event(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], bytes(row[8]).hex())


def to_chain_row(row: Sequence[Any]) -> ChainRow:
    return ChainRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], bytes(row[8]))


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
