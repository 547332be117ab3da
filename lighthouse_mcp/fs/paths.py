"""What every path of the FUSE view is: its directory entries, attributes and bytes, from the event store. Pure of
FUSE: `fs/ops.py` only translates calls. Errors are `FsError(errno)`.

    /current/…              the project tree now
    /shadows/…              the same files, with <file>.annotations.md beside each annotated one (writable: a new
                            `## anchor` section with a note adds an annotation)
    /history/<seq>/…        the tree after event <seq>;  /history/@<ISO time>/… as of that time
    /events/all.jsonl       the log, one event per line; it grows as events arrive (tail -f works)
    /events/by-type/<type>.jsonl, /events/by-agent/<agent>.jsonl   the same, for one type or agent
    /approvals/pending/<id> a pending approval; write "approve" or "deny" (a reason may follow) to answer it
    /sessions/<agent>/      sessions.json (that agent's sessions, each with the taints in force on it) and
                            decisions.jsonl (its validation decisions)
    /context/<package>/…    context packages: `mkdir` creates one, files copied in are added (recorded as events);
                            `manifest.json` lists them
    /stats.json             operations, latency percentiles and errors of this mount

Anything else is ENOENT; writing anywhere but an approval is EROFS. Names are never resolved against the disk, so
`..`, symlinks and encoded names cannot reach outside the view.
"""

from __future__ import annotations

import bisect
import errno
import json
import re
import stat
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache

from lighthouse_mcp.agents.taint import TYPES as taint_events
from lighthouse_mcp.agents.taint import TaintView
from lighthouse_mcp.events.model import Event
from lighthouse_mcp.fs.tree import Entry, Index, Tree, Trees

ROOT_ENTRIES = ("current", "shadows", "history", "events", "sessions", "context", "approvals", "stats.json")
NOTES_SUFFIX = ".annotations.md"
SESSION_FILES = ("sessions.json", "decisions.jsonl")
MAX_CONTEXT_FILE = 16 * 1024 * 1024
MAX_CONTEXT_FILES = 1000
MANIFEST = "manifest.json"
_PACKAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
HISTORY_LISTED = 100
DIR_MODE = stat.S_IFDIR | 0o555
FILE_MODE = stat.S_IFREG | 0o444
ANSWER_MODE = stat.S_IFREG | 0o644
MAX_ANSWER = 4096
STATS_EVERY_S = 0.2
BLOBS_KEPT = 64 * 1024 * 1024  # bytes of file contents kept in memory for reads
PREFETCH_FILE_BYTES = 256 * 1024
PREFETCH_FILES = 500


class FsError(Exception):
    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(message or errno.errorcode.get(code, str(code)))
        self.errno = code


@dataclass(frozen=True)
class Attr:
    """A file's attributes as the mount shows them."""

    mode: int
    size: int
    mtime_ns: int

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.mode)


