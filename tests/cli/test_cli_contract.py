"""The CLI's error contract, walked over every command and command group the parser has (so a new one is covered
the day it is added): `--help` exits 0 with usage; an unknown option exits 64 with exactly one line on stderr that
names the program once and the command, and what is wrong; nothing prints a traceback."""

from __future__ import annotations

import argparse

import pytest

from lighthouse_mcp.cli.parser import build_parser
from tests.cli.conftest import Runner, one_line_error


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path the parser accepts, down to the commands that take no subcommand."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        return [path]
    found: list[tuple[str, ...]] = [path] if path else []
    for name, sub in groups[0].choices.items():
        found += _leaves(sub, (*path, name))
    return found


COMMANDS = _leaves(build_parser())


def test_the_walk_finds_every_command() -> None:
    assert len(COMMANDS) >= 30 and ("events", "query") in COMMANDS and ("hook",) in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_and_refuses_an_unknown_option_in_one_line(
    initialised: Runner, command: tuple[str, ...]
) -> None:
    helped = initialised(*command, "--help")
    assert helped.code == 0 and helped.out.startswith("usage: lighthouse"), helped.err
    refused = initialised(*command, "--no-such-option", stdin="")
    assert refused.code == 64, (command, refused.code, refused.err)
    line = one_line_error(refused)
    assert line.startswith(f"lighthouse: {' '.join(command)}: "), line  # the program once, then the command
    assert "--no-such-option" in line or "are required" in line, line  # (a missing argument is said first)
