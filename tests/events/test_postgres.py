"""What only the PostgreSQL store has to show: triggers that keep the log append-only, tamper detection by a
database superuser, database restarts during appends (nothing acknowledged lost, nothing doubled, the chain valid
after reconnecting), NOTIFY waking a waiting reader, and validation failing closed while the database is away."""

from __future__ import annotations

import contextlib
import dataclasses
import subprocess
import sys
import threading
import time
from typing import Any

import psycopg
import pytest
from mcp import Client

from lighthouse_mcp.errors import StoreError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.postgres import PostgresEventStore
from lighthouse_mcp.events.store import anchor_here
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from tests.conftest import KEY
from tests.events.test_concurrency import _acked, _finish, _rows, _start
from tests.helpers.postgres import PASSWORD


def _raw(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, password=PASSWORD, autocommit=True)


def test_the_log_is_append_only(postgres_url: str) -> None:
    store = PostgresEventStore(postgres_url, KEY)
    try:
        store.append(NewEvent("test.kept", {"n": 1}))
        digest = store.put_blob(b"content")
    finally:
        store.close()
    with _raw(postgres_url) as conn:
        for statement in (
            "UPDATE events SET payload = '{}' WHERE seq = 1",
            "DELETE FROM events WHERE seq = 1",
            "TRUNCATE events",
            f"UPDATE blobs SET data = 'x' WHERE sha256 = '{digest}'",
            f"DELETE FROM blobs WHERE sha256 = '{digest}'",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)


@pytest.mark.parametrize(
    ("edit", "first_bad"),
    [
        ("UPDATE events SET payload = '{\"n\":999}' WHERE seq = 3", "event 3 does not match"),
        ("DELETE FROM events WHERE seq = 3", "events 3 are missing"),
        ("UPDATE events SET ts = ts + 1 WHERE seq = 4", "event 4 does not match"),
    ],
)
def test_a_superuser_edit_is_found(postgres_url: str, edit: str, first_bad: str) -> None:
    store = PostgresEventStore(postgres_url, KEY)
    try:
        store.append_batch([NewEvent("test.n", {"n": i}) for i in range(6)])
        with _raw(postgres_url) as conn:
            conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
            conn.execute(edit)
        report = store.verify()
    finally:
        store.close()
    assert not report.ok and first_bad in str(report.reason)


def test_another_key_is_refused(postgres_url: str) -> None:
    PostgresEventStore(postgres_url, KEY).close()
    with pytest.raises(StoreError, match="chained with another secret key"):
        PostgresEventStore(postgres_url, bytes(32))


def test_a_waiting_reader_is_woken_by_notify(postgres_url: str) -> None:
    reader = PostgresEventStore(postgres_url, KEY)
    writer = PostgresEventStore(postgres_url, KEY)
    try:
        threading.Timer(0.3, lambda: writer.append(NewEvent("test.wake"))).start()
        started = time.monotonic()
        seq = reader.wait_for_events(0, 60)
        waited = time.monotonic() - started
        assert seq == 1 and waited < 30  # woken by the notification, long before the timeout
        assert reader.wait_for_events(1, 0.2) == 1  # nothing new: back after the timeout
    finally:
        reader.close()
        writer.close()


def _nothing_lost_or_doubled(url: str, workers: dict[str, subprocess.Popen[str]]) -> None:
    """After the appenders finished: every acknowledged event is stored exactly once, in one gapless sequence, each
    appender got events in, and the chain verifies."""
    outputs = {name: _finish(proc) for name, proc in workers.items()}
    assert all(proc.returncode == 0 for proc in workers.values())
    stored = _rows(url)
    store = PostgresEventStore(url, KEY)
    try:
        report = store.verify()
    finally:
        store.close()
    assert report.ok, report.reason
    assert [s for s, _, _ in stored] == list(range(1, len(stored) + 1))
    keys = [(w, n) for _, w, n in stored]
    assert len(keys) == len(set(keys)), "an append was stored twice"
    for name, output in outputs.items():
        acked = _acked(output)
        assert set(acked) <= {(s, n) for s, w, n in stored if w == name}, f"{name}: an acknowledged event was lost"
        assert any(n > 0 for _, n in acked), f"{name} never appended"


