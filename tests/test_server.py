"""The MCP server through the official in-process client: tools, resources, subscriptions, sessions, errors."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from lighthouse_mcp.config import StoreConfig
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import RECENT_URI, SESSIONS_URI, build_server

pytestmark = pytest.mark.anyio


def _append(project: Project, *events: NewEvent) -> None:
    """Append from a separate connection, as another Lighthouse process would."""
    store = project.open_store()
    store.append_batch(list(events))
    store.close()


async def _call(client: Client, tool: str, args: dict[str, Any] | None = None) -> Any:
    result = await client.call_tool(tool, args or {})
    assert not result.is_error, result.content
    return result.structured_content


def _as(project: Project, role: str, name: str = "ann") -> Project:
    agent = dataclasses.replace(project.config.agent, name=name, role=role)
    return dataclasses.replace(project, config=dataclasses.replace(project.config, agent=agent))


async def test_tools_are_listed_with_annotations_and_schemas(project: Project) -> None:
    async with Client(build_server(_as(project, "admin"))) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    read_only = {
        "query_events",
        "state_at",
        "verify_audit_log",
        "health",
        "list_policies",
        "get_policy",
        "evaluate_policy",
        "replay_policy",
        "list_experts",
    }
    assert set(tools) == read_only | {
        "consult_expert",
        "request_consensus",
        "register_expert",
        "delegate_task",
        "get_task",
        "next_task",
        "complete_task",
        "start_collaboration",
        "end_collaboration",
        "annotate",
        "validate_command",
        "validate_tool_call",
        "scan_response",
        "claim_files",
        "release_files",
        "put_policy",
        "delete_policy",
    }
    for name, tool in tools.items():
        assert tool.annotations is not None
        assert bool(tool.annotations.read_only_hint) is (name in read_only)
        assert tool.annotations.destructive_hint is not True
        assert tool.output_schema is not None and tool.description
    assert set(tools["query_events"].input_schema["properties"]) == {
        "type",
        "agent",
        "session",
        "aggregate",
        "since",
        "until",
        "text",
        "limit",
        "order",
        "cursor",
        "collaboration",
    }


def _readme_role_table() -> dict[str, set[str]]:
    """The README's "Who may call what" table: role → the tools it may call."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("**Who may call what.**", 1)[1].split("\n\n", 2)[1]
    header, _, *rows = table.splitlines()
    roles = [cell.strip() for cell in header.strip("|").split("|")[1:]]
    may: dict[str, set[str]] = {role: set() for role in roles}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        tools = {name.strip(" `") for name in cells[0].split(",")}
        for role, mark in zip(roles, cells[1:], strict=True):
            if mark == "✔":
                may[role] |= tools
    return may


@pytest.mark.parametrize("role", ["builder", "reviewer", "expert", "admin"])
async def test_each_role_lists_only_the_tools_it_may_call(project: Project, role: str) -> None:
    # Compared with the README's table, not with the code's: what a user is told is what a caller sees.
    expected = _readme_role_table()[role]
    async with Client(build_server(_as(project, role))) as client:
        listed = await client.list_tools()
        names = {t.name for t in listed.tools}
        refused = await client.call_tool("put_policy", {"name": "x", "source": "package x"})
    assert names == expected
    size = len(json.dumps(listed.model_dump(by_alias=True, exclude_none=True)))
    assert size <= 24_000, size
    if role != "admin":  # not listed, and still refused by name when called anyway
        assert refused.is_error and "put_policy needs the admin role" in str(refused.content)


async def test_instructions_say_when_the_hook_already_validates(project: Project) -> None:
    # Without the hook, the agent is told to validate before running; once the project's Claude Code settings run
    # Lighthouse's hook (as `init --claude` writes them), it is told not to validate what it runs (each decision
    # would be recorded twice), and only for what it does not run.
    from lighthouse_mcp.home import hook_command, merge_claude_settings

    async with Client(build_server(project)) as client:
        before = client.instructions or ""
    merge_claude_settings(project.home.root / ".claude" / "settings.json", hook_command("ann", "builder"))
    async with Client(build_server(project)) as client:
        after = client.instructions or ""
    assert "Before running a shell command" in before and "runs Lighthouse's hook" not in before
    assert "runs Lighthouse's hook" in after and "do not call validate_command" in after
    assert "If you are Claude Code here" in after
    (project.home.root / ".claude" / "settings.json").write_text("{not json")  # unreadable: the safe advice
    async with Client(build_server(project)) as client:
        assert client.instructions == before


