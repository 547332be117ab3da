"""Git's settings files are read as git itself reads them: for any file git accepts, `git config --list` and
`git_settings` give the same settings in the same order (headers with a setting on their line, old-style headers,
case, quotes, comments, escapes, continued lines, names without a value)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lighthouse_mcp.validation.git_settings import git_settings

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

_WORD = st.text(alphabet="abcXYZ019-", min_size=1, max_size=6).filter(lambda w: w[0].isalpha())
_PIECE = st.sampled_from(
    ["x", "./run.sh", " ", "  ", "\t", '"', '"a;b"', '"q # r"', "\\t", '\\"', "\\\\", "\\\n  ", "!sh -c 'a'", "=", "é"]
)
_VALUE = st.lists(_PIECE, max_size=5).map("".join)
_COMMENT = st.sampled_from(["", " ; note", " # note", "\t;"])


@st.composite
def _setting(draw: st.DrawFn) -> str:
    name = draw(_WORD)
    if draw(st.booleans()):
        return f"{draw(st.sampled_from(['', '  ', chr(9)]))}{name}{draw(_COMMENT)}"
    space = draw(st.sampled_from(["", " ", "\t"]))
    return f"{draw(st.sampled_from(['', chr(9)]))}{name}{space}={space}{draw(_VALUE)}{draw(_COMMENT)}"


@st.composite
def _header(draw: st.DrawFn) -> str:
    section = draw(_WORD)
    form = draw(st.sampled_from(["plain", "quoted", "dotted"]))
    sub = draw(st.text(alphabet='abAB. -"\\', min_size=1, max_size=5))
    if form == "quoted":
        head = '[{} "{}"]'.format(section, sub.replace("\\", "\\\\").replace('"', '\\"'))
    elif form == "dotted":
        head = f"[{section}.{draw(_WORD)}]"
    else:
        head = f"[{section}]"
    return head + (f" {draw(_setting())}" if draw(st.booleans()) else draw(_COMMENT))


_FILE = st.lists(st.one_of(_header(), _setting(), _COMMENT, st.just("")), min_size=1, max_size=8).map(
    lambda lines: "\n".join(lines) + "\n"
)


def _git_reads(path: Path) -> list[tuple[str, str]] | None:
    done = subprocess.run(["git", "config", "--file", str(path), "--list", "--null"], capture_output=True, check=False)
    if done.returncode != 0:
        return None  # git refuses the file: no comparison to make
    found = []
    for entry in done.stdout.decode("utf-8", "replace").split("\0")[:-1]:
        key, newline, value = entry.partition("\n")
        found.append((key, value if newline else "true"))
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_FILE)
def test_every_setting_git_reads_is_read_the_same(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config"
    path.write_text(text, encoding="utf-8")
    expected = _git_reads(path)
    if expected is None:
        return
    got = [(key, value) for _, key, value in git_settings(text)]
    lowered = [(key.lower(), value) for key, value in expected]  # git keeps a subsection's case; keys are matched
    assert [(key.lower(), value) for key, value in got] == lowered, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[core] fsmonitor = ./x.sh\n", [("core.fsmonitor", "./x.sh")]),
        ('[remote "Up"]\n\tURL = a  b ; c\n', [("remote.Up.url", "a  b")]),
        ("[Remote.Up]\n url=x\n", [("remote.up.url", "x")]),
        ('[a]\n b = "x;y" # z\n c\n', [("a.b", "x;y"), ("a.c", "true")]),
        ("[a]\n b = x \\\n  y\n", [("a.b", "x   y")]),
    ],
)
def test_git_settings_examples(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(k, v) for _, k, v in git_settings(text)] == expected
