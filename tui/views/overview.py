"""Overview: decisions by outcome, latency, active agents, pending approvals, the chain, and per-minute rates."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Sparkline, Static

from lighthouse_mcp.console import Snapshot
from tui.views.view import View


class OverviewView(View):
    tab = "overview"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("loading…", id="overview-text", classes="summary")
            yield Label("Decisions per minute (last 30 minutes)", classes="caption", id="decisions-caption")
            yield Sparkline([], id="decisions-spark")
            yield Label("Scan findings per minute (last 30 minutes)", classes="caption", id="findings-caption")
            yield Sparkline([], id="findings-spark")

    def update(self, data: Snapshot) -> None:
        active = [s for s in data.sessions if s.status == "active"]
        d = data.decisions
        lines = [
            f"Decisions (last {sum(d.values()):,}):  allow {d['allow']:,}   ask {d['ask']:,}   deny {d['deny']:,}",
            "",
            "Latency (p50 / p99) over the metrics window:",
            *(
                f"  {name:<11}{_duration(f['p50_us']):>9} /{_duration(f['p99_us']):>9}   n={f['count']:,}"
                if f["count"]
                else f"  {name:<11}nothing measured yet"
                for name, f in data.latency.items()
            ),
            "",
            f"Active agents: {', '.join(sorted({str(s.agent) for s in active})) or 'none'}"
            if data.ready
            else "Active agents: reading the log…",
            f"Pending approvals: {len(data.approvals)}",
            f"Chain: {data.chain}",
            f"Events: {data.events:,} (last seq {data.last_seq:,}) in {data.database}",
        ]
        self.query_one("#overview-text", Static).update("\n".join(lines))
        for series, values in data.rates.items():
            self.query_one(f"#{series}-spark", Sparkline).data = [float(v) for v in values]
            caption = f"{series.title()} per minute (last 30 minutes): now {values[-1]:,}, peak {max(values):,}"
            self.query_one(f"#{series}-caption", Label).update(caption)


def _duration(us: float) -> str:
    if us < 1000:
        return f"{us:.0f} µs"
    return f"{us / 1000:.1f} ms" if us < 1_000_000 else f"{us / 1_000_000:.1f} s"
