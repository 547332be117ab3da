"""Validation figures against the budgets in docs/PERFORMANCE.md: in-process latency (uncached, cached, pack tier, Rego
tier), the rate check, and pathological inputs (the hook process: bench_hook.py; `validate_command` over MCP stdio:
bench_server.py).

    .venv/bin/python benchmarks/bench_validation.py [--rounds 20] [--calls 300]

Every figure is over the 92 commands of tests/corpus/commands.tsv unless it says otherwise.
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from lighthouse_mcp.config import ValidationConfig  # noqa: E402
from lighthouse_mcp.policy.policyset import PolicyProvider  # noqa: E402
from lighthouse_mcp.validation.decision import Validator, rego_input  # noqa: E402
from lighthouse_mcp.validation.request import facts_for, make_request  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "commands.tsv"


def report(name: str, value: str, budget: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  OVER BUDGET")
    print(f"{name:<56} {value:>28}   {budget}{verdict}", flush=True)


def pct(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def us(samples: list[float]) -> str:
    p50, p99 = pct(samples)
    return f"p50 {p50 * 1e6:,.0f} / p99 {p99 * 1e6:,.0f} µs"


def timed(fn: Callable[[], object], rounds: int, items: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        for _ in range(items):
            t = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t)
    return samples


def corpus() -> list[str]:
    return [line.split("\t")[2] for line in CORPUS.read_text().splitlines() if line.strip() and line[0] != "#"]


def requests() -> list[object]:
    return [
        make_request("Bash", {"command": c}, cwd="/home/dev/app", project="/home/dev/app", home="/home/dev")
        for c in corpus()
    ]


def in_process(rounds: int) -> None:
    reqs = requests()

    def over(validator: Validator, fresh: bool = False) -> list[float]:
        samples = []
        for _ in range(rounds):
            for request in reqs:
                if fresh:
                    validator.policies.current().rego._memo.clear()  # type: ignore[union-attr]
                t = time.perf_counter()
                validator.validate(request)  # type: ignore[arg-type]
                samples.append(time.perf_counter() - t)
        return samples

    uncached = Validator(PolicyProvider(None, None), ValidationConfig(cache_size=0))
    over(uncached)  # warm: policies loaded, regexes compiled
    cold = over(uncached, fresh=True)
    p50, p99 = pct(cold)
    report(
        "validate, uncached, Rego evaluated every time",
        us(cold),
        "p50 ≤ 300 / p99 ≤ 1,000 µs",
        p50 <= 300e-6 and p99 <= 1e-3,
    )
    warm = over(uncached)
    p50, p99 = pct(warm)
    report(
        "validate, uncached, equal Rego inputs memoised",
        us(warm),
        "p50 ≤ 300 / p99 ≤ 1,000 µs",
        p50 <= 300e-6 and p99 <= 1e-3,
    )

    cached = Validator(PolicyProvider(None, None), ValidationConfig())
    over(cached)
    hits = over(cached)
    report("validate, cached", us(hits), "p50 ≤ 10 µs", pct(hits)[0] <= 10e-6)

    policy = uncached.policies.current()
    facts_samples, pack_samples, rego_samples = [], [], []
    for _ in range(rounds):
        for request in reqs:
            t0 = time.perf_counter()
            facts = facts_for(request, max_command_bytes=65536)  # type: ignore[arg-type]
            t1 = time.perf_counter()
            findings = policy.packs.match(facts)
            t2 = time.perf_counter()
            document = rego_input(request, facts, findings, policy)  # type: ignore[arg-type]
            policy.rego._memo.clear()  # type: ignore[union-attr]
            t3 = time.perf_counter()
            policy.rego.evaluate(document)
            t4 = time.perf_counter()
            facts_samples.append(t1 - t0)
            pack_samples.append(t2 - t0)
            rego_samples.append(t4 - t3 + (t3 - t2))
    report("  of which: facts (parse, unwrap, classify)", us(facts_samples))
    report(
        "  of which: pack tier (facts + rule packs)", us(pack_samples), "p50 ≤ 100 µs", pct(pack_samples)[0] <= 100e-6
    )
    report("  of which: Rego tier (input + query)", us(rego_samples))


def pathological() -> None:
    validator = Validator(PolicyProvider(None, None), ValidationConfig(cache_size=0))
    validator.validate(make_request("Bash", {"command": "ls"}, cwd="/p", project="/p", home="/h"))  # load
    inputs = {
        "1 MB command": "echo " + "a" * 1_000_000,
        "64 KB of short words": "echo " + "a b " * 16_000,
        "200 levels of $(": "$(" * 200 + ")" * 200,
        "10,000 quotes": "'" * 10_001,
        "2,000 brace groups": "{a,b}" * 2000,
        "5,000-stage pipeline": "a|" * 5000 + "b",
        "eval nested 40 deep": "eval " * 40 + "x",
        "bash -c nested 8 deep": _nested_bash(8),
        "Unicode controls": "\u202e\u200d\ufeff" * 5000,
    }
    worst = 0.0
    for name, command in inputs.items():
        request = make_request("Bash", {"command": command}, cwd="/p", project="/p", home="/h")
        samples = timed(lambda r=request: validator.validate(r), 3, 1)  # type: ignore[misc]
        worst = max(worst, *samples)
        report(f"pathological: {name}", f"{max(samples) * 1e3:,.2f} ms")
    report("pathological: worst case", f"{worst * 1e3:,.1f} ms")


def _nested_bash(depth: int) -> str:
    import shlex

    command = "rm -rf /"
    for _ in range(depth):
        command = f"bash -c {shlex.quote(command)}"
    return command


def rate_check(home: Path, calls: int) -> None:
    """The rate check beside each decision: count the agent's decisions in the window (599, among many other agents'
    events) and, at the limit only, query the rate Rego bundle."""
    from lighthouse_mcp.agents.rates import DecisionWindow, over_limit
    from lighthouse_mcp.config import LimitsConfig
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.project import load_project

    project = load_project(home.parent)
    store = project.open_store()
    try:
        others = [NewEvent("validation.decided", {"decision": "allow"}, agent=f"other-{i % 20}") for i in range(50_000)]
        store.append_batch(others)
        store.append_batch([NewEvent("validation.decided", {"decision": "allow"}, agent="bench")] * 599)
        policy = PolicyProvider(project.home.policies_dir, project.home.path / "cache").current()
        limits = LimitsConfig(builder=600)
        rate_doc = {"agent": {"name": "x", "role": "builder"}, "count": 0, "limit": 1, "window_s": 60}
        policy.rego.query_value("data.lighthouse.rate.exceeded", rate_doc, bundled=True)  # compiles the bundle
        t = time.perf_counter()
        window = DecisionWindow(store, limits.window_s)  # a server's: every agent's decisions in the window
        over_limit(window, policy, "bench", "builder", limits)
        opened = time.perf_counter() - t
        t = time.perf_counter()
        hooks = DecisionWindow(store, limits.window_s, follow=False)  # a hook's: its agent's window, read once
        over_limit(hooks, policy, "bench", "builder", limits)
        opened_one = time.perf_counter() - t
        under = []
        for _ in range(calls):
            t = time.perf_counter()
            found = over_limit(window, policy, "bench", "builder", limits)
            under.append(time.perf_counter() - t)
        assert not found
        cold = []
        for i in range(calls):  # at a limit Rego has not been asked about yet, each time
            t = time.perf_counter()
            found = over_limit(window, policy, "bench", "builder", LimitsConfig(builder=599 - i % 599))
            cold.append(time.perf_counter() - t)
        assert found
        store.append(NewEvent("validation.decided", {"decision": "allow"}, agent="bench"))
        over = []
        for _ in range(calls):
            t = time.perf_counter()
            found = over_limit(window, policy, "bench", "builder", limits)
            over.append(time.perf_counter() - t)
        assert found
    finally:
        store.close()
    report("rate check, first in a server (reads 50,599 decisions)", f"{opened * 1e3:.0f} ms")
    report("rate check, first in a hook (reads its 599 decisions)", f"{opened_one * 1e3:.1f} ms")
    report("rate check, under the limit (no query)", us(under))
    report("rate check, at a limit not asked before (Rego queried)", us(cold))
    report("rate check, over the limit again (answer remembered)", us(over))


def tool_calls(rounds: int) -> None:
    """Tool calls judged by meaning: code a write leaves to run, fetched URLs, another server's command."""
    module = "import os, subprocess\n" + "".join(
        f"def f{i}(x):\n    subprocess.run(['git', 'log', '-n', str(x)])\n    return os.path.join('a', str(x))\n"
        for i in range(60)
    )  # about 6 KB of Python that calls things
    manifest = json.dumps({"name": "app", "scripts": {f"s{i}": f"tsc -p . && jest --ci shard={i}" for i in range(20)}})
    script = "#!/bin/sh\nset -e\n" + "echo building; make -C src all\n" * 200  # about 6 KB, 400 commands
    dockerfile = "FROM debian\n" + "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n" * 20
    calls = {
        "Write a 6 KB Python module": ("Write", {"file_path": "/home/dev/app/src/m.py", "content": module}),
        "Write package.json (20 scripts)": ("Write", {"file_path": "/home/dev/app/package.json", "content": manifest}),
        "Write a 6 KB shell script (400 commands)": ("Write", {"file_path": "/home/dev/app/b.sh", "content": script}),
        "Write a 270 KB shell script (over the limit)": (
            "Write",
            {"file_path": "/home/dev/app/c.sh", "content": script * 45},
        ),
        "Write a Dockerfile (20 RUN lines)": (
            "Write",
            {"file_path": "/home/dev/app/Dockerfile", "content": dockerfile},
        ),
        "Write a README (nothing runs)": ("Write", {"file_path": "/home/dev/app/README.md", "content": module}),
        "WebFetch with a query": ("WebFetch", {"url": "https://api.example.com/v1/items?page=2&q=lighthouse"}),
        "mcp__x__run with a command": ("mcp__term__run", {"command": "git status && npm test -- --ci"}),
    }
    validator = Validator(PolicyProvider(None, None), ValidationConfig(cache_size=0))
    for name, (tool, tool_input) in calls.items():
        request = make_request(tool, tool_input, cwd="/home/dev/app", project="/home/dev/app", home="/home/dev")
        validator.validate(request)
        samples = timed(lambda r=request: validator.validate(r), rounds, 5)  # type: ignore[misc]
        report(f"  {name}", us(samples))


