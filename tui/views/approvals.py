"""Approvals: the requests waiting for a person, and the note that goes with the next answer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from lighthouse_mcp.console import Snapshot
from tui.table import Table
from tui.views.view import View

APPROVALS_OFF = (
    "Approvals are off (approvals.enabled: false, the default): an ask goes to the agent's own prompt. "
    "Set approvals.enabled: true in .lighthouse/config.yaml to answer asks here."
)
NOTHING_WAITING = "No request is waiting. Asks that need a person appear here."


class ApprovalsView(View):
    tab = "approvals"
    main_table = "#approvals-table"
    actions = frozenset({"answer"})

    def compose(self) -> ComposeResult:
        yield Static("", id="approvals-empty", classes="empty")
        yield Input(placeholder="note for the next answer (optional), then a or d", id="approval-note")
        yield Table("id", "agent", "what", "rules", "waiting", id="approvals-table")

    def update(self, data: Snapshot) -> None:
        self.query_one("#approvals-table", Table).refill(
            [(a.id, (a.id, a.agent, a.what, a.rules, f"{a.waiting_s} s")) for a in data.approvals]
        )
        if data.approvals:
            self.note("#approvals-empty", "")
        else:
            self.note("#approvals-empty", NOTHING_WAITING if data.approvals_enabled else APPROVALS_OFF)
