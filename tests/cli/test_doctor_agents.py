"""`lighthouse doctor` runs each agent product's hook command as `init` wrote it, as that agent runs it, on a call
that must be denied; it says when one does not work, and does not run a command `init` did not write."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import claude
from tests.helpers.env import lighthouse_env

# (init's flag, the label doctor prints, the product, the settings file, the event before a shell command)
AGENTS = [
    ("--gemini", "gemini", "Gemini CLI", ".gemini/settings.json", "BeforeTool"),
    ("--codex", "codex", "Codex CLI", ".codex/hooks.json", "PreToolUse"),
    ("--cursor", "cursor", "Cursor", ".cursor/hooks.json", "beforeShellExecution"),
]


def run(args: list[str], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", *args],
        cwd=root, capture_output=True, text=True, env=env, check=False, timeout=180,
    )  # fmt: skip


@pytest.mark.parametrize(("flag", "label", "product", "settings", "event"), AGENTS, ids=[a[1] for a in AGENTS])
def test_doctor_runs_each_agents_hook_as_the_agent_would(
    tmp_path: Path, flag: str, label: str, product: str, settings: str, event: str
) -> None:
    root = tmp_path / "app"
    root.mkdir()
    env = claude.with_venv_on_path(lighthouse_env())
    assert run(["init", flag, "--agent", "o'neil", "--role", "reviewer"], root, env).returncode == 0
    fine = run(["doctor"], root, env)
    assert fine.returncode == 0, fine.stderr
    assert f"{label:<9} ok: a probe (rm -rf /) was denied" in fine.stdout

    broken = run(["doctor"], root, {**env, "PATH": "/usr/bin:/bin"})  # Lighthouse not installed here
    assert broken.returncode != 0 and f"the {product} hook does not work" in broken.stderr, broken.stderr

    marker = tmp_path / "ran"
    document = json.loads((root / settings).read_text())
    entry = document["hooks"][event][0 if flag == "--cursor" else -1]
    hook = entry if flag == "--cursor" else entry["hooks"][0]
    hook["command"] = f"touch {marker}; {hook['command']}"
    (root / settings).write_text(json.dumps(document))
    edited = run(["doctor"], root, env)
    assert edited.returncode != 0
    assert f"is not the hook command `lighthouse init {flag}` writes" in edited.stderr
    assert not marker.exists()
