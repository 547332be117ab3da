"""The audit log's anchor: a signed record, outside the database, of the newest event appended on this machine.

The hash chain shows that no event was edited, dropped from the middle or forged, but not that the newest ones
are still there: a copy of an older store, or a store cut back to an earlier event (its head moved back with it),
verifies too. So every append also moves `anchor.json` in the project home forward: the store's id (a random value
it was created with), the sequence number and MAC of its newest event, HMAC-signed with the chain key. A store is
*behind its anchor* when it is another store, lacks the anchored event, or holds another event under that number;
then nothing more is appended to it silently, and `events verify` and `health` say so.

The anchor only ever moves forward, except through the person-only commands that start or replace a chain
(`lighthouse store reset`, `lighthouse restore`), which record what the anchor said before. If the file is replaced
by another (deleted and written anew), a process that keeps the old one open goes on writing there; the anchor it
then leaves is read by nobody, which errs on the side of a stale anchor, never a wrong one.

The same anchor is kept twice (`Anchors`): in the project home, and outside the project, in the user's state
directory (`~/.local/state/lighthouse/anchors/`, named by the home's real path). A copy of the whole home put back
(store and anchor together, from a backup or a copy taken earlier) agrees with the anchor inside it, but not with
the one outside; a home deleted and made anew meets the one outside at `lighthouse init`. A store is behind when it
is behind either. Where the second cannot be written (no writable home directory), appends go on and say so in the
log, as for the first.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lighthouse_mcp.errors import StoreError

ANCHOR_FILE = "anchor.json"


class AnchorError(StoreError):
    """The anchor cannot be read or its signature does not hold."""


@dataclass(frozen=True)
class Anchor:
    """The store's head as last recorded outside it: its id, sequence, MAC and time."""

    store_id: str
    seq: int
    mac: str  # hex
    ts: int

    def body(self) -> bytes:
        return json.dumps([self.store_id, self.seq, self.mac, self.ts], separators=(",", ":")).encode()

    def to_json(self) -> dict[str, object]:
        return {"store_id": self.store_id, "seq": self.seq, "mac": self.mac, "ts": self.ts}


def _signing_key(key: bytes) -> bytes:
    return hashlib.sha256(b"lighthouse-anchor\0" + key).digest()


