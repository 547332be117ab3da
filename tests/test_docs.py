"""The README documents every command, tool, resource and configuration key that exists."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from mcp import Client

from lighthouse_mcp.cli.parser import build_parser
from lighthouse_mcp.config import config_keys
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server

README = (Path(__file__).parent.parent / "README.md").read_text()


def _commands(parser: argparse.ArgumentParser, prefix: str = "lighthouse") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(f"{prefix} {name}")
                found += _commands(sub, f"{prefix} {name}")
    return found


@pytest.mark.parametrize("command", _commands(build_parser()))
def test_every_command_is_documented(command: str) -> None:
    assert command in README


@pytest.mark.parametrize("key", sorted(config_keys()))
def test_every_config_key_is_documented(key: str) -> None:
    assert f"`{key}`" in README


@pytest.mark.anyio
async def test_every_tool_and_resource_is_documented(project: Project) -> None:
    async with Client(build_server(project)) as client:
        tools = [t.name for t in (await client.list_tools()).tools]
        resources = [r.uri for r in (await client.list_resources()).resources]
    for name in tools:
        assert f"**`{name}`**" in README, name
    for uri in resources:
        assert f"`{uri}`" in README, uri
