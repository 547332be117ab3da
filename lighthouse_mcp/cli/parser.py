"""The `lighthouse` command line: every command's parser. Only built when a command other than `hook` runs."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TypeAlias

from lighthouse_mcp.errors import UsageError


class Parser(argparse.ArgumentParser):
    """argparse, with usage mistakes raised as `UsageError` (exit 64) instead of printed and exited with 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        where = self.prog.partition(" ")[2]  # the subcommand; the program's own name is said once, by main
        raise UsageError(f"{where + ': ' if where else ''}{message} (see --help)")

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """As argparse, but words left over are blamed on the command they were given to, not on the program."""
        Parser.chosen = ""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            where = Parser.chosen.partition(" ")[2]
            message = f"unrecognized arguments: {' '.join(extras)}"
            raise UsageError(f"{where + ': ' if where else ''}{message} (see --help)")
        return parsed

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        result = super().parse_known_args(args, namespace)
        Parser.chosen = Parser.chosen or self.prog  # the innermost command's parser finishes first
        return result

    chosen: str = ""  # the `prog` of the command the last parse chose (`lighthouse events query`)


# What each command module's `register` adds its parser to.
Commands: TypeAlias = "argparse._SubParsersAction[Parser]"


def build_parser() -> Parser:
    from lighthouse_mcp import __version__
    from lighthouse_mcp.cli import (
        approvals,
        backup,
        check,
        doctor,
        events,
        hook,
        init,
        mount,
        policy,
        scan,
        serve,
        snapshot,
        store,
        taint,
        token,
        tui,
    )

    parser = Parser(prog="lighthouse", description="Safety and coordination layer for LLM coding agents.")
    parser.add_argument("--version", action="version", version=f"lighthouse {__version__}")
    parser.add_argument("--home", metavar="DIR", help="project home (.lighthouse/) to use instead of searching")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in (
        init,
        serve,
        hook,
        check,
        scan,
        policy,
        events,
        approvals,
        taint,
        token,
        snapshot,
        mount,
        tui,
        backup,
        store,
        doctor,
    ):
        module.register(commands)
    return parser
