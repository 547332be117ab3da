"""Bearer tokens for the HTTP transport: HMAC-signed, with an agent, a role and an expiry; revocable by event.

A token is `lh1.<claims>.<signature>`: the claims are base64url JSON (`jti`, `agent`, `role`, `iat`, `exp`), the
signature an HMAC-SHA256 over `lh1.<claims>` with a key derived from the project's `secret.key`. A token therefore
only works for the project that issued it, names exactly one agent, and cannot be altered without the key.
Issuing records `token.issued` (never the token itself); revoking records `token.revoked`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from lighthouse_mcp.agents.identity import ROLES, check_role
from lighthouse_mcp.errors import UsageError
from lighthouse_mcp.events.follow import Follower
from lighthouse_mcp.events.ids import new_id
from lighthouse_mcp.events.model import Event, NewEvent

PREFIX = "lh1"
MAX_TTL_S = 366 * 86_400
MAX_TOKEN_CHARS = 2048
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_DURATION = re.compile(r"(?P<n>\d{1,9})(?P<unit>[smhdw]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


@dataclass(frozen=True)
class TokenClaims:
    """What a bearer token says: its id, the agent and role it stands for, when it was issued and when it expires."""

    jti: str
    agent: str
    role: str
    issued_at: int
    expires_at: int


class TokenRejected(Exception):
    """The token is not acceptable. `status` is the HTTP status (401 or 403), `code` the RFC 6750 error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def token_key(secret: bytes) -> bytes:
    """The signing key: derived from the project key, so it differs from the audit chain's."""
    return hmac.new(secret, b"lighthouse token signing v1", hashlib.sha256).digest()


def check_agent_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"agent name {name[:80]!r} is not valid: 1-64 characters, letters, digits and . _ @ -, "
            "starting with a letter or digit"
        )
    return name


