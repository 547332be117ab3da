"""Event store figures against DESIGN §12: append throughput, concurrent appenders, query pages and state_at
on a million-event store.

    .venv/bin/python benchmarks/bench_events.py [--events 1000000] [--keep DIR]

Prints one line per figure with its budget. Numbers vary with the machine and its load: run it twice.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from lighthouse_mcp.events.aio import AsyncEventStore
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.projections import Projector
from lighthouse_mcp.events.query import parse_filter
from lighthouse_mcp.events.sqlite import SQLiteEventStore

KEY = bytes(range(32))
TYPES = [
    "validation.decided",
    "response.scanned",
    "file.changed",
    "session.started",
    "policy.put",
    "expert.consulted",
    "approval.requested",
    "claim.acquired",
]
AGENTS = [f"agent-{i}" for i in range(20)]


def report(name: str, value: str, budget: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("  ok" if ok else "  OVER BUDGET")
    print(f"{name:<58} {value:>22}   {budget}{verdict}", flush=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def fresh(dir_: Path, name: str, **kw: object) -> SQLiteEventStore:
    path = dir_ / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return SQLiteEventStore(path, KEY, **kw)  # type: ignore[arg-type]


def event(i: int, aggregate: bool = True) -> NewEvent:
    """A realistic mix: 8 types, 20 agents, a session per 500 events, and (by default) one of 997 files."""
    return NewEvent(
        TYPES[i % len(TYPES)],
        {"command": f"ls -la build/{i}", "decision": "allow", "n": i},
        agent=AGENTS[i % len(AGENTS)],
        session=f"ses_{i // 500}",
        aggregate=f"src/file{i % 997}.py" if aggregate else None,
    )


def bench_single(dir_: Path, synchronous: str, n: int) -> None:
    store = fresh(dir_, f"single-{synchronous}.db", synchronous=synchronous)
    t = time.perf_counter()
    for i in range(n):
        store.append(event(i))
    rate = n / (time.perf_counter() - t)
    store.close()
    budget_ok = rate >= 5000 if synchronous == "normal" else None
    report(f"append single, durable (synchronous={synchronous})", f"{rate:,.0f} /s", "≥ 5,000 /s", budget_ok)


def bench_batched(dir_: Path, n: int, batch: int, aggregate: bool) -> None:
    store = fresh(dir_, f"batched-{aggregate}.db")
    events = [event(i, aggregate) for i in range(n)]
    t = time.perf_counter()
    for start in range(0, n, batch):
        store.append_batch(events[start : start + batch])
    rate = n / (time.perf_counter() - t)
    store.close()
    what = "aggregates spread over 997 files" if aggregate else "no aggregate"
    report(f"append batched ({batch}/txn, {what})", f"{rate:,.0f} /s", "≥ 100,000 /s", rate >= 100_000)


def bench_async(dir_: Path, n: int) -> None:
    async def run() -> tuple[float, float]:
        astore = AsyncEventStore(fresh(dir_, "async.db"))
        t = time.perf_counter()
        for i in range(n // 4):
            await astore.append(event(i))
        sequential = (n // 4) / (time.perf_counter() - t)
        t = time.perf_counter()
        await asyncio.gather(*(astore.append(event(i)) for i in range(n)))
        grouped = n / (time.perf_counter() - t)
        await astore.aclose()
        return sequential, grouped

    sequential, grouped = asyncio.run(run())
    report("append via asyncio thread, one caller at a time", f"{sequential:,.0f} /s")
    report("append via asyncio thread, concurrent (group commit)", f"{grouped:,.0f} /s")


def bench_hop(dir_: Path, n: int) -> None:
    """One await round trip to the store thread, against aiosqlite's, for the same tiny query."""
    import aiosqlite

    async def run() -> tuple[float, float]:
        astore = AsyncEventStore(fresh(dir_, "hop.db"))
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            await astore.run(astore.store.last_seq)
            samples.append(time.perf_counter() - t)
        ours = statistics.median(samples)
        await astore.aclose()
        db = await aiosqlite.connect(dir_ / "hop.db", isolation_level=None)
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            async with db.execute("SELECT seq FROM chain_head") as cur:
                await cur.fetchone()
            samples.append(time.perf_counter() - t)
        await db.close()
        return ours, statistics.median(samples)

    ours, theirs = asyncio.run(run())
    report("await one store call: dedicated thread (p50)", f"{ours * 1e6:,.0f} µs")
    report("await one store call: aiosqlite execute+fetch (p50)", f"{theirs * 1e6:,.0f} µs")


