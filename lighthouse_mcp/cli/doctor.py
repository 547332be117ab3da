"""`lighthouse doctor`: check the project end to end through a real MCP client, then print the `.mcp.json` entry."""

from __future__ import annotations

import argparse
import json
from typing import Any

from lighthouse_mcp.errors import ChainBroken, LighthouseError


def register(commands: Any) -> None:
    p = commands.add_parser(
        "doctor", help="self-check the project and print the .mcp.json snippet", description=__doc__
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import anyio

    from lighthouse_mcp.home import mcp_server_entry
    from lighthouse_mcp.project import load_project

    project = load_project()
    report = anyio.run(_self_check, project)
    print(f"home      {project.home.path}")
    print(f"database  {project.db_path}")
    print(f"agent     {project.config.agent.name} ({project.config.agent.role})")
    print(f"tools     {', '.join(report['tools'])}")
    print(f"events    {report['health']['store']['events']} (last seq {report['health']['store']['last_seq']})")
    chain = report["chain"]
    print(f"chain     {'ok' if chain['ok'] else 'BROKEN'}: {chain['checked']} events verified")
    print()
    print("Add Lighthouse to Claude Code with this .mcp.json (or run `lighthouse init --claude`):")
    print(json.dumps({"mcpServers": {"lighthouse": mcp_server_entry(project.home)}}, indent=2))
    if not chain["ok"]:
        raise ChainBroken(f"audit log chain broken at event {chain['first_bad_seq']}: {chain['reason']}")
    return 0


async def _self_check(project: Any) -> dict[str, Any]:
    from mcp import Client

    from lighthouse_mcp.server import build_server

    async with Client(build_server(project, transport="self-check"), raise_exceptions=True) as client:
        tools = await client.list_tools()
        health = await client.call_tool("health", {})
        chain = await client.call_tool("verify_audit_log", {})
    for result in (health, chain):
        if result.is_error:
            raise LighthouseError(f"self-check failed: {result.content[0].text}")  # type: ignore[union-attr]
    return {
        "tools": [t.name for t in tools.tools],
        "health": health.structured_content,
        "chain": chain.structured_content,
    }
