"""File claims: checked patterns and TTLs, overlap, and enforcement through the validator for other agents."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import anyio
import pytest
from mcp import Client

from lighthouse_mcp.agents import claims
from lighthouse_mcp.config import AgentConfig
from lighthouse_mcp.errors import DataError
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server

ROOT = "/p"


def test_patterns_are_made_absolute_inside_the_project() -> None:
    claim = claims.new_claim("a", ["src/auth/**", "README.md", "/p/docs/x.md"], 60, "refactor", root=ROOT)
    assert claim.patterns == ("/p/src/auth/**", "/p/README.md", "/p/docs/x.md")
    assert claim.id.startswith("clm_") and claim.until_ns > time.time_ns()


@pytest.mark.parametrize(
    ("paths", "ttl", "reason", "message"),
    [
        ([], 60, "r", "non-empty list"),
        ("src/a.py", 60, "r", "non-empty list"),
        (["../other/a.py"], 60, "r", "outside the project"),
        (["/etc/passwd"], 60, "r", "outside the project"),
        (["**"], 60, "r", "whole project"),
        (["."], 60, "r", "whole project"),
        (["*"], 60, "r", "whole project"),
        (["src/a**b.py"], 60, "r", "whole folders"),
        ([""], 60, "r", "non-empty string"),
        ([3], 60, "r", "non-empty string"),
        (["a"] * 101, 60, "r", "at most 100"),
        (["a.py"], 0, "r", "ttl_s"),
        (["a.py"], -5, "r", "ttl_s"),
        (["a.py"], 86401, "r", "ttl_s"),
        (["a.py"], True, "r", "ttl_s"),
        (["a.py"], 1.5, "r", "ttl_s"),
        (["a.py"], 60, " ", "reason"),
    ],
)
def test_bad_claims_are_clear_errors(paths: Any, ttl: Any, reason: Any, message: str) -> None:
    with pytest.raises(DataError, match=message):
        claims.new_claim("a", paths, ttl, reason, root=ROOT)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("/p/src/a.py", "/p/src/a.py", True),
        ("/p/src/**", "/p/src/a.py", True),
        ("/p/src/a.py", "/p/src/**", True),
        ("/p/src", "/p/src/a.py", True),
        ("/p/src/*.py", "/p/src/auth/**", True),
        ("/p/src/a.py", "/p/src/b.py", False),
        ("/p/docs/**", "/p/src/**", False),
        ("/p/src2/a.py", "/p/src/**", False),
    ],
)
def test_overlaps(a: str, b: str, expected: bool) -> None:
    assert claims.overlaps(a, b) is expected


def _as(project: Project, name: str) -> Project:
    return dataclasses.replace(
        project, config=dataclasses.replace(project.config, agent=AgentConfig(name=name, role="builder"))
    )


async def _call(client: Client, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


@pytest.mark.anyio
async def test_a_claim_denies_other_agents_writes_until_released(project: Project) -> None:
    root = project.home.root
    target = str(root / "src" / "auth" / "login.py")
    write = {"tool_name": "Write", "tool_input": {"file_path": target, "content": "x = 1\n"}}
    async with Client(build_server(_as(project, "alice"))) as alice, Client(build_server(_as(project, "bob"))) as bob:
        claim = await _call(alice, "claim_files", {"paths": ["src/auth/**"], "ttl_s": 600, "reason": "auth refactor"})
        assert claim["agent"] == "alice" and claim["patterns"] == [str(root / "src" / "auth" / "**")]
        await anyio.sleep(0.15)  # another process sees a claim within its refresh interval (0.1 s)
        denied = await _call(bob, "validate_tool_call", write)
        assert denied["decision"] == "deny"
        assert denied["rules"] == ["claims.held-by-another-agent"]
        assert "claimed by alice" in denied["reasons"][0]["message"]
        shell = await _call(bob, "validate_command", {"command": f"echo hi > {target}"})
        assert shell["decision"] == "deny"
        assert (await _call(alice, "validate_tool_call", write))["decision"] == "allow"
        clash = await bob.call_tool("claim_files", {"paths": ["src/auth/login.py"], "ttl_s": 60, "reason": "fix"})
        assert clash.is_error and "claimed by alice" in clash.content[0].text  # type: ignore[union-attr]
        stolen = await bob.call_tool("release_files", {"claim_id": claim["claim_id"]})
        assert stolen.is_error and "belongs to alice" in stolen.content[0].text  # type: ignore[union-attr]
        state = await _call(bob, "state_at", {})
        assert state["claims"][claim["claim_id"]]["agent"] == "alice"
        released = await _call(alice, "release_files", {})
        assert released == {"released": [claim["claim_id"]]}
        with anyio.fail_after(2):  # another process sees a release within its refresh interval (0.1 s)
            while (await _call(bob, "validate_tool_call", write))["decision"] != "allow":
                await anyio.sleep(0.05)


@pytest.mark.anyio
async def test_claims_expire(project: Project) -> None:
    target = str(project.home.root / "a.py")
    write = {"tool_name": "Edit", "tool_input": {"file_path": target, "old_string": "a", "new_string": "b"}}
    async with Client(build_server(_as(project, "alice"))) as alice, Client(build_server(_as(project, "bob"))) as bob:
        await _call(alice, "claim_files", {"paths": ["a.py"], "ttl_s": 1, "reason": "quick fix"})
        await anyio.sleep(0.15)
        assert (await _call(bob, "validate_tool_call", write))["decision"] == "deny"
        await anyio.sleep(1.2)
        assert (await _call(bob, "validate_tool_call", write))["decision"] == "allow"


@pytest.mark.parametrize(
    ("pattern", "claimed_root", "root", "expected"),
    [
        ("/home/ann/app/src/**", "/home/ann/app", "/ci/work/app", "/ci/work/app/src/**"),
        ("/home/ann/app", "/home/ann/app", "/ci/work/app", "/ci/work/app"),
        ("/home/ann/app-other/x", "/home/ann/app", "/ci/work/app", "/home/ann/app-other/x"),  # not under the root
        ("/home/ann/app/a.py", None, "/ci/work/app", "/home/ann/app/a.py"),  # recorded before roots were
        ("/home/ann/app/a.py", "/home/ann/app", None, "/home/ann/app/a.py"),
        ("/srv/app/a.py", "/srv/app", "/srv/app", "/srv/app/a.py"),
    ],
)
def test_a_claim_made_in_another_checkout_reads_against_this_one(
    pattern: str, claimed_root: str | None, root: str | None, expected: str
) -> None:
    assert claims.rebase(pattern, claimed_root, root) == expected
