"""A project's hook server (`hooks/daemon.py`) for a test: started as `lighthouse serve` starts it, ready once its
socket exists, stopped as `serve` stops it (by closing its input)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lighthouse_mcp.hooks.client import socket_path
from lighthouse_mcp.hooks.daemon import stop

REPO = Path(__file__).parent.parent.parent
# As `serve` starts it (`-I`: no PYTHONPATH, no working directory on the path), but this checkout's code: `-I -m`
# would import whichever checkout the environment's install points at, which in a second worktree is another one.
BOOT = (
    "import sys; sys.path.insert(0, sys.argv.pop(1)); "
    "from lighthouse_mcp.hooks.daemon import main; sys.exit(main(sys.argv[1:]))"
)


@contextmanager
def hook_server(home_dir: Path, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", BOOT, str(REPO), str(home_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    sock = Path(socket_path(str(home_dir)))
    try:
        until = time.monotonic() + 60
        while not sock.exists():
            if proc.poll() is not None:
                raise AssertionError(f"the hook server ended: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
            if time.monotonic() > until:
                raise AssertionError("the hook server did not bind its socket within 60 s")
            time.sleep(0.02)
        yield proc
    finally:
        stop(proc, wait_s=10)
        if proc.stderr is not None:
            proc.stderr.close()


@contextmanager
def served(mode: str, home_dir: Path, env: dict[str, str]) -> Iterator[None]:
    """The way a test's hook calls are answered: "in-process" (the hook decides in its own process) or
    "hook-server" (the project's hook server runs, as while `lighthouse serve` does)."""
    if mode == "in-process":
        yield
        return
    with hook_server(home_dir, env):
        yield
