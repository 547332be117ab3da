"""TUI figures against the budgets in docs/PERFORMANCE.md (start on 1,000,000 events ≤ 1.5 s, memory ≤ 250 MB): start-up
to the first data on screen, peak memory, and the cost of a refresh while 1,000 events per second arrive. The app runs
headless (Textual's test driver) in this process.

    .venv/bin/python benchmarks/bench_tui.py [--events 1000000] [--seconds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from lighthouse_mcp.events.model import NewEvent  # noqa: E402
from lighthouse_mcp.project import load_project  # noqa: E402


def report(name: str, value: str, budget: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  OVER BUDGET")
    print(f"{name:<56} {value:>24}   {budget}{verdict}", flush=True)


def build(work: Path, events: int) -> None:
    store = load_project(work).open_store()
    try:
        started = time.perf_counter()
        types = ["validation.decided", "response.scanned", "tool.ran", "file.changed"]
        for start in range(0, events, 5000):
            batch = []
            for i in range(start, min(events, start + 5000)):
                payload = {"command": f"ls {i}", "decision": ("allow", "ask", "deny")[i % 3], "latency_us": i % 900}
                batch.append(NewEvent(types[i % 4], payload, agent=f"agent-{i % 12}", session=f"ses_{i // 500}"))
            store.append_batch(batch)
        report(f"build a {events:,}-event store", f"{time.perf_counter() - started:,.1f} s")
    finally:
        store.close()


async def start(work: Path, label: str) -> None:
    from tui.app import LighthouseTUI

    started = time.perf_counter()
    app = LighthouseTUI(load_project(work), poll=None)
    async with app.run_test(size=(160, 50)) as pilot:
        while app.data is None:
            await pilot.pause(0.01)
        first = time.perf_counter() - started
        while not app.shown_ready:
            await pilot.pause(0.01)
        sessions = time.perf_counter() - started
    report(f"start to first data on screen, {label}", f"{first * 1e3:,.0f} ms", "≤ 1.5 s", first <= 1.5)
    report("  ... to the sessions (the folded log) on screen", f"{sessions * 1e3:,.0f} ms")


async def measure(work: Path, seconds: float) -> None:
    from textual.widgets import DataTable
    from textual.worker import WorkerCancelled

    from tui.app import LighthouseTUI

    await start(work, "first ever (no state snapshots yet)")
    await start(work, "next time")
    project = load_project(work)
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(160, 50)) as pilot:
        while app.data is None:
            await pilot.pause(0.01)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report("peak memory (RSS) of the process", f"{rss_mb:,.0f} MB", "≤ 250 MB", rss_mb <= 250)
        t = time.perf_counter()
        while not app.reader.chain.startswith(("intact", "BROKEN")):
            await pilot.pause(0.05)
        report("whole chain verified (child process, once at start)", f"{time.perf_counter() - t:,.1f} s more")

        stop = threading.Event()

        def writer() -> None:
            store = project.open_store()
            try:
                n = 0
                while not stop.is_set():
                    store.append_batch(
                        [NewEvent("validation.decided", {"decision": "allow", "n": n + k}) for k in range(100)]
                    )
                    n += 100
                    time.sleep(0.1)  # 1,000 events per second
            finally:
                store.close()

        thread = threading.Thread(target=writer)
        thread.start()
        table = app.query_one("#timeline-table", DataTable)
        # A refresh draws the header and the view on screen only: the overview (text and sparklines), then the
        # timeline (its page of rows rebuilt).
        for key, view in (("1", "overview"), ("3", "timeline")):
            await pilot.press(key)
            refreshes = []
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                t = time.perf_counter()
                worker = app.action_refresh()
                with contextlib.suppress(WorkerCancelled):  # a newer refresh replaced it
                    await worker.wait()
                await pilot.pause()
                refreshes.append(time.perf_counter() - t)
                await pilot.pause(0.25)
            ordered = sorted(refreshes)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            report(
                f"refresh while 1,000 events/s arrive, {view} on screen",
                f"p50 {statistics.median(ordered) * 1e3:,.0f} / max {p99 * 1e3:,.0f} ms",
            )
        stop.set()
        thread.join()
        report("  rows in the timeline after it", f"{table.row_count}")


def main() -> None:
    import anyio

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lh-bench-tui-"))
    try:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
        subprocess.run(
            [sys.executable, "-m", "lighthouse_mcp", "init", str(work)], check=True, stdout=subprocess.DEVNULL
        )
        build(work, args.events)
        anyio.run(measure, work, args.seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
