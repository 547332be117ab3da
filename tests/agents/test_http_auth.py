"""Bearer tokens on the HTTP transport, through a real `lighthouse serve --http` and the official client: who may
come in, who they are once in, and what their role lets them call."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from typing import Any

import anyio
import httpx2
import pytest

from lighthouse_mcp.agents import tokens
from lighthouse_mcp.project import Project
from tests.helpers.http_serve import http_client, http_server

pytestmark = pytest.mark.anyio

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def _lighthouse(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", *args],
        cwd=project.home.root,
        capture_output=True,
        text=True,
        check=False,
    )


def _issue(project: Project, agent: str, role: str, ttl: str = "1h") -> str:
    result = _lighthouse(project, "token", "issue", "--agent", agent, "--role", role, "--ttl", ttl)
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.startswith("lh1.") and "\n" not in token
    return token


def _post(url: str, token: str | None, **headers: str) -> httpx2.Response:
    auth = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx2.post(url, json=INIT, headers={**ACCEPT, **auth, **headers}, timeout=10)


def _tampered(token: str) -> str:
    prefix, body, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{prefix}.{forged}.{signature}"


def _error(response: httpx2.Response) -> str:
    assert response.headers["content-type"] == "application/json"
    assert response.headers["www-authenticate"].startswith("Bearer ")
    return str(response.json()["error_description"])


def test_requests_without_a_good_token_are_refused(project: Project) -> None:
    token = _issue(project, "ben", "builder")
    expired, _ = tokens.issue(project.key(), "ben", "builder", 60, now_s=int(time.time()) - 3600)
    foreign, _ = tokens.issue(bytes(32), "ben", "admin", 3600)
    with http_server(project.home.root, project.home.path) as url:
        assert _post(url, token).status_code == 200
        cases: list[tuple[str | None, dict[str, str], int, str]] = [
            (None, {}, 401, "no bearer token"),
            (_tampered(token), {}, 401, "signature does not match"),
            (token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"), {}, 401, "signature does not match"),
            (expired, {}, 401, "expired at"),
            (foreign, {}, 401, "issued by another project"),
            ("not-a-token", {}, 401, "not a Lighthouse token"),
            ("lh1." + "A" * 5000, {}, 401, "Lighthouse tokens are short"),
            (token, {"X-Lighthouse-Agent": "ops"}, 403, "this token is ben's; it cannot act as 'ops'"),
        ]
        for bad, headers, status, message in cases:
            response = _post(url, bad, **headers)
            assert response.status_code == status, (bad, response.text)
            assert message in _error(response)
        basic = httpx2.post(url, json=INIT, headers={**ACCEPT, "Authorization": "Basic Zm9vOmJhcg=="}, timeout=10)
        assert basic.status_code == 401 and "Bearer <token>" in _error(basic)
        assert _post(url, token, **{"X-Lighthouse-Agent": "ben"}).status_code == 200


def test_a_revoked_token_is_refused_within_a_second(project: Project) -> None:
    token = _issue(project, "ben", "builder")
    other = _issue(project, "ann", "reviewer")
    with http_server(project.home.root, project.home.path) as url:
        assert _post(url, token).status_code == 200
        revoked = _lighthouse(project, "token", "revoke", token, "--reason", "laptop lost")
        assert revoked.returncode == 0, revoked.stderr
        deadline = time.monotonic() + 5
        while (response := _post(url, token)).status_code == 200:
            assert time.monotonic() < deadline, "the revocation never took effect"
            time.sleep(0.1)
        assert response.status_code == 401 and "was revoked: laptop lost" in _error(response)
        assert _post(url, other).status_code == 200  # only that token
    listing = _lighthouse(project, "token", "list", "--json")
    states = {json.loads(line)["agent"]: json.loads(line)["status"] for line in listing.stdout.splitlines()}
    assert states == {"ben": "revoked", "ann": "active"}
    again = _lighthouse(project, "token", "revoke", token)
    assert again.returncode == 64 and "already revoked (laptop lost)" in again.stderr


def test_a_session_opened_by_one_agent_cannot_be_used_by_another(project: Project) -> None:
    ben, ann = _issue(project, "ben", "builder"), _issue(project, "ann", "builder")
    with http_server(project.home.root, project.home.path) as url:
        opened = _post(url, ben)
        session = opened.headers.get("mcp-session-id")
        assert opened.status_code == 200 and session, opened.headers
        hijack = _post(url, ann, **{"Mcp-Session-Id": session})
        assert hijack.status_code == 403 and "belongs to ben" in _error(hijack)


async def _call(client: Any, tool: str, args: dict[str, Any]) -> Any:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    return result.structured_content


async def test_the_token_decides_who_acts_and_what_the_role_may_call(project: Project) -> None:
    ben, ops, rex = (
        _issue(project, "ben", "builder"),
        _issue(project, "ops", "admin"),
        _issue(project, "rex", "reviewer"),
    )
    policy = 'package lighthouse\n\nimport rego.v1\n\nteam_rule := "on"\n'
    with http_server(project.home.root, project.home.path) as url:
        async with http_client(url, ben) as builder, http_client(url, ops) as admin, http_client(url, rex) as reviewer:
            with anyio.fail_after(30):
                write = {"tool_name": "Write", "tool_input": {"file_path": "src/a.py", "content": "x = 1\n"}}
                assert (await _call(builder, "validate_tool_call", write))["decision"] == "allow"
                as_reviewer = await _call(reviewer, "validate_tool_call", write)
                assert as_reviewer["decision"] == "ask" and "roles.read-only" in as_reviewer["rules"]
                decision = await _call(builder, "validate_command", {"command": "ls"})
                assert decision["decision"] == "allow"
                refused = await builder.call_tool("put_policy", {"name": "team.rego", "content": policy})
                assert refused.is_error
                assert "put_policy needs the admin role; this agent (ben) is a builder" in str(refused.content)
                put = await _call(admin, "put_policy", {"name": "team.rego", "content": policy})
                assert put["name"] == "team.rego"
                claim = await _call(builder, "claim_files", {"paths": ["src/**"], "ttl_s": 60, "reason": "refactor"})
                assert claim["agent"] == "ben"
                events = (await _call(admin, "query_events", {"order": "asc", "limit": 100}))["events"]
    started = {e["agent"]: e for e in events if e["type"] == "session.started"}
    assert started["ben"]["payload"]["role"] == "builder" and started["ops"]["payload"]["role"] == "admin"
    assert started["ben"]["payload"]["transport"] == "http" and started["ben"]["payload"]["token"].startswith("tok_")
    decided = {e["agent"]: e["session"] for e in events if e["type"] == "validation.decided"}
    assert decided == {"ben": started["ben"]["session"], "rex": started["rex"]["session"]}
    by_type = {e["type"]: e for e in events}
    assert by_type["policy.put"]["agent"] == "ops" and by_type["files.claimed"]["agent"] == "ben"
    assert {e["agent"]: e["payload"]["role"] for e in events if e["type"] == "token.issued"} == {
        "ben": "builder",
        "ops": "admin",
        "rex": "reviewer",
    }
    assert all(ben not in json.dumps(e) and ops not in json.dumps(e) for e in events)  # tokens are never recorded


def test_oauth_discovery_finds_no_flow_to_start(project: Project) -> None:
    # After a 401 an MCP client looks for OAuth metadata and endpoints. There are none: each probe gets a 404 that
    # says how to get a token (no token needed to read it), and the 401 points at no metadata.
    probes = [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
        "/register",
        "/authorize",
        "/token",
    ]
    with http_server(project.home.root, project.home.path) as url:
        base = url.removesuffix("/mcp")
        refused = _post(url, None)
        answers = [httpx2.get(base + path, timeout=10) for path in probes]
        registered = httpx2.post(base + "/register", json={"redirect_uris": ["http://x"]}, timeout=10)
    assert refused.status_code == 401 and "resource_metadata" not in refused.headers["www-authenticate"]
    for response in [*answers, registered]:
        assert response.status_code == 404, response.request.url
        assert "lighthouse token issue" in response.json()["error_description"]
