"""Experts: registered agent experts, open tasks, and the LLM profiles with their figures."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal

from lighthouse_mcp.console import Snapshot
from tui.table import Table
from tui.views.view import View


class ExpertsView(View):
    tab = "experts"
    main_table = "#experts-table"

    def compose(self) -> ComposeResult:
        with Horizontal(id="experts-top"):
            yield Table("expert", "capabilities", "available", "done", "late", "open", "mean ms", id="experts-table")
            yield Table("task", "status", "expert", "delegator", "what", id="tasks-table")
        yield Table(
            "profile", "routes", "key", "calls", "failed", "p50 ms", "tokens", "cost $", "circuit", id="llm-table"
        )

    def update(self, data: Snapshot) -> None:
        self.query_one("#experts-table", Table).refill([
            (e.name, (e.name, e.capabilities, e.available, e.completed, e.timed_out, e.open, e.mean_ms))
            for e in data.experts
        ])  # fmt: skip
        self.query_one("#tasks-table", Table).refill(
            [(t.id, (t.id, t.status, t.expert, t.delegator, t.task)) for t in data.tasks]
        )
        self.query_one("#llm-table", Table).refill([
            (p.name, (p.name, p.routes, p.key, p.calls, p.failed, p.p50_ms, p.tokens, p.cost_usd, p.circuit))
            for p in data.llm
        ])  # fmt: skip
