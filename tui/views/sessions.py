"""Sessions: agent, role, client, status, times, their own decisions, the claims they hold and what tainted them; a
person clears a session's taint here (type why, then c)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Static

from lighthouse_mcp.console import Snapshot
from tui.table import Table
from tui.views.view import View

NO_SESSION = (
    "No session yet. A session appears when an agent's hook decides its first call (lighthouse init --claude sets "
    "the hook up) or when an agent connects to the MCP server."
)


class SessionsView(View):
    tab = "sessions"
    main_table = "#sessions-table"
    actions = frozenset({"clear_taint"})

    def compose(self) -> ComposeResult:
        yield Static("", id="sessions-empty", classes="empty")
        yield Input(placeholder="why the highlighted session may be trusted again, then c clears its taint",
                    id="taint-reason")  # fmt: skip
        columns = ("agent", "role", "client", "status", "started", "last seen", "allow", "ask", "deny", "claims",
                   "taint")  # fmt: skip
        yield Table(*columns, id="sessions-table")

    def update(self, data: Snapshot) -> None:
        self.query_one("#sessions-table", Table).refill([
            (s.session, (s.agent, s.role, s.client, s.status, s.started, s.last_seen, s.allow, s.ask, s.deny, s.claims,
                         s.taint))
            for s in data.sessions
        ])  # fmt: skip
        self.note("#sessions-empty", "" if data.sessions or not data.ready else NO_SESSION)
