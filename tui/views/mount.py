"""Mount: where the project's FUSE view is mounted, and its operations from the mount's /stats.json."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from lighthouse_mcp.console import Snapshot
from tui.views.view import View


class MountView(View):
    tab = "mount"
    actions = frozenset({"mount", "unmount"})

    def compose(self) -> ComposeResult:
        yield Input(placeholder="mountpoint (default .lighthouse/mnt)", id="mount-path")
        yield Static("", id="mount-text", classes="summary")

    def update(self, data: Snapshot) -> None:
        self.query_one("#mount-text", Static).update(mount_text(data))


def mount_text(data: Snapshot) -> str:
    lines = [f"FUSE view: {data.mount}", ""]
    stats = data.mount_stats
    if stats is None:
        lines.append("m mounts the project at the path above (or the default), u unmounts it.")
    elif "error" in stats:
        lines.append(str(stats["error"]))
    else:
        ops = stats.get("ops", {})
        lines.append(f"up {stats.get('uptime_s', 0)} s · {sum(ops.values()):,} operations · errors: "
                     f"{', '.join(f'{k} {v}' for k, v in stats.get('errors', {}).items()) or 'none'}")  # fmt: skip
        lines += ["", f"{'operation':<12}{'count':>9}{'p50 µs':>11}{'p99 µs':>11}"]
        for op, count in sorted(ops.items(), key=lambda kv: -kv[1]):
            latency = stats.get("latency", {}).get(op, {})
            lines.append(f"{op:<12}{count:>9,}{latency.get('p50_us', 0):>11,.1f}{latency.get('p99_us', 0):>11,.1f}")
    return "\n".join(lines)
