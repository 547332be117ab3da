"""`--help` everywhere, usage errors as exit 64 with one line, init and doctor."""

from __future__ import annotations

import json
import stat

import pytest

from tests.cli.conftest import Result, Runner, one_line_error

COMMANDS = [
    [],
    ["init"],
    ["serve"],
    ["doctor"],
    ["backup"],
    ["restore"],
    ["events"],
    ["events", "query"],
    ["events", "tail"],
    ["events", "verify"],
    ["events", "export"],
    ["token"],
    ["token", "issue"],
    ["token", "revoke"],
    ["token", "list"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "lighthouse")
def test_help_everywhere(cli: Runner, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert result.out.startswith("usage: lighthouse")


def test_version(cli: Runner) -> None:
    result = cli("--version")
    assert result.code == 0 and result.out.startswith("lighthouse 0.")


def test_no_command_prints_usage_and_exits_64(cli: Runner) -> None:
    result = cli()
    assert result.code == 64 and "usage: lighthouse" in result.err


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["events", "query", "--limit", "many"],
        ["events", "query", "--order", "up"],
        ["events"],
        ["init", "--bogus"],
        ["serve", "--http", "nonsense"],
        ["serve", "--http", "127.0.0.1:0"],
        ["serve", "--http", "127.0.0.1:70000"],
        ["serve", "--http", ":8080"],
        ["token"],
        ["token", "issue", "--agent", "a", "--role", "king"],
        ["token", "issue", "--agent", "a", "--role", "admin", "--ttl=0"],
        ["token", "issue", "--agent", "a", "--role", "admin", "--ttl=-5m"],
        ["token", "issue", "--agent", "a", "--role", "admin", "--ttl=400d"],
        ["token", "issue", "--agent", "a", "--role", "admin", "--ttl=soon"],
        ["token", "issue", "--agent", "../etc", "--role", "admin"],
        ["token", "issue", "--agent", "", "--role", "admin"],
        ["token", "revoke", "tok_nothing"],
        ["store", "migrate", "--to", "mysql://db.example/x"],
        ["store", "migrate", "--to", "https://h.example/store"],
    ],
)
def test_usage_errors_exit_64_with_one_line(initialised: Runner, args: list[str]) -> None:
    result = initialised(*args)
    assert result.code == 64
    line = one_line_error(result)
    assert not line.startswith("lighthouse: lighthouse"), line  # the program's name is said once
    if args[0] == "store":
        scheme = args[-1].split(":")[0]
        assert f"the scheme '{scheme}' is not one Lighthouse stores events in" in line, line
    elif args[:2] == ["events", "query"]:
        assert line.startswith("lighthouse: events query: argument --"), line  # the subcommand is named


def test_missing_home_is_a_clear_error(cli: Runner) -> None:
    for args in (["events", "query"], ["events", "verify"], ["serve"], ["doctor"], ["backup", "x.db"]):
        result = cli(*args)
        assert result.code == 64, args
        assert "run `lighthouse init`" in one_line_error(result)


def test_init_creates_the_home_once(cli: Runner) -> None:
    first = cli("init")
    assert first.code == 0
    home = cli.cwd / ".lighthouse"
    for name in ("secret.key", "config.yaml", "lighthouse.db", ".gitignore"):
        assert (home / name).exists(), name
        assert f"created {home / name}" in first.out
    assert stat.S_IMODE((home / "secret.key").stat().st_mode) == 0o600
    key = (home / "secret.key").read_text()
    second = cli("init")
    assert second.code == 0 and "nothing changed" in second.out
    assert (home / "secret.key").read_text() == key


def test_init_records_the_first_event(initialised: Runner) -> None:
    result = initialised("events", "query", "--json")
    events = [json.loads(line) for line in result.out.splitlines()]
    assert [e["type"] for e in events] == ["store.initialized"]


def test_init_claude_merges_mcp_json(cli: Runner) -> None:
    (cli.cwd / ".mcp.json").write_text(json.dumps({"mcpServers": {"other": {"command": "other-mcp"}}}))
    result = cli("init", "--claude")
    assert result.code == 0, result.err
    servers = json.loads((cli.cwd / ".mcp.json").read_text())["mcpServers"]
    assert servers["other"] == {"command": "other-mcp"}
    # nothing of this machine in a file the team commits: `lighthouse` from PATH, the home found from the project
    assert servers["lighthouse"] == {"type": "stdio", "command": "${LIGHTHOUSE_BIN:-lighthouse}", "args": ["serve"]}


def test_init_claude_refuses_to_clobber_a_broken_mcp_json(cli: Runner) -> None:
    (cli.cwd / ".mcp.json").write_text("{broken")
    result = cli("init", "--claude")
    assert result.code == 65
    assert "nothing was written" in one_line_error(result)
    assert (cli.cwd / ".mcp.json").read_text() == "{broken"


def test_init_into_a_missing_directory(cli: Runner) -> None:
    result = cli("init", "does/not/exist")
    assert result.code == 64
    one_line_error(result)


def test_bad_config_names_the_file_and_key(initialised: Runner) -> None:
    config = initialised.cwd / ".lighthouse" / "config.yaml"
    config.write_text("store:\n  synchronous: sometimes\n")
    result = initialised("events", "query")
    assert result.code == 64
    line = one_line_error(result)
    assert str(config) in line and "store.synchronous" in line


def test_unreadable_database_is_a_clear_error(initialised: Runner) -> None:
    db = initialised.cwd / ".lighthouse" / "lighthouse.db"
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    db.write_bytes(b"\x00garbage" * 1000)
    result = initialised("events", "query")
    assert result.code == 70
    assert "lighthouse.db" in one_line_error(result)


def test_doctor_checks_through_mcp_and_prints_the_snippet(initialised: Runner) -> None:
    result: Result = initialised("doctor")
    assert result.code == 0, result.err
    assert "chain     ok" in result.out
    assert "query_events" in result.out
    from lighthouse_mcp import kept_code

    kept = "kept code yes (" if kept_code.present() else "kept code no: `"
    assert kept in result.out  # the install (make) keeps it; a checkout without it is told how
    snippet = result.out[result.out.index("{") :]
    assert json.loads(snippet)["mcpServers"]["lighthouse"]["args"][-1] == "serve"
