"""`lighthouse snapshot`: import the working tree into the event store — only what changed since the store last
knew it, contents stored once in the blob table, deletions and renames as events. Ignored files (`.gitignore`,
through git when the project is a repository), `.git` / `.lighthouse`, and symlinks that lead out of the project are
left out. Secret-class files (`.env*`, keys, credentials) are recorded with their size and digest only, unless
`store.secret_file_contents` says to keep them."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.fs.tree import Tree

MAX_FILE_BYTES = 16 * 1024 * 1024
ALWAYS_SKIPPED = {".git", ".lighthouse"}


@dataclass(frozen=True)
class SnapshotResult:
    """What a snapshot of a project found, by kind of change, and the events it recorded."""

    added: int
    changed: int
    deleted: int
    renamed: int
    unchanged: int
    events: int

    def to_json(self) -> dict[str, int]:
        return self.__dict__.copy()


def working_files(root: Path) -> list[str]:
    """Relative paths of the project's files: ignored ones, and symlinks that lead out of the project, left out."""
    listed = _git_files(root)
    if listed is None:
        listed = list(_walk(root, _ignore_patterns(root)))
    real_root = os.path.realpath(root)
    return sorted(
        p
        for p in listed
        if p.split("/", 1)[0] not in ALWAYS_SKIPPED and (root / p).is_file() and _inside(root / p, real_root)
    )


def _inside(path: Path, real_root: str) -> bool:
    return os.path.realpath(path).startswith(real_root.rstrip("/") + "/")


def plan(
    root: Path,
    known: Tree,
    *,
    agent: str | None,
    session: str | None,
    put_blob: Any,
    secret: Callable[[str], bool] = lambda path: False,
) -> tuple[list[NewEvent], SnapshotResult]:
    """The events that bring `known` (the tree the store holds) to the working tree; blobs are stored as found,
    except for the files `secret` names (their digest and size only)."""
    events: list[NewEvent] = []
    current: dict[str, tuple[str | None, int]] = {}
    hidden: set[str] = set()
    for rel in working_files(root):
        path = root / rel
        try:
            size = path.stat().st_size
            data = path.read_bytes() if size <= MAX_FILE_BYTES else None
        except OSError:
            continue
        current[rel] = (hashlib.sha256(data).hexdigest() if data is not None else None, size)
        if secret(str(path)):
            hidden.add(rel)
        entry = known.get(rel)
        if entry is not None and entry.sha256 == current[rel][0] and entry.size == size:
            continue
        if data is not None and rel not in hidden:
            put_blob(data)
    gone = {rel: e for rel, e in known.items() if rel not in current}
    new = {rel: v for rel, v in current.items() if rel not in known}
    by_content = {v[0]: rel for rel, v in new.items() if v[0] is not None}
    renamed = 0
    for rel, entry in sorted(gone.items()):
        target = by_content.pop(entry.sha256, None) if entry.sha256 else None
        if target is not None:
            payload = {"from": str(root / rel), "to": str(root / target), "sha256": entry.sha256, "source": "snapshot"}
            events.append(NewEvent("file.renamed", payload, agent=agent, session=session, aggregate=str(root / target)))
            del new[target]
            renamed += 1
        else:
            gone_payload: dict[str, Any] = {"path": str(root / rel), "deleted": True, "source": "snapshot"}
            events.append(
                NewEvent("file.changed", gone_payload, agent=agent, session=session, aggregate=str(root / rel))
            )
    changed = 0
    for rel, (digest, size) in sorted(current.items()):
        entry = known.get(rel)
        if rel not in new and (entry is None or (entry.sha256 == digest and entry.size == size)):
            continue
        changed += rel not in new
        body: dict[str, Any] = {"path": str(root / rel), "size": size, "source": "snapshot"}
        body |= {"sha256": digest} if digest is not None else {"too_large": True}
        if rel in hidden:
            body["secret"] = True  # the digest tells a change; the content is not in the store
        events.append(NewEvent("file.changed", body, agent=agent, session=session, aggregate=str(root / rel)))
    unchanged = len(current) - len(new) - changed - renamed
    result = SnapshotResult(len(new), changed, len(gone) - renamed, renamed, unchanged, len(events))
    return events, result


def _git_files(root: Path) -> list[str] | None:
    if not (root / ".git").exists():
        return None
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _ignore_patterns(root: Path) -> list[str]:
    try:
        lines = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [line.strip() for line in lines if line.strip() and not line.startswith(("#", "!"))]


def _ignored(rel: str, is_dir: bool, patterns: list[str]) -> bool:
    """The common `.gitignore` forms: `name`, `*.ext`, `dir/`, `/anchored`, `a/b/*.c` (no negation)."""
    name = rel.rsplit("/", 1)[-1]
    for raw in patterns:
        if raw.endswith("/") and not is_dir:
            continue
        trimmed = raw.rstrip("/")
        anchored = trimmed.startswith("/") or "/" in trimmed
        if fnmatch.fnmatch(rel if anchored else name, trimmed.lstrip("/")):
            return True
    return False


def _walk(root: Path, patterns: list[str]) -> Iterator[str]:
    for directory, dirs, files in os.walk(root):
        base = Path(directory).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        dirs[:] = sorted(d for d in dirs if d not in ALWAYS_SKIPPED and not _ignored(prefix + d, True, patterns))
        for name in sorted(files):
            if not _ignored(prefix + name, False, patterns):
                yield prefix + name