class AnchorFile:
    """`anchor.json` in a project home, read and moved forward under a lock shared by every process.

    The file holds two fixed-size slots, one JSON line each, written in turn: a write interrupted half-way spoils at
    most the slot being written, and the other still holds the anchor before it. An append rewrites one slot in
    place on a descriptor kept open, and what was read last is remembered by its bytes, so anchoring an append
    costs a few system calls."""

    SLOT = 256

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._signing = _signing_key(key)
        self._fd: int | None = None
        self._mu = threading.Lock()  # flock is per open file: threads of one process take turns here first
        self._seen: tuple[bytes, tuple[Anchor | None, Anchor | None], str] | None = None

    def read(self) -> Anchor | None:
        """The anchor, or None when there is none yet; AnchorError when it is unreadable or forged."""
        try:
            data = self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None  # none yet (or nowhere it could be kept: then appends log that they cannot keep it)
        except OSError as exc:
            raise AnchorError(f"the audit log's anchor {self.path} cannot be used: {exc}") from exc
        return self._newest(data)

    def _newest(self, data: bytes) -> Anchor | None:
        slots, problem = self._slots(data)
        found = [a for a in slots if a is not None]
        if found:
            return max(found, key=lambda a: a.seq)
        if not data.strip():
            return None
        raise AnchorError(f"the audit log's anchor {self.path} cannot be used: {problem}")

    def _slots(self, data: bytes) -> tuple[tuple[Anchor | None, Anchor | None], str]:
        """Each slot's anchor (None where it is empty, damaged or forged), and what was wrong, if anything."""
        if self._seen is not None and self._seen[0] == data:
            return self._seen[1], self._seen[2]
        parsed: list[Anchor | None] = []
        problem = "it is empty"
        for slot in (data[: self.SLOT], data[self.SLOT : 2 * self.SLOT]):
            anchor = None
            if slot.strip():
                try:
                    document = json.loads(slot)
                    anchor = Anchor(
                        str(document["store_id"]), int(document["seq"]), str(document["mac"]), int(document["ts"])
                    )
                    if not hmac.compare_digest(str(document["sig"]), self._sign(anchor)):
                        problem, anchor = "it is not signed with this project's key", None
                except (ValueError, KeyError, TypeError) as exc:
                    problem = f"it is damaged ({exc})"
            parsed.append(anchor)
        slots = (parsed[0], parsed[1])
        self._seen = (data, slots, problem)
        return slots, problem

    def advance(
        self, anchor: Anchor, mac_at: Callable[[int], str | None], after: tuple[int, str] | None = None
    ) -> None:
        """Move the anchor to `anchor` unless it already records as much or more of the same store, or the store no
        longer holds the anchored event (`mac_at(seq)` is the MAC the store has at a sequence; `after`, the head the
        new events were chained onto, saves asking when it is the anchored event): a chain that was cut back and
        then grew again must not carry the anchor along with it."""
        with self._locked() as fd:
            data = os.pread(fd, 2 * self.SLOT, 0)
            try:
                current = self._newest(data)
            except AnchorError:
                return  # a damaged anchor is reported by verify and health; an append does not paper over it
            if current is not None:
                if current.store_id != anchor.store_id or current.seq >= anchor.seq:
                    return  # another store (only a person's reset or restore moves it across), or nothing new
                if after != (current.seq, current.mac):
                    held = mac_at(current.seq) if current.seq else bytes(32).hex()
                    if held is None or not hmac.compare_digest(held, current.mac):
                        return  # not the anchored chain any more: verify and health say so
            slots, _ = self._slots(data)
            older = 0 if (slots[0].seq if slots[0] else -1) < (slots[1].seq if slots[1] else -1) else 1
            line = self._line(anchor)
            os.pwrite(fd, line, older * self.SLOT)
            padded = data.ljust(2 * self.SLOT, b" ")
            written = line + padded[self.SLOT :] if older == 0 else padded[: self.SLOT] + line
            self._seen = (written, (anchor, slots[1]) if older == 0 else (slots[0], anchor), "")

    def reset(self, anchor: Anchor) -> Anchor | None:
        """Put the anchor at `anchor` whatever it said (a person started or replaced the chain); returns what it
        said before, if it could be read."""
        with self._locked() as fd:
            try:
                before = self._newest(os.pread(fd, 2 * self.SLOT, 0))
            except AnchorError:
                before = None
            line = self._line(anchor)
            os.pwrite(fd, line + line, 0)
            os.ftruncate(fd, 2 * self.SLOT)
            self._seen = None
            return before

    def close(self) -> None:
        with self._mu:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _sign(self, anchor: Anchor) -> str:
        return hmac.new(self._signing, anchor.body(), "sha256").hexdigest()

    def _line(self, anchor: Anchor) -> bytes:
        # The same JSON that json.dumps gives for these fields (ids and MACs are hex, the rest integers).
        text = (
            f'{{"store_id":"{anchor.store_id}","seq":{anchor.seq},"mac":"{anchor.mac}","ts":{anchor.ts},'
            f'"sig":"{self._sign(anchor)}"}}'
        )
        return text.encode().ljust(self.SLOT - 1) + b"\n"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[int]:
        with self._mu:
            if self._fd is None:
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                yield self._fd
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


class Anchors:
    """The anchor in each of its places (the project home first), moved, reset and closed together."""

    def __init__(self, files: tuple[AnchorFile, ...], places: tuple[str, ...]) -> None:
        self.files = files
        self.places = places  # how each is named in a problem ("in the project home", "outside the project")

    def read(self) -> tuple[Anchor | None, str | None]:
        """The furthest anchor any place records, and why one could not be read (the first such reason)."""
        found: list[Anchor] = []
        problem = None
        for file in self.files:
            try:
                anchor = file.read()
            except AnchorError as exc:
                problem = problem or str(exc)
                continue
            if anchor is not None:
                found.append(anchor)
        return (max(found, key=lambda a: a.seq) if found else None), problem

    def advance(
        self, anchor: Anchor, mac_at: Callable[[int], str | None], after: tuple[int, str] | None = None
    ) -> None:
        """Each place's `AnchorFile.advance`; a place that cannot be written does not keep the others behind."""
        failure: OSError | None = None
        for file in self.files:
            try:
                file.advance(anchor, mac_at, after)
            except OSError as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def reset(self, anchor: Anchor) -> Anchor | None:
        """Each place's `AnchorFile.reset`; returns the furthest of what they said before."""
        before = [found for file in self.files if (found := _reset(file, anchor)) is not None]
        return max(before, key=lambda a: a.seq) if before else None

    def close(self) -> None:
        for file in self.files:
            file.close()


def _reset(file: AnchorFile, anchor: Anchor) -> Anchor | None:
    try:
        return file.reset(anchor)
    except OSError:
        return None  # (a place that cannot be written is reported by verify and health)


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
