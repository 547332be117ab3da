"""Consensus: three experts asked at once through the fake provider — one agrees, one dissents, one times out."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from mcp import Client

from lighthouse_mcp.config import load_config
from lighthouse_mcp.experts.consensus import Vote, combine
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from tests.experts.test_consult import ALLOW, ANTHROPIC_KEY, DENY
from tests.helpers.fake_llm import FakeLLM

pytestmark = pytest.mark.anyio

ASK = json.dumps({"verdict": "ask", "confidence": 0.6, "analysis": "depends on the branch", "recommendations": []})


def _profile(name: str, model: str, timeout_s: int = 10) -> str:
    return (
        f"name: {name}\nsystem: You judge {name}.\ntimeout_s: {timeout_s}\n"
        f"providers:\n  - {{provider: anthropic, model: {model}}}\n"
    )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    server = FakeLLM()
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("LIGHTHOUSE_EXPERTS__ANTHROPIC_BASE_URL", server.url)
    monkeypatch.setenv("LIGHTHOUSE_EXPERTS__MAX_RETRIES", "0")
    yield server
    server.stop()


async def test_one_dissents_and_one_times_out(project: Project, fake: FakeLLM) -> None:
    project.home.experts_dir.mkdir()
    for name, model, timeout in (("alpha", "m-alpha", 10), ("beta", "m-beta", 10), ("gamma", "m-gamma", 1)):
        (project.home.experts_dir / f"{name}.yaml").write_text(_profile(name, model, timeout))
    fake.by_model = {"m-alpha": ("ok", DENY), "m-beta": ("ok", ALLOW), "m-gamma": ("slow", 5, DENY)}
    args = {"question": "Run the migration on production?", "profiles": ["alpha", "beta", "gamma"], "quorum": 2}
    async with Client(build_server(Project(project.home, load_config(project.home.config_path)))) as client:
        result = await client.call_tool("request_consensus", args)
        assert not result.is_error, result.content
        out = result.structured_content
        assert out is not None
        assert (out["verdict"], out["quorum_met"], out["agreement"]) == ("deny", True, 0.5)  # a tie goes to deny
        assert [v["expert"] for v in out["votes"]] == ["alpha", "beta"]
        assert [(d["expert"], d["verdict"]) for d in out["dissent"]] == [("beta", "allow")]
        assert [m["expert"] for m in out["missing"]] == ["gamma"] and "no answer within 1 s" in out["missing"][0][
            "error"
        ]
        short = await client.call_tool("request_consensus", {**args, "quorum": 3})
        assert short.structured_content["verdict"] is None and not short.structured_content["quorum_met"]  # type: ignore[index]
        events = (await client.call_tool("query_events", {"type": "consensus"})).structured_content["events"]  # type: ignore[index]
    assert len(events) == 2 and events[1]["payload"]["verdict"] == "deny"


async def test_bad_consensus_requests(project: Project, fake: FakeLLM) -> None:
    async with Client(build_server(project)) as client:
        cases = [
            ({"question": "q", "profiles": ["security"]}, "2 to 8 different experts and profiles"),
            ({"question": "q", "profiles": ["security", "security"]}, "2 to 8 different experts and profiles"),
            ({"question": "q", "profiles": ["security", "performance"]}, "performance answer without a verdict"),
            ({"question": "q", "profiles": ["security", "code_review"], "quorum": 3}, "quorum must be between 1 and 2"),
            ({"question": "q", "profiles": ["security", "nope"]}, "no expert profile 'nope'"),
        ]
        for args, message in cases:
            result = await client.call_tool("request_consensus", args)
            assert result.is_error and message in str(result.content), (args, result.content)


def test_majority_then_care() -> None:
    def v(name: str, verdict: str) -> Vote:
        return Vote(name, verdict, 0.5, "because")

    assert combine([v("a", "allow"), v("b", "allow"), v("c", "deny")], [], 2).verdict == "allow"
    assert combine([v("a", "allow"), v("b", "ask")], [], 2).verdict == "ask"
    tied = combine([v("a", "allow"), v("b", "deny"), v("c", "ask"), v("d", "allow"), v("e", "deny")], [], 3)
    assert tied.verdict == "deny" and [d.expert for d in tied.dissent] == ["a", "c", "d"]
    assert combine([v("a", "allow")], [{"expert": "b", "error": "timeout"}], 2).verdict is None


async def test_agent_experts_vote_too(project: Project, fake: FakeLLM) -> None:
    import anyio

    from tests.experts.test_delegation import _as, _call

    project.home.experts_dir.mkdir()
    (project.home.experts_dir / "alpha.yaml").write_text(_profile("alpha", "m-alpha"))
    fake.by_model = {"m-alpha": ("ok", ASK)}
    project = Project(project.home, load_config(project.home.config_path))
    async with _as(project, "ben", "builder") as ben, _as(project, "rex") as rex, _as(project, "sly") as sly:
        await _call(rex, "register_expert", {"capabilities": ["review"]})
        await _call(sly, "register_expert", {"capabilities": ["review"]})

        async def rex_answers() -> None:
            task = await _call(rex, "next_task", {"wait_s": 10})
            assert "Answer with exactly one JSON object" in task["task"]
            await _call(rex, "complete_task", {"task_id": task["task_id"], "result": ASK})

        args = {
            "question": "Merge this?",
            "profiles": ["alpha"],
            "experts": ["rex", "sly", "nobody"],
            "timeout_s": 2,
            "quorum": 2,
        }
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(rex_answers)
            out = await _call(ben, "request_consensus", args)
    assert (out["verdict"], out["quorum_met"], out["agreement"]) == ("ask", True, 1.0)
    assert [v["expert"] for v in out["votes"]] == ["alpha", "rex"]
    missing = {m["expert"]: m["error"] for m in out["missing"]}
    assert "did not answer within 2 s" in missing["sly"] and "not a registered expert" in missing["nobody"]
