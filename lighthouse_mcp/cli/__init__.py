"""The `lighthouse` command: a thin layer over the library. Errors become one line on stderr and an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from lighthouse_mcp.errors import EXIT_INTERNAL, EXIT_USAGE, LighthouseError, UsageError


class Parser(argparse.ArgumentParser):
    """argparse, with usage mistakes raised as `UsageError` (exit 64) instead of printed and exited with 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _hook(argv: list[str]) -> int:
    """`lighthouse [--home DIR] hook`, without building the whole parser: it runs on every tool call. The process
    ends as soon as the answer is out (a policy query left running past its deadline cannot hold it, and there is
    no interpreter teardown to wait for)."""
    from lighthouse_mcp.cli import hook

    if len(argv) == 3:
        os.environ["LIGHTHOUSE_HOME"] = argv[1]
    code = hook.run(argparse.Namespace())
    os._exit(code)


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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[-1:] == ["hook"] and (len(argv) == 1 or (len(argv) == 3 and argv[0] == "--home")):
        return _hook(argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        if args.home:
            os.environ["LIGHTHOUSE_HOME"] = args.home
        if args.command is None:
            build_parser().print_help(sys.stderr)
            return EXIT_USAGE
        code: int = args.run(args)
        return code
    except LighthouseError as exc:
        print(f"lighthouse: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); point stdout at devnull so the interpreter's flush is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if debug:
            raise
        print(
            f"lighthouse: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
