"""`lighthouse hook` wall time, as Claude Code pays it (a fresh process per tool call), side by side:

- the floor: a bare `python3 -I -S -c pass`, this install's interpreter with its site packages, and a minimal Node
  hook (reads the JSON, answers `{}`) when `node` is installed;
- the hook deciding in its own process (no server), also with PYTHONDONTWRITEBYTECODE=1 (no bytecode written);
- the hook handing the call to the project's hook server (as while `lighthouse serve` runs).

Each for a PreToolUse allow and deny, and a PostToolUse of a 4 KB fetched page, clean and with an injection; and an
allow and a deny in each other agent's dialect (Gemini CLI, Codex CLI, Cursor: `--agent-kind`). Calls follow each
other at once, and through the server also `--gap-ms` apart (an agent's calls are a model turn apart).

    .venv/bin/python benchmarks/bench_hook.py [--runs 40]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from bench_scan import answer  # noqa: E402

from tests.helpers.codex import codex_input  # noqa: E402
from tests.helpers.cursor import cursor_input  # noqa: E402
from tests.helpers.gemini import gemini_input  # noqa: E402
from tests.helpers.hook_server import hook_server  # noqa: E402

_FIGURES = itertools.count()
NODE_HOOK = "let d='';process.stdin.on('data',c=>d+=c).on('end',()=>{JSON.parse(d);process.stdout.write('{}\\n')})"


def report(
    name: str, samples: list[float], budget: str = "", limit: float | None = None, p99_limit: float | None = None
) -> float:
    """Print a figure's p50 and p99, and whether they are within `limit` (p50) and `p99_limit`; returns the p50."""
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    within = (limit is None or p50 <= limit) and (p99_limit is None or p99 <= p99_limit)
    verdict = "" if limit is None and p99_limit is None else ("  ok" if within else "  OVER BUDGET")
    print(f"{name:<58} p50 {p50 * 1e3:6.1f} / p99 {p99 * 1e3:6.1f} ms   {budget}{verdict}", flush=True)
    return p50


def wall(
    command: list[str], inputs: list[bytes], runs: int, env: dict[str, str] | None = None, gap_s: float = 0.0
) -> list[float]:
    """Wall time of `runs` processes of `command`, one after the other, `gap_s` apart (not timed)."""
    if env is not None:  # each figure's calls by an agent of their own: its rate window holds only them
        env = {**env, "LIGHTHOUSE_AGENT__NAME": f"bench-{next(_FIGURES)}"}
    subprocess.run(command, input=inputs[0], capture_output=True, check=False, env=env)  # fills the caches
    samples = []
    for i in range(runs):
        time.sleep(gap_s)
        started = time.perf_counter()
        subprocess.run(command, input=inputs[i % len(inputs)], capture_output=True, check=False, env=env)
        samples.append(time.perf_counter() - started)
    return samples


def hook_inputs(work: Path) -> dict[str, list[bytes]]:
    def event(i: int, name: str, tool: str, tool_input: dict[str, str], **extra: object) -> bytes:
        data = {
            "session_id": "bench",
            "transcript_path": str(work / "t.jsonl"),
            "cwd": str(work),
            "hook_event_name": name,
            "tool_name": tool,
            "tool_input": tool_input,
            "tool_use_id": f"t{i}",
            **extra,
        }
        return json.dumps(data).encode()

    fetch = {"url": "https://docs.example.com/page", "prompt": "summarize"}
    return {
        "PreToolUse allow (ls, git status, …)": [
            event(i, "PreToolUse", "Bash", {"command": c})
            for i, c in enumerate(["ls -la", "git status", "pytest -q tests", "cat README.md"])
        ],
        "PreToolUse deny (rm -rf /)": [event(0, "PreToolUse", "Bash", {"command": "rm -rf /"})],
        "PostToolUse 4 KB page, clean": [
            event(i, "PostToolUse", "WebFetch", fetch, tool_response={"result": answer(4096, dirty=False)})
            for i in range(4)
        ],
        "PostToolUse 4 KB page, injected": [
            event(i, "PostToolUse", "WebFetch", fetch, tool_response={"result": answer(4096, dirty=True)})
            for i in range(4)
        ],
    }


