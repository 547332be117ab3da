"""Shared fixtures for validation tests: the corpus context (a project at /home/dev/app, HOME=/home/dev)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from lighthouse_mcp.config import ValidationConfig
from lighthouse_mcp.policy.policyset import PolicyProvider
from lighthouse_mcp.validation.decision import Validator
from lighthouse_mcp.validation.facts import Facts, facts_from_command
from lighthouse_mcp.validation.packs import example_context
from lighthouse_mcp.validation.request import make_request
from lighthouse_mcp.vocabulary import Decision

CTX = example_context()


@pytest.fixture(scope="session")
def validator() -> Validator:
    """The shipped policies, no project home, no decision cache (every call decides afresh)."""
    return Validator(PolicyProvider(None, None), ValidationConfig(cache_size=0))


def decide(validator: Validator, command: str, **kw: object) -> Decision:
    return decide_tool(validator, "Bash", {"command": command}, **kw)


def allowed(validator: Validator, command: str, **kw: object) -> None:
    got = decide(validator, command, **kw)
    assert got.decision == "allow", (command, got.reasons)


def never_allowed(validator: Validator, command: str, **kw: object) -> None:
    got = decide(validator, command, **kw)
    assert got.decision != "allow", (command, got.reasons)


def decide_tool(validator: Validator, tool: str, tool_input: dict[str, object], **kw: object) -> Decision:
    kw.setdefault("guard", CTX.guard)
    request = make_request(tool, tool_input, cwd=CTX.cwd, project=CTX.project, home=CTX.home, **kw)
    return validator.validate(request)


def facts(command: str) -> Facts:
    return facts_from_command(command, CTX)


def decide_in(validator: Validator, root: Path, tool: str, tool_input: dict[str, object]) -> tuple[str, list[str]]:
    """A tool call judged in a project at `root` (its working directory), HOME=/home/dev: the answer and its rules."""
    request = make_request(tool, tool_input, cwd=str(root), project=str(root), home="/home/dev")
    decision = validator.validate(request)
    return decision.decision, [r["rule"] for r in decision.reasons]


def origin_repo(root: Path, origin: str = "git@github.com:acme/app.git") -> Path:
    """A git repository at `root` whose `origin` is `origin`."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", origin], check=True)
    return root
