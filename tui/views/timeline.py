"""Timeline: the audit log newest first, with its filter box and the highlighted event in full below."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Static

from lighthouse_mcp.console import Snapshot, TimelineRow
from tui.table import Table
from tui.views.view import View

DECISION_STYLES = {"allow": "green", "ask": "bold yellow", "deny": "bold red"}


class TimelineView(View):
    tab = "timeline"
    main_table = "#timeline-table"
    actions = frozenset({"filter", "jump", "page", "live", "travel"})

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="filter: type:validation agent:ben decision:deny at:1200 words…",
            id="timeline-filter",
            select_on_focus=False,
        )
        yield Table("seq", "time", "type", "agent", "about", id="timeline-table")
        yield Static("", id="timeline-detail")

    def update(self, data: Snapshot) -> None:
        self.query_one("#timeline-table", Table).refill(
            [(str(r.seq), (r.seq, r.time, r.type, r.agent, about(r))) for r in data.timeline]
        )

    def show_detail(self, text: str) -> None:
        """The pane below the table: the highlighted event, or the state shown by `t`."""
        self.query_one("#timeline-detail", Static).update(text)


def about(row: TimelineRow) -> Text:
    """What the event is about; a decision starts with its outcome, coloured."""
    if row.decision is None:
        return Text(row.about[:100])
    return Text(row.decision, style=DECISION_STYLES.get(row.decision, "")).append(f": {row.about}"[:100])
