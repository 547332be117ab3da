"""The audit log's anchor: a signed record, outside the database, of the newest event appended on this machine.

The hash chain shows that no event was edited, dropped from the middle or forged, but not that the newest ones
are still there: a copy of an older store, or a store cut back to an earlier event (its head moved back with it),
verifies too. So every append also moves `anchor.json` in the project home forward: the store's id (a random value
it was created with), the sequence number and MAC of its newest event, HMAC-signed with the chain key. A store is
*behind its anchor* when it is another store, lacks the anchored event, or holds another event under that number;
then nothing more is appended to it silently, and `events verify` and `health` say so.

The anchor only ever moves forward, except through the person-only commands that start or replace a chain
(`lighthouse store reset`, `lighthouse restore`), which record what the anchor said before.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lighthouse_mcp.errors import StoreError

ANCHOR_FILE = "anchor.json"


class AnchorError(StoreError):
    """The anchor cannot be read or its signature does not hold."""


@dataclass(frozen=True)
class Anchor:
    store_id: str
    seq: int
    mac: str  # hex
    ts: int

    def body(self) -> bytes:
        return json.dumps([self.store_id, self.seq, self.mac, self.ts], separators=(",", ":")).encode()

    def to_json(self) -> dict[str, object]:
        return {"store_id": self.store_id, "seq": self.seq, "mac": self.mac, "ts": self.ts}


def _signature(key: bytes, anchor: Anchor) -> str:
    return hmac.new(hashlib.sha256(b"lighthouse-anchor\0" + key).digest(), anchor.body(), "sha256").hexdigest()


class AnchorFile:
    """`anchor.json` in a project home, read and moved forward under a lock shared by every process."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._key = key

    def read(self) -> Anchor | None:
        """The anchor, or None when there is none yet; AnchorError when it is unreadable or forged."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise AnchorError(f"the audit log's anchor {self.path} cannot be read: {exc}") from exc
        try:
            data = json.loads(text)
            anchor = Anchor(str(data["store_id"]), int(data["seq"]), str(data["mac"]), int(data["ts"]))
            signature = str(data["sig"])
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"the audit log's anchor {self.path} is damaged ({exc})") from exc
        if not hmac.compare_digest(signature, _signature(self._key, anchor)):
            raise AnchorError(f"the audit log's anchor {self.path} is not signed with this project's key")
        return anchor

    def advance(self, anchor: Anchor, mac_at: Callable[[int], str | None]) -> None:
        """Move the anchor to `anchor` unless it already records as much or more of the same store, or the store no
        longer holds the anchored event (`mac_at(seq)` is the MAC the store has at a sequence): a chain that was
        cut back and then grew again must not carry the anchor along with it."""
        with self._locked():
            try:
                current = self.read()
            except AnchorError:
                return  # a damaged anchor is reported by verify and health; an append does not paper over it
            if current is not None:
                if current.store_id != anchor.store_id or current.seq >= anchor.seq:
                    return  # another store (only a person's reset or restore moves it across), or nothing new
                held = mac_at(current.seq) if current.seq else bytes(32).hex()
                if held is None or not hmac.compare_digest(held, current.mac):
                    return  # not the anchored chain any more: verify and health say so
            self._write(anchor)

    def reset(self, anchor: Anchor) -> Anchor | None:
        """Put the anchor at `anchor` whatever it said (a person started or replaced the chain); returns what it
        said before, if it could be read."""
        with self._locked():
            try:
                before = self.read()
            except AnchorError:
                before = None
            self._write(anchor)
            return before

    def _write(self, anchor: Anchor) -> None:
        document = {**anchor.to_json(), "sig": _signature(self._key, anchor)}
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(document) + "\n")
        os.replace(tmp, self.path)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self.path.with_name(f".{self.path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def behind(anchor: Anchor, store_id: str | None, mac_at: str | None, head_seq: int) -> str | None:
    """Why a store is behind its anchor (None when it is not): `store_id` is the store's own, `mac_at` the MAC of
    its event at the anchored sequence (None when it has none), `head_seq` its newest sequence."""
    if store_id != anchor.store_id:
        return (
            f"the event store is not the one this project's audit log was anchored to (store {store_id}, anchored "
            f"{anchor.store_id} at event {anchor.seq}): it was replaced or re-created"
        )
    if head_seq < anchor.seq or mac_at is None:
        return (
            f"the event store ends at event {head_seq} but was anchored at event {anchor.seq}: events were cut from "
            "its end or an older copy was put back"
        )
    if not hmac.compare_digest(mac_at, anchor.mac):
        return f"event {anchor.seq} is not the one the audit log was anchored to: an older or other copy was put back"
    return None
