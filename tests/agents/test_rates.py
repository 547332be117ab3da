"""Rate limits per agent and role: counted from recorded decisions, judged by Rego, denied with when to retry."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mcp import Client

from lighthouse_mcp.agents.rates import ENTRYPOINT, PACKAGE, SHORT_CUT_FOR, DecisionWindow, over_limit
from lighthouse_mcp.config import AgentConfig, LimitsConfig
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.sqlite import SQLiteEventStore
from lighthouse_mcp.policy.engine import RegoEngine
from lighthouse_mcp.policy.policyset import PolicySet, build_policy_set, policy_files
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from lighthouse_mcp.validation.service import ValidationService
from tests.helpers.env import lighthouse_env

LIMITS = LimitsConfig(window_s=60, builder=3, reviewer=5, expert=5, admin=0)


def _decided(project: Project, agent: str, n: int) -> None:
    store = project.open_store()
    try:
        store.append_batch([NewEvent("validation.decided", {"decision": "allow"}, agent=agent) for _ in range(n)])
    finally:
        store.close()


def _over(project: Project, agent: str, role: str, limits: LimitsConfig = LIMITS, **kw: Any) -> list[Any]:
    store = project.open_store()
    try:
        policy = ValidationService(project.home, project.config).provider.current()
        return over_limit(DecisionWindow(store, limits.window_s), policy, agent, role, limits, **kw)
    finally:
        store.close()


def test_under_the_limit_nothing_is_found(project: Project) -> None:
    _decided(project, "ben", 2)
    assert _over(project, "ben", "builder") == []


def test_at_the_limit_the_next_request_is_denied_with_when_to_retry(project: Project) -> None:
    _decided(project, "ben", 3)
    _decided(project, "ann", 10)  # other agents' requests do not count against ben
    (finding,) = _over(project, "ben", "builder")
    assert finding.rule == "rate.limit-exceeded" and finding.decision == "deny"
    match = re.fullmatch(
        r"ben made 3 requests in the last 60 s; builder agents may make 3; retry in (\d+) s", finding.message
    )
    assert match is not None, finding.message
    assert 50 <= int(match.group(1)) <= 60


def test_the_window_slides(project: Project) -> None:
    _decided(project, "ben", 3)
    assert _over(project, "ben", "builder", now_ns=time.time_ns() + 61 * 10**9) == []


def test_retry_waits_for_enough_requests_to_leave_the_window(project: Project) -> None:
    _decided(project, "ben", 2)
    time.sleep(1.2)
    _decided(project, "ben", 3)
    # 5 requests, limit 3: the 3rd oldest must leave the window; it is one of the later ones.
    (finding,) = _over(project, "ben", "builder")
    retry = int(finding.message.rsplit("retry in ", 1)[1].split()[0])
    assert retry >= 58
    limits = dataclasses.replace(LIMITS, builder=4)
    (finding,) = _over(project, "ben", "builder", limits)  # 2nd oldest: one of the early ones
    assert int(finding.message.rsplit("retry in ", 1)[1].split()[0]) <= 59


@pytest.mark.parametrize(("role", "limited"), [("builder", True), ("reviewer", False), ("admin", False)])
def test_limits_are_per_role(project: Project, role: str, limited: bool) -> None:
    _decided(project, "someone", 4)
    assert bool(_over(project, "someone", role)) is limited


def test_a_project_module_sets_a_limit_for_one_agent(project: Project) -> None:
    project.home.policies_dir.mkdir(exist_ok=True)
    (project.home.policies_dir / "ci_limits.rego").write_text(
        "package lighthouse.rate\n\nimport rego.v1\n\n"
        'exceeded contains over(1) if {\n\tinput.agent.name == "ci-bot"\n\tinput.count >= 1\n}\n'
    )
    _decided(project, "ci-bot", 1)
    _decided(project, "ben", 1)
    (finding,) = _over(project, "ci-bot", "builder")
    assert "ci-bot made 1 requests" in finding.message and "may make 1; retry in" in finding.message
    assert _over(project, "ben", "builder") == []


def test_when_counts_cannot_be_read_the_answer_is_conservative(project: Project) -> None:
    service = ValidationService(project.home, project.config)
    store = project.open_store()
    window = DecisionWindow(store, 60)
    store.close()
    for broken in (window, None):
        (finding,) = service.over_limit(broken, "ben", "builder")
        assert finding.rule == "rate.unavailable" and finding.decision == project.config.validation.on_error
        assert finding.message.startswith("rate limits could not be checked")


def test_a_window_counts_decisions_recorded_after_it_was_opened(project: Project) -> None:
    store = project.open_store()
    try:
        window = DecisionWindow(store, 60)
        assert list(window.times("ben", time.time_ns())) == []
        _decided(project, "ben", 2)  # another process records
        assert len(window.times("ben", time.time_ns())) == 2
        once = DecisionWindow(store, 60, follow=False)  # a hook's: reads the agent's window when asked
        _decided(project, "ann", 1)
        assert len(once.times("ann", time.time_ns())) == 1 and len(once.times("ben", time.time_ns())) == 2
        assert list(once.times("cid", time.time_ns())) == []
    finally:
        store.close()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ann", "ben", "cid"]),
            st.sampled_from(["validation.decided", "validation.scanned", "tool.ran"]),
            st.integers(0, 200),  # seconds before now
        ),
        max_size=60,
    ),
    st.integers(1, 120),
    st.sampled_from(["ann", "ben", "cid", "dan"]),
)
def test_a_hook_reads_the_same_window_a_server_follows(
    history: list[tuple[str, str, int]], window_s: int, agent: str
) -> None:
    """The hook's window (the agent's events read back from the newest) holds exactly the times the server's
    followed window holds, whatever the history: other agents, other types, events older than the window."""
    now = time.time_ns()
    history = sorted(history, key=lambda h: -h[2])  # oldest first, as a store records them
    # Half a second off the whole seconds, so that no event sits on the window's edge (a followed window starts
    # when it is made, a moment after `now`).
    clock = iter(now - ago * 10**9 - 5 * 10**8 for _, _, ago in history)
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteEventStore(Path(tmp) / "events.db", b"k" * 32, clock=lambda: next(clock))
        try:
            store.append_batch([NewEvent(type_, {}, agent=who) for who, type_, _ in history])
            followed = list(DecisionWindow(store, window_s).times(agent, now))
            assert list(DecisionWindow(store, window_s, follow=False).times(agent, now)) == followed
        finally:
            store.close()


# Project modules: some cannot add rate rules (the short cut stays on), some add them, each written another way.
PROJECT_MODULES = {
    "none": "",
    "findings": (
        "package lighthouse\n\nimport rego.v1\n\nfindings contains f if {\n\tsome p in written\n"
        '\tendswith(p.path, ".lock")\n\tf := {"rule": "project.lockfile", "decision": "ask", "risk": "low", '
        '"message": "writes a lock file"}\n}\n'
    ),
    "elsewhere": 'package acme.limits\n\nimport rego.v1\n\nexceeded contains "acme" if input.count >= 1\n',
    "rate package": (
        "package lighthouse.rate\n\nimport rego.v1\n\nexceeded contains over(2) if {\n"
        '\tinput.agent.name == "ben"\n\tinput.count >= 2\n}\n'
    ),
    "rate head": (
        "package lighthouse\n\nimport rego.v1\n\nrate.exceeded contains "
        '{"rule": "project.burst", "decision": "ask", "risk": "low", "limit": 1, "message": "a burst"} if {\n'
        '\tinput.agent.role == "reviewer"\n\tinput.count >= 1\n}\n'
    ),
    "spaced package": "package lighthouse . rate\n\nimport rego.v1\n\nexceeded contains over(3) if input.count >= 3\n",
}
ROLES = ["builder", "reviewer", "expert", "admin"]


@functools.cache
def _policy(project_module: str) -> PolicySet:
    """The shipped policies with one project module beside them (none for "none")."""
    files = [(str(p), p.read_text(encoding="utf-8")) for p in policy_files(None)]
    if PROJECT_MODULES[project_module]:
        files.append(("/project/.lighthouse/policies/extra.rego", PROJECT_MODULES[project_module]))
    return build_policy_set(files, cache_dir=None, check_isolated=False)


def test_the_short_cut_is_for_the_shipped_rate_rules_as_they_are() -> None:
    assert _policy("none").rules_for(PACKAGE)[0] == SHORT_CUT_FOR, (
        "the shipped modules that may add rules to package lighthouse.rate changed: check the short cut in "
        "over_limit (agents/rates.py) against every rule they have, then set SHORT_CUT_FOR to the new digest"
    )


@pytest.mark.parametrize(
    ("project_module", "has_rate_rules"),
    [(name, name.startswith(("rate", "spaced"))) for name in PROJECT_MODULES],
)
def test_a_project_with_rate_rules_turns_the_short_cut_off(project_module: str, has_rate_rules: bool) -> None:
    policy = _policy(project_module)
    assert policy.rules_for(PACKAGE) == (SHORT_CUT_FOR, has_rate_rules)


def _queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Rego queries made from now on, by the engine they were made on ("shipped" or "project")."""
    made: list[str] = []
    query_value = RegoEngine.query_value

    def counted(engine: RegoEngine, query: str, document: Any, **kw: Any) -> Any:
        if query == ENTRYPOINT:
            made.append("shipped" if engine.version == _policy("none").shipped_rego.version else "project")
        return query_value(engine, query, document, **kw)

    monkeypatch.setattr(RegoEngine, "query_value", counted)
    return made


