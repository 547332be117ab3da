"""Real fixtures: a SQLite file in tmp_path, a real project home, an isolated environment."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from lighthouse_mcp.config import load_config
from lighthouse_mcp.events.sqlite import SQLiteEventStore
from lighthouse_mcp.events.store import EventStore
from lighthouse_mcp.home import HOME_DIR, ProjectHome, create_home
from lighthouse_mcp.project import Project

# Under CI the property tests draw the same examples every run (a landing is not decided by the luck of a seed);
# locally they explore new ones each time and keep the failures they find in .hypothesis/.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

KEY = bytes(range(32))
BACKENDS = ["sqlite", "postgres"]
LIGHTHOUSE_BIN = [sys.executable, "-m", "lighthouse_mcp"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's own config or project home."""
    for name in list(os.environ):
        if name.startswith("LIGHTHOUSE_") and not name.startswith("LIGHTHOUSE_REQUIRE_"):
            monkeypatch.delenv(name)
    fake_home = tmp_path_factory.mktemp("userhome")
    monkeypatch.setenv("HOME", str(fake_home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(fake_home / ".config"))


StoreFactory = Callable[..., EventStore]


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Any]:
    """One throwaway PostgreSQL cluster for the whole run (tests/helpers/postgres.py). Skipped with the reason
    where none can be started, unless LIGHTHOUSE_REQUIRE_POSTGRES=1 (CI sets it)."""
    from tests.helpers.postgres import Cluster

    started = os.environ.get("LH_TEST_POSTGRES_STATE")  # one .ci/run started (and will stop)
    try:
        import psycopg  # noqa: F401

        cluster = Cluster(state=Path(started)) if started else Cluster()
    except (ImportError, RuntimeError, OSError, ValueError, KeyError) as exc:
        if os.environ.get("LIGHTHOUSE_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (LIGHTHOUSE_REQUIRE_POSTGRES=1) but cannot be started: {exc}")
        pytest.skip(f"no PostgreSQL server can be started here: {exc}")
    try:
        yield cluster
    finally:
        if cluster.owned:
            cluster.close()


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh, empty database on the test cluster; its password is in PGPASSWORD, as in a deployment."""
    from tests.helpers.postgres import PASSWORD

    cluster = request.getfixturevalue("postgres_cluster")
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return str(cluster.new_database())


@pytest.fixture(params=BACKENDS)
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Opens stores of the parametrised backend (one SQLite file or PostgreSQL database per `name`); every store
    opened is closed at the end."""
    opened: list[EventStore] = []
    databases: dict[str, str] = {}

    def make(key: bytes = KEY, name: str = "events.db", **kwargs: Any) -> EventStore:
        store: EventStore
        if request.param == "sqlite":
            store = SQLiteEventStore(tmp_path / name, key, **kwargs)
        else:
            from lighthouse_mcp.events.postgres import PostgresEventStore

            if name not in databases:
                databases[name] = request.getfixturevalue("postgres_url") if not databases else _another(request)
            store = PostgresEventStore(databases[name], key, **kwargs)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


def _another(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("postgres_cluster").new_database())


@pytest.fixture
def store(store_factory: StoreFactory) -> EventStore:
    return store_factory()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A real project tree with an initialised home; the current directory is its root."""
    root = tmp_path / "project"
    root.mkdir()
    home = ProjectHome(root / HOME_DIR)
    create_home(home)
    monkeypatch.chdir(root)
    project = Project(home, load_config(home.config_path))
    project.open_store(create=True).close()  # as `lighthouse init` does
    return project
