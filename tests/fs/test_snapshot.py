"""`lighthouse snapshot` imports the working tree: never through a symlink out of the project, and secret-class
files by digest and size only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lighthouse_mcp.fs.snapshot import plan, working_files
from lighthouse_mcp.validation.files import is_secret_file


def test_symlinks_out_of_the_project_are_left_out(tmp_path: Path) -> None:
    root, outside = tmp_path / "app", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    (root / "a.py").write_text("x = 1\n")
    (root / "key").symlink_to(outside / "id_rsa")
    (root / "etc").symlink_to("/etc")
    (root / "alias.py").symlink_to(root / "a.py")  # inside: kept
    assert working_files(root) == ["a.py", "alias.py"]


def test_secret_class_files_are_recorded_without_their_content(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TOKEN=abc\n")
    (tmp_path / "app.py").write_text("print(1)\n")
    stored: list[bytes] = []

    def put_blob(data: bytes) -> str:
        stored.append(data)
        return "digest"

    events, result = plan(tmp_path, {}, agent="a", session=None, put_blob=put_blob, secret=is_secret_file)
    by_path: dict[str, Any] = {Path(e.payload["path"]).name: e.payload for e in events}
    assert by_path[".env"]["secret"] is True and "sha256" in by_path[".env"] and by_path[".env"]["size"] == 10
    assert stored == [b"print(1)\n"] and result.added == 2
