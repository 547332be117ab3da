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