@pytest.mark.parametrize(
    ("project_module", "count", "queried"),
    [
        ("none", 2, []),  # under the limit of 3: no query
        ("none", 3, ["shipped"]),  # at it: the shipped rule is asked
        ("findings", 2, []),  # project modules that add no rate rules change nothing
        ("findings", 5, ["shipped"]),
        ("rate package", 0, ["shipped", "project"]),  # the project's rate rules are asked whatever the count
        ("rate head", 2, ["shipped", "project"]),
    ],
)
def test_rego_is_asked_only_where_it_may_find_something(
    monkeypatch: pytest.MonkeyPatch, project_module: str, count: int, queried: list[str]
) -> None:
    policy = _policy(project_module)
    made = _queries(monkeypatch)
    over_limit(_Fixed(count), policy, "ben", "builder", LIMITS)  # type: ignore[arg-type]
    assert made == queried


class _Fixed:
    """A window holding `count` decisions, one a second up to now."""

    window_ns = 60 * 10**9

    def __init__(self, count: int) -> None:
        self.count = count

    def times(self, agent: str, now_ns: int) -> list[int]:
        return [now_ns - (self.count - i) * 10**9 for i in range(self.count)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ann", "ben"]),
            st.sampled_from(["validation.decided", "validation.scanned"]),
            st.integers(0, 90),  # seconds before now
        ),
        max_size=12,
    ),
    st.integers(1, 60),
    st.fixed_dictionaries({role: st.integers(-1, 8) for role in ROLES}),
    st.sampled_from(["ann", "ben"]),
    st.sampled_from(ROLES),
    st.sampled_from(list(PROJECT_MODULES)),
    st.booleans(),
)
def test_the_answer_is_the_one_the_rules_give_for_the_window(
    history: list[tuple[str, str, int]],
    window_s: int,
    limits: dict[str, int],
    agent: str,
    role: str,
    project_module: str,
    followed: bool,
) -> None:
    """Whatever the recorded decisions, limits, role and project rate rules, the findings are those the rules of
    package lighthouse.rate give when queried for the agent's count, shipped and project alike, as every request
    once asked them: the short cut never lets a request through that a query would stop, nor stops one."""
    policy = _policy(project_module)
    now = time.time_ns()
    history = sorted(history, key=lambda h: -h[2])  # oldest first, as a store records them
    clock = iter(now - ago * 10**9 - 5 * 10**8 for _, _, ago in history)  # off the window's edge (see above)
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteEventStore(Path(tmp) / "events.db", b"k" * 32, clock=lambda: next(clock))
        try:
            for who, type_, _ in history:  # one at a time: a batch is recorded at one time
                store.append(NewEvent(type_, {}, agent=who))
            window = DecisionWindow(store, window_s, follow=followed)
            config = LimitsConfig(window_s=window_s, **limits)
            found = over_limit(window, policy, agent, role, config, now_ns=now)
        finally:
            store.close()
    count = sum(1 for who, type_, ago in history if who == agent and type_ == "validation.decided" and ago < window_s)
    document = {"agent": {"name": agent, "role": role}, "count": count, "limit": limits[role], "window_s": window_s}
    expected = list(policy.shipped_rego.query_value(ENTRYPOINT, document) or [])
    if policy.layered:
        expected += [item for item in policy.rego.query_value(ENTRYPOINT, document) or [] if item not in expected]
    assert [(f.rule, f.decision, f.risk) for f in found] == [(i["rule"], i["decision"], i["risk"]) for i in expected]
    assert all(f.message.startswith(f"{i['message']}; retry in ") for f, i in zip(found, expected, strict=True))