def shadow_cost(home: Path, rounds: int) -> None:
    """What a shadow policy set (`policy.shadow`) adds to recording a decision: the corpus decided and its events
    made (`Gate.decide` + `Gate.recording`, nothing appended) without a shadow set and with one that overrides a rule,
    both with the decision cache off (every call decided in full) and on."""
    from lighthouse_mcp.config import load_config
    from lighthouse_mcp.project import load_project
    from lighthouse_mcp.validation.gate import Caller, Gate
    from lighthouse_mcp.validation.service import ValidationService

    (home / "next").mkdir()
    (home / "next" / "next.yaml").write_text(
        "overrides:\n  - rule: git.reset-hard\n    decision: deny\n    reason: stricter\n"
    )
    project = load_project(home.parent)
    caller = Caller("bench", "builder", "ses-bench")
    commands = corpus()
    for cache in (0, 4096):
        figures = {}
        for label, shadow in (("without", ""), ("with", "policy:\n  shadow: next\n")):
            home.joinpath("config.yaml").write_text(f"{shadow}validation:\n  cache_size: {cache}\n")
            config = load_config(home / "config.yaml")
            gate = Gate.open(ValidationService(project.home, config), expected=True)
            try:
                for command in commands:  # loads the policy sets
                    gate.recording(
                        gate.decide("Bash", {"command": command}, cwd=str(home.parent), caller=caller),
                        caller,
                        aggregate=None,
                    )
                samples = []
                for _ in range(rounds):
                    for command in commands:
                        t = time.perf_counter()
                        decision = gate.decide("Bash", {"command": command}, cwd=str(home.parent), caller=caller)
                        gate.recording(decision, caller, aggregate=None)
                        samples.append(time.perf_counter() - t)
            finally:
                gate.close()
            figures[label] = samples
        state = "decision cache off" if cache == 0 else "decision cache on"
        report(f"decide + make its events, {state}, no shadow set", us(figures["without"]))
        report("  the same with a shadow set", us(figures["with"]))
        added = statistics.median(figures["with"]) - statistics.median(figures["without"])
        report("  added by the shadow set (p50)", f"{added * 1e6:+,.0f} µs")
    home.joinpath("config.yaml").write_text("")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="passes over the corpus for in-process figures")
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lh-bench-validation-"))
    try:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {len(corpus())} corpus commands")
        in_process(args.rounds)
        tool_calls(args.rounds)
        pathological()
        subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "init", str(work)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT
        )
        home = work / ".lighthouse"
        shadow_cost(home, max(1, args.rounds // 4))
        rate_check(home, args.calls)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
