"""The scanner as a process builds it: shipped rule packs, no project home, default limits."""

from __future__ import annotations

import pytest

from lighthouse_mcp.config import Config
from lighthouse_mcp.validation.responses import Scanner, ScanResult
from lighthouse_mcp.validation.service import ValidationService

FLAGGED = ("medium", "high", "critical")


@pytest.fixture(scope="session")
def scanner() -> Scanner:
    return ValidationService(None, Config()).scanner


def rules(result: ScanResult) -> set[str]:
    """Rules of the threats that count (medium or more)."""
    return {t.rule for t in result.threats if t.severity in FLAGGED}


def flagged(result: ScanResult, category: str) -> bool:
    return result.risk in FLAGGED and category in result.categories
