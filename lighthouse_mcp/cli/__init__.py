"""The `lighthouse` command: a thin layer over the library. Errors become one line on stderr and an exit code."""

import os
import sys

_HOOK_OPTIONS = ("--agent-kind", "--agent", "--role")


def _hook_args(argv: list[str]) -> tuple[str | None, dict[str, str]] | None:
    """(home, options) when `argv` is `[--home DIR] hook [--agent-kind KIND] [--agent NAME] [--role ROLE]`, the
    hook commands `init` writes; None for anything else (the full parser takes it)."""
    home = None
    if argv[:1] == ["--home"] and len(argv) >= 3:
        home, argv = argv[1], argv[2:]
    if argv[:1] != ["hook"] or len(argv) % 2 == 0:
        return None
    options: dict[str, str] = {}
    for flag, value in zip(argv[1::2], argv[2::2], strict=True):
        if flag not in _HOOK_OPTIONS or flag in options:
            return None
        options[flag] = value
    return home, options


def _hook(home: str | None, options: dict[str, str]) -> int:
    """`lighthouse [--home DIR] hook [--agent-kind KIND] [--agent NAME] [--role ROLE]`, without building the
    parser: it runs on every tool call (`hooks/client.py`). The process ends as soon as the answer is out (a policy
    query left running past its deadline cannot hold it, and there is no interpreter teardown to wait for). Whatever
    fails here is a block (exit 2). The cyclic garbage collector is off: importing the validator allocates much and
    frees little, collecting during it cost a hook deciding in-process 5-7 % of its time, and what one call leaves
    is freed when its process ends."""
    import gc

    gc.disable()
    agent_kind = options.get("--agent-kind")
    try:
        from lighthouse_mcp.hooks import client

        code = client.main(home, agent_kind, agent=options.get("--agent"), role=options.get("--role"))
    except BaseException as exc:
        message = f"Lighthouse blocked this call: internal error: {type(exc).__name__}: {exc}"[:1000]
        try:
            out, err, code = client.blocked(agent_kind, message)  # in the agent's terms (Cursor: its JSON as well)
        except BaseException:  # the client itself cannot be imported: the exit code still blocks
            out, err, code = b"", message.encode("utf-8", "replace"), 2
        os.write(1, out)
        os.write(2, err)
    os._exit(code)


def main(argv: list[str] | tuple[str, ...] | None = None) -> int:
    command_line = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    hook = _hook_args(argv)
    if hook is not None:
        return _hook(*hook)
    if command_line:  # a process of its own: its classes' methods and its patterns from the kept code (`kept_code`)
        from lighthouse_mcp import kept_code

        kept_code.install()
    code = _command(argv)
    if command_line:
        kept_code.save()
    engine = sys.modules.get("lighthouse_mcp.policy.engine")
    if command_line and engine is not None and engine.queries_running():
        # A policy query still runs past its deadline (rego-cpp cannot be stopped), and the interpreter's teardown
        # beside it can crash the process after its answer is out: end without one, as the hook does.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _command(argv: list[str]) -> int:
    from lighthouse_mcp.errors import EXIT_INTERNAL, EXIT_USAGE, LighthouseError  # not on the hook's path

    debug = "--debug" in argv
    try:
        from lighthouse_mcp.cli.parser import build_parser

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
