"""The anchor file: signed, moved forward only along the anchored chain, and whole after a torn write."""

from __future__ import annotations

from pathlib import Path

import pytest

from lighthouse_mcp.events.anchor import Anchor, AnchorError, AnchorFile, behind

KEY = bytes(range(32))


def _anchor(seq: int, mac: str = "ab" * 32, store: str = "st_1") -> Anchor:
    return Anchor(store, seq, mac, seq * 10)


def test_it_moves_forward_only(tmp_path: Path) -> None:
    anchor = AnchorFile(tmp_path / "anchor.json", KEY)
    assert anchor.read() is None
    anchor.advance(_anchor(5), lambda seq: None)  # nothing there yet: the first anchor
    anchor.advance(_anchor(3), lambda seq: "ab" * 32)
    assert anchor.read() == _anchor(5)
    anchor.advance(_anchor(9, "cd" * 32), lambda seq: "ab" * 32 if seq == 5 else None)
    assert AnchorFile(tmp_path / "anchor.json", KEY).read() == _anchor(9, "cd" * 32)  # another process reads it


def test_it_does_not_follow_a_fork_or_another_store(tmp_path: Path) -> None:
    anchor = AnchorFile(tmp_path / "anchor.json", KEY)
    anchor.reset(_anchor(5))
    anchor.advance(_anchor(8), lambda seq: "ee" * 32)  # event 5 is another one now: a forked chain
    anchor.advance(_anchor(8, store="st_2"), lambda seq: "ab" * 32)
    assert anchor.read() == _anchor(5)
    anchor.advance(_anchor(6), lambda seq: pytest.fail("not asked"), (5, "ab" * 32))  # chained onto the anchor
    assert anchor.read() == _anchor(6)


def test_a_torn_write_leaves_the_other_slot(tmp_path: Path) -> None:
    path = tmp_path / "anchor.json"
    anchor = AnchorFile(path, KEY)
    anchor.reset(_anchor(5))
    anchor.advance(_anchor(6), lambda seq: "ab" * 32)
    data = bytearray(path.read_bytes())
    newest_slot = 0 if b'"seq":6' in data[: AnchorFile.SLOT] else 1
    data[newest_slot * AnchorFile.SLOT + 10 : newest_slot * AnchorFile.SLOT + 40] = b"x" * 30
    path.write_bytes(bytes(data))
    assert AnchorFile(path, KEY).read() == _anchor(5)


def test_a_forged_or_foreign_anchor_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "anchor.json"
    AnchorFile(path, bytes(32)).reset(_anchor(5))
    with pytest.raises(AnchorError, match="not signed with this project's key"):
        AnchorFile(path, KEY).read()
    path.write_text("{}")
    with pytest.raises(AnchorError, match="damaged"):
        AnchorFile(path, KEY).read()


def test_behind_names_each_way_a_store_falls_behind() -> None:
    anchored = _anchor(5)
    assert behind(anchored, "st_1", "ab" * 32, 7) is None
    assert "another" in (behind(anchored, "st_2", "ab" * 32, 7) or "") or "not the one" in (
        behind(anchored, "st_2", "ab" * 32, 7) or ""
    )
    assert "cut from its end" in (behind(anchored, "st_1", None, 3) or "")
    assert "older or other copy" in (behind(anchored, "st_1", "cd" * 32, 7) or "")


def test_the_anchor_is_kept_inside_the_home_and_outside_the_project(tmp_path: Path) -> None:
    from lighthouse_mcp.config import load_config
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.events.store import open_store
    from lighthouse_mcp.home import ProjectHome, create_home

    home = ProjectHome(tmp_path / "app" / ".lighthouse")
    create_home(home)
    store = open_store(home, load_config(home.config_path), create=True)
    try:
        store.append(NewEvent("test.one", {}))
        head = store.last_seq()
    finally:
        store.close()
    witness = home.witness_path
    assert not witness.is_relative_to(home.root)
    assert witness.stat().st_mode & 0o777 == 0o600 and witness.parent.stat().st_mode & 0o777 == 0o700
    key = (home.path / "secret.key").read_text().strip()
    for path in (home.path / "anchor.json", witness):
        found = AnchorFile(path, bytes.fromhex(key)).read()
        assert found is not None and found.seq == head


def test_appends_go_on_where_the_anchor_outside_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A home directory that is not one (here a file): the event stands, the anchor in the home moves, and the
    failure is logged."""
    from lighthouse_mcp.config import load_config
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.events.store import open_store
    from lighthouse_mcp.home import ProjectHome, create_home

    home = ProjectHome(tmp_path / "app" / ".lighthouse")
    create_home(home)
    (tmp_path / "not-a-dir").write_text("x")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "not-a-dir"))
    store = open_store(home, load_config(home.config_path), create=True)
    try:
        store.append(NewEvent("test.one", {}))
        assert store.last_seq() >= 1 and store.anchor_problem() is None
        assert "cannot move the audit log's anchor" in caplog.text
    finally:
        store.close()
    key = bytes.fromhex((home.path / "secret.key").read_text().strip())
    inner = AnchorFile(home.path / "anchor.json", key).read()
    assert inner is not None and inner.seq >= 1
