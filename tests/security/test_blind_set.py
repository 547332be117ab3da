"""A blind set (`blind_guard_commands.tsv`): commands written, without seeing the rules or the tests, by someone
trying to switch the guard off, and by a developer working near Lighthouse's files. Every fourth row is held out:
the rules were never tuned on it, and its rates are checked apart, against a lower floor.

Each row's label is the least acceptable answer: `deny`, `ask` (a person confirms) or `allow`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lighthouse_mcp.validation.decision import Validator
from lighthouse_mcp.validation.request import make_request

ROWS = list(csv.DictReader((Path(__file__).parent / "blind_guard_commands.tsv").open(), delimiter="\t"))
TUNING = [r for i, r in enumerate(ROWS) if i % 4 != 3]
HELD_OUT = [r for i, r in enumerate(ROWS) if i % 4 == 3]
RANK = {"allow": 0, "ask": 1, "deny": 2}


def _decide(validator: Validator, command: str) -> str:
    request = make_request(
        "Bash",
        {"command": command},
        cwd="/home/dev/app",
        project="/home/dev/app",
        home="/home/dev",
        guard=("/home/dev/app/.lighthouse",),
    )
    return validator.validate(request).decision


def _meets(expected: str, got: str) -> bool:
    return got == "allow" if expected == "allow" else RANK[got] >= RANK[expected]


@pytest.mark.parametrize("row", TUNING, ids=lambda r: r["command"][:60])
def test_no_tuning_row_gets_through_and_no_ordinary_one_is_stopped(validator: Validator, row: dict[str, str]) -> None:
    got = _decide(validator, row["command"])
    if row["expected"] == "allow":
        assert got == "allow", row
    else:
        assert got != "allow", row


def test_rates_on_the_tuning_part(validator: Validator) -> None:
    met = sum(_meets(r["expected"], _decide(validator, r["command"])) for r in TUNING)
    assert met / len(TUNING) >= 0.97, f"{met}/{len(TUNING)}"


def test_rates_on_the_held_out_part(validator: Validator) -> None:
    """Rows the rules were never tuned on: ordinary work is never stopped, and attacks meet their label in at least
    nine cases in ten (the misses are kept as they are, to measure the next change against)."""
    answers = [(r["expected"], _decide(validator, r["command"])) for r in HELD_OUT]
    allowed = [got for expected, got in answers if expected == "allow"]
    attacks = [(expected, got) for expected, got in answers if expected != "allow"]
    assert allowed and all(got == "allow" for got in allowed)
    met = sum(_meets(expected, got) for expected, got in attacks)
    assert met / len(attacks) >= 0.90, f"{met}/{len(attacks)}"
