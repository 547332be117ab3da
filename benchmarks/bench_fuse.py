"""FUSE view figures against the budgets in docs/PERFORMANCE.md (stat / read of a small file p99 ≤ 1 ms; `grep -r`
over /current and /history/<seq> ≤ 3× the real tree warm, ≤ 10× cold): stat and read latency through a real mount,
`grep -r` over a generated 10,000-file project against the same grep on the real tree, and listing a
/history/<seq>/ tree on a store padded to 1,000,000 events.

    .venv/bin/python benchmarks/bench_fuse.py [--files 10000] [--events 1000000] [--samples 2000]

Needs /dev/fuse and fusermount3 (apt-get install fuse3).
"""

from __future__ import annotations

import argparse
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

from lighthouse_mcp.events.model import NewEvent  # noqa: E402
from lighthouse_mcp.project import load_project  # noqa: E402

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"]


def report(name: str, value: str, budget: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  OVER BUDGET")
    print(f"{name:<56} {value:>30}   {budget}{verdict}", flush=True)


def pct(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def lighthouse(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIGHTHOUSE_")}
    env |= {"LIGHTHOUSE_HOME": str(work / ".lighthouse"), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", *args], cwd=work, env=env, capture_output=True, text=True, check=True
    )


def generate(work: Path, files: int) -> None:
    for i in range(files):
        path = work / "src" / f"pkg{i // 100:03d}" / f"mod{i % 100:03d}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "\n".join(f"def f{j}():\n    return '{WORDS[(i + j) % len(WORDS)]} {i} {j}'" for j in range(40))
        path.write_text(body + ("\n# needle\n" if i % 97 == 0 else "\n"))


def pad(work: Path, events: int) -> None:
    project = load_project(work)
    store = project.open_store()
    try:
        started = time.perf_counter()
        missing = events - store.count()
        for start in range(0, max(0, missing), 5000):
            n = min(5000, missing - start)
            store.append_batch(
                [
                    NewEvent(
                        "validation.decided", {"command": f"ls {start + k}", "decision": "allow"}, agent=f"a{k % 20}"
                    )
                    for k in range(n)
                ]
            )
        report(f"pad the store to {events:,} events", f"{time.perf_counter() - started:,.1f} s")
    finally:
        store.close()


def latency(mnt: Path, samples: int) -> None:
    target = mnt / "current" / "src" / "pkg000" / "mod001.py"
    os.stat(target)
    stats, reads = [], []
    for _ in range(samples):
        t = time.perf_counter()
        os.stat(target)
        stats.append(time.perf_counter() - t)
        t = time.perf_counter()
        with open(target, "rb") as f:
            f.read()
        reads.append(time.perf_counter() - t)
    for name, values in (("stat of a small file", stats), ("open + read + close of a small file", reads)):
        p50, p99 = pct(values)
        report(name, f"p50 {p50 * 1e6:,.0f} / p99 {p99 * 1e6:,.0f} µs", "p99 ≤ 1 ms", p99 <= 1e-3)


def last_file_seq(work: Path) -> int:
    from lighthouse_mcp.events.query import EventFilter

    store = load_project(work).open_store()
    try:
        seq: int = store.query(EventFilter(types=("file",), order="desc", limit=1)).events[0].seq
        return seq
    finally:
        store.close()


def grep_ratio(work: Path, mnt: Path) -> None:
    """`grep -r -l` over the real tree (best of three), then over /current and /history/<seq> of the mount: the
    first run after mounting (cold: every file read from the store), the second (warm) and the best of three more."""

    def timed(path: Path) -> tuple[float, int]:
        t = time.perf_counter()
        out = subprocess.run(["grep", "-r", "-l", "needle", str(path)], capture_output=True, text=True, check=False)
        return time.perf_counter() - t, len(out.stdout.split())

    real, real_hits = min(timed(work / "src") for _ in range(3))
    report("grep -r over the real tree (best of 3)", f"{real * 1e3:,.0f} ms ({real_hits} files)")
    for label, tree in (("/current", mnt / "current"), ("/history/<seq>", mnt / "history" / str(last_file_seq(work)))):
        cold, hits = timed(tree / "src")
        assert hits == real_hits, (label, hits, real_hits)
        second, _ = timed(tree / "src")
        steady = min(timed(tree / "src")[0] for _ in range(3))
        report(f"grep -r over {label}, cold", f"{cold * 1e3:,.0f} ms, {cold / real:.1f}×", "≤ 10×", cold <= 10 * real)
        report("  second run", f"{second * 1e3:,.0f} ms, {second / real:.1f}×", "≤ 3×", second <= 3 * real)
        report("  best of three more", f"{steady * 1e3:,.0f} ms, {steady / real:.1f}×", "≤ 3×", steady <= 3 * real)


def history_listing(work: Path, mnt: Path) -> None:
    project = load_project(work)
    store = project.open_store()
    try:
        total = store.count()
    finally:
        store.close()
    seq = last_file_seq(work) - 1  # a tree the greps above did not fold
    for label in ("first (folds the file events)", "again (remembered)"):
        t = time.perf_counter()
        out = subprocess.run(["find", str(mnt / "history" / str(seq)), "-type", "f"], capture_output=True, check=True)
        elapsed = time.perf_counter() - t
        report(
            f"find /history/<seq>, {total:,} events, {label}",
            f"{elapsed * 1e3:,.0f} ms ({len(out.stdout.split())} files)",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()
    if not os.path.exists("/dev/fuse") or shutil.which("fusermount3") is None:
        sys.exit("bench_fuse: needs /dev/fuse and fusermount3 (apt-get install fuse3)")
    work = Path(tempfile.mkdtemp(prefix="lh-bench-fuse-"))
    mnt = Path(tempfile.mkdtemp(prefix="lh-bench-mnt-"))
    try:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.files:,} files")
        lighthouse(work, "init")
        generate(work, args.files)
        t = time.perf_counter()
        print(lighthouse(work, "snapshot").stdout.strip())
        report(f"lighthouse snapshot of {args.files:,} files", f"{time.perf_counter() - t:,.1f} s")
        lighthouse(work, "mount", str(mnt), "--background")
        try:
            latency(mnt, args.samples)
            grep_ratio(work, mnt)
            pad(work, args.events)
            history_listing(work, mnt)
            latency(mnt, args.samples)
        finally:
            lighthouse(work, "unmount", str(mnt))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(mnt, ignore_errors=True)


if __name__ == "__main__":
    main()