def _writer(path: str, worker: int, seconds: float, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = SQLiteEventStore(Path(path), KEY, busy_timeout_ms=30_000)
    acked = []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        acked.append((store.append(NewEvent("bench.concurrent", {"w": worker, "n": n})).seq, n))
        n += 1
    store.close()
    out.put((worker, acked))


def bench_processes(dir_: Path, seconds: float) -> None:
    store = fresh(dir_, "procs.db")
    store.close()
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(dir_ / "procs.db"), w, seconds, out)) for w in range(4)]
    for p in procs:
        p.start()
    results = dict(out.get() for _ in procs)
    for p in procs:
        p.join()
    store = SQLiteEventStore(dir_ / "procs.db", KEY)
    rows = store.read_after(0, 10**7)
    seqs = [e.seq for e in rows]
    acked = sum(len(v) for v in results.values())
    in_order = all([n for _, n in sorted(v)] == list(range(len(v))) for v in results.values())
    ok = seqs == list(range(1, len(seqs) + 1)) and len(seqs) == acked and in_order and store.verify().ok
    store.close()
    report(
        "4 processes appending at once", f"{acked / seconds:,.0f} /s total", "no loss/dup/reorder, chain verifies", ok
    )


def build_million(path: Path, n: int) -> None:
    store = SQLiteEventStore(path, KEY)
    t = time.perf_counter()
    batch = 2000
    for start in range(store.last_seq(), n, batch):
        store.append_batch([event(i) for i in range(start, min(n, start + batch))])
    store.close()
    report(f"build a {n:,}-event store", f"{time.perf_counter() - t:,.1f} s")


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return percentiles(samples)


def bench_big(path: Path, n: int) -> None:
    store = SQLiteEventStore(path, KEY)
    rng = random.Random(7)

    def page(**raw: object) -> Callable[[], object]:
        def run() -> object:
            return store.query(parse_filter({"limit": 100, **raw}, default_limit=100, max_limit=1000))

        return run

    from lighthouse_mcp.events.model import iso_time
    from lighthouse_mcp.events.query import encode_cursor

    mid_time = iso_time(store.get(n // 2).ts)  # type: ignore[union-attr]
    cases = {
        "newest 100": page(),
        "type prefix 'validation'": page(type="validation"),
        "agent filter": page(agent="agent-7"),
        "aggregate filter": page(aggregate="src/file5.py"),
        "since a time, oldest first": page(since=mid_time, order="asc"),
        "until a time, newest first": page(until=mid_time),
        "deep cursor page (middle of the log)": page(cursor=encode_cursor("desc", n // 2)),
        "session + type": page(session=f"ses_{n // 1000}", type="file"),
    }
    for name, fn in cases.items():
        p50, p99 = timed(fn, 200)
        report(
            f"query a 100-event page: {name}", f"p50 {p50 * 1e3:.2f} / p99 {p99 * 1e3:.2f} ms", "≤ 10 ms", p99 <= 0.010
        )
    p50, p99 = timed(page(text="file123.py"), 5)
    report("query with free text (scans until a page fills)", f"p50 {p50 * 1e3:.1f} / p99 {p99 * 1e3:.1f} ms")

    projector = Projector(store, KEY, snapshot_every=10_000)
    t = time.perf_counter()
    projector.state_at(None)
    report("state_at head, cold (folds all, writes snapshots)", f"{time.perf_counter() - t:,.2f} s")
    points = [rng.randrange(1, n) for _ in range(100)]
    samples = []
    for seq in points:
        t = time.perf_counter()
        projector.state_at(seq)
        samples.append(time.perf_counter() - t)
    p50, p99 = percentiles(samples)
    report(
        "state_at a random sequence (snapshots present)",
        f"p50 {p50 * 1e3:.1f} / p99 {p99 * 1e3:.1f} ms",
        "≤ 100 ms",
        p99 <= 0.100,
    )
    t = time.perf_counter()
    ok = store.verify().ok
    report(f"verify the whole chain ({n:,} events)", f"{time.perf_counter() - t:,.1f} s", "chain verifies", ok)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="size of the big store")
    parser.add_argument("--keep", type=Path, help="directory to keep (and reuse) the big store in")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lh-bench-"))
    try:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, work dir {work}")
        bench_single(work, "normal", 5000)
        bench_single(work, "full", 2000)
        bench_batched(work, 200_000, 1000, aggregate=True)
        bench_batched(work, 200_000, 1000, aggregate=False)
        bench_async(work, 4000)
        bench_hop(work, 2000)
        bench_processes(work, 3.0)
        big_dir = args.keep or work
        big_dir.mkdir(parents=True, exist_ok=True)
        big = big_dir / f"million-{args.events}.db"
        if not big.exists() or SQLiteEventStore(big, KEY).last_seq() < args.events:
            build_million(big, args.events)
        bench_big(big, args.events)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
