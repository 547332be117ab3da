"""Event filters: what a query may ask for, parsed from tool arguments or CLI flags, and opaque page cursors.

Pure: no SQL here. Every backend turns an `EventFilter` into its own query.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from lighthouse_mcp.errors import UsageError

Order = Literal["asc", "desc"]

MAX_AGENTS = 50
FILTER_KEYS = ("type", "agent", "session", "aggregate", "since", "until", "text", "limit", "order", "cursor")
MAX_TEXT_WORDS = 16
MAX_FILTER_VALUE = 4096
_RELATIVE = re.compile(r"^(\d{1,9})\s*(s|m|h|d|w)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_CURSOR_PREFIX = "v1"


@dataclass(frozen=True)
class EventFilter:
    """A validated query. Sequence and time bounds are inclusive; `after` is the cursor position (exclusive)."""

    types: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()  # any of them
    session: str | None = None
    aggregate: str | None = None
    since_seq: int | None = None
    until_seq: int | None = None
    since_ts: int | None = None
    until_ts: int | None = None
    text: tuple[str, ...] = ()
    order: Order = "desc"
    limit: int = 50
    after: int | None = None


@dataclass(frozen=True)
class Point:
    """A position in the log given by the user: a sequence number or a wall-clock time (ns)."""

    seq: int | None = None
    ts: int | None = None


def parse_point(value: Any, *, name: str, now_ns: int | None = None) -> Point:
    """`1234` (a sequence), `2026-11-27T10:00:00Z` / `2026-11-27` (UTC unless an offset is given) or `15m` ago."""
    if isinstance(value, bool):
        raise UsageError(f"{name}: expected a sequence number or a time, not a boolean")
    if isinstance(value, int):
        if value < 0:
            raise UsageError(f"{name}: a sequence number cannot be negative ({value})")
        return Point(seq=value)
    if not isinstance(value, str):
        raise UsageError(f"{name}: expected a sequence number or a time, not {type(value).__name__}")
    text = value.strip()
    if not text or len(text) > 64:
        raise UsageError(f"{name}: expected a sequence number or a time, got {value[:64]!r}")
    if text.isascii() and text.isdigit():
        return Point(seq=int(text))
    now_ns = time.time_ns() if now_ns is None else now_ns
    match = _RELATIVE.match(text)
    if match:
        seconds = int(match.group(1)) * _UNITS[match.group(2)]
        return Point(ts=max(0, now_ns - seconds * 1_000_000_000))
    try:
        moment = datetime.fromisoformat(text)
        delta = moment.replace(tzinfo=moment.tzinfo or UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    except (ValueError, OverflowError):
        raise UsageError(
            f"{name}: {value!r} is neither a sequence number, an ISO-8601 time (2026-11-27T10:00:00Z) "
            "nor a relative time such as 15m, 2h or 7d"
        ) from None
    return Point(ts=max(0, delta // timedelta(microseconds=1) * 1000))


def parse_filter(
    raw: Mapping[str, Any], *, default_limit: int, max_limit: int, now_ns: int | None = None
) -> EventFilter:
    """Validate a mapping of filters (tool arguments or CLI flags); `None` values mean "not given"."""
    unknown = sorted(k for k in raw if k not in FILTER_KEYS)
    if unknown:
        raise UsageError(f"unknown filter {', '.join(map(repr, unknown))} (known: {', '.join(FILTER_KEYS)})")
    given = {k: v for k, v in raw.items() if v is not None}

    order = given.get("order", "desc")
    if order not in ("asc", "desc"):
        raise UsageError(f"order must be 'asc' or 'desc', not {order!r}")

    limit = given.get("limit", default_limit)
    if isinstance(limit, str) and re.fullmatch(r"\s*-?[0-9]{1,12}\s*", limit):
        limit = int(limit)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise UsageError(f"limit must be a whole number, not {limit!r}")
    if limit < 1 or limit > max_limit:
        raise UsageError(f"limit must be between 1 and {max_limit}, not {limit}")

    types = tuple(_split_types(given["type"])) if "type" in given else ()
    words = _split_words(given["text"]) if "text" in given else ()

    since = parse_point(given["since"], name="since", now_ns=now_ns) if "since" in given else Point()
    until = parse_point(given["until"], name="until", now_ns=now_ns) if "until" in given else Point()

    after = None
    if "cursor" in given:
        cursor_order, after = decode_cursor(given["cursor"])
        if cursor_order != order:
            raise UsageError(f"this cursor pages in {cursor_order} order; pass order={cursor_order} with it")

    return EventFilter(
        types=types,
        agents=_split_agents(_plain("agent", given.get("agent"))),
        session=_plain("session", given.get("session")),
        aggregate=_plain("aggregate", given.get("aggregate")),
        since_seq=since.seq,
        until_seq=until.seq,
        since_ts=since.ts,
        until_ts=until.ts,
        text=words,
        order=order,
        limit=limit,
        after=after,
    )


def type_family(spec: str) -> tuple[str, str]:
    """Split a type filter into its family (the first dotted segment) and the rest, which keeps its dots:
    `validation` → (`validation`, ``); `validation.` → (`validation`, ``); `a.b.` → (`a`, `.b.`)."""
    family, dot, rest = spec.partition(".")
    return family, (dot + rest if rest else "")


def encode_cursor(order: Order, seq: int) -> str:
    raw = f"{_CURSOR_PREFIX}:{order}:{seq}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: Any) -> tuple[Order, int]:
    """The (order, seq) a cursor stands for; anything not made by `encode_cursor` is an error."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > 64:
        raise UsageError("malformed cursor: pass back the next_cursor value of a previous page unchanged")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        prefix, order, seq_text = base64.urlsafe_b64decode(padded).decode("ascii").split(":")
        seq = int(seq_text)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise UsageError("malformed cursor: pass back the next_cursor value of a previous page unchanged") from None
    if prefix != _CURSOR_PREFIX or order not in ("asc", "desc") or seq < 0:
        raise UsageError("malformed cursor: pass back the next_cursor value of a previous page unchanged")
    return ("asc" if order == "asc" else "desc"), seq