@pytest.mark.slow
def test_a_database_restart_during_appends_loses_and_doubles_nothing(postgres_cluster: Any, postgres_url: str) -> None:
    workers = {f"w{i}": _start(postgres_url, f"w{i}", 6.0) for i in range(3)}
    time.sleep(1.5)
    postgres_cluster.stop("immediate")  # a crash: no clean shutdown, connections cut mid-transaction
    time.sleep(1.0)
    postgres_cluster.start()
    _nothing_lost_or_doubled(postgres_url, workers)


@pytest.mark.anyio
async def test_validation_fails_closed_while_the_database_is_away(
    project: Project, postgres_cluster: Any, postgres_url: str
) -> None:
    store = dataclasses.replace(project.config.store, url=postgres_url, connect_timeout_s=2)
    project = dataclasses.replace(project, config=dataclasses.replace(project.config, store=store))
    with contextlib.closing(project.open_store(create=True)) as shared:
        anchor_here(shared)  # this project's log is now the shared one
    async with Client(build_server(project)) as client:
        first = (await client.call_tool("validate_command", {"command": "ls -la"})).structured_content
        assert first is not None and first["decision"] == "allow"
        postgres_cluster.stop("fast")
        try:
            away = (await client.call_tool("validate_command", {"command": "ls -la"})).structured_content
            assert away is not None and away["decision"] == "ask"
            rules = {r["rule"] for r in away["reasons"]}
            assert rules & {"audit.unavailable", "rate.unavailable"}, rules  # said why, with the store's error
            assert "unreachable" in str(away["reasons"]) or "no database connection" in str(away["reasons"])
            denied = (await client.call_tool("validate_command", {"command": "rm -rf /"})).structured_content
            assert denied is not None and denied["decision"] == "deny"  # a deny stays a deny
        finally:
            postgres_cluster.start()
        back = (await client.call_tool("validate_command", {"command": "ls -la"})).structured_content
        assert back is not None and back["decision"] == "allow"


def test_tail_follows_a_shared_store(project: Project, postgres_url: str) -> None:
    from tests.helpers.env import lighthouse_env

    env = lighthouse_env(
        LIGHTHOUSE_HOME=str(project.home.path), LIGHTHOUSE_STORE__URL=postgres_url, PGPASSWORD=PASSWORD
    )
    PostgresEventStore(postgres_url, project.key()).close()  # the shared store exists (another machine made it)
    tail = subprocess.Popen(
        [sys.executable, "-m", "lighthouse_mcp", "events", "tail", "-f", "-n", "0", "--json"],
        cwd=project.home.root,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.0)  # connected and listening
        store = PostgresEventStore(postgres_url, project.key())
        try:
            store.append(NewEvent("test.from.elsewhere", {"n": 1}, agent="runner-7"))
        finally:
            store.close()
        assert tail.stdout is not None
        line = tail.stdout.readline()
    finally:
        tail.kill()
        tail.wait()
    assert '"type": "test.from.elsewhere"' in line or '"type":"test.from.elsewhere"' in line


@pytest.mark.slow
@pytest.mark.parametrize("batch", [1, 200])
def test_network_drops_during_appends_lose_and_double_nothing(
    postgres_cluster: Any, postgres_url: str, batch: int
) -> None:
    """Every connection between the appenders and the database is torn down, three times, while they append single
    events or batches (which go through COPY; some commits are in flight when it happens): afterwards every
    acknowledged event is stored once and the chain holds."""
    from tests.helpers.tcp_proxy import Proxy

    proxy = Proxy(postgres_cluster.port)
    try:
        via_proxy = postgres_url.replace(f":{postgres_cluster.port}/", f":{proxy.port}/")
        workers = {f"w{i}": _start(via_proxy, f"w{i}", 5.0, batch) for i in range(3)}
        for _ in range(3):
            time.sleep(1.0)
            proxy.reset()
        _nothing_lost_or_doubled(postgres_url, workers)
    finally:
        proxy.close()
    assert proxy.cut >= 3, "the network was never cut"
