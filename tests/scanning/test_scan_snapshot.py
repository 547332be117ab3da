"""The scanner answers every text of the snapshot (`scan_snapshot.py`) exactly as the code it was recorded from
did: risk, each threat's rule, category, severity, span, excerpt, detail and fingerprint, the counts, and the
sanitized text. A change that means to alter answers records the snapshot again and says so."""

from __future__ import annotations

from typing import Any

import pytest

from tests.scanning.scan_snapshot import answer, read, scanner

ROWS = read()
SCANNER = scanner()


@pytest.mark.parametrize("row", ROWS, ids=[row["name"] for row in ROWS])
def test_answer_is_as_recorded(row: dict[str, Any]) -> None:
    assert answer(SCANNER.scan(row["text"], tools=row["tools"])) == row["answer"]


def test_a_second_scan_gives_the_same_answer() -> None:
    """What one scan leaves behind (caches, compiled patterns) does not change the next."""
    for row in ROWS[::15]:
        assert answer(SCANNER.scan(row["text"])) == answer(SCANNER.scan(row["text"]))


def test_snapshot_covers_texts_about_agents_and_to_them() -> None:
    names = {row["name"].split("/")[0] for row in ROWS}
    assert {"agents", "agents-addressed", "agents-code", "mail", "attacks", "address", "blind", "code"} <= names
    assert sum(row["answer"]["risk"] == "none" for row in ROWS) > 100
    assert sum(row["answer"]["risk"] in ("medium", "high", "critical") for row in ROWS) > 300