async def test_instructions_name_every_agent_product_the_hook_guards(project: Project) -> None:
    from lighthouse_mcp.home import gemini_hook_command, hook_command, merge_claude_settings, merge_gemini_settings

    merge_gemini_settings(project.home.root / ".gemini" / "settings.json", gemini_hook_command("gem"))
    async with Client(build_server(project)) as client:
        gemini_only = client.instructions or ""
    assert "Gemini CLI runs Lighthouse's hook" in gemini_only and "Claude Code" not in gemini_only
    merge_claude_settings(project.home.root / ".claude" / "settings.json", hook_command("ann", "builder"))
    async with Client(build_server(project)) as client:
        both = client.instructions or ""
    assert "Claude Code and Gemini CLI run Lighthouse's hook" in both
    assert "If you are Claude Code or Gemini CLI here, do not call validate_command" in both


@pytest.mark.parametrize("tool", ["validate_command", "validate_tool_call"])
async def test_cwd_must_be_an_absolute_directory_of_this_machine(project: Project, tool: str) -> None:
    # Over stdio the agent runs here: a relative cwd is not guessed at, and one that does not exist is an error
    # naming it; left out, it is the project root. Nothing is decided (or recorded) on a bad cwd.
    args = {"command": "ls"} if tool == "validate_command" else {"tool_name": "Bash", "tool_input": {"command": "ls"}}
    async with Client(build_server(project)) as client:
        relative = await client.call_tool(tool, {**args, "cwd": "src"})
        missing = await client.call_tool(tool, {**args, "cwd": "/no/such/dir-here"})
        given = await client.call_tool(tool, {**args, "cwd": str(project.home.root)})
        default = await client.call_tool(tool, args)
    assert relative.is_error and "cwd must be an absolute path, not 'src'" in str(relative.content)
    assert missing.is_error and "'/no/such/dir-here' is not a directory on this machine" in str(missing.content)
    assert not given.is_error and not default.is_error
    store = project.open_store()
    decided = [e for e in store.read_after(0, 100) if e.type == "validation.decided"]
    store.close()
    assert len(decided) == 2


async def test_over_http_a_cwd_is_judged_as_a_path(project: Project) -> None:
    # A remote agent's directory need not exist on the server's machine; it must still be absolute.
    async with Client(build_server(project, transport="http")) as client:
        remote = await client.call_tool("validate_command", {"command": "rm -rf build", "cwd": "/home/ann/web"})
        relative = await client.call_tool("validate_command", {"command": "ls", "cwd": "web"})
    assert not remote.is_error and remote.structured_content["decision"] in ("allow", "ask", "deny")
    assert relative.is_error


async def test_tools_list_stays_small(project: Project) -> None:
    async with Client(build_server(_as(project, "admin"))) as client:  # the longest list
        tools = await client.list_tools()
    size = len(json.dumps(tools.model_dump(by_alias=True, exclude_none=True)))
    assert size <= 24_000, size


async def test_session_is_recorded_with_client_name_and_configured_identity(project: Project) -> None:
    project = dataclasses.replace(
        project,
        config=dataclasses.replace(
            project.config, agent=dataclasses.replace(project.config.agent, name="builder-1", role="reviewer")
        ),
    )
    async with Client(build_server(project)) as client:
        health = await _call(client, "health")
        session_id = health["session"]
        page = await _call(client, "query_events", {"type": "session", "order": "asc"})
    started = page["events"][0]
    assert started["type"] == "session.started" and started["session"] == session_id
    assert started["agent"] == "builder-1"
    assert started["payload"]["role"] == "reviewer"
    assert started["payload"]["client"]["name"] == "mcp"
    store = project.open_store()
    ended = [e for e in store.read_after(0, 100) if e.type == "session.ended"]
    store.close()
    assert [e.session for e in ended] == [session_id]
    assert ended[0].payload == {"reason": "client disconnected"}


