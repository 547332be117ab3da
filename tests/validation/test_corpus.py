"""Every row of the labelled command corpus holds: deny rows deny, ask rows ask or deny, allow rows allow."""

from __future__ import annotations

from pathlib import Path

import pytest

from lighthouse_mcp.validation.decision import Validator
from tests.validation.conftest import decide

CORPUS = Path(__file__).parent.parent / "corpus" / "commands.tsv"


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expect, category, command = line.split("\t")
            rows.append((expect, category, command))
    return rows


ROWS = _rows()


def test_the_corpus_is_complete() -> None:
    assert len(ROWS) == 92
    assert {r[0] for r in ROWS} == {"deny", "ask", "allow"}


@pytest.mark.parametrize(("expect", "category", "command"), ROWS, ids=[r[2][:60] for r in ROWS])
def test_corpus_row(validator: Validator, expect: str, category: str, command: str) -> None:
    decision = decide(validator, command)
    allowed = {"deny": {"deny"}, "ask": {"ask", "deny"}, "allow": {"allow"}}[expect]
    assert decision.decision in allowed, f"{category}: {command!r} → {decision.summary}"
    if expect != "allow":
        assert decision.reasons, "a refusal always says which rule and why"
