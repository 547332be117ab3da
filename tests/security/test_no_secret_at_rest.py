"""No secret reaches the store in clear, and what the store writes only its owner can read."""

from __future__ import annotations

import os
import stat
import time

import pytest
from mcp import Client

from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from tests.security.conftest import Guarded

AWS = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK3nA9x2Qp"
GITHUB = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def _all_text(guarded: Guarded) -> str:
    return "\n".join(e.payload_text for e in guarded.events())


def test_hook_sources_and_commands_are_masked(guarded: Guarded) -> None:
    commands = [f"AWS_SECRET_ACCESS_KEY={AWS} aws s3 ls", f"git clone https://{GITHUB}@github.com/o/r.git"]
    for i, command in enumerate(commands):
        tool_input = {"command": command}
        guarded.hook("PreToolUse", "Bash", tool_input, tool_use_id=f"t{i}")
        guarded.hook("PostToolUse", "Bash", tool_input, tool_use_id=f"t{i}", tool_response={"stdout": "done"})
    fetched = {"url": f"https://api.example/x?token={GITHUB}", "prompt": "read"}
    guarded.hook("PostToolUse", "WebFetch", fetched, tool_response="a page")
    recorded = _all_text(guarded)
    assert guarded.events("response.scanned") and guarded.events("tool.ran")
    assert AWS not in recorded and GITHUB not in recorded
    assert "[REDACTED:secret]" in recorded


def test_secret_class_files_are_kept_by_digest_only(guarded: Guarded) -> None:
    env = guarded.root / ".env"
    env.write_text(f"AWS_SECRET_ACCESS_KEY={AWS}\n")
    tool_input = {"file_path": str(env), "content": env.read_text()}
    guarded.hook("PostToolUse", "Write", tool_input, tool_response={"success": True})
    changed = guarded.events("file.changed")[-1]
    assert changed.payload["secret"] is True and changed.payload["size"] == env.stat().st_size
    store = guarded.project().open_store()
    try:
        assert store.get_blob(changed.payload["sha256"]) is None  # the digest tells a change; no content kept
        assert list(store.blob_digests()) == []
    finally:
        store.close()
    assert AWS not in _all_text(guarded)


@pytest.mark.anyio
async def test_free_text_arguments_of_the_tools_are_masked(project: Project) -> None:
    (project.home.root / "a.py").write_text("def handler():\n    return 1\n")
    calls = [
        ("annotate", {"path": "a.py", "note": f"uses token {GITHUB} for now", "anchor": "handler"}),
        ("claim_files", {"paths": ["src/**"], "ttl_s": 60, "reason": f"rotating AWS_SECRET_ACCESS_KEY={AWS}"}),
        ("start_collaboration", {"objective": f"move {GITHUB} to the vault", "participants": ["bob"]}),
    ]
    async with Client(build_server(project)) as client:
        for name, arguments in calls:
            result = await client.call_tool(name, arguments)
            assert not result.is_error, (name, result.content)
    store = project.open_store()
    try:
        events = store.read_after(0, 1000)
    finally:
        store.close()
    recorded = "\n".join(e.payload_text for e in events)
    assert {"annotation.added", "files.claimed", "collaboration.started"} <= {e.type for e in events}
    assert AWS not in recorded and GITHUB not in recorded and recorded.count("[REDACTED:secret]") >= 3


