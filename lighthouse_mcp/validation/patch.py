"""What a patch in Codex CLI's `apply_patch` format changes: the files it adds, updates, moves and deletes, and the
text it puts in them.

The format (openai/codex `codex-rs/apply-patch/src/parser.rs`):

    *** Begin Patch
    *** Add File: path          followed by the file's lines, each written `+line`
    *** Delete File: path
    *** Update File: path       optionally followed by `*** Move to: new path`, then hunks of ` `, `-`, `+` lines
    *** End Patch

Codex's own parser is lenient (markers may carry whitespace around them, the patch may be wrapped in a heredoc).
This reading is a superset of it: every line that is, once trimmed, a file header counts, wherever it stands, so a
patch can never change a file that is not listed here. Patches that Codex would refuse are read the same way; a
path listed here that Codex never touches only makes the decision more careful.
"""

from __future__ import annotations

from dataclasses import dataclass

ADD = "*** Add File: "
DELETE = "*** Delete File: "
UPDATE = "*** Update File: "
MOVE = "*** Move to: "
MAX_OPERATIONS = 1000  # files one patch is read for; past that the rest is not known (`too_many`)
PROGRAMS = frozenset({"apply_patch", "applypatch"})  # the commands Codex CLI runs a patch through
CODEX_FLAG = "--codex-run-as-apply-patch"  # `codex --codex-run-as-apply-patch PATCH` is apply_patch too


@dataclass(frozen=True)
class Change:
    """One file a patch changes: `add` (created or overwritten), `update`, or `delete`; `text` is what the patch
    writes into it (the added lines), `moved_to` where an update moves the file."""

    kind: str
    path: str
    text: str = ""
    moved_to: str | None = None


@dataclass(frozen=True)
class Patch:
    """What a patch changes, file by file."""

    changes: tuple[Change, ...]
    too_many: bool = False  # more than MAX_OPERATIONS file headers: the rest were not read

    def written(self) -> list[tuple[str, str]]:
        """(path, text written) for each file the patch leaves with new content."""
        found = []
        for change in self.changes:
            if change.kind != "delete":
                found.append((change.moved_to or change.path, change.text))
        return found

    def removed(self) -> list[str]:
        """The paths the patch takes away: deleted files, and the old name of a moved one."""
        return [c.path for c in self.changes if c.kind == "delete" or c.moved_to is not None]

    def paths(self) -> list[str]:
        """Every path the patch touches, in order, once."""
        seen: dict[str, None] = {}
        for change in self.changes:
            seen.setdefault(change.path)
            if change.moved_to is not None:
                seen.setdefault(change.moved_to)
        return list(seen)


def read_patch(text: str) -> Patch:
    """The files `text` changes (see the module's docstring)."""
    changes: list[Change] = []
    current: dict[str, object] | None = None
    added: list[str] = []
    headers = 0
    for raw in text.split("\n"):
        line = raw.removesuffix("\r")
        stripped = line.strip()
        header = next((m for m in (ADD, DELETE, UPDATE, MOVE) if stripped.startswith(m)), None)
        if header is None:
            if current is not None and line.startswith("+"):
                added.append(line[1:])
            continue
        headers += 1
        if headers > MAX_OPERATIONS:
            _close(changes, current, added)
            return Patch(tuple(changes), too_many=True)
        path = stripped[len(header) :].strip()
        if header == MOVE:
            if current is not None and current["kind"] == "update" and current.get("moved_to") is None:
                current["moved_to"] = path or None
            elif path:  # a move with no file before it: its destination is still written
                _close(changes, current, added)
                current, added = {"kind": "add", "path": path}, []
            continue
        _close(changes, current, added)
        kind = {ADD: "add", DELETE: "delete", UPDATE: "update"}[header]
        current, added = ({"kind": kind, "path": path} if path else None), []
    _close(changes, current, added)
    return Patch(tuple(changes))


def _close(changes: list[Change], current: dict[str, object] | None, added: list[str]) -> None:
    if current is None:
        return
    moved = current.get("moved_to")
    changes.append(
        Change(
            str(current["kind"]),
            str(current["path"]),
            "".join(f"{line}\n" for line in added),
            str(moved) if moved else None,
        )
    )
