"""LLM experts through the official SDKs against a local fake speaking their wire formats: answers, retries, the
fallback chain, timeouts, malformed output, the circuit breaker, the cache, and what gets recorded."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from lighthouse_mcp.config import ExpertsConfig
from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.experts.consult import ExpertService, ExpertUnavailable, consulted_event
from lighthouse_mcp.experts.profiles import Profile, Route
from tests.helpers.fake_llm import FakeLLM

pytestmark = pytest.mark.anyio

ANTHROPIC_KEY = "sk-ant-api03-" + "k" * 40
OPENAI_KEY = "sk-proj-" + "o" * 40
KEYS = {"ANTHROPIC_API_KEY": ANTHROPIC_KEY, "OPENAI_API_KEY": OPENAI_KEY}
DENY = json.dumps({"verdict": "deny", "confidence": 0.9, "analysis": "it deletes the home", "recommendations": ["no"]})
ALLOW = json.dumps({"verdict": "allow", "confidence": 0.7, "analysis": "harmless", "recommendations": []})
PROFILE = Profile(
    name="sec",
    description="security",
    system="You review commands.",
    providers=(Route("anthropic", "claude-sonnet-4-6", 3.0, 15.0), Route("openai", "gpt-5.5-pro")),
    timeout_s=2.0,
)


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    server = FakeLLM(default_text=DENY)
    yield server
    server.stop()


OPENED: list[ExpertService] = []


@pytest.fixture(autouse=True)
async def _close_services() -> AsyncIterator[None]:
    """SDK clients are closed inside the test's event loop, not by the garbage collector after it."""
    yield
    while OPENED:
        await OPENED.pop().aclose()


def _service(url: str, env: dict[str, str] = KEYS, **config: Any) -> ExpertService:
    settings = {"max_retries": 1, "breaker_failures": 2, "breaker_reset_s": 1, **config}
    experts = ExpertsConfig(anthropic_base_url=url, openai_base_url=f"{url}/v1", **settings)
    return _opened(ExpertService(experts, {"sec": PROFILE}, env=env))


def _opened(service: ExpertService) -> ExpertService:
    OPENED.append(service)
    return service


def _paths(fake: FakeLLM) -> list[str]:
    return [r["path"] for r in fake.requests]


async def test_an_answer_from_the_first_provider(fake: FakeLLM) -> None:
    service = _service(fake.url)
    result = await service.consult(PROFILE, "Is `rm -rf ~` safe?", "cwd: /home/dev")
    assert (result.provider, result.model, result.answer.verdict) == ("anthropic", "claude-sonnet-4-6", "deny")
    assert (result.input_tokens, result.output_tokens) == (120, 40)
    assert result.cost_usd == pytest.approx((120 * 3 + 40 * 15) / 1e6)
    request = fake.requests[0]
    assert request["path"] == "/v1/messages" and request["body"]["model"] == "claude-sonnet-4-6"
    assert "Answer with exactly one JSON object" in request["body"]["system"]
    assert "<material>\ncwd: /home/dev\n</material>" in request["body"]["messages"][0]["content"]


async def test_openai_answers_when_anthropic_has_no_key(fake: FakeLLM) -> None:
    service = _service(fake.url, env={"OPENAI_API_KEY": OPENAI_KEY})
    result = await service.consult(PROFILE, "Is `ls` safe?")
    assert result.provider == "openai" and result.answer.verdict == "deny" and result.cost_usd is None
    assert _paths(fake) == ["/v1/responses"]
    assert result.attempts == [
        {
            "provider": "anthropic",
            "model": "claude-sonnet-4-6",
            "error": "anthropic: no API key: set ANTHROPIC_API_KEY in the environment of the server",
            "kind": "no_key",
        }
    ]


async def test_without_any_key_the_error_names_the_variables(fake: FakeLLM) -> None:
    with pytest.raises(ExpertUnavailable, match="set ANTHROPIC_API_KEY or OPENAI_API_KEY"):
        await _service(fake.url, env={}).consult(PROFILE, "Is `ls` safe?")
    assert fake.requests == []


async def test_base_urls_come_from_the_sdk_variables_when_the_config_has_none(fake: FakeLLM) -> None:
    env = {**KEYS, "ANTHROPIC_BASE_URL": fake.url}
    service = _opened(ExpertService(ExpertsConfig(max_retries=0), {"sec": PROFILE}, env=env))
    assert (await service.consult(PROFILE, "q")).provider == "anthropic"
    assert _paths(fake) == ["/v1/messages"]


async def test_a_429_with_retry_after_is_retried(fake: FakeLLM) -> None:
    fake.then(("status", 429, {"retry-after": "0"}))
    result = await _service(fake.url).consult(PROFILE, "q")
    assert result.provider == "anthropic" and _paths(fake) == ["/v1/messages", "/v1/messages"]
    assert fake.requests[1]["headers"].get("x-stainless-retry-count") == "1"


async def test_server_errors_fall_back_to_the_next_provider(fake: FakeLLM) -> None:
    fake.then(("status", 500, {"retry-after": "0"}), ("status", 529, {"retry-after": "0"}), ("ok", ALLOW))
    result = await _service(fake.url).consult(PROFILE, "q")
    assert (result.provider, result.answer.verdict) == ("openai", "allow")
    assert _paths(fake) == ["/v1/messages", "/v1/messages", "/v1/responses"]
    assert result.attempts[0]["kind"] == "unavailable" and "HTTP 529 after retries" in result.attempts[0]["error"]


async def test_a_slow_provider_times_out_and_nothing_waits_past_the_timeout(fake: FakeLLM) -> None:
    fake.then(("slow", 6, DENY), ("slow", 6, DENY))
    started = time.monotonic()
    with pytest.raises(ExpertUnavailable) as caught:
        await _service(fake.url, max_retries=0).consult(PROFILE, "q")
    assert time.monotonic() - started < 5.5  # two providers, 2 s each
    assert [a["kind"] for a in caught.value.attempts] == ["timeout", "timeout"]


