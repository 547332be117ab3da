"""`lighthouse tui` in a real terminal (tmux) while another process writes about 1,000 events a second: the screen
follows the log, answers every key, and quits cleanly. Skipped with the reason when tmux is missing, unless
LIGHTHOUSE_REQUIRE_TMUX=1 (CI sets it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lighthouse_mcp.project import Project
from tests.helpers.env import lighthouse_env

WRITER = """
import sys, time
from lighthouse_mcp.project import load_project
from lighthouse_mcp.events.model import NewEvent
store = load_project().open_store()
n = 0
while True:
    started = time.monotonic()
    store.append_batch([NewEvent("test.load", {"n": n + i}, agent="writer") for i in range(100)])
    n += 100
    time.sleep(max(0.0, 0.1 - (time.monotonic() - started)))
"""


@pytest.fixture
def tmux() -> str:
    found = shutil.which("tmux")
    if found is None:
        if os.environ.get("LIGHTHOUSE_REQUIRE_TMUX") == "1":
            pytest.fail("tmux is required (LIGHTHOUSE_REQUIRE_TMUX=1) but not installed (apt-get install tmux)")
        pytest.skip("tmux is not installed (apt-get install tmux)")
    return found


@pytest.fixture
def writer(project: Project) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER], cwd=project.home.root, env=lighthouse_env(), stderr=subprocess.PIPE
    )
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_the_console_stays_responsive_under_load(
    project: Project, tmux: str, writer: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    name = f"lh-{os.getpid()}-{time.monotonic_ns()}"
    socket = str(tmp_path / "tmux.sock")
    env = lighthouse_env(TERM="xterm-256color")
    command = f"{sys.executable} -m lighthouse_mcp tui --poll 0.5; echo TUI-EXIT=$?; sleep 30"

    def tmux_run(*args: str) -> str:
        done = subprocess.run(
            [tmux, "-S", socket, *args], capture_output=True, text=True, env=env, timeout=30, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen() -> str:
        return tmux_run("capture-pane", "-p", "-t", name)

    def wait_for(check: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + 20
        while True:
            text = screen()
            if check(text):
                return text
            assert time.monotonic() < deadline, f"{what}; the screen was:\n{text}"
            time.sleep(0.1)

    tmux_run("new-session", "-d", "-s", name, "-x", "140", "-y", "40", "-c", str(project.home.root), command)
    try:
        wait_for(lambda s: "Decisions (last" in s, "the overview did not appear")
        first = int(wait_for(lambda s: bool(re.search(r"([\d,]+) events", s)), "no event count").split(" events")[0]
                    .split()[-1].replace(",", ""))  # fmt: skip
        tmux_run("send-keys", "-t", name, "3")
        timeline = wait_for(lambda s: "test.load" in s and "seq" in s, "3 did not show the timeline")
        top = int(re.findall(r"^\s*(\d+)\s+\d\d:\d\d:\d\d\s+test\.load", timeline, re.MULTILINE)[0])
        wait_for(
            lambda s: any(int(n) > top for n in re.findall(r"^\s*(\d+)\s+\d\d:\d\d:\d\d", s, re.MULTILINE)),
            "the timeline did not follow new events",
        )
        tmux_run("send-keys", "-t", name, "2")
        wait_for(lambda s: "last seen" in s, "2 did not show the sessions")
        tmux_run("send-keys", "-t", name, "1")
        later = wait_for(lambda s: "Decisions (last" in s, "1 did not show the overview")
        count = int(re.search(r"([\d,]+) events", later).group(1).replace(",", ""))  # type: ignore[union-attr]
        assert count > first  # the header kept counting while the writer wrote
        tmux_run("send-keys", "-t", name, "q")
        wait_for(lambda s: "TUI-EXIT=0" in s, "q did not quit cleanly")
    finally:
        subprocess.run([tmux, "-S", socket, "kill-server"], capture_output=True, check=False)
    assert writer.poll() is None, "the writer died"
