"""The scanner answers every text of the snapshot (`scan_snapshot.py`) exactly as the code it was recorded from
did: risk, each threat's rule, category, severity, span, excerpt, detail and fingerprint, and the sanitized text."""

from __future__ import annotations

from typing import Any

import pytest

from lighthouse_mcp.validation.responses import Scanner
from tests.scanning.scan_snapshot import answer, read

ROWS = read()


@pytest.mark.parametrize("row", ROWS, ids=[row["name"] for row in ROWS])
def test_answer_is_as_recorded(scanner: Scanner, row: dict[str, Any]) -> None:
    assert answer(scanner.scan(row["text"], tools=row["tools"])) == row["answer"]


def test_snapshot_covers_texts_about_agents_and_to_them() -> None:
    names = {row["name"].split("/")[0] for row in ROWS}
    assert {"agents", "agents-addressed", "agents-code", "mail", "attacks", "address", "blind"} <= names
    assert sum(row["answer"]["risk"] == "none" for row in ROWS) > 100
    assert sum(row["answer"]["risk"] in ("medium", "high", "critical") for row in ROWS) > 300
