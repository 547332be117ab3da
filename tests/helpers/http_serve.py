"""Start a real `lighthouse serve --http` for a project and talk to it with the official client and a token."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def http_server(root: Path, home: Path, **env: str) -> Iterator[str]:
    """Run the server until the block ends; yields its MCP URL once it answers (with 401: no token given)."""
    port = free_port()
    full_env = {**os.environ, "LIGHTHOUSE_HOME": str(home), "PYTHONPATH": os.pathsep.join(sys.path), **env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lighthouse_mcp", "serve", "--http", f"127.0.0.1:{port}"],
        cwd=root,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx2.get(url, timeout=2)
                break
            except httpx2.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {proc.communicate()[1][-2000:]}") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=20)
        assert out == "", out  # stdout stays clean: logs go to stderr


@contextlib.asynccontextmanager
async def http_client(url: str, token: str, **headers: str) -> AsyncIterator[Client]:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}", **headers}, timeout=30)
    async with http, Client(streamable_http_client(url, http_client=http)) as client:
        yield client
