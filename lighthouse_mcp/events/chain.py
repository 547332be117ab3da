"""The hash chain: `mac = HMAC-SHA256(key, prev_mac ‖ canonical(event))`, and how to check it."""

from __future__ import annotations

import hashlib
import hmac
from _json import encode_basestring as _quote  # how JSON quotes a string (UTF-8 text, no \u escapes)
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS_MAC = bytes(32)


@dataclass(frozen=True, slots=True)
class ChainRow:
    """The stored columns of one event, exactly as the chain covers them."""

    seq: int
    id: str
    ts: int
    type: str
    agent: str | None
    session: str | None
    aggregate: str | None
    payload: str  # canonical JSON text as stored
    mac: bytes


def head(seq: int, id_: str, ts: int) -> bytes:
    """The start of an event's canonical bytes: the fields the store assigns when it appends."""
    return f"[{seq},{_quote(id_)},{ts},".encode()


def body(type_: str, agent: str | None, session: str | None, aggregate: str | None, payload: str) -> bytes:
    """The rest of an event's canonical bytes: the fields its writer gives, then the stored payload text."""
    agent_ = "null" if agent is None else _quote(agent)
    session_ = "null" if session is None else _quote(session)
    aggregate_ = "null" if aggregate is None else _quote(aggregate)
    return f"{_quote(type_)},{agent_},{session_},{aggregate_}]\n{payload}".encode()


def canonical(
    seq: int, id_: str, ts: int, type_: str, agent: str | None, session: str | None, aggregate: str | None, payload: str
) -> bytes:
    """Unambiguous bytes for one event: its fields as a JSON array on one line, then the stored payload text, in
    UTF-8 (as the store holds it). The array is the text `json.dumps(fields, separators=(",", ":"),
    ensure_ascii=False)` gives, written out directly, so that the payload is the only JSON an append encodes."""
    return head(seq, id_, ts) + body(type_, agent, session, aggregate, payload)


def wrong_kind(row: ChainRow) -> str | None:
    """The first column of `row` holding a kind of value no append writes (a row edited outside the store), or
    None. Such a row is named before its MAC is computed."""
    for column, value, kinds in (
        ("seq", row.seq, _INT),
        ("id", row.id, _STR),
        ("ts", row.ts, _INT),
        ("type", row.type, _STR),
        ("agent", row.agent, _TEXT),
        ("session", row.session, _TEXT),
        ("aggregate", row.aggregate, _TEXT),
        ("payload", row.payload, _STR),
        ("mac", row.mac, (bytes,)),
    ):
        if type(value) not in kinds:
            return column
    return None


_INT: tuple[type, ...] = (int,)
_STR: tuple[type, ...] = (str,)
_TEXT: tuple[type, ...] = (str, type(None))


class Linker:
    """Links events with HMAC-SHA256 (RFC 2104) under the chain key. The key's two hash states are computed once
    and copied for each event, where `hmac.digest` would set the key up again on every call."""

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(key.translate(_IPAD))
        self._outer = hashlib.sha256(key.translate(_OPAD))

    def link(self, prev_mac: bytes, head: bytes, body: bytes) -> bytes:
        """The MAC of the event whose canonical bytes are `head` then `body`, after the event `prev_mac`."""
        inner = self._inner.copy()
        inner.update(prev_mac)
        inner.update(head)
        inner.update(body)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def row_mac(self, prev_mac: bytes, row: ChainRow) -> bytes:
        return self.link(
            prev_mac, head(row.seq, row.id, row.ts), body(row.type, row.agent, row.session, row.aggregate, row.payload)
        )


_BLOCK = 64  # SHA-256's block size
_IPAD = bytes(b ^ 0x36 for b in range(256))  # translation tables: each key byte XOR the RFC 2104 pads
_OPAD = bytes(b ^ 0x5C for b in range(256))


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key, stored with the database to catch a mismatched key early."""
    return hashlib.sha256(b"lighthouse-key-id\0" + key).hexdigest()[:16]


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of walking the chain: `ok`, how far it got, and the first event that failed."""

    ok: bool
    checked: int
    last_seq: int
    first_bad_seq: int | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "last_seq": self.last_seq,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
        }


class ChainVerifier:
    """Checks rows in order; remembers where it got to so it can continue with newer rows later."""

    def __init__(self, key: bytes, *, seq: int = 0, mac: bytes = GENESIS_MAC) -> None:
        self._linker = Linker(key)
        self.seq = seq
        self.mac = mac
        self.checked = 0
        self.failure: tuple[int, str] | None = None

    def feed(self, rows: Iterable[ChainRow]) -> bool:
        """Check `rows` (in seq order); False and `failure` set at the first bad one."""
        if self.failure is not None:
            return False
        for row in rows:
            if row.seq != self.seq + 1:
                if row.seq <= self.seq:
                    reason = f"event {row.seq} is out of order (after {self.seq})"
                else:
                    missing = f"{self.seq + 1}" if row.seq == self.seq + 2 else f"{self.seq + 1}..{row.seq - 1}"
                    reason = f"events {missing} are missing (deleted rows) before event {row.seq}"
                self.failure = (self.seq + 1 if row.seq > self.seq else row.seq, reason)
                return False
            column = wrong_kind(row)
            if column is not None:
                self.failure = (row.seq, f"event {row.seq} holds a value of the wrong kind in its {column} (edited)")
                return False
            if not hmac.compare_digest(self._linker.row_mac(self.mac, row), row.mac):
                self.failure = (
                    row.seq,
                    f"event {row.seq} does not match its MAC (edited, reordered or forged)",
                )
                return False
            self.seq = row.seq
            self.mac = row.mac
            self.checked += 1
        return True

    def finish(self, head_seq: int, head_mac: bytes) -> VerifyReport:
        """Compare the end of the walk with the recorded chain head (catches deleted newest rows)."""
        if self.failure is not None:
            seq, reason = self.failure
            return VerifyReport(False, self.checked, self.seq, seq, reason)
        if head_seq != self.seq or not hmac.compare_digest(head_mac, self.mac):
            if head_seq > self.seq:
                reason = f"events {self.seq + 1}..{head_seq} are missing: the chain head is at {head_seq}"
            else:
                reason = f"the chain head ({head_seq}) does not match the last event ({self.seq})"
            return VerifyReport(False, self.checked, self.seq, self.seq + 1, reason)
        return VerifyReport(True, self.checked, self.seq)
