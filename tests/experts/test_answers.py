"""Reading a model's answer: exactly the JSON asked for, or a `MalformedAnswer` saying what is wrong."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lighthouse_mcp.experts.answers import MalformedAnswer, parse_answer


def test_fenced_or_surrounded_json_is_read() -> None:
    body = {"verdict": "ask", "confidence": 0.5, "analysis": "depends", "recommendations": ["check the branch"]}
    for text in (json.dumps(body), f"```json\n{json.dumps(body)}\n```", f"Here you go: {json.dumps(body)} Thanks"):
        answer = parse_answer(text, "verdict")
        assert (answer.verdict, answer.confidence, answer.recommendations) == ("ask", 0.5, ["check the branch"])


def test_free_answers_carry_no_verdict() -> None:
    answer = parse_answer('{"verdict": "allow", "analysis": "use an index"}', "free")
    assert answer.verdict is None and answer.analysis == "use an index" and answer.recommendations == []


@given(st.text(max_size=400))
def test_any_text_is_an_answer_or_says_what_is_wrong(text: str) -> None:
    try:
        answer = parse_answer(text, "verdict")
    except MalformedAnswer as exc:
        message = str(exc)
        assert message, "a malformed answer says what is wrong"
        return
    assert answer.verdict in ("allow", "ask", "deny") and answer.analysis


@given(
    st.dictionaries(
        st.sampled_from(["verdict", "confidence", "analysis", "recommendations", "other"]),
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.lists(st.text())),
    )
)
def test_any_json_object_is_checked_field_by_field(body: dict[str, object]) -> None:
    try:
        answer = parse_answer(json.dumps(body), "verdict")
    except MalformedAnswer:
        return
    assert answer.verdict == body["verdict"] and isinstance(answer.analysis, str)
    assert answer.confidence is None or 0 <= answer.confidence <= 1


def test_nan_confidence_is_malformed() -> None:
    with pytest.raises(MalformedAnswer, match="confidence"):
        parse_answer('{"verdict": "allow", "analysis": "x", "confidence": NaN}', "verdict")
