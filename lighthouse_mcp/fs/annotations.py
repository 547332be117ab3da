"""Annotations: notes agents attach to code, anchored to its structure so they stay on the right lines when the
code around them moves. A definition anchor is a qualified name (`Session.refresh`), found again in whatever the
file holds now: with `ast` for Python, with tree-sitter grammars for JavaScript, TypeScript, Go and Rust. Any
other anchor is a piece of text in the file (or `line:N`, which keeps that line's text), found again by content,
nearest the line it was on."""

from __future__ import annotations

import ast
import re
import time
from dataclasses import dataclass
from typing import Any

from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.model import Event, NewEvent
from lighthouse_mcp.validation.secrets import mask_secrets

MAX_NOTE = 10_000
MAX_ANCHOR = 500
_SECTION = re.compile(r"^## (?P<anchor>.+?)(?: \((?:lines? [^)]*|anchor not found in the current file)\))?\s*$")


@dataclass(frozen=True)
class Anchor:
    """Where a note is attached in a file: a definition's qualified name or a piece of text, and its line then."""

    kind: str  # definition | text
    value: str  # a qualified name, or the text
    line: int  # where it was when the note was made (1-based)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "line": self.line}


# Grammars by file suffix: (module, function giving the language).
GRAMMARS = {
    ".js": ("tree_sitter_javascript", "language"),
    ".mjs": ("tree_sitter_javascript", "language"),
    ".cjs": ("tree_sitter_javascript", "language"),
    ".jsx": ("tree_sitter_javascript", "language"),
    ".ts": ("tree_sitter_typescript", "language_typescript"),
    ".tsx": ("tree_sitter_typescript", "language_tsx"),
    ".go": ("tree_sitter_go", "language"),
    ".rs": ("tree_sitter_rust", "language"),
}
# Nodes that define something named (by their `name` field), and containers that name what is inside them.
_DEFINES = {
    "class_declaration", "abstract_class_declaration", "function_declaration", "generator_function_declaration",
    "method_definition", "interface_declaration", "type_alias_declaration", "enum_declaration", "method_declaration",
    "type_spec", "function_item", "struct_item", "enum_item", "trait_item", "mod_item", "function_signature_item",
}  # fmt: skip


def definitions(source: str, path: str = "a.py") -> dict[str, tuple[int, int]]:
    """Qualified names of the definitions in `source` (classes, functions, methods…), with first and last lines."""
    suffix = "." + path.rsplit(".", 1)[-1] if "." in path else ""
    if suffix == ".py":
        return _python_definitions(source)
    if suffix in GRAMMARS:
        return _syntax_definitions(source, suffix)
    return {}


def _syntax_definitions(source: str, suffix: str) -> dict[str, tuple[int, int]]:
    try:
        import importlib

        from tree_sitter import Language, Parser

        module, function = GRAMMARS[suffix]
        parser = Parser(Language(getattr(importlib.import_module(module), function)()))
    except (ImportError, AttributeError, ValueError):
        return {}  # no grammar here: text anchors still work
    found: dict[str, tuple[int, int]] = {}

    def name_of(node: Any) -> str | None:
        if node.type == "impl_item":  # Rust: `impl Type` names the functions inside
            kind = node.child_by_field_name("type")
            return str(kind.text.decode("utf-8", "replace")) if kind is not None else None
        if node.type == "variable_declarator":  # JavaScript: const f = () => …
            value = node.child_by_field_name("value")
            if value is None or value.type not in ("arrow_function", "function_expression", "function", "class"):
                return None
        elif node.type not in _DEFINES:
            return None
        name = node.child_by_field_name("name")
        if name is None:
            return None
        text = str(name.text.decode("utf-8", "replace"))
        receiver = node.child_by_field_name("receiver") if node.type == "method_declaration" else None
        if receiver is not None:  # Go: func (p *Point) Move() is Point.Move
            kind = receiver.text.decode("utf-8", "replace").strip("()").split()[-1].lstrip("*")
            text = f"{kind}.{text}"
        return text

    def visit(node: Any, prefix: str) -> None:
        for child in node.children:
            name = name_of(child)
            if name is not None:
                full = f"{prefix}{name}"
                if child.type != "impl_item":
                    found.setdefault(full, (child.start_point[0] + 1, child.end_point[0] + 1))
                visit(child, full + ".")
            else:
                visit(child, prefix)

    visit(parser.parse(source.encode("utf-8", "replace")).root_node, "")
    return found


def _python_definitions(source: str) -> dict[str, tuple[int, int]]:
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
    spans = definitions(content, path)
    if anchor in spans:
        return Anchor("definition", anchor, spans[anchor][0])
    if re.fullmatch(r"line:\d+", anchor):
        number = int(anchor[5:])
        if not 1 <= number <= len(lines) or not lines[number - 1].strip():
            raise UsageError(f"{path} has no non-empty line {number} (it has {len(lines)} lines)")
        return Anchor("text", mask_secrets(lines[number - 1].strip()), number)  # the log keeps no secret in clear
    for number, line in enumerate(lines, 1):
        if anchor in line:
            return Anchor("text", anchor, number)
    hint = " (or a definition name such as Class.method)" if path.endswith((".py", *GRAMMARS)) else ""
    raise UsageError(f"{anchor[:80]!r} is not in {path}: give text from the file, line:N{hint}")


def locate(anchor: Anchor, path: str, content: str) -> tuple[int, int] | None:
    """Where the anchor is in `content` now (first and last line), or None when it is gone."""
    if anchor.kind in ("definition", "python"):
        return definitions(content, path).get(anchor.value)
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
