"""Policy management through MCP: admin-only changes, compiled before they land, recorded as events and enforced by
other server processes and the hook."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from typing import Any

import anyio
import pytest
from mcp import Client

from lighthouse_mcp.config import AgentConfig
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server

pytestmark = pytest.mark.anyio

NO_CURL = """package lighthouse

import rego.v1

findings contains f if {
	some c in input.commands
	c.name == "curl"
	f := {"rule": "team.no-curl", "decision": "deny", "risk": "medium", "message": "curl is not used in this project"}
}
"""


def _as(project: Project, name: str, role: str) -> Project:
    agent = AgentConfig(name=name, role=role)  # type: ignore[arg-type]
    return dataclasses.replace(project, config=dataclasses.replace(project.config, agent=agent))


async def _call(client: Client, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


async def _decision(client: Client, command: str) -> str:
    return str((await _call(client, "validate_command", {"command": command}))["decision"])


async def test_an_admin_puts_a_policy_that_other_processes_enforce(project: Project) -> None:
    admin_project, builder_project = _as(project, "ops", "admin"), _as(project, "ben", "builder")
    async with Client(build_server(admin_project)) as admin, Client(build_server(builder_project)) as builder:
        assert await _decision(builder, "curl -s https://example.com") == "allow"
        put = await _call(admin, "put_policy", {"name": "team.rego", "content": NO_CURL})
        assert put["name"] == "team.rego" and put["seq"] > 0
        with anyio.fail_after(5):  # every process re-reads changed policy files within a second
            while await _decision(builder, "curl -s https://example.com") != "deny":
                await anyio.sleep(0.2)
        hook = subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "hook"],
            input=json.dumps(
                {
                    "hook_event_name": "PreToolUse",
                    "tool_name": "Bash",
                    "tool_input": {"command": "curl https://example.com"},
                    "cwd": str(project.home.root),
                }
            ),
            capture_output=True,
            text=True,
            cwd=project.home.root,
            check=False,
        )
        assert hook.returncode == 2 and "team.no-curl" in hook.stdout
        listing = await _call(admin, "list_policies", {})
        assert listing["project"] == [{"name": "team.rego", "bytes": len(NO_CURL)}]
        assert (await _call(admin, "get_policy", {"name": "team.rego"}))["content"] == NO_CURL
        state = await _call(builder, "state_at", {})
        assert state["policies"]["team.rego"]["revision"] == 1 and state["policies"]["team.rego"]["by"] == "ops"
        await _call(admin, "delete_policy", {"name": "team.rego"})
        with anyio.fail_after(5):
            while await _decision(builder, "curl -s https://example.com") != "allow":
                await anyio.sleep(0.2)
        events = await _call(admin, "query_events", {"type": "policy"})
    assert [e["type"] for e in events["events"]] == ["policy.deleted", "policy.put"]


async def test_a_broken_policy_is_refused_with_the_parsers_message(project: Project) -> None:
    async with Client(build_server(_as(project, "ops", "admin"))) as admin:
        result = await admin.call_tool("put_policy", {"name": "bad.rego", "content": "package lighthouse\n\nx := {"})
        assert result.is_error
        assert "does not compile, nothing was changed" in result.content[0].text  # type: ignore[union-attr]
        assert not (project.home.policies_dir / "bad.rego").exists()
        bad_name = await admin.call_tool("put_policy", {"name": "../escape.rego", "content": NO_CURL})
        assert bad_name.is_error and "policy name" in bad_name.content[0].text  # type: ignore[union-attr]
        missing = await admin.call_tool("delete_policy", {"name": "nothing.rego"})
        assert missing.is_error and "no project policy" in missing.content[0].text  # type: ignore[union-attr]


@pytest.mark.parametrize("tool", ["put_policy", "delete_policy", "list_policies", "get_policy"])
async def test_only_admins_manage_policies(project: Project, tool: str) -> None:
    args = {"put_policy": {"name": "t.rego", "content": NO_CURL}, "delete_policy": {"name": "t.rego"},
            "get_policy": {"name": "t.rego"}, "list_policies": {}}[tool]  # fmt: skip
    async with Client(build_server(_as(project, "ben", "builder"))) as builder:
        result = await builder.call_tool(tool, args)
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert text.endswith(f"{tool} needs the admin role; this agent (ben) is a builder")
    assert not (project.home.policies_dir / "t.rego").exists()


async def test_evaluate_policy(project: Project) -> None:
    document = {"paths": [{"path": "/etc/hosts", "classes": ["system"], "access": "write"}], "tool": "Write"}
    async with Client(build_server(project)) as client:
        out = await _call(client, "evaluate_policy", {"entrypoint": "data.lighthouse.findings", "input": document})
        assert out["entrypoint"] == "data.lighthouse.findings"
        assert any(f["decision"] == "deny" for f in out["value"])
        bad = await client.call_tool("evaluate_policy", {"entrypoint": "lighthouse.findings", "input": {}})
        assert bad.is_error and "under data." in bad.content[0].text  # type: ignore[union-attr]
