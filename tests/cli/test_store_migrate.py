"""`lighthouse store migrate --to URL` between SQLite and a real PostgreSQL, and `events verify` on both."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lighthouse_mcp.config import Config
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.store import open_url
from lighthouse_mcp.home import ProjectHome, read_key
from tests.cli.conftest import Runner, one_line_error
from tests.helpers.postgres import PASSWORD


def _fill(cli: Runner) -> tuple[bytes, list[str]]:
    home = ProjectHome(cli.cwd / ".lighthouse")
    key = read_key(home.key_path)
    store = open_url(str(home.path / "lighthouse.db"), key, Config())
    try:
        digests = [store.put_blob(f"content {i}".encode()) for i in range(3)]
        store.append_batch([NewEvent("test.moved", {"i": i, "text": "ü ☃"}, agent=f"a{i % 3}") for i in range(12_000)])
    finally:
        store.close()
    return key, digests


def test_sqlite_to_postgres_and_back(initialised: Runner, postgres_url: str, tmp_path: Path) -> None:
    cli = initialised
    cli.env["PGPASSWORD"] = PASSWORD
    key, digests = _fill(cli)
    moved = cli("store", "migrate", "--to", postgres_url)
    assert moved.code == 0, moved.err
    assert "both chains verified" in moved.out and "set store.url: postgresql://lighthouse@" in moved.out

    source = open_url(str(cli.cwd / ".lighthouse" / "lighthouse.db"), key, Config())
    target = open_url(postgres_url, key, Config())
    try:
        assert target.last_seq() == source.last_seq() and target.chain_head() == source.chain_head()
        for seq in (1, 5000, source.last_seq()):
            assert target.get(seq) == source.get(seq)
        assert sorted(target.blob_digests()) == sorted(digests) and target.get_blob(digests[0]) == b"content 0"
        target.append(NewEvent("test.after"))  # the chain continues on the new backend
        assert target.verify().ok
    finally:
        source.close()
        target.close()

    again = cli("store", "migrate", "--to", postgres_url)
    assert again.code == 64 and "already holds events" in one_line_error(again)

    on_postgres = {"LIGHTHOUSE_STORE__URL": postgres_url}
    verified = cli("events", "verify", **on_postgres)
    assert verified.code == 0 and verified.out.startswith(f"ok: {source_last(key, postgres_url)} events verified")
    back = tmp_path / "back.db"
    returned = cli("store", "migrate", "--to", f"sqlite://{back}", **on_postgres)
    assert returned.code == 0, returned.err
    assert "set store.path:" in returned.out
    copied = sqlite3.connect(back).execute("SELECT count(*) FROM events").fetchone()[0]
    assert copied == source_last(key, postgres_url) > 12_000


def source_last(key: bytes, url: str) -> int:
    store = open_url(url, key, Config())
    try:
        return int(store.last_seq())
    finally:
        store.close()


def test_a_broken_source_is_not_copied(initialised: Runner, postgres_url: str) -> None:
    cli = initialised
    cli.env["PGPASSWORD"] = PASSWORD
    key, _ = _fill(cli)
    db = sqlite3.connect(cli.cwd / ".lighthouse" / "lighthouse.db")
    db.execute("DROP TRIGGER events_no_update")
    db.execute("UPDATE events SET payload = '{\"i\":999}' WHERE seq = 77")
    db.commit()
    db.close()
    result = cli("store", "migrate", "--to", postgres_url)
    assert result.code == 65 and "source chain is broken at event 77" in one_line_error(result)
    target = open_url(postgres_url, key, Config())
    try:
        assert target.last_seq() == 0
    finally:
        target.close()


def test_a_password_in_the_url_is_refused(initialised: Runner) -> None:
    result = initialised("store", "migrate", "--to", "postgresql://lighthouse:hunter2@127.0.0.1:1/x")
    assert result.code == 64 and "PGPASSWORD" in one_line_error(result) and "hunter2" not in result.err


def test_an_unreachable_database_is_a_clear_error(initialised: Runner) -> None:
    result = initialised("store", "migrate", "--to", "postgresql://lighthouse@127.0.0.1:1/x", timeout=60)
    assert result.code == 70 and "cannot open" in one_line_error(result)


def test_a_missing_password_is_named(initialised: Runner, postgres_url: str) -> None:
    initialised.env.pop("PGPASSWORD", None)
    result = initialised("store", "migrate", "--to", postgres_url, PGPASSFILE="/nonexistent")
    assert result.code == 70 and "no password supplied" in one_line_error(result)