def _split_types(value: Any) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else [value]
    types: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise UsageError(f"type must be a string such as 'validation' or 'session.started', not {item!r}")
        for raw_part in item.split(","):
            part = raw_part.strip()
            if not part:
                continue
            if len(part) > 100 or not re.fullmatch(r"[a-z0-9_.\-]+", part):
                raise UsageError(f"type {part[:100]!r} is not a dotted lowercase event type or prefix")
            types.append(part)
    if not types:
        raise UsageError("type filter is empty")
    return types


def _check_text(name: str, value: str) -> None:
    """Strings reach the database as UTF-8: lone surrogates (undecodable bytes from argv) are refused here."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{name} is not valid UTF-8 text") from None


def _split_words(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str):
        raise UsageError(f"text must be a string of words, not {type(value).__name__}")
    _check_text("text", value)
    if len(value) > MAX_FILTER_VALUE:
        raise UsageError(f"text filter is {len(value)} characters, over the limit of {MAX_FILTER_VALUE}")
    words = tuple(w.lower() for w in value.split())
    if len(words) > MAX_TEXT_WORDS:
        raise UsageError(f"text filter has {len(words)} words, over the limit of {MAX_TEXT_WORDS}")
    return words


def _split_agents(value: str | None) -> tuple[str, ...]:
    """`alice` or `alice,bob` (any of them)."""
    names = tuple(dict.fromkeys(a.strip() for a in (value or "").split(",") if a.strip()))
    if len(names) > MAX_AGENTS:
        raise UsageError(f"at most {MAX_AGENTS} agents in one filter, not {len(names)}")
    return names


def _plain(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{name} must be a string, not {type(value).__name__}")
    if len(value) > MAX_FILTER_VALUE or "\x00" in value:
        raise UsageError(f"{name} filter is too long or contains a NUL character")
    _check_text(name, value)
    return value
