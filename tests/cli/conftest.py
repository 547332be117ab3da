"""Run the real `lighthouse` command in a subprocess and capture what a user would see."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.hook_server import hook_server

REPO = Path(__file__).parent.parent.parent


@dataclass
class Result:
    code: int
    out: str
    err: str


class Runner:
    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("LIGHTHOUSE_")}
        self.env["PYTHONPATH"] = str(REPO)

    def __call__(self, *args: str, stdin: str | None = None, timeout: float = 60, **env: str) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", *args],
            cwd=self.cwd,
            input=stdin,
            capture_output=True,
            check=False,
            text=True,
            timeout=timeout,
            env={**self.env, **env},
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "lighthouse_mcp", *args],
            cwd=self.cwd,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env,
        )


@pytest.fixture
def cli(tmp_path: Path) -> Runner:
    """A runner in an empty directory (no project home)."""
    work = tmp_path / "work"
    work.mkdir()
    return Runner(work)


@pytest.fixture
def initialised(cli: Runner) -> Runner:
    """A runner in a directory where `lighthouse init` has run."""
    result = cli("init")
    assert result.code == 0, result.err
    return cli


def hook_paths(runner: Runner, path: str) -> Iterator[Runner]:
    """For a fixture that runs each hook test twice: deciding in the hook's own process, and through the project's
    hook server (as when `lighthouse serve` runs)."""
    if path == "in-process":
        yield runner
        return
    with hook_server(runner.cwd / ".lighthouse", runner.env):
        yield runner


def one_line_error(result: Result) -> str:
    """The error contract: exactly one line on stderr, starting with `lighthouse:`, no traceback."""
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("lighthouse: ")
    return lines[0]
