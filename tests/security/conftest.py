"""A project made by `lighthouse init --claude`, and the hook run exactly as that command wrote it into
`.claude/settings.json`: the agent under guard meets Lighthouse only there."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lighthouse_mcp.config import ValidationConfig, load_config
from lighthouse_mcp.events.model import Event
from lighthouse_mcp.home import ProjectHome
from lighthouse_mcp.policy.policyset import PolicyProvider
from lighthouse_mcp.project import Project
from lighthouse_mcp.validation.decision import Validator
from tests.conftest import LIGHTHOUSE_BIN
from tests.helpers.claude import hook_commands, run_hook_command
from tests.helpers.env import lighthouse_env
from tests.helpers.hook_server import served


@dataclass
class Answer:
    code: int
    out: str
    err: str

    @property
    def decision(self) -> str:
        """What Claude Code does with the call: deny (exit 2), ask, allow, or defer (no answer: its own rules)."""
        if self.code == 2:
            return "deny"
        assert self.code == 0, (self.code, self.err)
        if not self.out.strip():
            return "defer"
        return str(json.loads(self.out)["hookSpecificOutput"]["permissionDecision"])

    @property
    def reason(self) -> str:
        if self.out.strip():
            return (
                str(json.loads(self.out).get("hookSpecificOutput", {}).get("permissionDecisionReason", "")) + self.err
            )
        return self.err


class Guarded:
    """A project under guard: its root, the hook command `init --claude` wrote, and ways to drive both."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = ProjectHome(root / ".lighthouse")
        self.hook_command = hook_commands(root)[-1]
        self.env = lighthouse_env()

    def hook(self, event: str, tool: str, tool_input: dict[str, Any], *, timeout: float = 60, **extra: Any) -> Answer:
        data = {
            "session_id": "ses-attacker",
            "transcript_path": str(self.root / "t.jsonl"),
            "cwd": str(self.root),
            "permission_mode": "default",
            "hook_event_name": event,
            "tool_name": tool,
            "tool_input": tool_input,
            "tool_use_id": extra.pop("tool_use_id", "toolu_attack"),
            **extra,
        }
        return self.raw(json.dumps(data), timeout)

    def bash(self, command: str) -> Answer:
        return self.hook("PreToolUse", "Bash", {"command": command})

    def raw(self, stdin: str | bytes, timeout: float = 60) -> Answer:
        proc = run_hook_command(self.root, self.hook_command, stdin, self.env, timeout)
        return Answer(proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"))

    def cli(self, *args: str, timeout: float = 60) -> Answer:
        proc = subprocess.run(
            [*LIGHTHOUSE_BIN, *args], cwd=self.root, capture_output=True, text=True, check=False, timeout=timeout,
            env=self.env,
        )  # fmt: skip
        return Answer(proc.returncode, proc.stdout, proc.stderr)

    def project(self) -> Project:
        return Project(self.home, load_config(self.home.config_path, env={}))

    def events(self, type_prefix: str = "") -> list[Event]:
        store = self.project().open_store()
        try:
            return [e for e in store.read_after(0, 100_000) if e.type.startswith(type_prefix)]
        finally:
            store.close()


@contextmanager
def held_exclusively(db_path: Path, release_after_s: float = 20) -> Iterator[None]:
    """Another process's exclusive lock on the store, longer than a hook may wait (released after `release_after_s`
    at the latest, and when the block ends)."""
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(release_after_s, db.rollback)
    release.start()
    try:
        yield
    finally:
        release.cancel()
        db.rollback()
        db.close()


@pytest.fixture(params=["in-process", "hook-server"])
def guarded(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Guarded]:
    """Every test runs twice: the hook deciding in its own process, and handing the call to the project's hook
    server (as when `lighthouse serve` runs); the answers must not differ."""
    root = tmp_path / "app"
    root.mkdir()
    proc = subprocess.run(
        [*LIGHTHOUSE_BIN, "init", "--claude"], cwd=root, capture_output=True, text=True, env=lighthouse_env(),
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print('hi')\n")
    guarded = Guarded(root)
    with served(request.param, guarded.home.path, guarded.env):
        yield guarded


@pytest.fixture(scope="session")
def validator() -> Validator:
    """The shipped policies, no project home, no decision cache."""
    return Validator(PolicyProvider(None, None), ValidationConfig(cache_size=0))
