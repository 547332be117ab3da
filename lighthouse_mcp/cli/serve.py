"""`lighthouse serve [--http HOST:PORT]`: the MCP server, over stdio unless told otherwise.

Over HTTP every request must carry a bearer token from `lighthouse token issue`; the agent and role come from it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands


def register(commands: Commands) -> None:
    p = commands.add_parser("serve", help="run the MCP server (stdio by default)", description=__doc__)
    p.add_argument("--http", metavar="HOST:PORT", help="serve streamable HTTP at http://HOST:PORT/mcp instead")
    p.set_defaults(run=run)


def parse_listen(value: str) -> tuple[str, int]:
    """`127.0.0.1:8765`, `[::1]:8765` or `0.0.0.0:8765` → (host, port)."""
    host, sep, port_text = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise UsageError(f"--http expects HOST:PORT such as 127.0.0.1:8765, not {value!r}")
    return host, int(port_text)


def is_loopback(host: str) -> bool:
    import ipaddress

    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    import logging

    import anyio

    from lighthouse_mcp import logs
    from lighthouse_mcp.project import load_project
    from lighthouse_mcp.server import build_server

    listen = parse_listen(args.http) if args.http else None
    project = load_project()
    logs.configure(project.config.logging.level, project.config.logging.format)
    project.key()  # fail now, with a clear message, rather than inside the first connection
    project.open_store().close()  # a missing store is not re-created here: that is a person's `store reset`
    from lighthouse_mcp.hooks import daemon

    hook_server = daemon.start(project.home.path)  # answers `lighthouse hook` while this runs (hooks/daemon.py)
    server = build_server(project, transport="http" if listen else "stdio")
    logging.getLogger("lighthouse.serve").info(
        "serving", extra={"home": str(project.home.path), "transport": "http" if listen else "stdio"}
    )
    if listen is None:
        from lighthouse_mcp.stdio import serve

        try:
            anyio.run(serve, server)
        finally:
            daemon.stop(hook_server)
        return 0
    if not is_loopback(listen[0]):
        logging.getLogger("lighthouse.serve").warning(
            "serving plain HTTP beyond this machine: tokens travel in clear text; put a TLS proxy in front"
        )
    try:
        anyio.run(_serve_http, server, project, *listen)
    finally:
        daemon.stop(hook_server)
    return 0


def _with_metrics(app: Any, store: Any, project: Any) -> Any:
    """GET /metrics answers in Prometheus' text format; everything else goes to the MCP app."""
    from lighthouse_mcp import metrics

    async def route(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") == "/metrics":
            figures = metrics.latencies(store, project.config.metrics.window_s)
            body = metrics.prometheus(figures, store.count()).encode()
            headers = [(b"content-type", b"text/plain; version=0.0.4"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return route


async def _serve_http(server: Any, project: Any, host: str, port: int) -> None:
    import contextlib

    import uvicorn

    from lighthouse_mcp.http_auth import gate

    store = project.open_store()
    app = gate(_with_metrics(server.streamable_http_app(host=host), store, project), project.key(), store)
    # log_config=None: uvicorn's own loggers go through Lighthouse's stderr handler instead of to stdout.
    config = uvicorn.Config(app, host=host, port=port, log_config=None, lifespan="on")
    with contextlib.closing(store):
        await uvicorn.Server(config).serve()
