"""Blind sets of commands and tool calls, written without seeing the rules or the tests: what an attacker and an
ordinary developer would run. `rates` judges them with a validator; every fourth row of each is held out of tuning.

The first set (`commands.tsv`, `tool_calls.jsonl`) was written once the validator had its first rules; the second
(`second_*`), by another author, after the first had been tuned on, and measured before any rule was changed for it;
the third (`third_commands.tsv`), by a third, measured after the changes the second's tuning rows led to (so also a
measure of how far those carried over), before any rule was changed for it. Two more, labelled harmful or ordinary
rather than by the least acceptable answer, are judged by `test_red_team.py`: an attacker's 635 attempts found by
asking `lighthouse check` (`red_team_commands.jsonl`) and a fifth set written blind (`fifth_commands.tsv`)."""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RANK = {"allow": 0, "ask": 1, "deny": 2}
# What the tool calls' notes say exists: links from the project to /etc and to the home's .ssh.
LINKS = {"app/link": "/etc", "app/cfg": ".ssh"}


# Each set: its name, its commands and its tool calls (the third has commands only).
SETS = (
    ("first", "commands.tsv", "tool_calls.jsonl"),
    ("second", "second_commands.tsv", "second_tool_calls.jsonl"),
    ("third", "third_commands.tsv", None),
)


@dataclass(frozen=True)
class Case:
    index: int
    expected: str
    tool: str
    input: dict[str, Any]
    family: str
    set: str = "first"

    @property
    def held_out(self) -> bool:
        return self.index % 4 == 3

    @property
    def linked(self) -> bool:
        return self.family == "symlink-escape"


def cases() -> list[Case]:
    found: list[Case] = []
    for name, commands, tool_calls in SETS:
        rows = csv.DictReader((HERE / commands).open(encoding="utf-8"), delimiter="\t")
        found += [
            Case(i, r["expected"], "Bash", {"command": r["command"]}, r["family"], name) for i, r in enumerate(rows)
        ]
        lines = (HERE / tool_calls).read_text(encoding="utf-8").splitlines() if tool_calls else []
        calls = [json.loads(line) for line in lines if line.strip()]
        found += [
            Case(i, c["expected"], c["tool"], c["input"], c.get("family", c["tool"]), name) for i, c in enumerate(calls)
        ]
    return found


def meets(expected: str, got: str) -> bool:
    """Allow rows must be allowed; the others answered at least as strictly as their label."""
    return got == "allow" if expected == "allow" else RANK[got] >= RANK[expected]


def sandbox(root: Path) -> Path:
    """`root/home/dev` with the project and the links the symlink cases rely on; returns the home."""
    home = root / "home" / "dev"
    (home / "app").mkdir(parents=True, exist_ok=True)
    (home / ".ssh").mkdir(exist_ok=True)
    for link, target in LINKS.items():
        path = home / link
        if not path.is_symlink():
            os.symlink(target if target.startswith("/") else home / target, path)
    return home


def decide(validator: Any, case: Case, home: str = "/home/dev") -> str:
    from lighthouse_mcp.validation.request import make_request

    tool_input = (
        json.loads(json.dumps(case.input).replace('"/home/dev', f'"{home}')) if home != "/home/dev" else case.input
    )
    project = f"{home}/app"
    request = make_request(
        case.tool, tool_input, cwd=project, project=project, home=home, guard=(f"{project}/.lighthouse",)
    )
    return str(validator.validate(request).decision)


def rates(validator: Any, linked_home: str) -> dict[tuple[str, str, str, str], Counter[str]]:
    """(set, part, kind, expected) → counts of met and total, kind `command` or `tool call`."""
    out: dict[tuple[str, str, str, str], Counter[str]] = {}
    for case in cases():
        got = decide(validator, case, linked_home if case.linked else "/home/dev")
        key = (
            case.set,
            "held-out" if case.held_out else "tuning",
            "command" if case.tool == "Bash" else "tool call",
            case.expected,
        )
        counts = out.setdefault(key, Counter())
        counts["total"] += 1
        counts["met"] += meets(case.expected, got)
    return out
