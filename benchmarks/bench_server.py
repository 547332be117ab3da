"""MCP server figures against the budgets in docs/PERFORMANCE.md: `lighthouse serve` start to `initialize` answered, the
size of `tools/list` for each role, and a tool round trip over stdio.

    .venv/bin/python benchmarks/bench_server.py [--runs 10] [--calls 300]
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
QUIET = open(os.devnull, "w")  # noqa: SIM115 - the servers' stderr logs, for the life of the script


def report(name: str, value: str, budget: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  OVER BUDGET")
    print(f"{name:<52} {value:>26}   {budget}{verdict}", flush=True)


def params(home: Path, role: str = "builder") -> StdioServerParameters:
    env = {"LIGHTHOUSE_HOME": str(home), "PATH": os.environ.get("PATH", ""), "HOME": os.environ["HOME"]}
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "lighthouse_mcp", "serve"],
        cwd=str(home.parent),
        env={**env, "LIGHTHOUSE_AGENT__ROLE": role},
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


def pct(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1e3:.2f} / p99 {p99 * 1e3:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--calls", type=int, default=300)
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
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
