"""MCP server figures against the budgets in docs/PERFORMANCE.md: `lighthouse serve` start to `initialize` answered, the
size of `tools/list` for each role, tool round trips over stdio, and `validate_command` against a trivial tool on
the same SDK, the two servers open at once and called in turn (the machine's load falls on both alike).

    .venv/bin/python benchmarks/bench_server.py [--runs 10] [--calls 300] [--gap-calls 2000]

The servers run this checkout's code (PYTHONPATH), so a copy of the script in another checkout measures that one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client

ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "tests" / "corpus" / "commands.tsv"
QUIET = open(os.devnull, "w")  # noqa: SIM115 - the servers' stderr logs, for the life of the script
GAP_BUDGET_S = 0.3e-3
WARM_UP = 100  # calls before the samples: every corpus command decided once, the servers' caches warm

TRIVIAL_SERVER = """
from mcp.server.mcpserver import MCPServer
server = MCPServer("trivial")

@server.tool()
def echo(text: str) -> str:
    \"\"\"Return the text.\"\"\"
    return text

server.run()
"""


def report(name: str, value: str, budget: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  OVER BUDGET")
    print(f"{name:<52} {value:>26}   {budget}{verdict}", flush=True)


def params(home: Path, role: str = "builder", **env: str) -> StdioServerParameters:
    env = {"LIGHTHOUSE_HOME": str(home), "PATH": os.environ.get("PATH", ""), "HOME": os.environ["HOME"], **env}
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "lighthouse_mcp", "serve"],
        cwd=str(home.parent),
        env={**env, "LIGHTHOUSE_AGENT__ROLE": role, "PYTHONPATH": str(ROOT)},
    )


async def start_to_initialize(home: Path, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        async with stdio_client(params(home), errlog=QUIET) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            samples.append(time.perf_counter() - t)
    return samples


async def tool_list(home: Path, role: str) -> tuple[int, int]:
    """How many tools a caller with `role` is listed, and the list's size in characters of JSON."""
    async with stdio_client(params(home, role), errlog=QUIET) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
    return len(tools.tools), len(json.dumps(tools.model_dump(by_alias=True, exclude_none=True)))


async def round_trips(home: Path, calls: int) -> tuple[list[float], list[float]]:
    async with stdio_client(params(home), errlog=QUIET) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        trivial, query = [], []
        for _ in range(calls):
            t = time.perf_counter()
            await session.send_ping()
            trivial.append(time.perf_counter() - t)
            t = time.perf_counter()
            await session.call_tool("query_events", {"limit": 10})
            query.append(time.perf_counter() - t)
    return trivial, query


async def beside_trivial(home: Path, calls: int) -> dict[str, list[float]]:
    """Round trips on Lighthouse's server and on a trivial server of the same SDK, open at once and called in turn:
    `validate_command` (the corpus' commands in turn; each decision recorded, the rate limit checked but never
    reached) against the trivial server's `echo` tool, and `ping` on each (what the transports alone cost)."""
    commands = [line.split("\t")[2] for line in CORPUS.read_text().splitlines() if line.strip() and line[0] != "#"]
    ours = params(home, LIGHTHOUSE_LIMITS__BUILDER=str(10**7))
    trivial = StdioServerParameters(command=sys.executable, args=["-c", TRIVIAL_SERVER], env=ours.env)
    async with (
        stdio_client(ours, errlog=QUIET) as (read, write),
        ClientSession(read, write) as lighthouse,
        stdio_client(trivial, errlog=QUIET) as (trivial_read, trivial_write),
        ClientSession(trivial_read, trivial_write) as echo,
    ):
        await lighthouse.initialize()
        await echo.initialize()
        calls_in_turn = {
            "echo": lambda i: echo.call_tool("echo", {"text": "x"}),
            "validate_command": lambda i: lighthouse.call_tool(
                "validate_command", {"command": commands[i % len(commands)]}
            ),
            "trivial ping": lambda i: echo.send_ping(),
            "ping": lambda i: lighthouse.send_ping(),
        }
        samples: dict[str, list[float]] = {name: [] for name in calls_in_turn}
        for i in range(WARM_UP + calls):
            for name, call in calls_in_turn.items():
                t = time.perf_counter()
                await call(i)
                samples[name].append(time.perf_counter() - t)
    return {name: taken[WARM_UP:] for name, taken in samples.items()}


def paired(ours: list[float], theirs: list[float]) -> float:
    """The median of the differences between calls made one after the other."""
    return statistics.median(a - b for a, b in zip(ours, theirs, strict=True))


def pct(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1e3:.2f} / p99 {p99 * 1e3:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--gap-calls", type=int, default=2000, help="validate_command and trivial calls, each")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lh-bench-server-"))
    try:
        subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "init", str(work)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT
        )
        home = work / ".lighthouse"
        starts = anyio.run(start_to_initialize, home, args.runs)
        report("serve start to initialize answered", pct(starts), "≤ 1.5 s", statistics.median(starts) <= 1.5)
        for role in ("builder", "reviewer", "expert", "admin"):
            count, size = anyio.run(tool_list, home, role)
            report(f"tools/list size, {role} ({count} tools)", f"{size:,} chars", "≤ 24,000", size <= 24_000)
        trivial, query = anyio.run(round_trips, home, args.calls)
        report("stdio round trip: ping", pct(trivial))
        report("stdio round trip: query_events (10 events)", pct(query))
        taken = anyio.run(beside_trivial, home, args.gap_calls)
        report("stdio round trip: trivial echo tool (same SDK)", pct(taken["echo"]))
        report("stdio round trip: validate_command (records)", pct(taken["validate_command"]))
        gap = paired(taken["validate_command"], taken["echo"])
        budget = f"≤ +{GAP_BUDGET_S * 1e3:.1f} ms"
        report(
            "validate_command − trivial tool (p50 of call pairs)", f"{gap * 1e3:+.2f} ms", budget, gap <= GAP_BUDGET_S
        )
        report(
            "ping, Lighthouse − trivial server (p50 of call pairs)",
            f"{paired(taken['ping'], taken['trivial ping']) * 1e3:+.2f} ms",
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
