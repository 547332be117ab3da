"""Event store figures against the budgets in docs/PERFORMANCE.md: append throughput, concurrent appenders, query pages
and state_at on a million-event store, on SQLite (the default) or PostgreSQL.

    .venv/bin/python benchmarks/bench_events.py [--events 1000000] [--keep DIR] [--appends-only] [--index-costs N]
    PGPASSWORD=… .venv/bin/python benchmarks/bench_events.py --store postgresql://user@host:5432/postgres

With --store, each figure gets its own database on that server (lh_bench_<figure>, dropped and created again;
the user needs CREATEDB); the million-event one is kept for the next run. Prints one line per figure with its
budget. Numbers vary with the machine and its load: run it twice. --appends-only stops after the append figures;
--index-costs N adds what each secondary index costs batched appends (each dropped in turn from a throwaway store,
N rounds taking turns; the product keeps every index).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from lighthouse_mcp.events.aio import AsyncEventStore
from lighthouse_mcp.events.anchor import AnchorFile
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.projections import Projector
from lighthouse_mcp.events.query import parse_filter
from lighthouse_mcp.events.sqlite import SQLiteEventStore
from lighthouse_mcp.events.store import EventStore

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


class Target:
    """Where the benchmark's stores live: SQLite files in a directory, or databases on a PostgreSQL server."""

    def __init__(self, work: Path, url: str | None) -> None:
        self.work = work
        self.url = url

    @property
    def postgres(self) -> bool:
        return self.url is not None

    def locate(self, name: str) -> str:
        if self.url is None:
            return str(self.work / name)
        from urllib.parse import urlsplit, urlunsplit

        database = "lh_bench_" + "".join(c if c.isalnum() else "_" for c in name.removesuffix(".db"))
        return urlunsplit(urlsplit(self.url)._replace(path="/" + database))

    def open(self, name: str, **kw: object) -> EventStore:
        return self.anchored(name, open_at(self.locate(name), **kw))

    def anchored(self, name: str, store: EventStore) -> EventStore:
        """As a project's store is opened: every append also moves the anchor outside the database."""
        store.anchor = AnchorFile(self.work / f"{name}.anchor", KEY)
        return store

    def fresh(self, name: str, **kw: object) -> EventStore:
        where = self.locate(name)
        if self.url is None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{where}{suffix}").unlink(missing_ok=True)
        else:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                database = where.rsplit("/", 1)[1]
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{database}"')
        (self.work / f"{name}.anchor").unlink(missing_ok=True)
        return self.anchored(name, open_at(where, **kw))

    def indexes(self) -> tuple[str, ...]:
        """The store's secondary indexes on events (the ones queries use; not its keys)."""
        probe = self.fresh("probe.db")
        probe.close()
        if self.url is None:
            with contextlib.closing(sqlite3.connect(self.locate("probe.db"))) as conn:
                text = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"
                return tuple(sorted(row[0] for row in conn.execute(text)))
        import psycopg

        with psycopg.connect(self.locate("probe.db")) as pg:
            text = "SELECT indexname FROM pg_indexes WHERE tablename = 'events' AND indexname NOT LIKE 'events_%key'"
            return tuple(sorted(row[0] for row in pg.execute(text)))

    def drop_indexes(self, name: str, indexes: tuple[str, ...]) -> None:
        if self.url is None:
            with contextlib.closing(sqlite3.connect(self.locate(name), isolation_level=None)) as conn:
                for index in indexes:
                    conn.execute(f"DROP INDEX {index}")
            return
        import psycopg

        with psycopg.connect(self.locate(name), autocommit=True) as pg:
            for index in indexes:
                pg.execute(f"DROP INDEX {index}")

    def has(self, name: str, events: int) -> bool:
        try:
            store = open_at(self.locate(name), create=False)
        except Exception:
            return False
        try:
            return store.last_seq() >= events
        finally:
            store.close()


def open_at(where: str, *, create: bool = True, **kw: object) -> EventStore:
    if where.startswith("postgresql://"):
        from lighthouse_mcp.events.postgres import PostgresEventStore

        kw.pop("synchronous", None)
        kw.pop("busy_timeout_ms", None)
        return PostgresEventStore(where, KEY, create=create, **kw)  # type: ignore[arg-type]
    if not create and not Path(where).exists():
        raise FileNotFoundError(where)
    return SQLiteEventStore(Path(where), KEY, **kw)  # type: ignore[arg-type]


def event(i: int, aggregate: bool = True) -> NewEvent:
    """A realistic mix: 8 types, 20 agents, a session per 500 events, and (by default) one of 997 files."""
    return NewEvent(
        TYPES[i % len(TYPES)],
        {"command": f"ls -la build/{i}", "decision": "allow", "n": i},
        agent=AGENTS[i % len(AGENTS)],
        session=f"ses_{i // 500}",
        aggregate=f"src/file{i % 997}.py" if aggregate else None,
    )


def bench_single(target: Target, synchronous: str, n: int) -> None:
    store = target.fresh(f"single-{synchronous}.db", synchronous=synchronous)
    t = time.perf_counter()
    for i in range(n):
        store.append(event(i))
    rate = n / (time.perf_counter() - t)
    store.close()
    budget_ok = rate >= 5000 if synchronous == "normal" else None
    how = "synchronous_commit=on" if target.postgres else f"synchronous={synchronous}"
    report(f"append single, durable ({how})", f"{rate:,.0f} /s", "≥ 5,000 /s", budget_ok)