@pytest.mark.anyio
async def test_through_mcp_the_fourth_request_is_denied(project: Project) -> None:
    limited = dataclasses.replace(project.config, limits=LIMITS, agent=AgentConfig("ben", "builder"))
    other = dataclasses.replace(limited, agent=AgentConfig("ann", "builder"))
    async with (
        Client(build_server(dataclasses.replace(project, config=limited))) as ben,
        Client(build_server(dataclasses.replace(project, config=other))) as ann,
    ):
        for i in range(3):
            allowed = (await ben.call_tool("validate_command", {"command": f"ls {i}"})).structured_content
            assert allowed["decision"] == "allow"  # type: ignore[index]
        denied = (await ben.call_tool("validate_command", {"command": "ls 0"})).structured_content
        assert denied["decision"] == "deny" and denied["rules"] == ["rate.limit-exceeded"]  # type: ignore[index]
        assert "retry in" in denied["reasons"][0]["message"]  # type: ignore[index]
        assert denied["hookSpecificOutput"]["permissionDecision"] == "deny"  # type: ignore[index]
        fine = (await ann.call_tool("validate_command", {"command": "ls"})).structured_content
        assert fine["decision"] == "allow"  # type: ignore[index]


def test_the_hook_counts_across_processes(project: Project) -> None:
    env = lighthouse_env(LIGHTHOUSE_LIMITS__BUILDER="2")
    _decided(project, "agent", 1)  # one request already made elsewhere (a server, another hook)
    codes = []
    for i in range(2):
        hook = {
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": f"ls {i}"},
            "cwd": str(project.home.root),
        }
        result = subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "hook"],
            input=json.dumps(hook),
            capture_output=True,
            text=True,
            cwd=project.home.root,
            env=env,
            check=False,
        )
        codes.append(result.returncode)
    assert codes == [0, 2]
    assert "rate.limit-exceeded" in result.stdout and "retry in" in result.stdout
