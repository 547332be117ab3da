"""A threat found in scanned text: which category and rule, how severe, where, and what to show a person."""

from __future__ import annotations

from dataclasses import dataclass

from lighthouse_mcp.vocabulary import RISK_RANK, RISKS

CATEGORIES = ("prompt_injection", "malicious_code", "secret", "exfiltration")


@dataclass
class Threat:
    """Something found in scanned text, with the span it covers."""

    category: str
    rule: str
    severity: str  # low | medium | high | critical
    start: int  # span in the scanned text, in code points, end exclusive
    end: int
    detail: str = ""  # what a person needs to see that the span does not show (decoded hidden text, the rule hit)
    replacement: str | None = None  # what the span becomes in sanitized text; default [REDACTED:category]
    excerpt: str = ""  # filled in by the scanner, with secrets masked
    fingerprint: str = ""  # filled in by the scanner: keyed hash of rule and matched text

    @property
    def rank(self) -> int:
        return RISK_RANK[self.severity]


def higher(severity: str, steps: int = 1) -> str:
    """`severity` raised by `steps`, at most critical."""
    return RISKS[min(RISK_RANK[severity] + steps, len(RISKS) - 1)]
