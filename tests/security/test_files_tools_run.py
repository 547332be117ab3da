"""Files a tool runs by their name, through a real `lighthouse hook` process in a project made by `init --claude`:
a Makefile, package.json or conftest.py already on disk is read when `make`, `npm test` or `pytest` runs it; a
harmless-named file copied, moved or linked into place is judged by what it holds; a Makefile written with make's
own forms (a recipe on the rule's line, a variable, `$(HOME)`) is judged as make would run it."""

from __future__ import annotations

import json

import pytest

from tests.security.conftest import Guarded

WIPE = "rm -rf .lighthouse .claude ~"


def _plant(guarded: Guarded) -> None:
    (guarded.root / "Makefile").write_text(f"all:\n\t{WIPE}\n")
    (guarded.root / "package.json").write_text(json.dumps({"scripts": {"test": WIPE, "postinstall": WIPE}}))
    (guarded.root / "conftest.py").write_text("import os\nos.system('rm -rf ~')\n")
    (guarded.root / "notes.txt").write_text("all:\n\trm -rf ~\n")
    (guarded.root / "payload.txt").write_text("import os\nos.system('rm -rf ~')\n")


@pytest.mark.parametrize(
    "command",
    [
        "make",
        "npm test",
        "npm install",
        "pytest -q",
        "cp notes.txt Makefile && make",
        "cat notes.txt > Makefile",
        "ln -sf payload.txt conftest.py",
    ],
)
def test_a_file_a_tool_runs_by_name_is_read_when_it_runs(guarded: Guarded, command: str) -> None:
    _plant(guarded)
    answer = guarded.bash(command)
    assert answer.decision in ("ask", "deny"), (command, answer)


MAKEFILES = ["all: ; rm -rf ~\n", "CMD=rm -rf\nall:\n\t$(CMD) ~\n", "all:\n\trm -rf $(HOME)\n", "include notes.txt\n"]


@pytest.mark.parametrize("content", MAKEFILES)
def test_a_makefile_written_in_make_s_own_forms_is_judged(guarded: Guarded, content: str) -> None:
    answer = guarded.hook("PreToolUse", "Write", {"file_path": str(guarded.root / "Makefile"), "content": content})
    assert answer.decision in ("ask", "deny"), (content, answer)


def test_an_ordinary_project_s_make_and_npm_test_stay_allowed(guarded: Guarded) -> None:
    (guarded.root / "Makefile").write_text("build: ; go build ./...\nclean:\n\trm -rf build dist\n")
    (guarded.root / "package.json").write_text(json.dumps({"scripts": {"test": "jest"}}))
    for command in ("make", "make clean", "npm test"):
        answer = guarded.bash(command)
        assert answer.decision in ("allow", "defer"), (command, answer)
