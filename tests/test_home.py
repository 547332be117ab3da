"""The project home: discovery, creation without overwriting, the key file and `.mcp.json` merging."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from lighthouse_mcp.errors import DataError, HomeNotFoundError, StoreError
from lighthouse_mcp.home import (
    HOME_DIR,
    ProjectHome,
    commented_config,
    create_home,
    find_home,
    hook_command,
    is_lighthouse_hook,
    mcp_server_entry,
    merge_mcp_json,
    read_key,
    require_home,
)


def test_found_by_walking_up(tmp_path: Path) -> None:
    create_home(ProjectHome(tmp_path / HOME_DIR))
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert find_home(deep, env={}) == ProjectHome(tmp_path / HOME_DIR)
    assert find_home(deep, env={}).root == tmp_path  # type: ignore[union-attr]


def test_env_override_wins(tmp_path: Path) -> None:
    create_home(ProjectHome(tmp_path / HOME_DIR))
    other = tmp_path / "elsewhere"
    assert find_home(tmp_path, env={"LIGHTHOUSE_HOME": str(other)}) == ProjectHome(other)


def test_missing_home_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(HomeNotFoundError, match="run `lighthouse init`"):
        require_home(tmp_path, env={})
    with pytest.raises(HomeNotFoundError, match="is not a directory"):
        require_home(tmp_path, env={"LIGHTHOUSE_HOME": str(tmp_path / "missing")})


def test_create_home_makes_a_private_key_and_a_commented_config(tmp_path: Path) -> None:
    home = ProjectHome(tmp_path / HOME_DIR)
    created = create_home(home)
    assert len(created) == 4
    assert stat.S_IMODE(home.key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.path.stat().st_mode) == 0o700
    assert len(read_key(home.key_path)) == 32
    assert "secret.key" in (home.path / ".gitignore").read_text()
    text = home.config_path.read_text()
    assert "# agent:" in text and "\nagent:" not in text


def test_create_home_never_overwrites(tmp_path: Path) -> None:
    home = ProjectHome(tmp_path / HOME_DIR)
    create_home(home)
    key = home.key_path.read_text()
    home.config_path.write_text("agent: {name: mine}\n")
    assert create_home(home) == []
    assert home.key_path.read_text() == key
    assert home.config_path.read_text() == "agent: {name: mine}\n"


def test_commented_config_loads_as_empty() -> None:
    import yaml

    assert yaml.safe_load(commented_config()) is None


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    home = ProjectHome(tmp_path / HOME_DIR)
    create_home(home)
    os.chmod(home.key_path, 0o644)
    with pytest.raises(StoreError, match="chmod 600"):
        read_key(home.key_path)


@pytest.mark.parametrize("content", ["not hex at all", "abcd", ""])
def test_malformed_key_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "secret.key"
    path.write_text(content)
    os.chmod(path, 0o600)
    with pytest.raises(DataError, match="hexadecimal digits"):
        read_key(path)


def test_missing_key(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="missing"):
        read_key(tmp_path / "secret.key")


def test_mcp_json_keeps_other_servers(tmp_path: Path) -> None:
    target = tmp_path / ".mcp.json"
    target.write_text(json.dumps({"mcpServers": {"github": {"command": "gh-mcp"}}, "other": 1}))
    entry = mcp_server_entry("ann", "reviewer")
    assert merge_mcp_json(target, "lighthouse", entry) is True
    document = json.loads(target.read_text())
    assert document["mcpServers"]["github"] == {"command": "gh-mcp"}
    assert document["other"] == 1
    assert document["mcpServers"]["lighthouse"] == {
        "type": "stdio",
        "command": "${LIGHTHOUSE_BIN:-lighthouse}",
        "args": ["serve"],
        "env": {"LIGHTHOUSE_AGENT__NAME": "ann", "LIGHTHOUSE_AGENT__ROLE": "reviewer"},
    }
    assert merge_mcp_json(target, "lighthouse", entry) is False


def test_the_hook_command_names_the_agent_and_no_path() -> None:
    command = hook_command("ann o'neil", "builder")
    assert command.startswith("LIGHTHOUSE_AGENT__NAME='ann o'\"'\"'neil' LIGHTHOUSE_AGENT__ROLE=builder ")
    assert '"${LIGHTHOUSE_BIN:-lighthouse}" --home "${CLAUDE_PROJECT_DIR:-.}/.lighthouse" hook' in command
    assert is_lighthouse_hook(command) and not is_lighthouse_hook("prettier --write")


def test_the_home_gitignore_gains_what_a_newer_version_keeps_local(tmp_path: Path) -> None:
    home = ProjectHome(tmp_path / HOME_DIR)
    home.path.mkdir()
    (home.path / ".gitignore").write_text("secret.key\n*.db\n")
    create_home(home)
    lines = (home.path / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["secret.key", "*.db"]
    assert {"anchor.json", "hook.sock", "mnt/", "*.log"} <= set(lines)
    assert lines.count("secret.key") == 1


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"mcpServers": []}'])
def test_malformed_mcp_json_is_left_alone(tmp_path: Path, content: str) -> None:
    target = tmp_path / ".mcp.json"
    target.write_text(content)
    with pytest.raises(DataError, match="nothing was written"):
        merge_mcp_json(target, "lighthouse", {"command": "x"})
    assert target.read_text() == content