def test_the_store_its_backups_and_exports_are_private(guarded: Guarded) -> None:
    guarded.bash("ls")
    for name in ("lighthouse.db", "lighthouse.db-wal", "anchor.json", "secret.key"):
        path = guarded.home.path / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, name
    backup, export = guarded.root / "b.db", guarded.root / "e.jsonl"
    assert guarded.cli("backup", str(backup)).code == 0
    assert guarded.cli("events", "export", str(export)).code == 0
    for path in (backup, export):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_a_store_made_readable_by_others_is_made_private_again(guarded: Guarded) -> None:
    """Also by a hook server's spare that opened the store before its mode was changed (a store opened ahead is made
    private again when a request takes it, as opening it makes it)."""
    db = guarded.home.path / "lighthouse.db"
    guarded.bash("ls")
    time.sleep(1)  # the next spare, if a hook server runs, opens the store ahead now
    os.chmod(db, 0o644)
    guarded.bash("ls")
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_what_a_decision_keeps_to_decide_again_holds_no_secret(guarded: Guarded) -> None:
    # A decision keeps its request (to be decided again by `policy replay`): secrets masked, a file write's content
    # in the blob table, and nothing at all of what is written to a secret-class file.
    command = f"AWS_SECRET_ACCESS_KEY={AWS} aws s3 ls"
    guarded.hook("PreToolUse", "Bash", {"command": command, "description": f"uses {GITHUB}"})
    code = f"AWS_SECRET_ACCESS_KEY = '{AWS}'\n"
    guarded.hook("PreToolUse", "Write", {"file_path": str(guarded.root / "src" / "conf.py"), "content": code})
    guarded.hook("PreToolUse", "Write", {"file_path": str(guarded.root / ".env"), "content": "DB_PASSWORD=hunter2x9"})
    bash, code, env = [e.payload["request"] for e in guarded.events("validation.decided")]
    assert bash["masked"] is True and "[REDACTED:secret]" in bash["input"]["command"]
    assert "input_blob" in code and "withheld" in env and "input_blob" not in env
    store = guarded.project().open_store()
    try:
        blobs = [store.get_blob(d) or b"" for d in store.blob_digests()]
    finally:
        store.close()
    assert blobs and all(AWS.encode() not in b and b"hunter2x9" not in b for b in blobs)
    assert AWS not in _all_text(guarded) and GITHUB not in _all_text(guarded) and "hunter2x9" not in _all_text(guarded)


# A fourth red-team pass read Lighthouse's key through its own note tool: a link out of the project, then a note on
# `line:1` of `.lighthouse/secret.key`, whose anchor the log kept in clear (and `.env` the same way without a link).
@pytest.mark.anyio
async def test_the_note_tool_reads_no_secret_and_no_file_of_the_guard(project: Project) -> None:
    root = project.home.root
    (root / ".env").write_text(f"AWS_SECRET_ACCESS_KEY={AWS}\n")
    (root / "config.py").write_text(f"TOKEN = '{GITHUB}'\n")
    (root / "up").symlink_to("..")
    (root / "home").symlink_to(os.path.expanduser("~"))
    refused = [
        ".env",
        ".lighthouse/secret.key",
        f"up/{root.name}/.lighthouse/secret.key",
        f"up/{root.name}/.env",
        "home/.bashrc",
        ".git/config",
        ".claude/settings.json",
    ]
    async with Client(build_server(project)) as client:
        for path in refused:
            result = await client.call_tool("annotate", {"path": path, "anchor": "line:1", "note": "n"})
            assert result.is_error, (path, result.content)
        kept = await client.call_tool("annotate", {"path": "config.py", "anchor": "line:1", "note": "n"})
        assert not kept.is_error, kept.content
    key = (root / ".lighthouse" / "secret.key").read_text().strip()
    store = project.open_store()
    try:
        text = "\n".join(e.payload_text for e in store.read_after(0, 1000))
    finally:
        store.close()
    assert key not in text and AWS not in text and GITHUB not in text


def test_an_expert_is_sent_no_secret_and_no_file_of_the_guard(project: Project) -> None:
    from lighthouse_mcp.errors import UsageError
    from lighthouse_mcp.experts.material import read_files

    root = project.home.root
    (root / ".env").write_text(f"AWS_SECRET_ACCESS_KEY={AWS}\n")
    (root / "up").symlink_to("..")
    (root / "app.py").write_text("print(1)\n")
    for name in (".env", ".lighthouse/secret.key", ".lighthouse/lighthouse.db", f"up/{root.name}/.env", "up"):
        with pytest.raises(UsageError):
            read_files(root, [name])
    assert "print(1)" in read_files(root, ["app.py"])
