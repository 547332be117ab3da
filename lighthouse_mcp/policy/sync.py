"""Project policies follow the store. `put_policy` writes the file on the machine that served it and records
`policy.put` with the content as a blob; on a shared (PostgreSQL) store, every other machine brings its own
`.lighthouse/policies/` in line with those events, so one set of rules holds everywhere. A file whose content already
matches is left alone; a policy deleted in the store is deleted here."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from lighthouse_mcp.errors import LighthouseError
from lighthouse_mcp.events.follow import Follower
from lighthouse_mcp.events.model import Event
from lighthouse_mcp.policy.manage import check_name, write_policy

log = logging.getLogger("lighthouse.policy")


class PolicySync:
    """Folds `policy.put` / `policy.deleted` and writes the difference into `directory`."""

    def __init__(self, store: Any, directory: Path, *, refresh_s: float = 1.0) -> None:
        self._store = store
        self._directory = directory
        self._latest: dict[str, dict[str, Any] | None] = {}  # name -> put payload, or None once deleted
        self._applied: dict[str, str | None] = {}  # name -> sha256 written (None: removed)
        self._follower = Follower(store, ("policy.put", "policy.deleted"), self._fold, refresh_s=refresh_s)

    def _fold(self, event: Event) -> None:
        name = event.aggregate or str(event.payload.get("name", ""))
        self._latest[name] = dict(event.payload) if event.type == "policy.put" else None

    def sync(self, *, fresh: bool = False) -> list[str]:
        """Bring the directory in line with the store; the names of the files written or removed."""
        self._follower.refresh(fresh=fresh)
        changed = []
        for name, put in self._latest.items():
            wanted = put.get("sha256") if put else None
            if self._applied.get(name, "") == wanted:
                continue
            try:
                if self._apply(name, put):
                    changed.append(name)
                self._applied[name] = wanted
            except (LighthouseError, OSError) as exc:
                log.error("cannot bring policy %s in line with the store: %s", name, exc)
        return changed

    def _apply(self, name: str, put: dict[str, Any] | None) -> bool:
        check_name(name)  # a name from the store is still only a file name in this directory
        target = self._directory / name
        current = _sha256(target)
        if put is None:
            if current is None:
                return False
            target.unlink()
            return True
        if current == put.get("sha256"):
            return False
        content = self._store.get_blob(str(put.get("blob", "")))
        if content is None or hashlib.sha256(content).hexdigest() != put.get("sha256"):
            raise LighthouseError(f"the store has no intact content for revision {put.get('sha256')}")
        write_policy(self._directory, name, content.decode("utf-8"))
        return True


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
