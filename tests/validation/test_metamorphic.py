"""Metamorphic tests: every deny and ask example of the shipped packs, rewritten every way a shell would run the
same thing (nested shells, eval, decoders, wrappers, quoting, variables, wildcards in the command word…), is never
allowed; every allowed command of the corpus, rewritten harmlessly, stays allowed. Thousands of cases, each built
from a rule's own examples, so a new rule is covered the day it is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from lighthouse_mcp.validation.decision import Validator
from lighthouse_mcp.validation.packs import load_packs, shipped_packs_dir
from tests.validation.conftest import decide
from tests.validation.metamorphic import BENIGN, EVASIONS

PACKS = load_packs(sorted(shipped_packs_dir().glob("*.yaml")))
STOPPED = [(rule.id, command) for rule in PACKS.rules if rule.decision != "allow" for command in rule.examples_match]
CORPUS = Path(__file__).parent.parent / "corpus" / "commands.tsv"
ALLOWED = [line.split("\t")[2].rstrip("\n") for line in CORPUS.read_text().splitlines() if line.startswith("allow\t")]


@pytest.fixture(scope="module")
def stopped(validator: Validator) -> list[tuple[str, str]]:
    """The examples that are stopped as written (an example may be allowed overall when another rule lowers it)."""
    return [(rule, command) for rule, command in STOPPED if decide(validator, command).decision != "allow"]


@pytest.mark.parametrize("name", list(EVASIONS))
def test_a_stopped_command_stays_stopped_however_it_is_written(
    validator: Validator, stopped: list[tuple[str, str]], name: str
) -> None:
    transform = EVASIONS[name]
    let_through = []
    for rule, command in stopped:
        rewritten = transform(command)
        if rewritten is not None and decide(validator, rewritten).decision == "allow":
            let_through.append((rule, rewritten))
    assert not let_through, f"{len(let_through)} allowed, e.g. {let_through[:3]}"


@pytest.mark.parametrize("name", list(BENIGN))
def test_an_allowed_command_stays_allowed_when_harmlessly_rewritten(validator: Validator, name: str) -> None:
    transform = BENIGN[name]
    stopped = []
    for command in ALLOWED:
        rewritten = transform(command)
        if rewritten is not None and decide(validator, command).decision == "allow":
            found = decide(validator, rewritten)
            if found.decision != "allow":
                stopped.append((rewritten, found.summary))
    assert not stopped, f"{len(stopped)} stopped, e.g. {stopped[:3]}"


def test_there_are_thousands_of_cases() -> None:
    cases = sum(1 for _, command in STOPPED for t in EVASIONS.values() if t(command) is not None)
    assert cases >= 10_000 and len(ALLOWED) * len(BENIGN) >= 500
