"""Consensus: several experts asked the same question at once; their verdicts combined with a quorum.

The combined verdict is the one most votes gave; a tie goes to the more careful verdict (deny > ask > allow).
Votes that differ from it are the dissent, kept with their reasoning. Experts that gave no answer (timed out,
failed, malformed) do not vote; with fewer votes than the quorum there is no verdict.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_CAREFUL = {"deny": 2, "ask": 1, "allow": 0}


@dataclass(frozen=True)
class Vote:
    """One expert's verdict in a consensus."""

    expert: str  # a profile name (or an agent's)
    verdict: str
    confidence: float | None
    analysis: str
    provider: str | None = None


@dataclass(frozen=True)
class Consensus:
    """The verdict several experts reached together (or None), whether the quorum was met, and every vote."""

    verdict: str | None
    quorum: int
    quorum_met: bool
    agreement: float  # share of the votes that gave the verdict
    votes: list[Vote]
    dissent: list[Vote]
    missing: list[dict[str, str]] = field(default_factory=list)  # {expert, error}

    def to_json(self) -> dict[str, Any]:
        def vote(v: Vote) -> dict[str, Any]:
            return {"expert": v.expert, "verdict": v.verdict, "confidence": v.confidence, "analysis": v.analysis,
                    "provider": v.provider}  # fmt: skip

        return {
            "verdict": self.verdict,
            "quorum": self.quorum,
            "quorum_met": self.quorum_met,
            "agreement": self.agreement,
            "votes": [vote(v) for v in self.votes],
            "dissent": [vote(v) for v in self.dissent],
            "missing": self.missing,
        }


def combine(votes: list[Vote], missing: list[dict[str, str]], quorum: int) -> Consensus:
    if len(votes) < quorum:
        return Consensus(None, quorum, False, 0.0, votes, [], missing)
    tally = Counter(v.verdict for v in votes)
    verdict = max(tally, key=lambda d: (tally[d], _CAREFUL[d]))
    dissent = [v for v in votes if v.verdict != verdict]
    return Consensus(verdict, quorum, True, round(tally[verdict] / len(votes), 3), votes, dissent, missing)
