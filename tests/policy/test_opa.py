"""Remote OPA: modules pushed and decisions queried over OPA's REST API (a local fake that evaluates with regopy),
and the local engine deciding, promptly and on the record, whenever OPA is down, failing or slow."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from mcp import Client

from lighthouse_mcp.config import PolicyConfig, load_config
from lighthouse_mcp.errors import ConfigError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from lighthouse_mcp.validation.service import ValidationService
from tests.helpers.env import lighthouse_env
from tests.helpers.fake_opa import FakeOpa

FROM_OPA = {
    "findings": [{"rule": "org.from-opa", "decision": "deny", "risk": "high", "message": "the organisation's OPA"}],
    "exceptions": [],
}


@pytest.fixture
def opa() -> Iterator[FakeOpa]:
    server = FakeOpa()
    yield server
    server.stop()


def _with_opa(project: Project, url: str, **policy: Any) -> Project:
    config = dataclasses.replace(project.config, policy=PolicyConfig(engine="opa", url=url, **policy))
    return dataclasses.replace(project, config=config)


def _service(project: Project, events: list[NewEvent]) -> ValidationService:
    return ValidationService(project.home, project.config, record=events.append)


def _decide(service: ValidationService, command: str) -> Any:
    return service.validator.validate(service.request("Bash", {"command": command}, cwd=str(service.home.root)))  # type: ignore[union-attr]


def test_modules_are_pushed_once_and_decisions_come_from_opa(project: Project, opa: FakeOpa) -> None:
    events: list[NewEvent] = []
    service = _service(_with_opa(project, opa.url), events)
    assert _decide(service, "ls -la").decision == "allow"
    assert _decide(service, "rm -rf /").decision == "deny"  # the pack tier still decides what it knows
    assert opa.queries == 2
    assert "lighthouse/lighthouse_result.rego" in opa.policies and "lighthouse/agents.rego" in opa.policies
    assert opa.data["lighthouse_meta"]["version"] == service.provider.current().rego.version
    pushes = [r for r in opa.requests if r[0] == "PUT"]
    opa.override = FROM_OPA
    decision = _decide(service, "ls -l src")
    assert decision.decision == "deny" and "org.from-opa" in [r["rule"] for r in decision.reasons]
    assert [r for r in opa.requests if r[0] == "PUT"] == pushes  # pushed once per policy version
    second = _service(_with_opa(project, opa.url), [])
    _decide(second, "ls docs")
    assert [r for r in opa.requests if r[0] == "PUT"] == pushes  # another process finds the version there
    assert service.engine_status() == {"engine": "opa", "url": opa.url, "deciding": "opa"}
    assert events == []


@pytest.mark.parametrize("mode", ["error", "garbage", "slow", "stopped"])
def test_when_opa_fails_the_local_engine_decides_and_it_is_recorded(project: Project, opa: FakeOpa, mode: str) -> None:
    events: list[NewEvent] = []
    service = _service(_with_opa(project, opa.url, timeout_ms=200, retry_after_s=60), events)
    assert _decide(service, "ls one").decision == "allow"  # pushed and answered while OPA is healthy
    opa.override = FROM_OPA
    opa.delay_s = 5
    if mode == "stopped":
        opa.stop()
    else:
        opa.mode = mode
    started = time.monotonic()
    decision = _decide(service, "ls two")
    assert time.monotonic() - started < 4, "the decision waited for the slow server instead of its timeout"
    assert decision.decision == "allow" and "org.from-opa" not in decision.summary  # the local engine's answer
    expected = {
        "error": "HTTP 500: storage unavailable",
        "garbage": "not JSON",
        "slow": "within 200 ms",
        "stopped": "unreachable",
    }
    assert [e.type for e in events] == ["policy.fallback"]
    assert expected[mode] in events[0].payload["error"] and events[0].payload["deciding"] == "local"
    asked = len(opa.requests)
    assert _decide(service, "ls three").decision == "allow"
    assert len(opa.requests) == asked  # within retry_after_s OPA is not asked again
    assert [e.type for e in events] == ["policy.fallback"]  # one outage, one event
    status = service.engine_status()
    assert status["deciding"] == "local" and expected[mode] in status["last_error"] and "fallback_since" in status


def test_opa_is_tried_again_and_its_return_is_recorded(project: Project, opa: FakeOpa) -> None:
    events: list[NewEvent] = []
    service = _service(_with_opa(project, opa.url, retry_after_s=1), events)
    opa.mode = "error"
    assert _decide(service, "ls a").decision == "allow"
    opa.mode = "ok"
    opa.policies.clear()  # it came back empty, as a restarted OPA does
    opa.data.clear()
    opa.override = FROM_OPA
    time.sleep(1.1)
    assert _decide(service, "ls b").decision == "deny"
    assert [e.type for e in events] == ["policy.fallback", "policy.recovered"]
    assert "lighthouse/agents.rego" in opa.policies  # pushed again
    assert service.engine_status()["deciding"] == "opa"


def test_project_modules_go_to_opa_too(project: Project, opa: FakeOpa) -> None:
    project.home.policies_dir.mkdir(exist_ok=True)
    (project.home.policies_dir / "team.rego").write_text(
        'package lighthouse\n\nimport rego.v1\n\nfindings contains {"rule": "team.x", "decision": "ask", '
        '"risk": "low", "message": "x"} if input.command == "make deploy"\n'
    )
    events: list[NewEvent] = []
    service = _service(_with_opa(project, opa.url), events)
    decision = _decide(service, "make deploy")
    assert decision.decision == "ask" and "team.x" in [r["rule"] for r in decision.reasons]
    assert opa.queries == 1 and "lighthouse/team.rego" in opa.policies and events == []


@pytest.mark.anyio
async def test_health_shows_the_fallback_and_the_log_has_it(project: Project, opa: FakeOpa) -> None:
    opa.mode = "error"
    async with Client(build_server(_with_opa(project, opa.url))) as client:
        decision = await client.call_tool("validate_command", {"command": "ls"})
        assert decision.structured_content["decision"] == "allow"  # type: ignore[index]
        health = (await client.call_tool("health", {})).structured_content
        assert health["policy"]["engine"] == "opa" and health["policy"]["deciding"] == "local"  # type: ignore[index]
        assert "HTTP 500" in health["policy"]["last_error"]  # type: ignore[index]
        for _ in range(50):
            page = (await client.call_tool("query_events", {"type": "policy.fallback"})).structured_content
            if page["events"]:  # type: ignore[index]
                break
            await anyio.sleep(0.05)
    assert page["events"][0]["payload"]["url"] == opa.url  # type: ignore[index]


def test_the_hook_asks_opa_too(project: Project, opa: FakeOpa) -> None:
    opa.override = FROM_OPA
    hook_input = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}}
    env = lighthouse_env(LIGHTHOUSE_POLICY__ENGINE="opa", LIGHTHOUSE_POLICY__URL=opa.url)

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "hook"],
            input=json.dumps({**hook_input, "cwd": str(project.home.root)}),
            capture_output=True,
            text=True,
            cwd=project.home.root,
            env=env,
            check=False,
        )

    result = hook()
    assert result.returncode == 2 and "org.from-opa" in result.stdout
    opa.stop()
    down = hook()
    assert down.returncode == 0, down.stdout + down.stderr
    store = project.open_store()
    try:
        types = [e.type for e in store.read_after(0, 100)]
    finally:
        store.close()
    assert "policy.fallback" in types


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LIGHTHOUSE_POLICY__ENGINE": "opa"}, "'policy.url' must be the OPA server's http(s) URL"),
        ({"LIGHTHOUSE_POLICY__ENGINE": "opa", "LIGHTHOUSE_POLICY__URL": "ftp://x"}, "not 'ftp://x'"),
        ({"LIGHTHOUSE_POLICY__ENGINE": "remote"}, "'policy.engine' must be one of local, opa"),
        ({"LIGHTHOUSE_POLICY__TIMEOUT_MS": "0"}, "'policy.timeout_ms' must be between 10"),
    ],
)
def test_bad_opa_settings_name_the_key(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(None, env=env)
