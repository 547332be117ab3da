"""Lighthouse's reading of a command line agrees with bash's on what runs: for each line, bash itself is asked whether
a marker command after a tricky prefix runs, and the parser must find that command whenever bash runs it. A
prefix the parser reads as a comment while bash runs what follows (`x=#; …`, a carriage return before `#`) would hide
any command from the validator."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from lighthouse_mcp.validation.shell import Script, parse

MARK = "echo lighthouse-marker"
PREFIXES = [
    "x=#; ",
    "x=a#b; ",
    "echo done\r#; ",
    ": \r#; ",
    "echo a\f#; ",
    "y=#c true; ",
    "echo a #; ",
    "echo a# ; ",
    "echo '#'; ",
    "echo \\#; ",
    'echo "#"; ',
    "x=(#); ",
    "echo ${#}; ",
    "echo $((2#101)); ",
    "# ",
    "  # ",
    ": \t#; ",
    "true&#; ",
    "true;#; ",
    "echo a|#\n",
]


def _commands(script: Script) -> list[str]:
    found = []
    for pipeline in script.pipelines:
        for command in pipeline.commands:
            words = getattr(command, "words", None)
            if words:
                found.append(" ".join(w.raw for w in words))
    return found


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_parser_finds_a_command_whenever_bash_runs_it(prefix: str) -> None:
    line = prefix + MARK
    ran = subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=10, check=False)
    bash_runs_it = "lighthouse-marker" in ran.stdout
    try:
        found = MARK in _commands(parse(line))
    except Exception:  # a line the parser refuses is asked about (`unparsed`): never read as harmless
        found = True
    # what bash runs, the parser sees (it may see more: a command it cannot place is judged all the same)
    assert found or not bash_runs_it, (repr(line), bash_runs_it, found)