async def test_query_events_pages_with_cursor(project: Project) -> None:
    _append(project, *[NewEvent("test.item", {"i": i}, agent="alice") for i in range(25)])
    async with Client(build_server(project)) as client:
        seen: list[int] = []
        cursor = None
        while True:
            page = await _call(client, "query_events", {"type": "test", "limit": 10, "cursor": cursor})
            seen += [e["payload"]["i"] for e in page["events"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert seen == list(range(24, -1, -1))


async def test_query_events_filters(project: Project) -> None:
    _append(
        project,
        NewEvent("validation.decided", {"command": "rm -rf /"}, agent="alice"),
        NewEvent("validation.decided", {"command": "ls"}, agent="bob"),
        NewEvent("response.scanned", {"risk": "low"}, agent="alice"),
    )
    async with Client(build_server(project)) as client:
        page = await _call(client, "query_events", {"type": "validation", "agent": "alice"})
        assert [e["payload"]["command"] for e in page["events"]] == ["rm -rf /"]
        # "-rf": a word no random id (session ids are in every session event) can contain.
        page = await _call(client, "query_events", {"text": "rm -rf", "order": "asc"})
        assert [e["seq"] for e in page["events"]] == [1], page["events"]
        page = await _call(client, "query_events", {"text": "rm -rf", "since": 2})
        assert page["events"] == []
        page = await _call(client, "query_events", {"since": "1h", "type": "response"})
        assert len(page["events"]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"limit": -1}, "limit must be between 1 and"),
        ({"limit": 100000}, "limit must be between 1 and"),
        ({"cursor": "not-a-cursor"}, "malformed cursor"),
        ({"since": "whenever"}, "neither a sequence number"),
        ({"order": "random"}, "'asc' or 'desc'"),
        ({"type": "DROP TABLE"}, "not a dotted lowercase"),
    ],
)
async def test_bad_query_arguments_are_tool_errors_with_a_message(
    project: Project, args: dict[str, Any], message: str
) -> None:
    async with Client(build_server(project)) as client:
        result = await client.call_tool("query_events", args)
    assert result.is_error
    assert message in result.content[0].text  # type: ignore[union-attr]


async def test_wrong_argument_types_are_rejected(project: Project) -> None:
    async with Client(build_server(project)) as client:
        result = await client.call_tool("state_at", {"seq": "not a number"})
    assert result.is_error


async def test_state_at_sequence_and_time(project: Project) -> None:
    _append(
        project,
        NewEvent("session.started", {"role": "builder"}, agent="a", session="s9", aggregate="s9"),
        NewEvent("session.ended", {"reason": "done"}, agent="a", session="s9", aggregate="s9"),
    )
    async with Client(build_server(project)) as client:
        at1 = await _call(client, "state_at", {"seq": 1})
        at2 = await _call(client, "state_at", {"seq": 2})
        by_time = await _call(client, "state_at", {"time": "2000-01-01T00:00:00Z"})
        bad = await client.call_tool("state_at", {"seq": 1, "time": "1h"})
    assert at1["sessions"]["s9"]["status"] == "active"
    assert at2["sessions"]["s9"]["status"] == "ended"
    assert by_time["seq"] == 0
    assert bad.is_error and "either seq or time" in bad.content[0].text  # type: ignore[union-attr]


async def test_verify_and_health(project: Project) -> None:
    _append(project, *[NewEvent("test.item") for _ in range(5)])
    async with Client(build_server(project)) as client:
        report = await _call(client, "verify_audit_log")
        health = await _call(client, "health")
    assert report["ok"] and report["checked"] >= 5
    assert health["status"] == "ok"
    assert health["store"]["location"] == str(project.db_path)
    assert health["store"]["events"] >= 6
    assert health["chain"]["ok"]
    assert health["versions"]["mcp"].startswith("2.")


async def test_health_reports_a_broken_chain(project: Project) -> None:
    import sqlite3

    _append(project, *[NewEvent("test.item", {"i": i}) for i in range(3)])
    conn = sqlite3.connect(project.db_path)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("""UPDATE events SET payload = '{"i":7}' WHERE seq = 2""")
    conn.commit()
    conn.close()
    async with Client(build_server(project)) as client:
        health = await _call(client, "health")
        report = await _call(client, "verify_audit_log")
    assert health["status"] == "chain_broken" and health["chain"]["first_bad_seq"] == 2
    assert report["ok"] is False and report["first_bad_seq"] == 2


async def test_resources_list_recent_events_and_sessions(project: Project) -> None:
    _append(project, NewEvent("test.item", {"i": 1}))
    async with Client(build_server(project)) as client:
        listed = {r.uri for r in (await client.list_resources()).resources}
        health = await _call(client, "health")
        recent = json.loads((await client.read_resource(RECENT_URI)).contents[0].text)  # type: ignore[union-attr]
        sessions = json.loads((await client.read_resource(SESSIONS_URI)).contents[0].text)  # type: ignore[union-attr]
    assert {RECENT_URI, SESSIONS_URI} <= listed
    assert recent[0]["seq"] > recent[-1]["seq"]
    assert any(e["type"] == "test.item" for e in recent)
    assert sessions[health["session"]]["status"] == "active"


async def test_subscribers_hear_about_events_from_other_processes(project: Project) -> None:
    project = dataclasses.replace(
        project, config=dataclasses.replace(project.config, store=StoreConfig(poll_interval_ms=20))
    )
    async with Client(build_server(project)) as client:
        await _call(client, "health")
        async with client.listen(resource_subscriptions=[RECENT_URI]) as sub:
            _append(project, NewEvent("test.elsewhere"))
            with anyio.fail_after(5):
                event = await sub.__anext__()
    assert event.uri == RECENT_URI  # type: ignore[union-attr]


