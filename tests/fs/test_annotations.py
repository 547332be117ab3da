"""Annotations anchored to code structure: they stay on the right lines when code above them changes; shown in
/shadows; added through MCP or by writing the annotations file."""

from __future__ import annotations

import pytest
from mcp import Client

from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.fs import annotations as notes
from lighthouse_mcp.fs.paths import View
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server

V1 = """import os


class Session:
    def refresh(self):
        return os.getpid()


def helper():
    return 1
"""
V2 = '''"""A module docstring that pushes everything down."""

import os
import sys


def new_function():
    return sys.argv


class Session:
    @property
    def name(self):
        return "s"

    def refresh(self):
        return os.getpid()


def helper():
    return 1
'''


def test_python_anchors_follow_the_definition() -> None:
    assert notes.definitions(V1) == {"Session": (4, 6), "Session.refresh": (5, 6), "helper": (9, 10)}
    anchor = notes.make_anchor("a.py", V1, "Session.refresh")
    assert (anchor.kind, anchor.line) == ("definition", 5)
    assert notes.locate(anchor, "a.py", V2) == (16, 17)
    text = notes.make_anchor("a.py", V1, "return 1")
    assert (text.kind, text.line, notes.locate(text, "a.py", V2)) == ("text", 10, (21, 21))
    by_line = notes.make_anchor("a.py", V1, "line:9")
    assert (by_line.value, notes.locate(by_line, "a.py", V2)) == ("def helper():", (20, 20))
    assert notes.locate(anchor, "a.py", "x = 1\n") is None


@pytest.mark.parametrize(
    ("anchor", "message"),
    [
        ("", "1 to 500"),
        ("Missing.thing", "is not in a.py"),
        ("line:99", "no non-empty line 99"),
        ("line:2", "no non-empty"),
    ],
)
def test_bad_anchors_say_why(anchor: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        notes.make_anchor("a.py", V1, anchor)


def test_sections_written_by_hand() -> None:
    written = (
        "# Annotations\n\n## Session.refresh (lines 5-6)\n\nslow\n\n— ben, 2026\n\n## helper\nremove it\n## empty\n"
    )
    assert notes.parse_sections(written) == [("Session.refresh", "slow"), ("helper", "remove it")]


def _edit(project: Project, rel: str, text: str) -> None:
    store = project.open_store()
    try:
        data = text.encode()
        digest = store.put_blob(data)
        path = str(project.home.root / rel)
        store.append(NewEvent("file.changed", {"path": path, "size": len(data), "sha256": digest}, aggregate=path))
    finally:
        store.close()


def test_shadows_show_notes_on_the_lines_they_are_on_now(project: Project) -> None:
    _edit(project, "src/app.py", V1)
    store = project.open_store()
    try:
        view = View(store, str(project.home.root), by="rev")
        view.annotate("src/app.py", "Session.refresh", "this calls getpid on every refresh")
        assert view.readdir("/shadows/src") == ["app.py", "app.py.annotations.md"]
        first = view.read("/shadows/src/app.py.annotations.md", 10**6, 0).decode()
        assert "## Session.refresh (lines 5-6)" in first and "this calls getpid" in first and "— rev," in first
        _edit(project, "src/app.py", V2)
        view.trees.current(fresh=True)
        moved = view.read("/shadows/src/app.py.annotations.md", 10**6, 0).decode()
        assert "## Session.refresh (lines 16-17)" in moved
        assert view.read("/shadows/src/app.py", 10**6, 0) == V2.encode()
        assert view.writable("/shadows/src/app.py.annotations.md") and not view.writable("/shadows/src/app.py")
        view.write("/shadows/src/app.py.annotations.md", (moved + "\n## helper\nunused since 2.0\n").encode())
        again = view.read("/shadows/src/app.py.annotations.md", 10**6, 0).decode()
        assert again.count("## ") == 2 and "## helper (lines 20-21)" in again
    finally:
        store.close()


@pytest.mark.anyio
async def test_the_annotate_tool(project: Project) -> None:
    (project.home.root / "src").mkdir()
    (project.home.root / "src" / "app.py").write_text(V1)
    async with Client(build_server(project)) as client:
        ok = await client.call_tool("annotate", {"path": "src/app.py", "anchor": "helper", "note": "dead code"})
        assert not ok.is_error and ok.structured_content == {
            "path": "src/app.py",
            "line": 9,
            "seq": ok.structured_content["seq"],
        }  # type: ignore[index]
        for args, message in (
            ({"path": "../outside.py", "anchor": "x", "note": "n"}, "not a file of this project"),
            ({"path": "src/none.py", "anchor": "x", "note": "n"}, "cannot read src/none.py"),
            ({"path": "src/app.py", "anchor": "nowhere", "note": "n"}, "is not in src/app.py"),
            ({"path": "src/app.py", "anchor": "helper", "note": " "}, "the note must be"),
            ({"path": ".lighthouse/secret.key", "anchor": "x", "note": "n"}, "Lighthouse does not read it"),
        ):
            result = await client.call_tool("annotate", args)
            assert result.is_error and message in str(result.content), (args, result.content)


@pytest.mark.parametrize(
    ("path", "before", "after", "anchor", "where"),
    [
        (
            "web/app.js",
            "class Cart {\n  total() {\n    return 0\n  }\n}\n",
            "import x from 'y'\n\nclass Cart {\n  add(item) {}\n\n  total() {\n    return 1\n  }\n}\n",
            "Cart.total",
            (6, 8),
        ),
        (
            "web/api.ts",
            "export function fetchAll(): void {}\n",
            "type Id = string\n\nexport function fetchAll(): void {\n}\n",
            "fetchAll",
            (3, 4),
        ),
        (
            "cmd/main.go",
            "package main\nfunc (s *Server) Run() {}\n",
            'package main\n\nimport "os"\n\nfunc (s *Server) Run() {\n}\n',
            "Server.Run",
            (5, 6),
        ),
        (
            "src/lib.rs",
            "struct S;\nimpl S {\n    fn go(&self) {}\n}\n",
            "use std::io;\n\nstruct S;\nimpl S {\n    fn new() {}\n    fn go(&self) {}\n}\n",
            "S.go",
            (6, 6),
        ),
    ],
)
def test_definition_anchors_in_other_languages(
    path: str, before: str, after: str, anchor: str, where: tuple[int, int]
) -> None:
    made = notes.make_anchor(path, before, anchor)
    assert made.kind == "definition"
    assert notes.locate(made, path, after) == where


def test_files_without_a_grammar_use_text_anchors() -> None:
    made = notes.make_anchor("notes.txt", "alpha\nbeta\n", "beta")
    assert (made.kind, notes.locate(made, "notes.txt", "new\nalpha\nbeta\n")) == ("text", (3, 3))
    with pytest.raises(UsageError, match="give text from the file, line:N"):
        notes.make_anchor("notes.txt", "alpha\n", "Cart.total")
