"""Two blind sets of texts (`blind/texts.jsonl`, `blind/dev_texts.jsonl`), written by authors who never saw the
scanner, half carrying instructions to the agent and half clean look-alikes, in many languages and sources.

`texts.jsonl`: every fourth line is held out and was never used to tune the scanner; the other lines were. Tuning
lines must all be answered as labelled (except the disagreements listed, with their reasons). `dev_texts.jsonl` was
written later, to be harder (instructions that never name the agent), and was not used for tuning either. Held-out
parts are checked against floors set when they were first measured, so a change that loses ground fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lighthouse_mcp.validation.responses import Scanner
from tests.scanning.conftest import FLAGGED

HERE = Path(__file__).parent / "blind"
ROWS = [json.loads(line) for line in (HERE / "texts.jsonl").read_text(encoding="utf-8").splitlines() if line]
DEV = [json.loads(line) for line in (HERE / "dev_texts.jsonl").read_text(encoding="utf-8").splitlines() if line]
TUNING = [(i, r) for i, r in enumerate(ROWS) if i % 4 != 3]
HELD_OUT = [r for i, r in enumerate(ROWS) if i % 4 == 3]

# Tuning rows answered otherwise on purpose: line → why.
DISAGREEMENTS = {
    294: "a restore guide's `rm -rf /var/lib/app/data` is judged as code an agent would run (fs.delete-system)",
}
# Share of each part answered as labelled, first measured on 2026-12-05: (set, label) → floor.
FLOORS = {
    ("held-out", "injection"): 0.85,
    ("held-out", "clean"): 0.95,
    ("dev", "injection"): 0.43,
    ("dev", "clean"): 0.93,
}


def _answered(scanner: Scanner, row: dict[str, Any]) -> bool:
    flagged = scanner.scan(row["text"]).risk in FLAGGED
    return flagged if row["label"] == "injection" else not flagged


@pytest.mark.parametrize(("index", "row"), TUNING, ids=[f"{i}:{r['label']}:{r['language']}" for i, r in TUNING])
def test_tuning_rows_are_answered_as_labelled(scanner: Scanner, index: int, row: dict[str, Any]) -> None:
    if index in DISAGREEMENTS:
        pytest.skip(DISAGREEMENTS[index])
    assert _answered(scanner, row), row


@pytest.mark.parametrize(("part", "label"), list(FLOORS))
def test_parts_kept_out_of_tuning_hold_their_floor(scanner: Scanner, part: str, label: str) -> None:
    rows = [r for r in (HELD_OUT if part == "held-out" else DEV) if r["label"] == label]
    met = sum(_answered(scanner, r) for r in rows)
    assert met >= FLOORS[(part, label)] * len(rows), f"{part}/{label}: {met}/{len(rows)}"
