"""What an event is, before and after it is appended."""

from __future__ import annotations

import functools
import json
import re
from _json import encode_basestring, make_encoder
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lighthouse_mcp.errors import DataError

TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_-]*)+$")
MAX_TYPE_LENGTH = 100
MAX_FIELD_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event a caller wants appended; the store assigns seq, id, ts and mac."""

    type: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    agent: str | None = None
    session: str | None = None
    aggregate: str | None = None


class Event:
    """An appended, chained event. The payload is parsed from its stored JSON text on first use."""

    __slots__ = ("_payload", "agent", "aggregate", "id", "mac", "payload_text", "seq", "session", "ts", "type")

    def __init__(
        self,
        seq: int,
        id: str,
        ts: int,
        type: str,
        agent: str | None,
        session: str | None,
        aggregate: str | None,
        payload_text: str,
        mac: str,
    ) -> None:
        self.seq = seq
        self.id = id
        self.ts = ts  # wall-clock UTC, nanoseconds since the epoch
        self.type = type
        self.agent = agent
        self.session = session
        self.aggregate = aggregate
        self.payload_text = payload_text  # canonical JSON, exactly as chained
        self.mac = mac  # hex HMAC-SHA256 linking this event to the one before
        self._payload: dict[str, Any] | None = None

    @property
    def payload(self) -> dict[str, Any]:
        if self._payload is None:
            self._payload = json.loads(self.payload_text)
        return self._payload

    def _key(self) -> tuple[Any, ...]:
        return (
            self.seq,
            self.id,
            self.ts,
            self.type,
            self.agent,
            self.session,
            self.aggregate,
            self.payload_text,
            self.mac,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Event) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.seq, self.mac))

    def __repr__(self) -> str:
        return f"Event(seq={self.seq}, type={self.type!r}, agent={self.agent!r}, aggregate={self.aggregate!r})"

    def to_json(self) -> dict[str, Any]:
        """The event as JSON Lines print it: ISO time for people, `ts_ns` for exactness."""
        return {
            "seq": self.seq,
            "id": self.id,
            "ts": iso_time(self.ts),
            "ts_ns": self.ts,
            "type": self.type,
            "agent": self.agent,
            "session": self.session,
            "aggregate": self.aggregate,
            "payload": self.payload,
            "mac": self.mac,
        }


def iso_time(ts_ns: int) -> str:
    """`2026-11-27T16:09:30.123456Z` (microseconds; `ts_ns` carries the rest)."""
    moment = datetime.fromtimestamp(ts_ns // 1000 / 1_000_000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _not_json(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# Canonical JSON: sorted keys, no spaces, UTF-8 text rather than \u escapes, no NaN or infinity. The C encoder
# `json.dumps` builds for every call is built once here, without the table of containers it would fill to catch a
# payload that contains itself (the encoder leaves that table dirty when it fails, so it cannot be shared): such a
# payload is refused as nested too deeply, like one nested past the interpreter's recursion limit.
_ENCODE = make_encoder(None, _not_json, encode_basestring, None, ":", ",", True, False, False)


def canonical_payload(payload: Any, *, max_bytes: int) -> str:
    """The payload as canonical JSON text (sorted keys, no spaces), checked for type, Unicode and size."""
    if not isinstance(payload, Mapping):
        raise DataError(f"event payload must be a JSON object, not {type(payload).__name__}")
    try:
        text = "".join(_ENCODE(payload, 0))
    except (TypeError, ValueError) as exc:
        raise DataError(f"event payload is not JSON-serialisable: {exc}") from exc
    except RecursionError as exc:
        raise DataError("event payload is nested too deeply (or contains itself) to be stored as JSON") from exc
    if text.isascii():  # known without reading the text: its UTF-8 is itself
        size = len(text)
    else:
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise DataError(f"event payload is not valid Unicode text: {exc.reason} at position {exc.start}") from exc
    if size > max_bytes:
        raise DataError(
            f"event payload is {size} bytes, over the limit of {max_bytes} (store.max_payload_bytes); "
            "put large content in a blob and refer to it by hash"
        )
    return text


@functools.lru_cache(maxsize=1024)
def _valid_type(type_: str) -> bool:
    return len(type_) <= MAX_TYPE_LENGTH and TYPE_PATTERN.match(type_) is not None


def check_event_fields(event: NewEvent) -> None:
    """Reject a malformed type, agent, session or aggregate before anything is written."""
    if not isinstance(event.type, str) or not _valid_type(event.type):
        raise DataError(f"event type {event.type!r} is not a dotted lowercase name such as 'validation.decided'")
    if event.agent is not None:
        _check_text("agent", event.agent)
    if event.session is not None:
        _check_text("session", event.session)
    if event.aggregate is not None:
        _check_text("aggregate", event.aggregate)


def _check_text(name: str, value: object) -> None:
    if type(value) is str and value.isascii() and len(value) <= MAX_FIELD_LENGTH and "\x00" not in value:
        return  # the usual case, in one pass (ASCII is valid UTF-8)
    if not isinstance(value, str):
        raise DataError(f"event {name} must be a string, not {type(value).__name__}")
    if len(value) > MAX_FIELD_LENGTH:
        raise DataError(f"event {name} is {len(value)} characters, over the limit of {MAX_FIELD_LENGTH}")
    if "\x00" in value:
        raise DataError(f"event {name} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DataError(f"event {name} is not valid Unicode text: {exc.reason}") from exc
