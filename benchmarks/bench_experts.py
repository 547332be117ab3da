"""Expert figures: what Lighthouse adds around an LLM call (the SDK against a local server answering at once), an
answer from the cache, the SDK import paid by the first consultation, and a delegation round trip between two
agents' servers sharing one store.

    .venv/bin/python benchmarks/bench_experts.py [--calls 200] [--rounds 50]
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

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.fake_llm import FakeLLM  # noqa: E402

ANSWER = json.dumps({"verdict": "allow", "confidence": 0.8, "analysis": "fine", "recommendations": []})


def report(name: str, value: str) -> None:
    print(f"{name:<58} {value:>30}", flush=True)


def pct(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1e3:.2f} / p99 {p99 * 1e3:.2f} ms"


def import_cost() -> None:
    for module in ("anthropic", "openai"):
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
            runs.append(time.perf_counter() - t)
        report(f"import {module} (fresh interpreter, paid by the first call)", f"{min(runs) * 1e3:.0f} ms")


async def consultations(calls: int) -> None:
    from lighthouse_mcp.config import ExpertsConfig
    from lighthouse_mcp.experts.consult import ExpertService
    from lighthouse_mcp.experts.profiles import Profile, Route

    fake = FakeLLM(default_text=ANSWER)
    profile = Profile("sec", "sec", "You review.", (Route("anthropic", "claude-sonnet-4-6"), Route("openai", "m")))
    config = ExpertsConfig(anthropic_base_url=fake.url, openai_base_url=f"{fake.url}/v1", max_retries=0)
    env = {"ANTHROPIC_API_KEY": "bench", "OPENAI_API_KEY": "bench"}
    service = ExpertService(config, {"sec": profile}, env=env)
    try:
        await service.consult(profile, "warm-up")
        fresh, cached = [], []
        for i in range(calls):
            t = time.perf_counter()
            await service.consult(profile, f"question {i}")
            fresh.append(time.perf_counter() - t)
            t = time.perf_counter()
            await service.consult(profile, f"question {i}")
            cached.append(time.perf_counter() - t)
        report("consult, Anthropic SDK to a local server (no model time)", pct(fresh))
        report("consult, answer from the cache", pct(cached))
        fake.by_model["claude-sonnet-4-6"] = ("status", 500, {})
        fallback = []
        for i in range(calls // 4):
            service.breakers["anthropic"].succeeded()  # keep the circuit closed: measure the fallback itself
            t = time.perf_counter()
            await service.consult(profile, f"fallback {i}")
            fallback.append(time.perf_counter() - t)
        report("consult, first provider 500 then the second answers", pct(fallback))
    finally:
        await service.aclose()
        fake.stop()


async def delegations(home: Path, rounds: int) -> None:
    import dataclasses

    from mcp import Client

    from lighthouse_mcp.config import AgentConfig
    from lighthouse_mcp.project import load_project
    from lighthouse_mcp.server import build_server

    project = load_project(home.parent)

    def as_agent(name: str, role: str) -> Client:
        config = dataclasses.replace(project.config, agent=AgentConfig(name, role))  # type: ignore[arg-type]
        return Client(build_server(dataclasses.replace(project, config=config)))

    async with as_agent("ben", "builder") as ben, as_agent("rex", "expert") as rex:
        await rex.call_tool("register_expert", {"capabilities": ["python"]})
        samples = []
        for i in range(rounds):
            t = time.perf_counter()
            task = await ben.call_tool("delegate_task", {"task": f"t{i}", "capabilities": ["python"], "wait_s": 0})
            got = (await rex.call_tool("next_task", {"wait_s": 5})).structured_content
            assert got is not None
            assert got["task_id"] == task.structured_content["task_id"]  # type: ignore[index]
            await rex.call_tool("complete_task", {"task_id": got["task_id"], "result": "ok"})
            done = (await ben.call_tool("get_task", {"task_id": got["task_id"], "wait_s": 5})).structured_content
            assert done is not None
            assert done["status"] == "completed"
            samples.append(time.perf_counter() - t)
    report("delegation round trip (delegate, next_task, complete, get)", pct(samples))


def main() -> None:
    import anyio

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lh-bench-experts-"))
    try:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        import_cost()
        anyio.run(consultations, args.calls)
        subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "init", str(work)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT
        )
        anyio.run(delegations, work / ".lighthouse", args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
