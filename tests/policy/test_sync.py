"""Policy files following the store (PolicySync): written when another machine puts a policy, removed when it is
deleted, left alone when they already match, and never written from content that does not match its digest or
under a name that is not a plain policy file name."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest

from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.store import EventStore
from lighthouse_mcp.policy import manage
from lighthouse_mcp.policy.sync import PolicySync

TEXT = "package lighthouse\n\nimport rego.v1\n"


def _put(store: EventStore, name: str, content: str, *, blob_content: str | None = None) -> None:
    blob = store.put_blob((blob_content if blob_content is not None else content).encode())
    sha = hashlib.sha256(content.encode()).hexdigest()
    store.append(manage.put_event(name, sha, len(content), blob, agent="ops", session=None))


def test_puts_and_deletes_follow_the_store(store: EventStore, tmp_path: Path) -> None:
    directory = tmp_path / "policies"
    sync = PolicySync(store, directory, refresh_s=0)
    _put(store, "team.rego", TEXT)
    assert sync.sync() == ["team.rego"] and (directory / "team.rego").read_text() == TEXT
    assert sync.sync() == []  # nothing new
    _put(store, "team.rego", TEXT + "# v2\n")
    assert sync.sync() == ["team.rego"] and (directory / "team.rego").read_text().endswith("# v2\n")
    store.append(manage.deleted_event("team.rego", agent="ops", session=None))
    assert sync.sync() == ["team.rego"] and not (directory / "team.rego").exists()


def test_a_matching_file_is_left_alone(store: EventStore, tmp_path: Path) -> None:
    directory = tmp_path / "policies"
    directory.mkdir()
    (directory / "team.rego").write_text(TEXT)
    before = (directory / "team.rego").stat().st_mtime_ns
    _put(store, "team.rego", TEXT)
    assert PolicySync(store, directory).sync(fresh=True) == []
    assert (directory / "team.rego").stat().st_mtime_ns == before


def test_content_that_does_not_match_its_digest_is_not_written(
    store: EventStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "policies"
    _put(store, "team.rego", TEXT, blob_content="package evil\n")
    with caplog.at_level(logging.ERROR, logger="lighthouse.policy"):
        assert PolicySync(store, directory).sync(fresh=True) == []
    assert not (directory / "team.rego").exists() and "no intact content" in caplog.text


@pytest.mark.parametrize("name", ["../escape.rego", "sub/dir.rego", ".hidden.rego", "notes.txt"])
def test_only_plain_policy_names_are_written(
    store: EventStore, tmp_path: Path, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "policies"
    blob = store.put_blob(TEXT.encode())
    sha = hashlib.sha256(TEXT.encode()).hexdigest()
    store.append(NewEvent("policy.put", {"name": name, "sha256": sha, "blob": blob}, agent="x", aggregate=name))
    with caplog.at_level(logging.ERROR, logger="lighthouse.policy"):
        assert PolicySync(store, directory).sync(fresh=True) == []
    assert not (tmp_path / "escape.rego").exists() and list(tmp_path.rglob("*.rego")) == []
