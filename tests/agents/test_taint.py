"""Session taint's own logic (agents/taint.py) on a real store: what taints, whom a taint applies to, when it lapses,
how it is cleared and by what, and how work handed on through the MCP tools carries it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from lighthouse_mcp.agents import taint
from lighthouse_mcp.agents.taint import Taint, TaintView
from lighthouse_mcp.config import AgentConfig, ConfigError, TaintConfig, load_config
from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from tests.helpers.taint import SCAN, THREAT
from tests.helpers.taint import tainted as _tainted

NS = 1_000_000_000


def _record(project: Project, *events: NewEvent) -> list[Any]:
    store = project.open_store()
    try:
        return [store.append(e) for e in events]
    finally:
        store.close()


def test_what_a_tool_returned_is_named_by_where_it_came_from(tmp_path: Path) -> None:
    root = tmp_path / "app"
    (root / "docs").mkdir(parents=True)
    (tmp_path / "elsewhere.md").write_text("x")
    (root / "docs" / "link.md").symlink_to(tmp_path / "elsewhere.md")
    kind = taint.source_kind
    assert kind("WebFetch", {"url": "https://x"}, str(root), str(root)) == "web"
    assert kind("web_fetch", {}, str(root), str(root)) == "web"  # Gemini CLI's own name
    assert kind("mcp__jira__get_issue", {}, str(root), str(root)) == "mcp"
    assert kind("Bash", {"command": "curl https://x"}, str(root), str(root)) == "command"
    assert kind("Task", {}, str(root), str(root)) == "subagent"
    assert kind("Read", {"file_path": "docs/a.md"}, str(root), str(root)) == "project-file"
    assert kind("Read", {"file_path": str(tmp_path / "elsewhere.md")}, str(root), str(root)) == "outside-file"
    assert kind("Read", {"file_path": "docs/link.md"}, str(root), str(root)) == "outside-file"  # through the link
    assert kind("Read", {"file_path": "../elsewhere.md"}, str(root), str(root)) == "outside-file"
    assert kind("Grep", {"pattern": "x"}, str(root), str(root)) == "project-file"  # its path: where it runs
    assert kind("Grep", {"pattern": "x"}, str(tmp_path), str(root)) == "outside-file"
    assert kind("SomethingNew", {}, str(root), str(root)) == "other"


def test_what_taints_and_what_does_not() -> None:
    def event(scan: dict[str, Any], config: TaintConfig | None = None) -> NewEvent | None:
        config = config or TaintConfig()
        return taint.tainted_event(scan, kind="web", config=config, agent="ann", session="s1", tool="WebFetch")

    assert event({**SCAN, "risk": "medium", "threats": [{**THREAT, "severity": "medium"}]}) is None  # under high
    assert event(SCAN) is not None
    secret = {**THREAT, "category": "secret", "severity": "critical", "rule": "secret.github-token"}
    assert event({**SCAN, "risk": "critical", "threats": [secret]}) is None  # a secret read is data, not hostile
    assert event({**SCAN, "risk": "none", "threats": [], "truncated": True}) is not None  # its end was never read
    assert event(SCAN, TaintConfig(enabled=False)) is None
    assert event(SCAN, TaintConfig(sources=["mcp"])) is None
    assert event({"risk": "none", "threats": []}, TaintConfig(min_risk="none")) is not None  # any read of a source
    low = {**THREAT, "severity": "low", "rule": "injection.quoted"}
    many = event({**SCAN, "threats": [low] + [THREAT] * 30})
    assert many is not None
    assert [f["rule"] for f in many.payload["findings"]] == ["injection.override"] * taint.MAX_FINDINGS
    assert set(many.payload["findings"][0]) == {"rule", "category", "severity", "excerpt", "fingerprint"}
    unnamed = taint.tainted_event(SCAN, kind="web", config=TaintConfig(), agent="ann", session=None, tool="x")
    assert unnamed is not None and unnamed.payload["scope"] == "agent"  # no session id: any of the agent's


def test_whom_a_taint_applies_to() -> None:
    own = Taint(1, 0, "ann", "s1", "session", "web", "WebFetch x", "high", ())
    handed = Taint(2, 0, "rex", None, "agent", "handed-on", "task t from ann", "high", ())
    assert own.applies("ann", "s1") and not own.applies("ann", "s2")
    assert own.applies("ann", None)  # a call that names no session could be that one
    assert handed.applies("rex", "any") and not handed.applies("ann", "s1")


def test_a_taint_lapses_only_when_an_expiry_is_set() -> None:
    old = Taint(1, 0, "ann", "s1", "session", "web", "x", "high", ())
    assert taint.in_force([old], 0, now_ns=10**20) == [old]
    assert taint.in_force([old], 60, now_ns=59 * NS) == [old]
    assert taint.in_force([old], 60, now_ns=60 * NS) == []


def test_an_unknown_source_in_the_configuration_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("taint:\n  sources: [web, email]\n")
    with pytest.raises(ConfigError, match=r"'taint\.sources' lists 'email'"):
        load_config(path, user_file=tmp_path / "none.yaml", env={})


def test_the_state_at_any_point_holds_the_taints_then(project: Project) -> None:
    tainted, handed = _record(
        project, _tainted(), taint.handed_on_event(to_agent="rex", via={"task": "t1"}, source="task", risk="high")
    )
    store = project.open_store()
    try:
        _, cleared = taint.clear(store, "s1", TaintConfig(), by="dev", reason="looked at the page", via="cli")
        projector = project.projector(store)
        before, after = projector.state_at(handed.seq), projector.state_at(None)
    finally:
        store.close()
    assert set(before["taints"]) == {str(tainted.seq), str(handed.seq)}
    assert before["taints"][str(tainted.seq)]["rules"] == ["injection.override"]
    assert after["taints"] == {str(handed.seq): after["taints"][str(handed.seq)]}  # the other agent's stays
    assert [t.seq for t in cleared] == [tainted.seq]


def test_clearing_needs_a_reason_and_a_tainted_session(project: Project) -> None:
    _record(
        project,
        NewEvent("validation.decided", {"decision": "allow"}, agent="rex", session="h-rex"),
        _tainted(),
        taint.handed_on_event(to_agent="rex", via={"task": "t1", "agent": "ann"}, source="task t1", risk="high"),
    )
    store = project.open_store()
    try:
        with pytest.raises(UsageError, match="say why"):
            taint.clear(store, "s1", TaintConfig(), by="dev", reason="  ", via="cli")
        with pytest.raises(UsageError, match="no session"):
            taint.clear(store, "nobody", TaintConfig(), by="dev", reason="x", via="cli")
        store.append(NewEvent("validation.decided", {"decision": "allow"}, agent="ann", session="s2"))
        with pytest.raises(UsageError, match="not tainted"):  # ann's other session read nothing
            taint.clear(store, "s2", TaintConfig(), by="dev", reason="x", via="cli")
        # A session of rex's, known by its calls: what was handed on to rex applies to it, and is cleared from it.
        event, cleared = taint.clear(store, "h-rex", TaintConfig(), by="dev", reason="reviewed", via="console")
        assert [t.kind for t in cleared] == ["handed-on"]
        assert event.payload["agent"] == "rex" and event.payload["via"] == "console"
        assert [t.agent for t in TaintView(store).current(0, fresh=True)] == ["ann"]
    finally:
        store.close()


def test_taint_reaches_whoever_shares_an_active_collaboration(project: Project) -> None:
    def started(cid: str, by: str, participants: list[str]) -> NewEvent:
        return NewEvent("collaboration.started", {"objective": "x", "participants": participants}, agent=by,
                        aggregate=cid)  # fmt: skip

    _record(
        project,
        started("col_1", "ann", ["ann", "ben"]),
        started("col_2", "ben", ["ben", "cat"]),
        started("col_3", "dan", ["dan", "ann"]),
        NewEvent("collaboration.ended", {"reason": "done"}, agent="dan", aggregate="col_3"),
    )
    store = project.open_store()
    try:
        assert taint.collaborators(store, "ann") == {"ben": "col_1", "cat": "col_2"}  # not dan: col_3 ended
        spread = taint.spread(store, _tainted())
    finally:
        store.close()
    assert [(e.agent, e.payload["via"]["collaboration"]) for e in spread] == [("ben", "col_1"), ("cat", "col_2")]
    assert all(e.payload["scope"] == "agent" and e.payload["rules"] == ["injection.override"] for e in spread)


@asynccontextmanager
async def _as(project: Project, name: str, role: str = "builder") -> AsyncIterator[Client]:
    config = dataclasses.replace(project.config, agent=AgentConfig(name, role))  # type: ignore[arg-type]
    async with Client(build_server(dataclasses.replace(project, config=config))) as client:
        yield client


async def _call(client: Client, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


def _taints_of(project: Project) -> list[tuple[str | None, dict[str, Any]]]:
    store = project.open_store()
    try:
        return [(t.agent, dict(t.via or {})) for t in TaintView(store).current(0, fresh=True)]
    finally:
        store.close()


@pytest.mark.anyio
async def test_a_tainted_experts_answer_taints_the_delegator(project: Project) -> None:
    async with _as(project, "rex", "expert") as rex, _as(project, "ben") as ben:
        await _call(rex, "register_expert", {"capabilities": ["python"]})
        task = await _call(ben, "delegate_task", {"task": "review a.py", "capabilities": ["python"], "wait_s": 0})
        (tainted,) = _record(project, _tainted(agent="rex", session="h-rex"))  # rex's hook read an injection
        await _call(rex, "complete_task", {"task_id": task["task_id"], "result": "looks fine"})
    via = {"task_result": task["task_id"], "agent": "rex", "taints": [tainted.seq]}
    assert _taints_of(project)[-1] == ("ben", via)


@pytest.mark.anyio
async def test_a_collaboration_with_a_tainted_agent_taints_the_others(project: Project) -> None:
    (tainted,) = _record(project, _tainted(agent="cat", session="h-cat"))
    async with _as(project, "ann") as ann:
        started = await _call(ann, "start_collaboration", {"objective": "ship", "participants": ["ben", "cat"]})
    cid = started["collaboration_id"]
    handed = [(agent, via) for agent, via in _taints_of(project) if via]
    assert handed == [
        (name, {"collaboration": cid, "agent": "cat", "taints": [tainted.seq]}) for name in ("ann", "ben")
    ]


@pytest.mark.anyio
async def test_no_mcp_tool_clears_a_taint(project: Project) -> None:
    async with _as(project, "ann", "admin") as ann:
        tools = {t.name for t in (await ann.list_tools()).tools}
    assert not [name for name in tools if "taint" in name or "clear" in name]


def test_the_taint_module_adds_nothing_to_every_decisions_input() -> None:
    from lighthouse_mcp.policy.policyset import PolicyProvider
    from lighthouse_mcp.validation.decision import input_document
    from lighthouse_mcp.validation.facts import Facts
    from lighthouse_mcp.validation.request import make_request

    engine = PolicyProvider(None, None).current().shipped_rego
    every_field = set(input_document(make_request("Bash", {"command": "ls"}, cwd="/"), Facts("Bash"), []))
    assert not engine.whole_input  # its input fields are under input.request, input.taint, …
    assert engine.input_fields & every_field == {"agent", "claims", "paths"}  # files.rego's and agents.rego's
