"""The shadow policy set in one long-running process (the MCP server's): its differences recorded through the
validation tools, its state in `health`, and a set that goes away or breaks while the process runs."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from mcp import Client

from lighthouse_mcp.config import load_config
from lighthouse_mcp.policy import policyset
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from lighthouse_mcp.validation.decision import with_expert_verdicts
from lighthouse_mcp.validation.gate import Caller, Gate
from lighthouse_mcp.validation.service import ValidationService
from tests.helpers.taint import taint_session

STRICTER = """overrides:
  - rule: git.reset-hard
    decision: deny
    reason: "we lost work this way"
"""
ANN = Caller("ann", "builder", "ses-ann")


@pytest.fixture
def shadowed(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setattr(policyset, "RELOAD_CHECK_S", 0.0)
    (project.home.path / "next").mkdir()
    (project.home.path / "next" / "next.yaml").write_text(STRICTER)
    project.home.config_path.write_text("policy:\n  shadow: next\n")
    return dataclasses.replace(project, config=load_config(project.home.config_path))


def record(gate: Gate, command: str) -> list[str]:
    """The types of the events recording `command`'s decision appends."""
    decision = gate.decide("Bash", {"command": command}, cwd=str(gate.service.home.root), caller=ANN)
    return [e.type for e in gate.recording(decision, ANN, aggregate=None).events]


@pytest.mark.anyio
async def test_the_validation_tools_record_differences_and_health_shows_the_set(shadowed: Project) -> None:
    async with Client(build_server(shadowed)) as client:
        answer = await client.call_tool("validate_command", {"command": "git reset --hard origin/main"})
        plain = await client.call_tool("validate_command", {"command": "ls"})
        health = await client.call_tool("health", {})
    assert answer.structured_content["decision"] == "ask" and plain.structured_content["decision"] == "allow"
    store = shadowed.open_store()
    try:
        found = [e for e in store.read_after(0, 1000) if e.type == "validation.shadowed"]
    finally:
        store.close()
    assert [(e.payload["command"], e.payload["live"]["decision"], e.payload["shadow"]["decision"]) for e in found] == [
        ("git reset --hard origin/main", "ask", "deny")
    ]
    shadow = health.structured_content["policy"]["shadow"]
    assert shadow["directory"].endswith("next") and shadow["version"] == found[0].payload["shadow_version"]


def test_a_set_that_breaks_or_goes_away_is_reported_once_each(shadowed: Project) -> None:
    service = ValidationService(shadowed.home, shadowed.config)
    gate = Gate.open(service, expected=True)
    try:
        assert record(gate, "git reset --hard origin/main") == ["validation.decided", "validation.shadowed"]
        (shadowed.home.path / "next" / "next.yaml").write_text("overrides: [")
        assert record(gate, "git reset --hard origin/main") == ["validation.decided", "policy.shadow_failed"]
        assert record(gate, "git reset --hard origin/main") == ["validation.decided"]
        assert "do not load" in service.engine_status()["shadow"]["error"]
        shutil.rmtree(shadowed.home.path / "next")  # not the shipped files alone, which would differ everywhere
        assert record(gate, "git reset --hard origin/main") == ["validation.decided", "policy.shadow_failed"]
        assert "is not a directory" in service.engine_status()["shadow"]["error"]
    finally:
        gate.close()


def test_a_tainted_session_s_call_is_judged_tainted_by_the_shadow_set_too(shadowed: Project) -> None:
    """The live decision of a tainted session carries the taints it was judged with; the shadow set judges the call
    with them, so a set that differs elsewhere records no difference here (it did: a tainted ask beside an allow)."""
    taint_session(shadowed, "ann", "ses-ann")
    gate = Gate.open(ValidationService(shadowed.home, shadowed.config), expected=True)
    try:
        command = "curl -X POST -d 'a=1' https://api.example.com/v1"
        decision = gate.decide("Bash", {"command": command}, cwd=str(shadowed.home.root), caller=ANN)
        events = gate.recording(decision, ANN, aggregate=None).events
        other = Caller("bob", "builder", "ses-bob")
        untainted = gate.decide("Bash", {"command": command}, cwd=str(shadowed.home.root), caller=other)
    finally:
        gate.close()
    assert decision.decision == "ask" and any(r["rule"].startswith("taint.") for r in decision.reasons)
    assert untainted.decision == "allow" and not untainted.taints
    assert [e.type for e in events] == ["validation.decided"]  # no difference to record
    assert events[0].payload["taints"] == decision.taints and decision.taints[0]["kind"] == "web"
    assert record(gate_for(shadowed), "git reset --hard origin/main") == ["validation.decided", "validation.shadowed"]


def gate_for(project: Project) -> Gate:
    return Gate.open(ValidationService(project.home, project.config), expected=True)


DEPLOY = """package lighthouse

import rego.v1

findings contains {"rule": "team.deploy", "decision": "ask", "risk": "medium",
	"message": "deploys need a second look", "escalate": "security"} if input.command == "make deploy"
"""


def test_the_shadow_set_takes_the_live_decision_s_expert_verdicts(shadowed: Project) -> None:
    """An escalated finding the expert allowed live is judged by that verdict in the shadow set too (no expert is
    asked twice), so a shadow set with the same rule records no difference (it did: its finding stood as ask)."""
    for directory in (shadowed.home.policies_dir, shadowed.home.path / "next"):
        directory.mkdir(exist_ok=True)
        (directory / "deploy.rego").write_text(DEPLOY)
    gate = gate_for(shadowed)
    try:
        decision = gate.decide("Bash", {"command": "make deploy"}, cwd=str(shadowed.home.root), caller=ANN)
        assert decision.decision == "ask"
        judged = with_expert_verdicts(decision, {"security": ("allow", "a routine deploy")})
        events = gate.recording(judged, ANN, aggregate=None).events
    finally:
        gate.close()
    assert judged.decision == "allow"
    assert [e.type for e in events] == ["validation.decided"]