def bench_batched(target: Target, n: int, batch: int, aggregate: bool) -> None:
    store = target.fresh(f"batched-{aggregate}.db")
    events = [event(i, aggregate) for i in range(n)]
    t = time.perf_counter()
    for start in range(0, n, batch):
        store.append_batch(events[start : start + batch])
    rate = n / (time.perf_counter() - t)
    store.close()
    what = "aggregates spread over 997 files" if aggregate else "no aggregate"
    report(f"append batched ({batch}/txn, {what})", f"{rate:,.0f} /s", "≥ 100,000 /s", rate >= 100_000)


def bench_index_costs(target: Target, n: int, batch: int, rounds: int) -> None:
    """What each secondary index costs batched appends: the same appends into a throwaway store with every index,
    with each dropped in turn, and with none. The configurations take turns, `rounds` times, so that a machine busy
    with something else slows each alike; the median is reported. (Dropping an index is this benchmark's doing:
    the product keeps them all.)"""
    indexes = target.indexes()
    configurations = [("every index", ())] + [(f"without {name}", (name,)) for name in indexes]
    configurations.append(("no secondary index", indexes))
    events = [event(i) for i in range(n)]
    rates: dict[str, list[float]] = {name: [] for name, _ in configurations}
    for _ in range(rounds):
        for name, dropped in configurations:
            target.fresh("indexes.db").close()
            target.drop_indexes("indexes.db", dropped)
            store = target.open("indexes.db")
            t = time.perf_counter()
            for start in range(0, n, batch):
                store.append_batch(events[start : start + batch])
            rates[name].append(n / (time.perf_counter() - t))
            store.close()
    every = statistics.median(rates["every index"])
    for name, _ in configurations:
        rate = statistics.median(rates[name])
        cost = "" if name == "every index" else f"; the index{'es' if name.startswith('no') else ''} cost "
        cost += "" if name == "every index" else f"{(1 / every - 1 / rate) * 1e6:.1f} µs/event"
        report(f"batched ({batch}/txn, 997 files), {name}", f"{rate:,.0f} /s", f"median of {rounds}{cost}")


def bench_async(target: Target, n: int) -> None:
    async def run() -> tuple[float, float]:
        astore = AsyncEventStore(target.fresh("async.db"))
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
        astore = AsyncEventStore(SQLiteEventStore(dir_ / "hop.db", KEY))
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


def _writer(where: str, worker: int, seconds: float, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = open_at(where, busy_timeout_ms=30_000)
    acked = []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        acked.append((store.append(NewEvent("bench.concurrent", {"w": worker, "n": n})).seq, n))
        n += 1
    store.close()
    out.put((worker, acked))


def bench_processes(target: Target, seconds: float) -> None:
    store = target.fresh("procs.db")
    store.close()
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(target.locate("procs.db"), w, seconds, out)) for w in range(4)]
    for p in procs:
        p.start()
    results = dict(out.get() for _ in procs)
    for p in procs:
        p.join()
    store = target.open("procs.db")
    rows = store.read_after(0, 10**7)
    seqs = [e.seq for e in rows]
    acked = sum(len(v) for v in results.values())
    in_order = all([n for _, n in sorted(v)] == list(range(len(v))) for v in results.values())
    ok = seqs == list(range(1, len(seqs) + 1)) and len(seqs) == acked and in_order and store.verify().ok
    store.close()
    report(
        "4 processes appending at once", f"{acked / seconds:,.0f} /s total", "no loss/dup/reorder, chain verifies", ok
    )


def build_million(target: Target, name: str, n: int) -> None:
    store = target.fresh(name) if target.postgres else target.open(name)
    t = time.perf_counter()
    batch = 2000
    for start in range(store.last_seq(), n, batch):
        store.append_batch([event(i) for i in range(start, min(n, start + batch))])
    store.close()
    if target.postgres:  # what autovacuum does after a bulk load: statistics for the planner
        import psycopg

        with psycopg.connect(target.locate(name), autocommit=True) as conn:
            conn.execute("ANALYZE events")
    report(f"build a {n:,}-event store", f"{time.perf_counter() - t:,.1f} s")


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return percentiles(samples)


def bench_big(target: Target, name: str, n: int) -> None:
    store = target.open(name)
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
    for case, fn in cases.items():
        p50, p99 = timed(fn, 200)
        report(
            f"query a 100-event page: {case}", f"p50 {p50 * 1e3:.2f} / p99 {p99 * 1e3:.2f} ms", "≤ 10 ms", p99 <= 0.010
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
    parser.add_argument("--keep", type=Path, help="directory to keep (and reuse) the big SQLite store in")
    parser.add_argument("--store", metavar="URL", help="a PostgreSQL server to measure instead of SQLite")
    parser.add_argument("--appends-only", action="store_true", help="only the append figures (no big store)")
    parser.add_argument(
        "--index-costs", type=int, metavar="ROUNDS", default=0, help="also what each index costs batched appends"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lh-bench-"))
    try:
        where = redact(args.store) if args.store else f"SQLite in {work}"
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {where}")
        target = Target(work, args.store)
        bench_single(target, "normal", 5000)
        if not target.postgres:
            bench_single(target, "full", 2000)
        bench_batched(target, 200_000, 1000, aggregate=True)
        bench_batched(target, 200_000, 1000, aggregate=False)
        if args.index_costs:
            bench_index_costs(target, 200_000, 1000, args.index_costs)
        bench_async(target, 4000)
        if not target.postgres:
            bench_hop(work, 2000)
        bench_processes(target, 3.0)
        if args.appends_only:
            return
        big_target = Target(args.keep, None) if args.keep and not target.postgres else target
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
        big = f"million-{args.events}.db"
        if not big_target.has(big, args.events):
            build_million(big_target, big, args.events)
        bench_big(big_target, big, args.events)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def redact(url: str) -> str:
    from lighthouse_mcp.events.postgres import redact as without_password

    return without_password(url)


if __name__ == "__main__":
    main()
