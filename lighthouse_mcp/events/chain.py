"""The hash chain: `mac = HMAC-SHA256(key, prev_mac ‖ canonical(event))`, and how to check it."""

from __future__ import annotations

import hashlib
import hmac
import json
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


_HEADER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical(
    seq: int, id_: str, ts: int, type_: str, agent: str | None, session: str | None, aggregate: str | None, payload: str
) -> bytes:
    """Unambiguous bytes for one event: a JSON header line, then the stored payload text."""
    return f"{_HEADER([seq, id_, ts, type_, agent, session, aggregate])}\n{payload}".encode()


def link(key: bytes, prev_mac: bytes, row_canonical: bytes) -> bytes:
    return hmac.digest(key, prev_mac + row_canonical, "sha256")


def row_mac(key: bytes, prev_mac: bytes, row: ChainRow) -> bytes:
    return link(
        key,
        prev_mac,
        canonical(row.seq, row.id, row.ts, row.type, row.agent, row.session, row.aggregate, row.payload),
    )


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
        self._key = key
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
            expected = row_mac(self._key, self.mac, row)
            if not hmac.compare_digest(expected, row.mac):
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