class Stats:
    """Operations, errors and latencies of one mount, for /stats.json."""

    def __init__(self) -> None:
        self._mu = threading.Lock()
        self.ops: dict[str, int] = defaultdict(int)
        self.errors: dict[str, int] = defaultdict(int)
        self._latency: dict[str, list[float]] = defaultdict(list)
        self._fresh: list[float] = []  # every operation's latency (s) since `take_latencies`, at most 10,000
        self.started = time.time()

    def record(self, op: str, seconds: float, error: int | None) -> None:
        with self._mu:
            self.ops[op] += 1
            if error is not None:
                self.errors[errno.errorcode.get(error, str(error))] += 1
            samples = self._latency[op]
            samples.append(seconds)
            if len(samples) > 10_000:
                del samples[: len(samples) // 2]
            if len(self._fresh) < 10_000:
                self._fresh.append(seconds)

    def total(self) -> int:
        """Operations served so far."""
        with self._mu:
            return sum(self.ops.values())

    def take_latencies(self) -> list[float]:
        """Operation latencies in microseconds since the last call (the first 10,000), for `metrics.sampled`."""
        with self._mu:
            taken, self._fresh = self._fresh, []
        return [round(s * 1e6, 1) for s in taken]

    def to_json(self) -> dict[str, Any]:
        with self._mu:
            latency = {}
            for op, samples in self._latency.items():
                ordered = sorted(samples)
                latency[op] = {
                    "p50_us": round(ordered[len(ordered) // 2] * 1e6, 1),
                    "p99_us": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e6, 1),
                }
            return {
                "uptime_s": round(time.time() - self.started, 1),
                "ops": dict(self.ops),
                "errors": dict(self.errors),
                "latency": latency,
            }


class EventLog:
    """A log file: the events (all, or those of some types or agents) as JSON lines, readable at any offset without
    rendering the whole log. Line lengths are indexed as events arrive (each event is rendered once to learn its
    length); `seen` collects the types and agents met, for the by-type and by-agent listings."""

    def __init__(self, store: Any, *, types: tuple[str, ...] = (), agents: tuple[str, ...] = ()) -> None:
        self._store = store
        self._types = types
        self._agents = agents
        self._mu = threading.Lock()
        self._seqs: list[int] = []
        self._ends: list[int] = []  # byte offset just after each line
        self._after = 0
        self.seen_types: set[str] = set()
        self.seen_agents: set[str] = set()

    def size(self) -> int:
        self._catch_up()
        return self._ends[-1] if self._ends else 0

    def read(self, offset: int, size: int) -> bytes:
        self._catch_up()
        with self._mu:
            first = bisect.bisect_right(self._ends, offset)
            if first >= len(self._seqs):
                return b""
            start = self._ends[first - 1] if first else 0
            last = bisect.bisect_left(self._ends, offset + size, lo=first)
            seqs = self._seqs[first : min(last + 1, len(self._seqs))]
        events = self._events(seqs[0] - 1, seqs[-1], len(seqs))
        data = b"".join(line(e) for e in events)
        return data[offset - start : offset - start + size]

    def _events(self, after: int, until: int | None, limit: int) -> list[Event]:
        from lighthouse_mcp.events.query import EventFilter

        if not self._types and not self._agents:
            events: list[Event] = self._store.read_after(after, limit if until is None else until - after)
            return [e for e in events if until is None or e.seq <= until]
        flt = EventFilter(
            types=self._types, agents=self._agents, since_seq=after + 1, until_seq=until, order="asc", limit=limit
        )
        return list(self._store.query(flt).events)

    def _catch_up(self) -> None:
        with self._mu:
            while True:
                events = self._events(self._after, None, 2000)
                for event in events:
                    self._seqs.append(event.seq)
                    self._ends.append((self._ends[-1] if self._ends else 0) + len(line(event)))
                    self._after = event.seq
                    self.seen_types.add(event.type)
                    if event.agent:
                        self.seen_agents.add(event.agent)
                if len(events) < 2000:
                    return


def line(event: Event) -> bytes:
    return (json.dumps(event.to_json(), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


class View:
    """The view of one project's store. Thread-safe: FUSE calls it from several threads."""

    def __init__(self, store: Any, root: str, *, by: str, stats: Stats | None = None, taint_expiry_s: int = 0) -> None:
        """`taint_expiry_s`: `taint.expiry_s`, for the taints the sessions' files show."""
        self._store = store
        self._mu = threading.RLock()
        self.trees = Trees(store, root)
        self.log = EventLog(store)
        self._logs: dict[tuple[str, str], EventLog] = {}
        self.stats = stats or Stats()
        self._by = by
        self._blobs: LRUCache[str, bytes] = LRUCache(maxsize=BLOBS_KEPT, getsizeof=len)
        self._packages: dict[str, dict[str, Any]] = {}
        from lighthouse_mcp.events.follow import Follower

        self._context = Follower(store, ("context",), self._fold_context, refresh_s=0.2)
        self._notes: dict[str, list[Event]] = {}
        self._annotations = Follower(store, ("annotation",), self._fold_note, refresh_s=0.2)
        self._taints = TaintView(store, refresh_s=0.2)
        self._taint_expiry_s = taint_expiry_s
        self._stats: tuple[bytes, float] = (b"", -STATS_EVERY_S)
        self._head_seen = 0

    # ---- what FUSE asks -------------------------------------------------------------------------------------

    def getattr(self, path: str) -> Attr:
        parts = split(path)
        now = time.time_ns()
        if not parts:
            return Attr(DIR_MODE, 0, now)
        area, rest = parts[0], parts[1:]
        if area == "current":
            return self._tree_attr(self._current(), rest, now)
        if area == "shadows":
            notes = self._notes_file(rest)
            if notes is not None:
                return Attr(ANSWER_MODE, len(self._render_notes(notes)), now)
            return self._tree_attr(self._current(), rest, now)
        if area == "history":
            if not rest:
                return Attr(DIR_MODE, 0, now)
            return self._tree_attr(self._history(rest[0]), rest[1:], now)
        if area == "events":
            if not rest or rest in (["by-type"], ["by-agent"]):
                return Attr(DIR_MODE, 0, now)
            if rest == ["all.jsonl"]:
                return Attr(FILE_MODE, self.log.size(), now)
            sub = self._sub_log(rest)
            if sub is not None:
                return Attr(FILE_MODE, sub.size(), now)
        if area == "context":
            return self._context_attr(rest, now)
        if area == "sessions":
            return self._sessions_attr(rest, now)
        if area == "approvals":
            if len(rest) <= 1 and rest[:1] in ([], ["pending"]):
                return Attr(DIR_MODE, 0, now)
            if len(rest) == 2 and rest[0] == "pending":
                request = self._pending().get(rest[1])
                if request is not None:
                    return Attr(ANSWER_MODE, len(_approval_text(request)), request.ts)
        if parts == ["stats.json"]:
            return Attr(FILE_MODE, len(self._stats_text()), now)
        raise FsError(errno.ENOENT)

    def readdir(self, path: str) -> list[str]:
        parts = split(path)
        if not parts:
            return list(ROOT_ENTRIES)
        area, rest = parts[0], parts[1:]
        if area == "current":
            return self._tree_dir(self._current(), rest)
        if area == "shadows":
            names = self._tree_dir(self._current(), rest)
            prefix = "/".join(rest) + "/" if rest else ""
            annotated = self._annotated()
            return sorted([*names, *(n + NOTES_SUFFIX for n in names if prefix + n in annotated)])
        if area == "history":
            if not rest:
                return self._history_listing()
            return self._tree_dir(self._history(rest[0]), rest[1:])
        if parts == ["events"]:
            return ["all.jsonl", "by-agent", "by-type"]
        if parts == ["events", "by-type"]:
            self.log.size()
            return sorted(f"{t}.jsonl" for t in self.log.seen_types)
        if parts == ["events", "by-agent"]:
            self.log.size()
            return sorted(f"{a}.jsonl" for a in self.log.seen_agents if "/" not in a and a not in (".", ".."))
        if area == "sessions":
            agents = self._agents()
            if not rest:
                return agents
            if len(rest) == 1 and rest[0] in agents:
                return list(SESSION_FILES)
        if area == "context":
            packages = self._context_packages()
            if not rest:
                return sorted(packages)
            if len(rest) == 1 and rest[0] in packages:
                return [MANIFEST, *sorted(packages[rest[0]]["files"])]
        if parts == ["approvals"]:
            return ["pending"]
        if parts == ["approvals", "pending"]:
            return sorted(self._pending())
        if self.getattr(path).is_dir:  # pragma: no cover - every directory is listed above
            return []
        raise FsError(errno.ENOTDIR)

    def tree_of(self, path: str) -> tuple[tuple[Tree, Index], list[str]] | None:
        """The immutable tree a /current/… or /history/<seq>/… path is in, and the names within it; None for any
        other path."""
        parts = split(path)
        if parts[:1] == ["current"]:
            return self._current(), parts[1:]
        if parts[:1] == ["history"] and len(parts) > 1 and parts[1].isdigit():
            return self._history(parts[1]), parts[2:]
        return None

    def listing(self, path: str, within: tuple[tuple[Tree, Index], list[str]] | None = None) -> list[tuple[str, Attr]]:
        """A directory's names with their attributes (what readdirplus gives the kernel); `within` is the path's
        `tree_of` when the caller has it."""
        within = within or self.tree_of(path)
        if within is not None:
            indexed, rest = within
            now = time.time_ns()
            found = [(n, self._tree_attr(indexed, [*rest, n], now)) for n in self._tree_dir(indexed, rest)]
            self._prefetch(indexed[0], rest, [n for n, a in found if not a.is_dir])
            return found
        found = []
        for name in self.readdir(path):
            try:
                found.append((name, self.getattr(path.rstrip("/") + "/" + name)))
            except FsError:
                continue  # gone since it was listed
        return found

    def read(self, path: str, size: int, offset: int) -> bytes:
        parts = split(path)
        if not parts:
            raise FsError(errno.EISDIR)
        area, rest = parts[0], parts[1:]
        if area == "shadows" and (notes := self._notes_file(rest)) is not None:
            return self._render_notes(notes)[offset : offset + size]
        if area in ("current", "shadows", "history"):
            tree = self._history(rest[0] if rest else "") if area == "history" else self._current()
            entry = _file(tree, rest[1:] if area == "history" else rest)
            return self._content(entry)[offset : offset + size]
        if parts == ["events", "all.jsonl"]:
            return self.log.read(offset, size)
        sub = self._sub_log(rest) if area == "events" else None
        if sub is not None:
            return sub.read(offset, size)
        if parts == ["stats.json"]:
            return self._stats_text()[offset : offset + size]
        if area == "sessions" and len(rest) == 2 and rest[0] in self._agents():
            if rest[1] == "sessions.json":
                return self._sessions_text(rest[0])[offset : offset + size]
            if rest[1] == "decisions.jsonl":
                return self._decisions(rest[0]).read(offset, size)
        if area == "context" and len(rest) == 2:
            package = self._context_packages().get(rest[0])
            if package is not None and rest[1] == MANIFEST:
                return _manifest(rest[0], package)[offset : offset + size]
            if package is not None and rest[1] in package["files"]:
                return self._content(package["files"][rest[1]])[offset : offset + size]
        if len(parts) == 3 and parts[:2] == ["approvals", "pending"]:
            request = self._pending().get(parts[2])
            if request is not None:
                return _approval_text(request)[offset : offset + size]
        attr = self.getattr(path)
        raise FsError(errno.EISDIR if attr.is_dir else errno.ENOENT)

    def write(self, path: str, data: bytes) -> int:
        """Only an approval takes writes: its first word answers it (`approve` or `deny`), the rest is the reason."""
        parts = split(path)
        if len(parts) == 3 and parts[:2] == ["approvals", "pending"]:
            from lighthouse_mcp.agents import approvals
            from lighthouse_mcp.errors import LighthouseError

            if parts[2] not in self._pending():
                raise FsError(errno.ENOENT)
            words = data[:MAX_ANSWER].decode("utf-8", "replace").split(None, 1)
            kinds = {"approve": "approval.granted", "deny": "approval.denied"}
            if not words or words[0].lower() not in kinds:
                raise FsError(errno.EINVAL, "write approve or deny")
            reason = words[1].strip() if len(words) > 1 else "answered through the mount"
            try:
                with self._mu:
                    approvals.resolve(self._store, parts[2], kinds[words[0].lower()], by=self._by, reason=reason)
            except LighthouseError as exc:
                raise FsError(errno.EINVAL, str(exc)) from exc
            return len(data)
        if self._context_file(parts) is not None:
            return self._add_context_file(parts[1], parts[2], data)
        if parts[:1] == ["shadows"] and (notes := self._notes_file(parts[1:])) is not None:
            return self._add_notes(notes, data)
        self.getattr(path)  # ENOENT for what does not exist
        raise FsError(errno.EROFS)

    def writable(self, path: str) -> bool:
        parts = split(path)
        if self._context_file(parts) is not None or (parts[:1] == ["shadows"] and self._notes_file(parts[1:])):
            return True
        return len(parts) == 3 and parts[:2] == ["approvals", "pending"] and parts[2] in self._pending()

    def check_room(self, path: str) -> None:
        """ENOSPC for a new file in a context package that holds as many as it may."""
        parts = split(path)
        package = self._context_file(parts)
        if package is not None:
            files = self._context_packages()[package]["files"]
            if len(files) >= MAX_CONTEXT_FILES and parts[2] not in files:
                raise FsError(errno.ENOSPC, f"a context package holds at most {MAX_CONTEXT_FILES} files")

    def head(self) -> int:
        """The sequence of the newest event."""
        head: int = self._store.last_seq()
        return head

    def mkdir(self, path: str) -> None:
        """Only a new context package may be made: /context/<name>."""
        from lighthouse_mcp.events.model import NewEvent

        parts = split(path)
        if len(parts) != 2 or parts[0] != "context":
            if parts and parts[0] == "context" and len(parts) > 2:
                raise FsError(errno.EPERM, "context packages are flat: no folders inside")
            raise FsError(errno.EROFS)
        if not _PACKAGE.fullmatch(parts[1]):
            raise FsError(errno.EINVAL, "package names: letters, digits, . _ -, up to 64")
        if parts[1] in self._context_packages():
            raise FsError(errno.EEXIST)
        with self._mu:
            payload = {"package": parts[1]}
            self._store.append(NewEvent("context.created", payload, agent=self._by, aggregate=f"context/{parts[1]}"))
            self._context.refresh(fresh=True)

    def _sub_log(self, rest: list[str]) -> EventLog | None:
        """/events/by-type/<type>.jsonl and /events/by-agent/<agent>.jsonl, for types and agents that occur."""
        if len(rest) != 2 or rest[0] not in ("by-type", "by-agent") or not rest[1].endswith(".jsonl"):
            return None
        name = rest[1][: -len(".jsonl")]
        self.log.size()
        known = self.log.seen_types if rest[0] == "by-type" else self.log.seen_agents
        if name not in known:
            return None
        with self._mu:
            key = (rest[0], name)
            if key not in self._logs:
                if len(self._logs) > 256:
                    self._logs.clear()
                kind = {"types": (name,)} if rest[0] == "by-type" else {"agents": (name,)}
                self._logs[key] = EventLog(self._store, **kind)
            return self._logs[key]

    # ---- annotations ----------------------------------------------------------------------------------------

    def _fold_note(self, event: Event) -> None:
        if event.type == "annotation.added":
            self._notes.setdefault(str(event.payload.get("path", "")), []).append(event)

    def _annotated(self) -> dict[str, list[Event]]:
        with self._mu:
            self._annotations.refresh()
            return {k: list(v) for k, v in self._notes.items()}

    def annotate(self, rel: str, anchor: str, note: str, *, session: str | None = None) -> Event:
        """Add a note to a project file as Lighthouse knows it now."""
        from lighthouse_mcp.fs import annotations

        tree, _ = self._current()
        entry = tree.get(rel)
        if entry is None:
            raise FsError(errno.ENOENT, f"{rel} is not in the project as Lighthouse knows it (run lighthouse snapshot)")
        content = self._content(entry).decode("utf-8", "replace")
        made = annotations.make_anchor(rel, content, anchor)
        with self._mu:
            event: Event = self._store.append(annotations.added_event(rel, made, note, agent=self._by, session=session))
            self._annotations.refresh(fresh=True)
        return event

    def _notes_file(self, rest: list[str]) -> str | None:
        """The project file a `<file>.annotations.md` path in /shadows is about, when that file exists."""
        if not rest or not rest[-1].endswith(NOTES_SUFFIX):
            return None
        rel = "/".join([*rest[:-1], rest[-1][: -len(NOTES_SUFFIX)]])
        return rel if rel in self._current()[0] else None

    def _render_notes(self, rel: str) -> bytes:
        from lighthouse_mcp.fs import annotations

        tree, _ = self._current()
        content = self._content(tree[rel]).decode("utf-8", "replace") if tree[rel].sha256 else ""
        return annotations.render(rel, content, self._annotated().get(rel, []))

    def _add_notes(self, rel: str, data: bytes) -> int:
        """Sections of a written annotations file that are not notes already become annotations."""
        from lighthouse_mcp.errors import LighthouseError
        from lighthouse_mcp.fs import annotations

        known = {(annotations.anchor_of(e).value, str(e.payload.get("note"))) for e in self._annotated().get(rel, [])}
        for anchor, note in annotations.parse_sections(data.decode("utf-8", "replace")):
            if (anchor, note) in known:
                continue
            try:
                self.annotate(rel, anchor, note)
            except LighthouseError as exc:
                raise FsError(errno.EINVAL, str(exc)) from exc
        return len(data)

    # ---- sessions -------------------------------------------------------------------------------------------

    def _agents(self) -> list[str]:
        self.log.size()
        return sorted(a for a in self.log.seen_agents if "/" not in a and a not in (".", ".."))

    def _sessions_attr(self, rest: list[str], now: int) -> Attr:
        if not rest:
            return Attr(DIR_MODE, 0, now)
        if rest[0] not in self._agents() or len(rest) > 2 or (len(rest) == 2 and rest[1] not in SESSION_FILES):
            raise FsError(errno.ENOENT)
        if len(rest) == 1:
            return Attr(DIR_MODE, 0, now)
        if rest[1] == "sessions.json":
            return Attr(FILE_MODE, len(self._sessions_text(rest[0])), now)
        return Attr(FILE_MODE, self._decisions(rest[0]).size(), now)

    def _sessions_text(self, agent: str) -> bytes:
        from lighthouse_mcp.events.query import EventFilter

        events = self._store.query(EventFilter(types=("session",), agents=(agent,), order="asc", limit=1000)).events
        sessions: dict[str, dict[str, Any]] = {}
        for event in events:
            if event.type in taint_events:  # not a session's start or end
                continue
            entry = sessions.setdefault(event.session or "", {"session": event.session, "status": "active"})
            if event.type == "session.started":
                entry |= {"started": event.to_json()["ts"], "role": event.payload.get("role")}
                entry |= {"client": event.payload.get("client"), "transport": event.payload.get("transport")}
            elif event.type == "session.ended":
                entry |= {"status": "ended", "ended": event.to_json()["ts"], "reason": event.payload.get("reason")}
        with self._mu:
            taints = [t for t in self._taints.current(self._taint_expiry_s) if t.agent == agent]
        for taint in taints:  # a hook's session is in the log by its calls alone: listed here once it is tainted
            if taint.session and taint.session not in sessions:
                sessions[taint.session] = {"session": taint.session, "transport": "hook"}
        for sid, entry in sessions.items():
            entry["taint"] = [t.to_json() for t in taints if t.applies(agent, sid or None)]
        return (json.dumps(list(sessions.values()), indent=2, ensure_ascii=False) + "\n").encode()

    def _decisions(self, agent: str) -> EventLog:
        with self._mu:
            key = ("decisions", agent)
            if key not in self._logs:
                self._logs[key] = EventLog(self._store, types=("validation.decided",), agents=(agent,))
            return self._logs[key]

    # ---- context packages -----------------------------------------------------------------------------------

    def _fold_context(self, event: Event) -> None:
        name = str(event.payload.get("package", ""))
        if event.type == "context.created":
            self._packages.setdefault(name, {"created_at": event.ts, "by": event.agent, "files": {}, "seq": event.seq})
        elif event.type == "context.file_added" and name in self._packages:
            p = event.payload
            entry = Entry(p.get("sha256"), int(p.get("size") or 0), event.ts, event.seq)
            self._packages[name]["files"][str(p.get("name"))] = entry

    def _context_packages(self) -> dict[str, dict[str, Any]]:
        with self._mu:
            self._context.refresh()
            return {k: {**v, "files": dict(v["files"])} for k, v in self._packages.items()}

    def _context_attr(self, rest: list[str], now: int) -> Attr:
        packages = self._context_packages()
        if not rest:
            return Attr(DIR_MODE | 0o200, 0, now)
        package = packages.get(rest[0])
        if package is None or len(rest) > 2:
            raise FsError(errno.ENOENT)
        if len(rest) == 1:
            return Attr(DIR_MODE | 0o200, 0, package["created_at"])
        if rest[1] == MANIFEST:
            return Attr(FILE_MODE, len(_manifest(rest[0], package)), now)
        entry = package["files"].get(rest[1])
        if entry is None:
            raise FsError(errno.ENOENT)
        return Attr(ANSWER_MODE, entry.size, entry.mtime_ns)

    def _context_file(self, parts: list[str]) -> str | None:
        """The package a writable context file path is in (an existing package, any name but the manifest)."""
        in_package = len(parts) == 3 and parts[0] == "context" and parts[2] != MANIFEST
        return parts[1] if in_package and parts[1] in self._context_packages() else None

    def _add_context_file(self, package: str, name: str, data: bytes) -> int:
        from lighthouse_mcp.events.model import NewEvent

        if len(data) > MAX_CONTEXT_FILE:
            raise FsError(errno.EFBIG)
        if (
            len(self._context_packages()[package]["files"]) >= MAX_CONTEXT_FILES
            and name not in self._packages[package]["files"]
        ):
            raise FsError(errno.ENOSPC)
        with self._mu:
            digest = self._store.put_blob(data)
            payload = {"package": package, "name": name, "sha256": digest, "size": len(data)}
            self._store.append(NewEvent("context.file_added", payload, agent=self._by, aggregate=f"context/{package}"))
            self._context.refresh(fresh=True)
        return len(data)

    # ---- helpers --------------------------------------------------------------------------------------------

    def _current(self) -> tuple[Tree, Index]:
        return self.trees.current()

    def _history(self, name: str) -> tuple[Tree, Index]:
        from lighthouse_mcp.events.query import parse_point

        head = self._head_seen
        if name.isdigit() and len(name) < 19:
            seq = int(name)
        elif name.startswith("@"):
            try:
                point = parse_point(name[1:], name="time")
            except Exception:
                raise FsError(errno.ENOENT) from None
            if point.ts is None:
                raise FsError(errno.ENOENT)
            seq = self._store.seq_at_time(point.ts)
        else:
            raise FsError(errno.ENOENT)
        if seq > head:
            head = self._head_seen = self._store.last_seq()  # asked only for what is newer than the last answer
        if seq > head:
            raise FsError(errno.ENOENT)
        return self.trees.at(seq)

    def _history_listing(self) -> list[str]:
        from lighthouse_mcp.events.query import EventFilter

        events = self._store.query(EventFilter(types=("file",), order="desc", limit=HISTORY_LISTED)).events
        return [str(s) for s in sorted({e.seq for e in events})]

    def _tree_attr(self, indexed: tuple[Tree, Index], rest: list[str], now: int) -> Attr:
        tree, idx = indexed
        rel = "/".join(rest)
        if rel in idx.children:
            return Attr(DIR_MODE, 0, idx.mtimes.get(rel) or now)
        entry = tree.get(rel)
        if entry is None:
            raise FsError(errno.ENOENT)
        return Attr(FILE_MODE, entry.size, entry.mtime_ns)

    def _tree_dir(self, indexed: tuple[Tree, Index], rest: list[str]) -> list[str]:
        tree, idx = indexed
        rel = "/".join(rest)
        children = idx.children.get(rel)
        if children is None:
            raise FsError(errno.ENOTDIR if rel in tree else errno.ENOENT)
        return list(children)

    def _content(self, entry: Entry) -> bytes:
        if entry.secret:
            raise FsError(errno.EACCES, "the content of secret-class files is not kept (store.secret_file_contents)")
        if entry.sha256 is None:
            raise FsError(errno.EFBIG, "the content was too large to keep")
        with self._mu:
            data = self._blobs.get(entry.sha256)
        if data is None:
            data = self._store.get_blob(entry.sha256)
            if data is None:
                raise FsError(errno.EIO, f"blob {entry.sha256} is missing from the store")
            self._keep(entry.sha256, data)
        return data

    def _prefetch(self, tree: Tree, rest: list[str], names: list[str]) -> None:
        """The small files of a directory just listed are about to be read (grep, find -exec, diff -r): their
        blobs are fetched in one query rather than one each."""
        prefix = "/".join(rest) + "/" if rest else ""
        with self._mu:
            wanted = [
                e.sha256
                for n in names
                if (e := tree.get(prefix + n)) is not None
                and e.sha256 is not None
                and not e.secret
                and e.size <= PREFETCH_FILE_BYTES
                and e.sha256 not in self._blobs
            ]
        if not wanted:
            return
        try:
            fetched = self._store.get_blobs(wanted[:PREFETCH_FILES])
        except Exception:  # a read of the file itself reports the problem
            return
        for digest, data in fetched.items():
            self._keep(digest, data)

    def _keep(self, digest: str, data: bytes) -> None:
        if len(data) <= BLOBS_KEPT // 16:
            with self._mu:
                self._blobs[digest] = data

    def _pending(self) -> dict[str, Event]:
        from lighthouse_mcp.agents import approvals

        return {e.aggregate or "": e for e in approvals.pending(self._store)}

    def _stats_text(self) -> bytes:
        """Rendered at most every STATS_EVERY_S, so that the size a reader was given and the bytes it then reads
        agree (each operation changes the figures)."""
        with self._mu:
            rendered, at = self._stats
            if time.monotonic() - at >= STATS_EVERY_S:
                rendered = (json.dumps(self.stats.to_json(), indent=2, sort_keys=True) + "\n").encode()
                self._stats = (rendered, time.monotonic())
            return rendered


def kind(path: str) -> str:
    """How a path's attributes and bytes may change, for what the kernel may keep: `fixed` never (a past tree),
    `tree` when the project tree moves (/current and the tree part of /shadows), `live` at any new event."""
    parts = [p for p in path.split("/") if p]
    if len(parts) > 1 and parts[0] == "history" and parts[1].isdigit():
        return "fixed"
    if len(parts) > 1 and (parts[0] == "current" or (parts[0] == "shadows" and not parts[-1].endswith(NOTES_SUFFIX))):
        return "tree"
    return "live"


def split(path: str) -> list[str]:
    """The names of a view path; anything that is not a plain name (`..`, `.`, empty, NUL) is ENOENT."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise FsError(errno.ENOENT)
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") or "\x00" in p or len(p) > 255 for p in parts):
        raise FsError(errno.ENOENT)
    return parts


def _file(indexed: tuple[Tree, Index], rest: list[str]) -> Entry:
    tree, idx = indexed
    entry = tree.get("/".join(rest))
    if entry is None:
        raise FsError(errno.EISDIR if "/".join(rest) in idx.children else errno.ENOENT)
    return entry


def _manifest(name: str, package: dict[str, Any]) -> bytes:
    from lighthouse_mcp.events.model import iso_time

    files = [
        {"name": n, "size": e.size, "sha256": e.sha256, "added_at": iso_time(e.mtime_ns), "seq": e.seq}
        for n, e in sorted(package["files"].items())
    ]
    body = {"package": name, "created_at": iso_time(package["created_at"]), "created_by": package["by"], "files": files}
    return (json.dumps(body, indent=2) + "\n").encode()


def _approval_text(request: Event) -> bytes:
    p = request.payload
    body = {
        "id": request.aggregate,
        "agent": request.agent,
        "what": p.get("command") or p.get("path") or p.get("url"),
        "rules": p.get("rules", []),
        "reasons": p.get("reasons", []),
        "timeout_s": p.get("timeout_s"),
        "answer": "write 'approve' or 'deny' (optionally followed by a reason) to this file",
    }
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()