async def test_connection_refused_falls_back(fake: FakeLLM) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    config = ExpertsConfig(anthropic_base_url=dead, openai_base_url=f"{fake.url}/v1", max_retries=0)
    result = await _opened(ExpertService(config, {"sec": PROFILE}, env=KEYS)).consult(PROFILE, "q")
    assert result.provider == "openai" and result.attempts[0]["kind"] == "connection"


async def test_malformed_output_is_repaired_once(fake: FakeLLM) -> None:
    fake.then(("ok", "Looks dangerous to me."), ("ok", f"```json\n{DENY}\n```"))
    result = await _service(fake.url).consult(PROFILE, "q")
    assert result.provider == "anthropic" and result.answer.verdict == "deny"
    repair = fake.requests[1]["body"]["messages"]
    assert [m["role"] for m in repair] == ["user", "assistant", "user"]
    assert "could not be used: the answer contains no JSON object" in repair[2]["content"]
    assert (result.input_tokens, result.output_tokens) == (240, 80)


@pytest.mark.parametrize(
    "bad",
    [
        "not json at all",
        '{"verdict": "maybe", "analysis": "x"}',
        '{"verdict": "allow", "confidence": 3, "analysis": "x"}',
        '{"verdict": "allow", "analysis": ""}',
        '{"verdict": "allow", "analysis": "x", "recommendations": "do it"}',
        "[1, 2]",
    ],
)
async def test_output_still_malformed_is_reported_never_passed_off(fake: FakeLLM, bad: str) -> None:
    fake.then(("ok", bad), ("ok", bad), ("ok", bad), ("ok", bad))
    with pytest.raises(ExpertUnavailable) as caught:
        await _service(fake.url).consult(PROFILE, "q")
    assert [a["kind"] for a in caught.value.attempts] == ["malformed", "malformed"]
    assert "malformed answer, also after one repair" in str(caught.value)


async def test_a_body_that_is_not_json_is_an_error_not_an_answer(fake: FakeLLM) -> None:
    fake.then(("garbage",), ("ok", ALLOW))
    result = await _service(fake.url, max_retries=0).consult(PROFILE, "q")
    assert result.provider == "openai" and result.attempts[0]["provider"] == "anthropic"


async def test_the_circuit_opens_after_failures_and_a_probe_closes_it(fake: FakeLLM) -> None:
    service = _service(fake.url, max_retries=0)
    for question in ("a", "b"):
        fake.then(("status", 500, {}), ("ok", ALLOW))
        assert (await service.consult(PROFILE, question)).provider == "openai"
    assert service.breakers["anthropic"].state == "open"
    fake.requests.clear()
    result = await service.consult(PROFILE, "c")
    assert result.provider == "openai" and _paths(fake) == ["/v1/responses"]  # anthropic skipped
    assert result.attempts[0]["kind"] == "circuit_open"
    time.sleep(1.1)
    assert service.breakers["anthropic"].state == "half-open"
    assert (await service.consult(PROFILE, "d")).provider == "anthropic"  # the probe succeeds
    assert service.breakers["anthropic"].state == "closed"
    status = service.status()
    assert status["providers"]["anthropic"] == {
        "key_set": True,
        "circuit": {"state": "closed", "failures": 0, "retry_in_s": 0.0},
    }


async def test_answers_are_cached_per_profile_question_and_context(fake: FakeLLM) -> None:
    service = _service(fake.url)
    first = await service.consult(PROFILE, "q", "ctx")
    again = await service.consult(PROFILE, "q", "ctx")
    assert again.cached and not first.cached and again.answer == first.answer and len(fake.requests) == 1
    await service.consult(PROFILE, "q", "other ctx")
    assert len(fake.requests) == 2
    assert not (await _service(fake.url, cache_size=0).consult(PROFILE, "q", "ctx")).cached


async def test_bad_questions_are_refused(fake: FakeLLM) -> None:
    service = _service(fake.url)
    with pytest.raises(UsageError, match="empty"):
        await service.consult(PROFILE, "   ")
    with pytest.raises(UsageError, match="too long"):
        await service.consult(PROFILE, "x" * 20_001)
    with pytest.raises(UsageError, match="no expert profile 'nope': use one of sec"):
        service.profile("nope")


async def test_the_event_keeps_no_key_and_no_secret(fake: FakeLLM) -> None:
    question = "Is it fine to run `aws s3 ls` with AKIAIOSFODNN7EXAMPLF as the key?"
    context = f"export OPENAI_API_KEY={OPENAI_KEY}"
    service = _service(fake.url)
    result = await service.consult(PROFILE, question, context)
    event = consulted_event(PROFILE, question, context, result, agent="ben", session="ses_1")
    text = json.dumps(event.payload)
    assert ANTHROPIC_KEY not in text and OPENAI_KEY not in text and "AKIAIOSFODNN7EXAMPLF" not in text
    assert event.payload["context_sha256"] and "context" not in event.payload
    assert event.payload["tokens"] == {"input": 120, "output": 40} and event.payload["verdict"] == "deny"


async def test_no_key_reaches_the_logs_even_at_debug(fake: FakeLLM, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    fake.then(("status", 500, {"retry-after": "0"}), ("ok", "not json"), ("ok", DENY))
    with caplog.at_level(logging.DEBUG):
        await _service(fake.url).consult(PROFILE, "Is it safe?")
    assert caplog.records, "the SDKs log at debug level"
    assert ANTHROPIC_KEY not in caplog.text and OPENAI_KEY not in caplog.text
