"""Project trees from file events: `file.changed` (content by blob digest, or deleted), `file.renamed`. A tree
maps a path relative to the project root to what the file was after the last event that touched it."""

from __future__ import annotations

import posixpath
import threading
from dataclasses import dataclass
from typing import Any

from lighthouse_mcp.events.model import Event

FILE_EVENTS = ("file.changed", "file.renamed")


@dataclass(frozen=True)
class Entry:
    """A file of the project as the events left it at one point."""

    sha256: str | None  # None when the content was not kept (too large, or a secret-class file)
    size: int
    mtime_ns: int  # when the event that last changed it was recorded
    seq: int
    secret: bool = False  # a secret-class file (.env, keys…), whose content the store does not keep


Tree = dict[str, Entry]


def relative(path: str, root: str) -> str | None:
    """`path` relative to `root` in normal form, or None when it is outside the project."""
    if not isinstance(path, str) or not path:
        return None
    full = posixpath.normpath(path if path.startswith("/") else posixpath.join(root, path))
    root = posixpath.normpath(root)
    if full == root or not full.startswith(root.rstrip("/") + "/"):
        return None
    return full[len(root.rstrip("/")) + 1 :]


def apply(tree: Tree, event: Event, root: str) -> None:
    """Fold one file event into `tree` in place; other events and paths outside the project are ignored."""
    p: dict[str, Any] = event.payload
    if event.type == "file.renamed":
        source, target = relative(str(p.get("from", "")), root), relative(str(p.get("to", "")), root)
        entry = tree.pop(source, None) if source else None
        if entry is not None and target:
            tree[target] = Entry(entry.sha256, entry.size, event.ts, event.seq, entry.secret)
        return
    if event.type != "file.changed":
        return
    rel = relative(str(p.get("path", "")), root)
    if rel is None:
        return
    if p.get("deleted"):
        tree.pop(rel, None)
        return
    size = p.get("size")
    digest = p.get("sha256") if isinstance(p.get("sha256"), str) else None
    tree[rel] = Entry(digest, int(size or 0), event.ts, event.seq, p.get("secret") is True)


def changes(old: Tree, new: Tree) -> list[str]:
    """The paths whose file was added, removed or changed between two trees."""
    if old is new:
        return []
    changed = [path for path, entry in new.items() if old.get(path) != entry]
    return changed + [path for path in old if path not in new]


@dataclass(frozen=True)
class Index:
    """A tree's directories: the names directly in each ("" is the root) and the newest change under each."""

    children: dict[str, list[str]]
    mtimes: dict[str, int]


def index(tree: Tree) -> Index:
    children: dict[str, set[str]] = {"": set()}
    mtimes: dict[str, int] = {"": 0}
    for path, entry in tree.items():
        parts = path.split("/")
        for depth in range(len(parts)):
            parent = "/".join(parts[:depth])
            children.setdefault(parent, set()).add(parts[depth])
            mtimes[parent] = max(mtimes.get(parent, 0), entry.mtime_ns)
    return Index({d: sorted(names) for d, names in children.items()}, mtimes)


class Trees:
    """The project tree now (followed as file events arrive) and at any past sequence (folded on demand from the
    file events alone, remembered for the most recent ones)."""

    def __init__(self, store: Any, root: str, *, refresh_s: float = 0.2, remembered: int = 32) -> None:
        from cachetools import LRUCache

        from lighthouse_mcp.events.follow import Follower

        self._store = store
        self.root = root
        self._mu = threading.Lock()
        self._now: Tree = {}
        self._changed = False
        self._published: tuple[Tree, Index] = ({}, index({}))
        self._follower = Follower(store, ("file",), self._fold, refresh_s=refresh_s)
        self._past: LRUCache[int, tuple[Tree, Index]] = LRUCache(maxsize=remembered)

    def _fold(self, event: Event) -> None:
        apply(self._now, event, self.root)
        self._changed = True

    def current(self, *, fresh: bool = False) -> tuple[Tree, Index]:
        """The tree now and its index. What is returned is never changed afterwards: new events make a new one,
        so a reader sees one consistent tree."""
        with self._mu:
            self._follower.refresh(fresh=fresh)
            if self._changed:
                self._changed = False
                tree = dict(self._now)
                self._published = (tree, index(tree))
            return self._published

    def at(self, seq: int) -> tuple[Tree, Index]:
        """The tree after event `seq`, and its index."""
        from lighthouse_mcp.events.query import EventFilter

        with self._mu:
            cached = self._past.get(seq)
        if cached is not None:
            return cached
        tree: Tree = {}
        after = 0
        while True:
            flt = EventFilter(types=("file",), since_seq=after + 1, until_seq=seq, order="asc", limit=2000)
            events = self._store.query(flt).events
            for event in events:
                apply(tree, event, self.root)
                after = event.seq
            if len(events) < 2000:
                break
        built = (tree, index(tree))
        with self._mu:
            self._past[seq] = built
        return built