def dialect_inputs(work: Path) -> dict[str, tuple[str, list[bytes]]]:
    """The other agents' hook inputs for an allow and a deny, each with the `--agent-kind` init writes for it."""
    allow, deny = ["ls -la", "git status", "pytest -q tests", "cat README.md"], ["rm -rf /"]

    def gemini(commands: list[str]) -> list[bytes]:
        return [gemini_input(work, "BeforeTool", "run_shell_command", {"command": c}).encode() for c in commands]

    def codex(commands: list[str]) -> list[bytes]:
        return [codex_input(work, "PreToolUse", "Bash", {"command": c}).encode() for c in commands]

    def cursor(commands: list[str]) -> list[bytes]:
        return [cursor_input(work, "beforeShellExecution", command=c, cwd=str(work)).encode() for c in commands]

    return {
        f"{agent} {what}": (kind, build(commands))
        for agent, kind, build in (
            ("Gemini CLI", "gemini", gemini),
            ("Codex CLI", "codex", codex),
            ("Cursor", "cursor", cursor),
        )
        for what, commands in (("allow", allow), ("deny (rm -rf /)", deny))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40, help="hook processes per figure")
    parser.add_argument("--gap-ms", type=int, default=250, help="pause between calls in the last set of figures")
    args = parser.parse_args()
    lighthouse = Path(sys.executable).parent / "lighthouse"
    base = [str(lighthouse)] if lighthouse.exists() else [sys.executable, "-m", "lighthouse_mcp"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIGHTHOUSE_")}
    env["LIGHTHOUSE_LIMITS__BUILDER"] = str(10**7)  # the benchmark's calls are not to hit the rate limit

    print("floor")
    bare = os.path.realpath(sys.executable)  # the interpreter itself, not a launcher or shim in front of it
    floor = report("bare python3 -I -S -c pass", wall([bare, "-I", "-S", "-c", "pass"], [b""], args.runs))
    report("this install's python -c pass (with site)", wall([sys.executable, "-c", "pass"], [b""], args.runs))
    if shutil.which("node"):
        report("a minimal Node hook (parse, answer {})", wall(["node", "-e", NODE_HOOK], [b"{}"], args.runs))
    else:
        print("(node is not installed: no Node hook to compare with)")

    work = Path(tempfile.mkdtemp(prefix="lh-bench-hook-"))
    try:
        subprocess.run([*base, "init", str(work)], check=True, stdout=subprocess.DEVNULL, env=env)
        home = work / ".lighthouse"
        command = [*base, "--home", str(home), "hook"]
        inputs = hook_inputs(work)
        print("\nin-process (no hook server)")
        for name, texts in inputs.items():
            budget = "p50 ≤ 60 ms" if name.startswith("PreToolUse") else "p50 ≤ 150 ms"
            report(name, wall(command, texts, args.runs, env), budget, 0.060 if "Pre" in name else 0.150)
        nobytecode = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
        name = "PreToolUse allow (ls, git status, …)"
        report(f"{name}, no bytecode written", wall(command, inputs[name], args.runs, nobytecode))
        dialects = dialect_inputs(work)
        print("\nthe other agents' dialects, in-process")
        for name, (kind, texts) in dialects.items():
            report(name, wall([*command, "--agent-kind", kind], texts, args.runs, env), "p50 ≤ 60 ms", 0.060)
        print("\nthrough the hook server (lighthouse serve running)")
        with hook_server(home, env):
            budget = f"p50 ≤ 2.5× bare ({2.5 * floor * 1e3:.1f} ms), p99 ≤ 40 ms"
            for name, texts in inputs.items():
                report(name, wall(command, texts, args.runs, env), budget, 2.5 * floor, 0.040)
            for name, (kind, texts) in dialects.items():
                hooked = [*command, "--agent-kind", kind]
                report(name, wall(hooked, texts, args.runs, env), budget, 2.5 * floor, 0.040)
            # An agent's calls are a model turn apart: time for the server to have its spares ready again.
            print(f"\nthrough the hook server, calls {args.gap_ms} ms apart (--gap-ms)")
            for name, texts in inputs.items():
                samples = wall(command, texts, args.runs, env, args.gap_ms / 1000)
                report(name, samples, budget, 2.5 * floor, 0.040)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
