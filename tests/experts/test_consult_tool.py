"""consult_expert and list_experts through MCP, with the providers' SDKs pointed at the local fake."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from mcp import Client

from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from tests.experts.test_consult import ALLOW, ANTHROPIC_KEY, DENY, OPENAI_KEY
from tests.helpers.fake_llm import FakeLLM

pytestmark = pytest.mark.anyio


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    server = FakeLLM(default_text=DENY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("LIGHTHOUSE_EXPERTS__ANTHROPIC_BASE_URL", server.url)
    monkeypatch.setenv("LIGHTHOUSE_EXPERTS__OPENAI_BASE_URL", f"{server.url}/v1")
    monkeypatch.setenv("LIGHTHOUSE_EXPERTS__MAX_RETRIES", "0")
    yield server
    server.stop()


def _project(project: Project) -> Project:
    from lighthouse_mcp.config import load_config

    return Project(project.home, load_config(project.home.config_path))


async def test_consult_expert_answers_reports_progress_and_records(project: Project, fake: FakeLLM) -> None:
    (project.home.root / "deploy.sh").write_text("rm -rf /srv/app && cp -r build /srv/app\n")
    seen: list[Any] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(message)

    async with Client(build_server(_project(project))) as client:
        result = await client.call_tool(
            "consult_expert",
            {"question": "Is this deploy script safe?", "profile": "security", "files": ["deploy.sh"]},
            progress_callback=on_progress,
        )
        assert not result.is_error, result.content
        out = result.structured_content
        assert out is not None
        assert (out["verdict"], out["provider"], out["tokens"]) == ("deny", "anthropic", {"input": 120, "output": 40})
        assert "--- deploy.sh ---\nrm -rf /srv/app" in fake.requests[0]["body"]["messages"][0]["content"]
        assert any("asking anthropic claude-sonnet-4-6" in str(m) for m in seen)
        events = (await client.call_tool("query_events", {"type": "expert"})).structured_content["events"]  # type: ignore[index]
    assert events[0]["payload"]["ok"] and events[0]["payload"]["files"] == ["deploy.sh"]
    assert ANTHROPIC_KEY not in json.dumps(events) and "rm -rf /srv/app" not in json.dumps(events)


async def test_consult_expert_errors_are_clear(
    project: Project, fake: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project.home.root / ".env").write_text("TOKEN=x\n")
    async with Client(build_server(_project(project))) as client:
        cases = [
            ({"question": "q", "profile": "astrology"}, "no expert profile 'astrology'"),
            ({"question": "q", "files": ["../../etc/passwd"]}, "not a file of this project"),
            ({"question": "q", "files": [".env"]}, "looks like a secret file"),
            ({"question": "q", "files": ["missing.py"]}, "cannot read 'missing.py'"),
            ({"question": "  "}, "the question is empty"),
        ]
        for args, message in cases:
            result = await client.call_tool("consult_expert", args)
            assert result.is_error and message in str(result.content), (args, result.content)
        monkeypatch.delenv("ANTHROPIC_API_KEY")
        monkeypatch.delenv("OPENAI_API_KEY")
    async with Client(build_server(_project(project))) as client:
        result = await client.call_tool("consult_expert", {"question": "q"})
        assert result.is_error and "set ANTHROPIC_API_KEY or OPENAI_API_KEY" in str(result.content)
        listed = (await client.call_tool("list_experts", {})).structured_content
        failed = (await client.call_tool("query_events", {"type": "expert"})).structured_content["events"]  # type: ignore[index]
    assert listed is not None and listed["providers"]["anthropic"]["key_set"] is False
    assert {p["name"] for p in listed["profiles"]} >= {"security", "performance", "architecture", "code_review"}
    assert failed[0]["payload"]["ok"] is False and "ANTHROPIC_API_KEY" in failed[0]["payload"]["error"]
    assert fake.requests == []


async def test_a_project_profile_is_used(project: Project, fake: FakeLLM) -> None:
    project.home.experts_dir.mkdir()
    (project.home.experts_dir / "db.yaml").write_text(
        "name: db\ndescription: database migrations\nanswer: free\n"
        "providers:\n  - {provider: openai, model: gpt-5.5-pro}\nsystem: You review database migrations.\n"
    )
    fake.default_text = ALLOW
    async with Client(build_server(_project(project))) as client:
        out = (
            await client.call_tool("consult_expert", {"question": "Add an index?", "profile": "db"})
        ).structured_content
    assert out is not None and out["provider"] == "openai" and out["verdict"] is None
    assert fake.requests[0]["body"]["instructions"].startswith("You review database migrations.")
