"""Tokens as data: issuing, verifying, lifetimes and ids, and the gate failing closed when it cannot check them."""

from __future__ import annotations

import time
from pathlib import Path

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lighthouse_mcp.agents import tokens
from lighthouse_mcp.agents.identity import Identity
from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.sqlite import SQLiteEventStore
from lighthouse_mcp.http_auth import gate
from lighthouse_mcp.tools.context import IDENTITY_SCOPE_KEY
from tests.conftest import KEY

NOW = 1_800_000_000


def test_a_token_round_trips_its_claims() -> None:
    token, claims = tokens.issue(KEY, "ben", "builder", 3600, now_s=NOW)
    assert tokens.verify(KEY, token, now_s=NOW + 10) == claims
    assert claims.expires_at == NOW + 3600 and claims.jti.startswith("tok_")
    assert tokens.token_id(token) == claims.jti == tokens.token_id(claims.jti)


def test_a_token_expires_at_its_time() -> None:
    token, _ = tokens.issue(KEY, "ben", "builder", 60, now_s=NOW)
    tokens.verify(KEY, token, now_s=NOW + 59)
    with pytest.raises(tokens.TokenRejected, match="expired at 2027-01-15T08:01:00Z") as caught:
        tokens.verify(KEY, token, now_s=NOW + 60)
    assert caught.value.status == 401


def test_another_projects_key_does_not_verify() -> None:
    token, _ = tokens.issue(KEY, "ben", "admin", 60, now_s=NOW)
    with pytest.raises(tokens.TokenRejected, match="issued by another project"):
        tokens.verify(bytes(32), token, now_s=NOW)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90s", 90), ("30m", 1800), ("8h", 28_800), ("7d", 604_800), ("2w", 1_209_600), (" 1H ", 3600)],
)
def test_durations(text: str, seconds: int) -> None:
    assert tokens.parse_ttl(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "at least one second"),
        ("0h", "at least one second"),
        ("-5m", "not a duration"),
        ("1.5h", "not a duration"),
        ("", "not a duration"),
        ("forever", "not a duration"),
        ("367d", "366-day maximum"),
        ("9" * 30, "not a duration"),
    ],
)
def test_bad_durations_say_why(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        tokens.parse_ttl(text)


@pytest.mark.parametrize(
    ("agent", "role", "ttl", "message"),
    [
        ("ben", "king", 60, "unknown role 'king'"),
        ("ben", "", 60, "unknown role"),
        ("", "builder", 60, "agent name"),
        ("../../etc", "builder", 60, "agent name"),
        ("a" * 65, "builder", 60, "agent name"),
        ("bén", "builder", 60, "agent name"),
        ("ben", "builder", 0, "between 1 s"),
        ("ben", "builder", -1, "between 1 s"),
    ],
)
def test_bad_claims_are_refused_when_issuing(agent: str, role: str, ttl: int, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        tokens.issue(KEY, agent, role, ttl)


@given(st.text(max_size=300))
def test_verify_refuses_any_text_with_a_reason(text: str) -> None:
    with pytest.raises(tokens.TokenRejected) as caught:
        tokens.verify(KEY, text, now_s=NOW)
    assert caught.value.status == 401 and str(caught.value)


@given(st.text(max_size=200))
def test_token_id_accepts_only_ids_and_tokens(text: str) -> None:
    if text.strip().startswith(("tok_", "lh1.")):
        return  # a real id or token shape is covered by the round-trip tests
    with pytest.raises(UsageError, match="neither a token id"):
        tokens.token_id(text)


@given(
    st.sampled_from(["builder", "expert", "reviewer", "admin"]),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,20}", fullmatch=True),
)
def test_every_valid_identity_round_trips(role: str, agent: str) -> None:
    token, claims = tokens.issue(KEY, agent, role, 5, now_s=NOW)
    assert tokens.verify(KEY, token, now_s=NOW) == claims


def test_token_states_follow_the_events(tmp_path: Path) -> None:
    store = SQLiteEventStore(tmp_path / "e.db", KEY)
    try:
        _, live = tokens.issue(KEY, "ben", "builder", 3600, now_s=NOW)
        _, gone = tokens.issue(KEY, "ann", "admin", 3600, now_s=NOW)
        _, old = tokens.issue(KEY, "old", "expert", 10, now_s=NOW)
        for claims in (live, gone, old):
            store.append(tokens.issued_event(claims, by="ops"))
        store.append(tokens.revoked_event(gone.jti, "left the team", by="ops"))
        events = store.read_after(0, 100)
        revoked = tokens.RevokedTokens(store)
        assert revoked.reason(gone.jti) == "left the team" and revoked.reason(live.jti) is None
    finally:
        store.close()
    states = {t["agent"]: t["status"] for t in tokens.token_states(events, now_s=NOW + 60)}
    assert states == {"ben": "active", "ann": "revoked", "old": "expired"}


async def _echo_identity(scope: dict[str, object], receive: object, send: object) -> None:
    who = scope[IDENTITY_SCOPE_KEY]
    assert isinstance(who, Identity)
    body = f"{who.name}/{who.role}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": body})  # type: ignore[operator]


@pytest.mark.anyio
async def test_the_gate_fails_closed_when_revocations_cannot_be_read(tmp_path: Path) -> None:
    store = SQLiteEventStore(tmp_path / "e.db", KEY)
    app = gate(_echo_identity, KEY, store)
    token, _ = tokens.issue(KEY, "ben", "builder", 600)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as client:
        ok = await client.post("/mcp", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.text == "ben/builder"
        store.close()
        time.sleep(0.25)  # past the revocation view's refresh interval, so it must read the (closed) store
        broken = await client.post("/mcp", headers={"Authorization": f"Bearer {token}"})
    assert broken.status_code == 503
    assert "cannot check revocations" in broken.json()["error_description"]