async def test_validate_command_decides_and_records(project: Project) -> None:
    async with Client(build_server(project)) as client:
        denied = await _call(client, "validate_command", {"command": "rm -rf ~"})
        allowed = await _call(client, "validate_command", {"command": "ls", "cwd": str(project.home.root)})
        health = await _call(client, "health")
        page = await _call(client, "query_events", {"type": "validation", "order": "asc"})
    assert denied["decision"] == "deny" and denied["reasons"][0]["rule"] == "fs.delete-home"
    assert denied["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert allowed["decision"] == "allow" and allowed["reasons"] == []
    recorded = page["events"]
    assert [e["payload"]["decision"] for e in recorded] == ["deny", "allow"]
    assert recorded[0]["session"] == health["session"]
    assert recorded[0]["payload"]["policy_version"] == denied["policy_version"]


async def test_validate_tool_call(project: Project) -> None:
    async with Client(build_server(project)) as client:
        write = await _call(
            client,
            "validate_tool_call",
            {"tool_name": "Write", "tool_input": {"file_path": "/etc/passwd", "content": "x"}},
        )
        bad = await client.call_tool("validate_tool_call", {"tool_name": "Write", "tool_input": {"file_path": 3}})
        missing = await client.call_tool("validate_tool_call", {"tool_name": "Bash"})
    assert write["decision"] == "deny" and write["reasons"][0]["rule"] == "files.write-system"
    assert bad.is_error and "Write tool_input.file_path must be a string" in bad.content[0].text  # type: ignore[union-attr]
    assert missing.is_error


async def test_broken_project_policy_is_recorded_and_validation_goes_on(project: Project) -> None:
    policies = project.home.policies_dir
    policies.mkdir()
    (policies / "bad.rego").write_text("package lighthouse\nimport rego.v1\nfindings contains x if { x == }\n")
    async with Client(build_server(project)) as client:
        decision = await _call(client, "validate_command", {"command": "ls"})
        await anyio.sleep(0.05)
        page = await _call(client, "query_events", {"type": "policy"})
    assert decision["decision"] == "ask"  # no good project files yet: the shipped set decides, an allow asks
    assert decision["reasons"][0]["rule"] == "policy.project-unavailable"
    assert "bad.rego:3:" in page["events"][0]["payload"]["error"]


def test_the_tool_list_is_compacted_without_changing_meaning() -> None:
    from lighthouse_mcp.server import compact_tool_list

    listed = {
        "tools": [
            {
                "name": "t",
                "description": "Line one\n        line two.",
                "inputSchema": {
                    "title": "tArguments",
                    "type": "object",
                    "properties": {
                        "title": {"title": "Title", "type": "string", "description": "a  property\n named title"},
                        "maybe": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Maybe"},
                        "either": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                        "extra": {"type": "object", "additionalProperties": True},
                        "closed": {"type": "object", "additionalProperties": False},
                    },
                },
            }
        ]
    }
    (tool,) = compact_tool_list(listed)["tools"]  # type: ignore[index]
    assert tool["description"] == "Line one line two."
    assert tool["inputSchema"] == {
        "type": "object",
        "properties": {
            "title": {"type": "string", "description": "a property named title"},
            "maybe": {"type": ["string", "null"]},
            "either": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "extra": {"type": "object"},
            "closed": {"type": "object", "additionalProperties": False},
        },
    }


BAD_ARGUMENTS = [
    ("validate_command", {"command": 123}, "'command' must be a string"),
    ("validate_command", {"cmd": "ls"}, "'command' is required"),
    ("validate_command", {"command": ["rm", "-rf", "/"]}, "'command' must be a string"),
    ("validate_tool_call", {"tool_name": "Bash", "tool_input": "ls"}, "'tool_input' must be an object"),
    ("validate_tool_call", {"tool_input": {}}, "'tool_name' is required"),
    ("query_events", {"limit": "many"}, "'limit' must be a whole number"),
]


@pytest.mark.parametrize(("tool", "arguments", "said"), BAD_ARGUMENTS)
async def test_wrong_arguments_are_named_in_plain_words(
    project: Project, tool: str, arguments: dict[str, Any], said: str
) -> None:
    """Which argument is wrong and what it must be; not the validation library's report, its link, or the values
    the caller sent."""
    async with Client(build_server(project)) as client:
        result = await client.call_tool(tool, arguments)
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert text.startswith(f"{tool}: ") and said in text, text
    assert "pydantic" not in text and "http" not in text and "input_value" not in text, text
