"""`lighthouse token issue|revoke|list`: bearer tokens for agents that reach `lighthouse serve --http`.

A token names one agent and its role, is signed with a key derived from the project's secret.key, and expires.
`issue` prints the token on stdout (and nothing else, so `TOKEN=$(lighthouse token issue …)` works); the token
itself is never recorded, only `token.issued` with its id. `revoke` takes the id or the token and records
`token.revoked`; a running server refuses the token within a second.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from lighthouse_mcp.errors import UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands
    from lighthouse_mcp.events.model import Event
    from lighthouse_mcp.events.store import EventStore


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "token",
        help="issue, revoke or list bearer tokens for the HTTP transport",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    issue = sub.add_parser("issue", help="make a signed token for one agent")
    issue.add_argument("--agent", required=True, help="the agent's name, as it will appear in the audit log")
    issue.add_argument("--role", required=True, help="builder, expert, reviewer or admin")
    issue.add_argument("--ttl", default="8h", help="lifetime: 90s, 30m, 8h, 7d, 2w (default 8h, at most 366d)")
    issue.add_argument("--json", action="store_true", help="print {token, id, agent, role, expires_at} as JSON")
    issue.set_defaults(run=run_issue)
    revoke = sub.add_parser("revoke", help="revoke a token by its id (tok_…) or the token itself")
    revoke.add_argument("token", help="the token id from `lighthouse token list`, or the token")
    revoke.add_argument("--reason", default="", help="why, recorded with the revocation")
    revoke.set_defaults(run=run_revoke)
    ls = sub.add_parser("list", help="issued tokens and whether they are active, expired or revoked")
    ls.add_argument("--json", action="store_true", help="JSON Lines, one token per line")
    ls.set_defaults(run=run_list)
    p.set_defaults(run=_usage)


def _usage(args: argparse.Namespace) -> int:
    raise UsageError("token: give an action: issue, revoke ID or list")


def run_issue(args: argparse.Namespace) -> int:
    from lighthouse_mcp.agents import tokens
    from lighthouse_mcp.agents.identity import check_role
    from lighthouse_mcp.events.model import iso_time
    from lighthouse_mcp.project import load_project

    ttl = tokens.parse_ttl(args.ttl)
    tokens.check_agent_name(args.agent)
    check_role(args.role)
    project = load_project()
    token, claims = tokens.issue(project.key(), args.agent, args.role, ttl)
    store = project.open_store()
    try:
        store.append(tokens.issued_event(claims, by=project.config.agent.name))
    finally:
        store.close()
    expires = iso_time(claims.expires_at * 1_000_000_000)
    if args.json:
        item = {"token": token, "id": claims.jti, "agent": claims.agent, "role": claims.role, "expires_at": expires}
        print(json.dumps(item))
    else:
        print(token)
        print(f"{claims.jti}: agent {claims.agent}, role {claims.role}, expires {expires}", file=sys.stderr)
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    from lighthouse_mcp.agents import tokens
    from lighthouse_mcp.project import load_project

    jti = tokens.token_id(args.token)
    project = load_project()
    store = project.open_store()
    try:
        known = {t["id"]: t for t in tokens.token_states(_token_events(store))}
        if jti not in known:
            raise UsageError(f"token: no token {jti} was issued in this project (see `lighthouse token list`)")
        if known[jti]["status"] == "revoked":
            raise UsageError(f"token: {jti} is already revoked ({known[jti]['revoked']})")
        store.append(tokens.revoked_event(jti, args.reason[:500], by=project.config.agent.name))
    finally:
        store.close()
    print(f"{jti} revoked")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from lighthouse_mcp.agents import tokens
    from lighthouse_mcp.events.model import iso_time
    from lighthouse_mcp.project import load_project

    store = load_project().open_store()
    try:
        items = tokens.token_states(_token_events(store))
    finally:
        store.close()
    for item in items:
        item["expires_at"] = iso_time(int(item["expires_at"]) * 1_000_000_000)
        item["issued_at"] = iso_time(int(item["issued_at"]) * 1_000_000_000)
        if args.json:
            print(json.dumps(item, ensure_ascii=False))
        else:
            print(f"{item['id']}  {item['status']:<8} {item['agent']} ({item['role']})  expires {item['expires_at']}")
    if not items and not args.json:
        print("no tokens issued")
    return 0


def _token_events(store: EventStore) -> list[Event]:
    from lighthouse_mcp.events.follow import Follower

    events: list[Event] = []
    Follower(store, ("token",), events.append).refresh(fresh=True)
    return events
