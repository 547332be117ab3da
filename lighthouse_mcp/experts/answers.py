"""What an expert must answer, and reading it: one JSON object, checked field by field. Anything else is
malformed: it is repaired once (the model is told what was wrong) or reported as such, never passed off as an
answer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

VERDICTS = ("allow", "ask", "deny")
MAX_ANALYSIS = 20_000


class MalformedAnswer(ValueError):
    """The model's output is not the JSON object asked for; the message says what is wrong."""


@dataclass(frozen=True)
class Answer:
    """An expert's answer: its analysis, recommendations, and for verdict profiles a verdict and a confidence."""

    analysis: str
    recommendations: list[str] = field(default_factory=list)
    verdict: str | None = None  # allow | ask | deny, for verdict profiles
    confidence: float | None = None  # 0..1

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "confidence": self.confidence,
            "analysis": self.analysis,
            "recommendations": self.recommendations,
        }


def instructions(kind: str) -> str:
    """The output contract appended to every profile's system prompt."""
    if kind == "verdict":
        shape = (
            '{"verdict": "allow" | "ask" | "deny", "confidence": <number from 0 to 1>, '
            '"analysis": "<your reasoning>", "recommendations": ["<what to do>", ...]}'
        )
    else:
        shape = (
            '{"confidence": <number from 0 to 1>, "analysis": "<your answer>", '
            '"recommendations": ["<what to do>", ...]}'
        )
    return f"Answer with exactly one JSON object and nothing else, of this shape:\n{shape}"


_FENCE = re.compile(r"```(?:json)?\s*(\{.*\})\s*```", re.DOTALL)


def parse_answer(text: str, kind: str) -> Answer:
    """The structured answer in `text`, or `MalformedAnswer` saying what is wrong."""
    stripped = text.strip()
    fenced = _FENCE.search(stripped)
    candidate = fenced.group(1) if fenced else stripped
    if not candidate.startswith("{"):
        start, end = candidate.find("{"), candidate.rfind("}")
        if start == -1 or end <= start:
            raise MalformedAnswer("the answer contains no JSON object")
        candidate = candidate[start : end + 1]
    try:
        data = json.loads(candidate)
    except ValueError as exc:
        raise MalformedAnswer(f"the answer is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise MalformedAnswer("the answer is JSON but not an object")
    analysis = data.get("analysis")
    if not isinstance(analysis, str) or not analysis.strip():
        raise MalformedAnswer("'analysis' is missing or not text")
    recommendations = data.get("recommendations", [])
    if not isinstance(recommendations, list) or not all(isinstance(r, str) for r in recommendations):
        raise MalformedAnswer("'recommendations' must be a list of strings")
    confidence = data.get("confidence")
    if confidence is not None and (
        isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1
    ):
        raise MalformedAnswer(f"'confidence' must be a number from 0 to 1, not {confidence!r}")
    verdict = data.get("verdict")
    if kind == "verdict" and verdict not in VERDICTS:
        raise MalformedAnswer(f"'verdict' must be allow, ask or deny, not {verdict!r}")
    return Answer(
        analysis=analysis.strip()[:MAX_ANALYSIS],
        recommendations=[r[:2000] for r in recommendations[:50]],
        verdict=verdict if kind == "verdict" else None,
        confidence=float(confidence) if confidence is not None else None,
    )


def repair_prompt(problem: str, kind: str) -> str:
    """What the model is told when its first answer was malformed."""
    return f"Your previous answer could not be used: {problem}. {instructions(kind)}"
