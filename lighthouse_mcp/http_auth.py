"""The HTTP transport's gate: every request carries a Lighthouse bearer token, or it never reaches the MCP server.

401 for a missing, malformed, tampered, expired or revoked token; 403 for a valid token used as another agent
(an `X-Lighthouse-Agent` header naming someone else, or an MCP session opened by another agent); 503 when the
store cannot be read to check revocations (fail closed). The caller's identity goes to the tools in the ASGI scope.
There is no OAuth: a client's OAuth discovery gets a plain 404 that says how to get a token instead.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lighthouse_mcp.agents.identity import Identity
from lighthouse_mcp.agents.tokens import RevokedTokens, TokenRejected, verify
from lighthouse_mcp.tools.context import IDENTITY_SCOPE_KEY

log = logging.getLogger("lighthouse.http")

AGENT_HEADER = b"x-lighthouse-agent"
SESSION_HEADER = b"mcp-session-id"
MAX_SESSIONS = 10_000


class TokenGate:
    """ASGI middleware in front of the MCP app. `secret` is the project key; `revoked` follows revocations."""

    def __init__(self, app: ASGIApp, secret: bytes, revoked: RevokedTokens) -> None:
        self.app = app
        self._secret = secret
        self._revoked = revoked
        self._owners: OrderedDict[bytes, str] = OrderedDict()  # MCP session id -> the agent that opened it

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _oauth_probe(str(scope.get("path") or "")):
            await _no_oauth(send)
            return
        headers = dict(scope.get("headers") or [])
        try:
            who = self._admit(headers)
        except TokenRejected as exc:
            log.warning("refused %s %s: %s", scope.get("method"), scope.get("path"), exc)
            await _refuse(send, exc)
            return
        scope[IDENTITY_SCOPE_KEY] = who
        await self.app(scope, receive, self._remember_sessions(send, who, scope.get("method") == "DELETE", headers))

    def _admit(self, headers: dict[bytes, bytes]) -> Identity:
        auth = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, token = auth.partition(" ")
        if not auth:
            raise TokenRejected(
                401, "invalid_request", "no bearer token: send Authorization: Bearer <token> (lighthouse token issue)"
            )
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenRejected(401, "invalid_request", "the Authorization header must be: Bearer <token>")
        claims = verify(self._secret, token.strip())
        try:
            reason = self._revoked.reason(claims.jti)
        except Exception as exc:  # fail closed: a token that cannot be checked does not get in
            log.error("cannot check token revocations: %s", exc)
            raise TokenRejected(503, "temporarily_unavailable", f"cannot check revocations: {exc}") from exc
        if reason is not None:
            raise TokenRejected(401, "invalid_token", f"the token {claims.jti} was revoked: {reason}")
        declared = headers.get(AGENT_HEADER)
        if declared is not None and declared.decode("latin-1") != claims.agent:
            raise TokenRejected(
                403,
                "insufficient_scope",
                f"this token is {claims.agent}'s; it cannot act as {declared.decode('latin-1')[:64]!r}",
            )
        session = headers.get(SESSION_HEADER)
        owner = self._owners.get(session) if session is not None else None
        if owner is not None and owner != claims.agent:
            raise TokenRejected(
                403, "insufficient_scope", f"this MCP session belongs to {owner}; the token is {claims.agent}'s"
            )
        return Identity(claims.agent, claims.role, token=claims.jti)

    def _remember_sessions(self, send: Send, who: Identity, closing: bool, headers: dict[bytes, bytes]) -> Send:
        """Note which agent opened each MCP session (legacy, session-based protocol versions)."""
        if closing and SESSION_HEADER in headers:
            self._owners.pop(headers[SESSION_HEADER], None)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                for name, value in message.get("headers") or []:
                    if name.lower() == SESSION_HEADER and value not in self._owners:
                        self._owners[value] = who.name
                        if len(self._owners) > MAX_SESSIONS:
                            self._owners.popitem(last=False)
            await send(message)

        return sending


async def _refuse(send: Send, exc: TokenRejected) -> None:
    body = json.dumps({"error": exc.code, "error_description": str(exc)}).encode()
    description = str(exc).replace('"', "'")
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if exc.status in (401, 403):
        challenge = f'Bearer realm="lighthouse", error="{exc.code}", error_description="{description}"'
        headers.append((b"www-authenticate", challenge.encode("latin-1", "replace")))
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# Where an MCP client looks for OAuth after a 401 (RFC 9728 and RFC 8414 discovery, then the default endpoints).
_OAUTH_PATHS = ("/.well-known/oauth-protected-resource", "/.well-known/oauth-authorization-server",
                "/.well-known/openid-configuration")  # fmt: skip
_OAUTH_ENDPOINTS = frozenset({"/register", "/authorize", "/token"})
NO_OAUTH = (
    "this server issues no OAuth tokens and has no authorization server: ask its operator for a Lighthouse token "
    "(lighthouse token issue --agent NAME --role ROLE) and send it as Authorization: Bearer <token>"
)


def _oauth_probe(path: str) -> bool:
    return path.startswith(_OAUTH_PATHS) or path.rstrip("/") in _OAUTH_ENDPOINTS


async def _no_oauth(send: Send) -> None:
    """A client's OAuth discovery answered plainly, without a token: there is no metadata and no flow to start, so
    it stops there (a 401 here would read as a resource to log in to) and its user reads what to do instead."""
    body = json.dumps({"error": "not_found", "error_description": NO_OAUTH}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 404, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def gate(app: Any, secret: bytes, store: Any) -> TokenGate:
    """The MCP app behind a token gate that checks revocations in `store`."""
    return TokenGate(app, secret, RevokedTokens(store))
