"""Two machines sharing one PostgreSQL store, played by two project checkouts (each its own `.lighthouse/`, the same
secret key, the same `store.url`): a policy put through one machine's server is enforced by the other's server and
hook, a claim held on one denies the other's write, and an approval given in one machine's TUI releases a hook
waiting on the other."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import anyio
import pytest
from textual.widgets import DataTable

from lighthouse_mcp.config import load_config
from lighthouse_mcp.home import HOME_DIR, ProjectHome, create_home
from lighthouse_mcp.project import Project
from tests.agents.test_processes import NO_WGET, _answer, _call, _hook, _serve
from tests.helpers.postgres import PASSWORD
from tui.app import LighthouseTUI

pytestmark = pytest.mark.anyio


def _machine(root: Path, key_from: Path | None, url: str, monkeypatch: pytest.MonkeyPatch) -> Project:
    root.mkdir()
    home = ProjectHome(root / HOME_DIR)
    home.path.mkdir()
    if key_from is not None:
        shutil.copy(key_from, home.key_path)
        home.key_path.chmod(0o600)
    create_home(home)
    monkeypatch.setenv("LIGHTHOUSE_STORE__URL", url)
    project = Project(home, load_config(home.config_path))
    monkeypatch.delenv("LIGHTHOUSE_STORE__URL")
    project.open_store(create=True).close()  # as `lighthouse init` does on each machine: make or join the store
    return project


def _shared(url: str) -> dict[str, str]:
    """What every process on either machine is given: the store's URL and its password."""
    return {"LIGHTHOUSE_STORE__URL": url, "PGPASSWORD": PASSWORD}


async def test_two_machines_share_rules_claims_and_approvals(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = _machine(tmp_path / "laptop", None, postgres_url, monkeypatch)
    runner = _machine(tmp_path / "ci-runner", laptop.home.key_path, postgres_url, monkeypatch)
    write = {"tool_name": "Write", "tool_input": {"file_path": "src/auth/login.py", "content": "x = 1\n"}}
    async with (
        _serve(laptop, "ops", "admin", **_shared(postgres_url)) as ops,
        _serve(runner, "ben", "builder", **_shared(postgres_url)) as ben,
    ):
        with anyio.fail_after(90):
            assert (await _call(ben, "validate_command", {"command": "wget https://x.org"}))["decision"] == "allow"
            await _call(ops, "put_policy", {"name": "team.rego", "content": NO_WGET})
            while (await _call(ben, "validate_command", {"command": "wget https://x.org"}))["decision"] != "deny":
                await anyio.sleep(0.1)
            assert (runner.home.policies_dir / "team.rego").read_text() == NO_WGET  # the file followed the store
            assert _answer(_hook(runner, "Bash", {"command": "wget https://x.org"}, **_shared(postgres_url))) == (
                2,
                "deny",
            )

            # (A server looks for new claims at most every 0.1 s, as the README says.)
            await _call(ops, "claim_files", {"paths": ["src/auth/**"], "ttl_s": 300, "reason": "new login flow"})
            while (denied := await _call(ben, "validate_tool_call", write))["decision"] != "deny":
                await anyio.sleep(0.02)
            assert "claimed by ops" in denied["reasons"][0]["message"]
            hooked = _hook(runner, "Write", write["tool_input"], LIGHTHOUSE_AGENT__NAME="ben", **_shared(postgres_url))  # type: ignore[arg-type]
            assert _answer(hooked) == (2, "deny")

            await _call(ops, "delete_policy", {"name": "team.rego"})
            while (await _call(ben, "validate_command", {"command": "wget https://x.org"}))["decision"] != "allow":
                await anyio.sleep(0.1)
            assert not (runner.home.policies_dir / "team.rego").exists()

    # The operator's console on the laptop answers a hook waiting on the runner.
    approvals = {"LIGHTHOUSE_APPROVALS__ENABLED": "true", "LIGHTHOUSE_APPROVALS__TIMEOUT_S": "60"}
    waiting = _hook(runner, "Bash", {"command": "npm publish"}, **approvals, **_shared(postgres_url))
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    monkeypatch.setenv("LIGHTHOUSE_STORE__URL", postgres_url)
    console = Project(laptop.home, load_config(laptop.home.config_path))
    app = LighthouseTUI(console, poll=0.2)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4")
        table = app.query_one("#approvals-table", DataTable)
        deadline = time.monotonic() + 60
        while table.row_count == 0:
            assert time.monotonic() < deadline and waiting.poll() is None, "no approval reached the console"
            await pilot.pause(0.1)
        assert table.get_row_at(0)[2] == "npm publish"
        table.focus()
        await pilot.press("a")
        await anyio.to_thread.run_sync(waiting.wait, 60)
    assert _answer(waiting) == (0, "allow")
