"""A project opened for work: its home, its configuration, its event store and the key that chains it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lighthouse_mcp.config import Config, load_config
from lighthouse_mcp.events.projections import Projector
from lighthouse_mcp.events.store import EventStore, open_store
from lighthouse_mcp.home import ProjectHome, read_key, require_home


@dataclass(frozen=True)
class Project:
    """A project home with its configuration."""

    home: ProjectHome
    config: Config

    @property
    def db_path(self) -> Path:
        return self.home.db_path(self.config.store.path)

    def key(self) -> bytes:
        return read_key(self.home.key_path)

    def open_store(self, *, busy_timeout_ms: int | None = None, create: bool = False) -> EventStore:
        """The project's store; a missing one is an error unless `create` (see `events.store.open_store`)."""
        return open_store(self.home, self.config, busy_timeout_ms=busy_timeout_ms, create=create)

    def projector(self, store: EventStore) -> Projector:
        return Projector(store, self.key(), snapshot_every=self.config.store.snapshot_every)


def load_project(start: Path | None = None, env: Mapping[str, str] | None = None) -> Project:
    """Find the project home (walking up from `start`) and load its layered configuration."""
    home = require_home(start, env)
    return Project(home, load_config(home.config_path, env=env))
