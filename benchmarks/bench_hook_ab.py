"""`lighthouse hook` in-process (no hook server), two versions of the code side by side: one call of each in turn,
so that both meet the same load on a shared machine. Each version is a directory holding a `lighthouse_mcp`
package (a checkout, or `git archive COMMIT lighthouse_mcp | tar -x -C DIR`), put first on PYTHONPATH. Prints the
p50 and p99 of wall time and the p50 of processor time (user + system) of the hook process, and whether both
versions answered alike.

    .venv/bin/python benchmarks/bench_hook_ab.py BEFORE_DIR AFTER_DIR [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_hook import hook_inputs


def call(command: list[str], data: bytes, env: dict[str, str]) -> tuple[float, float, tuple[int, bytes]]:
    """Wall and processor seconds of one hook process, and its exit code and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, input=data, capture_output=True, check=False, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, (done.returncode, done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("versions", nargs=2, help="directories holding the lighthouse_mcp package to compare")
    parser.add_argument("--runs", type=int, default=30, help="hook processes per version and figure")
    args = parser.parse_args()
    lighthouse = Path(sys.executable).parent / "lighthouse"
    base = [str(lighthouse)] if lighthouse.exists() else [sys.executable, "-m", "lighthouse_mcp"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIGHTHOUSE_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["LIGHTHOUSE_LIMITS__BUILDER"] = str(10**7)  # the benchmark's calls are not to hit the rate limit
    envs = {v: {**env, "PYTHONPATH": os.path.abspath(v)} for v in args.versions}
    work = Path(tempfile.mkdtemp(prefix="lh-bench-hook-ab-"))
    try:
        subprocess.run([*base, "init", str(work)], check=True, stdout=subprocess.DEVNULL, env=envs[args.versions[0]])
        command = [*base, "--home", str(work / ".lighthouse"), "hook"]
        for name, inputs in hook_inputs(work).items():
            samples: dict[str, list[tuple[float, float]]] = {v: [] for v in args.versions}
            answers = {v: call(command, inputs[0], envs[v])[2] for v in args.versions}  # also fills the caches
            for i in range(args.runs):
                for version in args.versions:
                    wall, cpu, _ = call(command, inputs[i % len(inputs)], envs[version])
                    samples[version].append((wall, cpu))
            print(name)
            for version in args.versions:
                walls = sorted(w for w, _ in samples[version])
                p99 = walls[min(len(walls) - 1, int(len(walls) * 0.99))]
                cpu = statistics.median(c for _, c in samples[version])
                print(
                    f"  {version:<40} wall p50 {statistics.median(walls) * 1e3:6.1f} / p99 {p99 * 1e3:6.1f} ms,"
                    f" CPU p50 {cpu * 1e3:6.1f} ms"
                )
            print("  same answer" if len(set(answers.values())) == 1 else "  ANSWERS DIFFER", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
