"""Annotations: notes agents attach to code, anchored to its structure so they stay on the right lines when the
code around them moves. A Python anchor is the qualified name of a definition (`Session.refresh`), found again
with `ast` in whatever the file holds now; any other anchor is a piece of text in the file (or `line:N`, which
keeps that line's text), found again by content, nearest the line it was on."""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass
from typing import Any

from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.model import Event, NewEvent

MAX_NOTE = 10_000
MAX_ANCHOR = 500
_SECTION = re.compile(r"^## (?P<anchor>.+?)(?: \((?:lines? [^)]*|anchor not found in the current file)\))?\s*$")


@dataclass(frozen=True)
class Anchor:
    kind: str  # python | text
    value: str  # a qualified name, or the text
    line: int  # where it was when the note was made (1-based)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "line": self.line}


def definitions(source: str) -> dict[str, tuple[int, int]]:
    """Qualified names of the classes and functions in Python `source`, with their first and last lines."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, tuple[int, int]] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                found.setdefault(name, (first, child.end_lineno or child.lineno))
                visit(child, name + ".")

    visit(tree, "")
    return found


def make_anchor(path: str, content: str, anchor: str) -> Anchor:
    """The anchor a note should hang on, from what the caller gave: a definition's name (Python), `line:N`, or a
    piece of the file's text. Refused, saying why, when it is not in the file."""
    anchor = anchor.strip()
    if not anchor or len(anchor) > MAX_ANCHOR:
        raise UsageError(f"the anchor must be 1 to {MAX_ANCHOR} characters")
    lines = content.splitlines()
    if path.endswith(".py"):
        spans = definitions(content)
        if anchor in spans:
            return Anchor("python", anchor, spans[anchor][0])
    if re.fullmatch(r"line:\d+", anchor):
        number = int(anchor[5:])
        if not 1 <= number <= len(lines) or not lines[number - 1].strip():
            raise UsageError(f"{path} has no non-empty line {number} (it has {len(lines)} lines)")
        return Anchor("text", lines[number - 1].strip(), number)
    for number, line in enumerate(lines, 1):
        if anchor in line:
            return Anchor("text", anchor, number)
    hint = " (or a definition name such as Class.method)" if path.endswith(".py") else ""
    raise UsageError(f"{anchor[:80]!r} is not in {path}: give text from the file, line:N{hint}")


def locate(anchor: Anchor, path: str, content: str) -> tuple[int, int] | None:
    """Where the anchor is in `content` now (first and last line), or None when it is gone."""
    if anchor.kind == "python" and path.endswith(".py"):
        return definitions(content).get(anchor.value)
    hits = [n for n, line in enumerate(content.splitlines(), 1) if anchor.value in line]
    if not hits:
        return None
    nearest = min(hits, key=lambda n: abs(n - anchor.line))
    return nearest, nearest


def added_event(path: str, anchor: Anchor, note: str, *, agent: str | None, session: str | None) -> NewEvent:
    if not note.strip() or len(note) > MAX_NOTE:
        raise UsageError(f"the note must be 1 to {MAX_NOTE} characters")
    payload = {"path": path, "anchor": anchor.to_json(), "note": note.strip()}
    return NewEvent("annotation.added", payload, agent=agent, session=session, aggregate=path)


def anchor_of(event: Event) -> Anchor:
    a = event.payload.get("anchor") or {}
    return Anchor(str(a.get("kind", "text")), str(a.get("value", "")), int(a.get("line") or 1))


def render(path: str, content: str, notes: list[Event]) -> bytes:
    """`<file>.annotations.md`: each note under its anchor with the lines it is on now."""
    out = [f"# Annotations on {path}", ""]
    for event in notes:
        anchor = anchor_of(event)
        where = locate(anchor, path, content)
        span = (
            "anchor not found in the current file"
            if where is None
            else (f"line {where[0]}" if where[0] == where[1] else f"lines {where[0]}-{where[1]}")
        )
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(event.ts / 1e9))
        out += [
            f"## {anchor.value} ({span})",
            "",
            str(event.payload.get("note", "")),
            "",
            f"— {event.agent}, {when} UTC",
            "",
        ]
    return "\n".join(out).encode()


def parse_sections(text: str) -> list[tuple[str, str]]:
    """(anchor, note) for each `## anchor` section of an annotations file written by hand."""
    sections: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        match = _SECTION.match(line)
        if match:
            sections.append((match["anchor"].strip(), []))
        elif sections and not line.startswith("— "):
            sections[-1][1].append(line)
    return [(anchor, "\n".join(body).strip()) for anchor, body in sections if "\n".join(body).strip()]