def parse_ttl(text: str) -> int:
    """`90`, `90s`, `30m`, `8h`, `7d`, `2w` → seconds; zero, negative and over a year are refused."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise UsageError(f"--ttl {text[:40]!r} is not a duration: use a positive number with s, m, h, d or w (8h)")
    seconds = int(match["n"]) * _UNITS[match["unit"]]
    if seconds <= 0:
        raise UsageError(f"--ttl {text!r}: a token must live for at least one second")
    if seconds > MAX_TTL_S:
        raise UsageError(f"--ttl {text!r} is longer than the 366-day maximum; issue a new token when it expires")
    return seconds


def issue(secret: bytes, agent: str, role: str, ttl_s: int, *, now_s: int | None = None) -> tuple[str, TokenClaims]:
    """A new signed token and its claims."""
    now_s = int(time.time()) if now_s is None else now_s
    if not 0 < ttl_s <= MAX_TTL_S:
        raise UsageError(f"a token's lifetime must be between 1 s and {MAX_TTL_S} s, not {ttl_s}")
    claims = TokenClaims(
        "tok_" + new_id(now_s * 1_000_000_000).lower(), check_agent_name(agent), check_role(role), now_s, now_s + ttl_s
    )
    body = {"jti": claims.jti, "agent": claims.agent, "role": claims.role, "iat": now_s, "exp": claims.expires_at}
    signed = f"{PREFIX}.{_b64(json.dumps(body, separators=(',', ':')).encode())}"
    return f"{signed}.{_b64(_sign(secret, signed))}", claims


def verify(secret: bytes, token: str, *, now_s: float | None = None) -> TokenClaims:
    """The claims of a well-formed, correctly signed, unexpired token; otherwise `TokenRejected` saying why.
    Revocation is checked by the caller against the store (`revoked_ids`)."""
    if len(token) > MAX_TOKEN_CHARS:
        raise TokenRejected(401, "invalid_token", f"the token is {len(token)} characters; Lighthouse tokens are short")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise TokenRejected(401, "invalid_token", "not a Lighthouse token (expected lh1.<claims>.<signature>)")
    try:
        signature = _unb64(parts[2])
    except ValueError:
        raise TokenRejected(401, "invalid_token", "the token's signature is not base64url") from None
    if not hmac.compare_digest(signature, _sign(secret, f"{parts[0]}.{parts[1]}")):
        raise TokenRejected(
            401, "invalid_token", "the token's signature does not match: it was altered or issued by another project"
        )
    try:
        body = json.loads(_unb64(parts[1]))
        claims = TokenClaims(
            str(body["jti"]), str(body["agent"]), str(body["role"]), int(body["iat"]), int(body["exp"])
        )
    except (ValueError, KeyError, TypeError):
        raise TokenRejected(401, "invalid_token", "the token's claims are malformed") from None
    if claims.role not in ROLES:
        raise TokenRejected(401, "invalid_token", f"the token names an unknown role {claims.role!r}")
    now = time.time() if now_s is None else now_s
    if claims.expires_at <= now:
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(claims.expires_at))
        raise TokenRejected(401, "invalid_token", f"the token {claims.jti} expired at {when}; issue a new one")
    return claims


def issued_event(claims: TokenClaims, *, by: str) -> NewEvent:
    payload = {"role": claims.role, "issued_at": claims.issued_at, "expires_at": claims.expires_at, "issued_by": by}
    return NewEvent("token.issued", payload, agent=claims.agent, aggregate=claims.jti)


def revoked_event(jti: str, reason: str, *, by: str) -> NewEvent:
    return NewEvent("token.revoked", {"reason": reason, "revoked_by": by}, agent=by, aggregate=jti)


def token_id(text: str) -> str:
    """The token id to revoke, given either the id (`tok_…`) or the whole token (its signature is not needed)."""
    text = text.strip()
    if re.fullmatch(r"tok_[0-9a-z]{26}", text):
        return text
    parts = text.split(".")
    if len(parts) == 3 and parts[0] == PREFIX:
        try:
            jti = json.loads(_unb64(parts[1])).get("jti")
        except (ValueError, AttributeError):
            jti = None
        if isinstance(jti, str) and re.fullmatch(r"tok_[0-9a-z]{26}", jti):
            return jti
    raise UsageError(f"{text[:40]!r} is neither a token id (tok_…) nor a Lighthouse token")


def token_states(events: list[Any], now_s: float | None = None) -> list[dict[str, Any]]:
    """Issued tokens with their status (active, expired, revoked), from `token.*` events in order."""
    now = time.time() if now_s is None else now_s
    tokens: dict[str, dict[str, Any]] = {}
    for event in events:
        if event.type == "token.issued":
            tokens[event.aggregate] = {"id": event.aggregate, "agent": event.agent, **event.payload}
        elif event.type == "token.revoked" and event.aggregate in tokens:
            tokens[event.aggregate]["revoked"] = event.payload.get("reason") or "revoked"
    for item in tokens.values():
        item["status"] = "revoked" if "revoked" in item else "expired" if item["expires_at"] <= now else "active"
    return list(tokens.values())


def _sign(secret: bytes, signed: str) -> bytes:
    return hmac.new(token_key(secret), signed.encode("ascii", "replace"), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise ValueError(str(exc)) from exc


class RevokedTokens:
    """The ids of revoked tokens, folded from `token.revoked` events (see `Follower`)."""

    def __init__(self, store: Any, *, refresh_s: float = 0.2) -> None:
        self._revoked: dict[str, str] = {}
        self._follower = Follower(store, ("token.revoked",), self._fold, refresh_s=refresh_s)

    def reason(self, jti: str) -> str | None:
        """Why `jti` was revoked, or None when it was not. Raises `StoreError` when the store cannot be read."""
        self._follower.refresh()
        return self._revoked.get(jti)

    def _fold(self, event: Event) -> None:
        self._revoked[event.aggregate or ""] = str(event.payload.get("reason") or "revoked")
