"""Every row of the labelled response corpus holds: flag rows reach medium risk or more in their category, clean
rows stay at low or below."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lighthouse_mcp.validation.responses import Scanner
from tests.scanning.conftest import FLAGGED

CORPUS = Path(__file__).parent.parent / "corpus" / "responses.jsonl"
ROWS: list[dict[str, Any]] = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def test_the_corpus_is_complete() -> None:
    assert len(ROWS) == 28
    assert {r["expect"] for r in ROWS} == {"flag", "clean"}


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['category']}:{r['text'][:50]!r}" for r in ROWS])
def test_corpus_row(scanner: Scanner, row: dict[str, Any]) -> None:
    result = scanner.scan(row["text"])
    if row["expect"] == "flag":
        assert result.risk in FLAGGED, result.to_json()
        assert row["category"] in result.categories, result.to_json()
        counted = [t for t in result.threats if t.category == row["category"] and t.severity in FLAGGED]
        assert all(t.rule and t.excerpt is not None and 0 <= t.start < t.end <= len(row["text"]) for t in counted)
    else:
        assert result.risk in ("none", "low"), result.to_json()
        assert result.sanitized == row["text"]
