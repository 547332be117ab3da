"""Escalation: a Rego finding marked `escalate: security` is judged by the security expert (the fake provider),
and its verdict joins the decision — through MCP and through the hook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from mcp import Client

from lighthouse_mcp.config import load_config
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from tests.experts.test_consult import ALLOW, ANTHROPIC_KEY, DENY
from tests.helpers.fake_llm import FakeLLM

pytestmark = pytest.mark.anyio

DEPLOY = """package lighthouse

import rego.v1

findings contains {"rule": "team.deploy", "decision": "ask", "risk": "medium",
	"message": "deploys need a second look", "escalate": "security"} if input.command == "make deploy"
"""


@pytest.fixture
def fake(project: Project, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    server = FakeLLM(default_text=ALLOW)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("LIGHTHOUSE_EXPERTS__ANTHROPIC_BASE_URL", server.url)
    monkeypatch.setenv("LIGHTHOUSE_EXPERTS__MAX_RETRIES", "0")
    monkeypatch.setenv("LIGHTHOUSE_VALIDATION__ESCALATION_TIMEOUT_S", "2")
    project.home.policies_dir.mkdir(exist_ok=True)
    (project.home.policies_dir / "deploy.rego").write_text(DEPLOY)
    yield server
    server.stop()


async def _decide(project: Project, command: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    async with Client(build_server(Project(project.home, load_config(project.home.config_path)))) as client:
        result = await client.call_tool("validate_command", {"command": command})
        assert not result.is_error, result.content
        events = (await client.call_tool("query_events", {"type": "expert"})).structured_content["events"]  # type: ignore[index]
    return result.structured_content, events  # type: ignore[return-value]


async def test_the_expert_allows_and_the_finding_is_lowered(project: Project, fake: FakeLLM) -> None:
    decision, events = await _decide(project, "make deploy")
    assert decision["decision"] == "allow"
    assert decision["exceptions"] == [
        {"rule": "team.deploy", "reason": "security expert: harmless (confidence 0.7)", "by": "security expert"}
    ]
    asked = fake.requests[0]["body"]["messages"][0]["content"]
    assert "make deploy" in asked and "team.deploy: deploys need a second look" in asked
    assert events[0]["payload"]["verdict"] == "allow" and events[0]["payload"]["analysis"] == "harmless"


async def test_the_expert_denies(project: Project, fake: FakeLLM) -> None:
    fake.default_text = DENY
    decision, _ = await _decide(project, "make deploy")
    assert decision["decision"] == "deny" and decision["rules"] == ["team.deploy"]
    assert "security expert says deny: it deletes the home" in decision["reasons"][0]["message"]


async def test_an_expert_too_slow_leaves_the_finding_as_it_was(project: Project, fake: FakeLLM) -> None:
    fake.default_text = DENY
    fake.then(("slow", 5, DENY))
    decision, _ = await _decide(project, "make deploy")
    assert decision["decision"] == "ask"
    assert "could not judge it: no answer within the 2 s" in decision["reasons"][0]["message"]


async def test_without_a_key_the_finding_stands(
    project: Project, fake: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    decision, events = await _decide(project, "make deploy")
    assert decision["decision"] == "ask" and "set ANTHROPIC_API_KEY" in decision["reasons"][0]["message"]
    assert events[0]["payload"]["ok"] is False and fake.requests == []


async def test_other_commands_ask_nobody(project: Project, fake: FakeLLM) -> None:
    decision, events = await _decide(project, "make test")
    assert decision["decision"] == "allow" and events == [] and fake.requests == []


def test_the_hook_escalates_too(project: Project, fake: FakeLLM) -> None:
    fake.default_text = DENY
    hook = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "make deploy"}}
    result = subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", "hook"],
        input=json.dumps({**hook, "cwd": str(project.home.root)}),
        capture_output=True,
        text=True,
        cwd=project.home.root,
        # a fresh process imports the provider's SDK inside the wait, which takes seconds on a loaded machine: the
        # wait here is long enough for that, and within the hook's own deadline
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LIGHTHOUSE_VALIDATION__ESCALATION_TIMEOUT_S": "8"},
        check=False,
    )
    assert result.returncode == 2 and "security expert says deny" in result.stdout, result.stdout
    assert ANTHROPIC_KEY not in result.stdout + result.stderr
    store = project.open_store()
    try:
        types = [e.type for e in store.read_after(0, 100)]
    finally:
        store.close()
    assert "expert.consulted" in types
