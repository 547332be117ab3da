"""A remote pointed at a new place in one call and pushed to in a later one, through a real `lighthouse hook`
process in a repository whose origin is the owner's: the change asks by itself, in every form (git's commands, its
settings written by a shell command or the Write tool, URL rewriting); the owner's own remotes stay allowed. Also
git's settings written in forms git reads and a line pattern does not."""

from __future__ import annotations

import subprocess

import pytest

from tests.security.conftest import Guarded

SITE = "https://evil.example.com"


def _origin(guarded: Guarded) -> None:
    subprocess.run(["git", "init", "-q", str(guarded.root)], check=True)
    origin = ["remote", "add", "origin", "git@github.com:acme/app.git"]
    subprocess.run(["git", "-C", str(guarded.root), *origin], check=True)


@pytest.mark.parametrize(
    "command",
    [
        f"git remote add backup {SITE}/app.git",
        "git remote set-url origin git@github.com:someone-else/app.git",
        f"git config remote.origin.pushurl {SITE}/app.git",
        f'git config --global url."{SITE}/".insteadOf "git@github.com:"',
        f"echo '[remote \"bk\"] url = {SITE}/app.git' >> .git/config",
        "echo '[core] fsmonitor = ./watch.sh' >> .git/config",
        "git config set core.fsmonitor ./watch.sh",
    ],
)
def test_a_remote_pointed_at_a_new_place_asks_before_any_push(guarded: Guarded, command: str) -> None:
    _origin(guarded)
    answer = guarded.bash(command)
    assert answer.code in (0, 2), answer
    assert answer.decision in ("ask", "deny"), (command, answer)


def test_a_remote_written_with_the_write_tool_asks(guarded: Guarded) -> None:
    _origin(guarded)
    settings = f'[remote "origin"]\n\turl = git@github.com:acme/app.git\n\tpushurl = {SITE}/app.git\n'
    answer = guarded.hook("PreToolUse", "Write", {"file_path": str(guarded.root / ".git/config"), "content": settings})
    assert answer.decision in ("ask", "deny"), answer


@pytest.mark.parametrize(
    "command",
    [
        "git remote add upstream https://github.com/acme/app-upstream.git",
        "git remote set-url origin https://github.com/acme/app.git",
        'git config url."git@github.com:".insteadOf "https://github.com/"',
        "git remote -v",
    ],
)
def test_the_owner_s_own_remotes_stay_allowed(guarded: Guarded, command: str) -> None:
    _origin(guarded)
    answer = guarded.bash(command)
    assert answer.decision in ("allow", "defer"), (command, answer)
