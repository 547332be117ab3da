"""`lighthouse mount MOUNTPOINT` / `lighthouse unmount MOUNTPOINT`: the project as files, for agents with only
Unix tools — /current, /history/<seq> and /history/@<time>, /events/all.jsonl, /approvals/pending, /stats.json.

`mount` stays in the foreground until unmounted (Ctrl-C or SIGTERM unmount cleanly); `--background` returns once
the mount is up. A mount left behind by a crash is cleaned up by the next `mount`. Both are recorded
(`mount.started`, `mount.stopped`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lighthouse_mcp.errors import LighthouseError, UsageError

if TYPE_CHECKING:
    from lighthouse_mcp.cli.parser import Commands
    from lighthouse_mcp.events.store import EventStore
    from lighthouse_mcp.project import Project


def register(commands: Commands) -> None:
    p = commands.add_parser(
        "mount", help="show the project, its history and the log as files (FUSE)", description=__doc__
    )
    p.add_argument("mountpoint", help="an empty directory")
    p.add_argument("--background", action="store_true", help="return once mounted; unmount with `lighthouse unmount`")
    p.set_defaults(run=run_mount)
    u = commands.add_parser("unmount", help="unmount a Lighthouse mount", description=__doc__)
    u.add_argument("mountpoint")
    u.set_defaults(run=run_unmount)


def _fusermount() -> str:
    for name in ("fusermount3", "fusermount"):
        for directory in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep):
            if os.access(os.path.join(directory, name), os.X_OK):
                return os.path.join(directory, name)
    raise LighthouseError("FUSE is not installed: install fuse3 (apt-get install fuse3)")


def _stale(mountpoint: Path) -> bool:
    """A FUSE mount whose process died: asking it anything fails with ENOTCONN (statfs is never cached)."""
    try:
        os.statvfs(mountpoint)
    except OSError as exc:
        return exc.errno in (107, 103)  # ENOTCONN, ECONNABORTED
    return False


def _prepare(mountpoint: Path) -> None:
    if _stale(mountpoint):
        subprocess.run([_fusermount(), "-uz", str(mountpoint)], capture_output=True, check=False)
        print(f"lighthouse: cleaned up a stale mount at {mountpoint}", file=sys.stderr)
    if not mountpoint.is_dir():
        raise UsageError(f"mount: {mountpoint} is not a directory")
    if os.path.ismount(mountpoint):
        raise UsageError(f"mount: something is already mounted at {mountpoint}")
    if any(mountpoint.iterdir()):
        raise UsageError(f"mount: {mountpoint} is not empty")


def run_mount(args: argparse.Namespace) -> int:
    mountpoint = Path(args.mountpoint).absolute()
    from lighthouse_mcp.project import load_project

    project = load_project()
    _fusermount()
    _prepare(mountpoint)
    if args.background:
        return _background(mountpoint, project)
    return _foreground(mountpoint, project)


def _background(mountpoint: Path, project: Project) -> int:
    log_path = project.home.path / "mount.log"
    with open(log_path, "ab") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "lighthouse_mcp", "--home", str(project.home.path), "mount", str(mountpoint)],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while not os.path.ismount(mountpoint):
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log_path.read_text(errors="replace")[-500:]
            raise LighthouseError(f"mount did not come up (see {log_path}): {tail.strip()}")
        time.sleep(0.05)
    print(f"mounted at {mountpoint} (pid {proc.pid}); `lighthouse unmount {mountpoint}` to stop")
    return 0


def _foreground(mountpoint: Path, project: Project) -> int:
    from lighthouse_mcp.events.model import NewEvent
    from lighthouse_mcp.fs.kernel import KEPT_S, LighthouseFUSE
    from lighthouse_mcp.fs.ops import LighthouseOps
    from lighthouse_mcp.fs.paths import View

    store = project.open_store()
    agent = project.config.agent.name
    view = View(store, str(project.home.root), by=agent, taint_expiry_s=project.config.taint.expiry_s)
    payload = {"mountpoint": str(mountpoint), "pid": os.getpid()}
    store.append(NewEvent("mount.started", payload, agent=agent, aggregate=str(mountpoint)))

    # SIGINT and SIGTERM are left to libfuse, which ends its loop and unmounts (a Python handler would only run
    # once the loop had returned).
    ops = LighthouseOps(view)
    done = threading.Event()
    sampler = threading.Thread(
        target=_sample, args=(view, store, agent, project.config.metrics.check_s, done), daemon=True
    )
    sampler.start()
    try:
        # The kernel keeps names, attributes and pages until the notifier says what changed (`fs.kernel`).
        LighthouseFUSE(
            ops,
            str(mountpoint),
            foreground=True,
            nothreads=False,
            fsname="lighthouse",
            attr_timeout=KEPT_S,
            entry_timeout=KEPT_S,
            negative_timeout=0,
        )
    except RuntimeError as exc:
        # libfuse reports a loop ended by SIGINT or SIGTERM as an error; it has unmounted by then.
        if not ops.lh_mounted or os.path.ismount(mountpoint):
            raise LighthouseError(f"mount failed at {mountpoint}: libfuse error {exc}") from exc
    finally:
        done.set()
        sampler.join()
        stats = view.stats.to_json()
        stopped = {**payload, "ops": sum(stats["ops"].values()), "errors": stats["errors"]}
        try:
            store.append(NewEvent("mount.stopped", stopped, agent=agent, aggregate=str(mountpoint)))
        finally:
            store.close()
    return 0


def _sample(view: Any, store: EventStore, agent: str, every_s: float, done: threading.Event) -> None:
    """Every `every_s` seconds (and once at the end), record the latencies of the operations served since the last
    time as a `metrics.sampled` event."""
    from lighthouse_mcp import metrics

    while True:
        stopping = done.wait(every_s)
        event = metrics.sampled_event("fuse", view.stats.take_latencies(), agent=agent)
        if event is not None:
            try:
                store.append(event)
            except LighthouseError as exc:
                print(f"lighthouse mount: cannot record metrics: {exc}", file=sys.stderr)
        if stopping:
            return


def run_unmount(args: argparse.Namespace) -> int:
    mountpoint = Path(args.mountpoint).absolute()
    if not os.path.ismount(mountpoint) and not _stale(mountpoint):
        raise UsageError(f"unmount: nothing is mounted at {mountpoint}")
    proc = subprocess.run([_fusermount(), "-u", str(mountpoint)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lazy = subprocess.run([_fusermount(), "-uz", str(mountpoint)], capture_output=True, text=True, check=False)
        if lazy.returncode != 0:
            raise LighthouseError(f"unmount {mountpoint}: {proc.stderr.strip() or lazy.stderr.strip()}")
    deadline = time.monotonic() + 10
    while os.path.ismount(mountpoint) and time.monotonic() < deadline:
        time.sleep(0.05)
    print(f"unmounted {mountpoint}")
    return 0
