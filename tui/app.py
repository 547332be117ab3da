"""`lighthouse tui`: watch sessions and the audit log live, answer approvals with one key, see policies, experts
and the mount. It reads the store through `lighthouse_mcp.console` on a worker thread and polls for new events;
it never loads the whole log."""

from __future__ import annotations

import contextlib
import json
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Footer, Header, Input, Static, TabbedContent, TabPane

from lighthouse_mcp.console import Snapshot, snapshot, timeline
from lighthouse_mcp.project import Project

TABS = ("overview", "sessions", "timeline", "approvals", "policies", "experts", "mount")
HELP = (
    "1-7 switch views · r refresh · / filter the timeline · enter on a session shows its agent's events "
    "(escape: everyone's) · t shows the state as of the highlighted event · a approve · d deny (in Approvals) · "
    "q quit"
)


class LighthouseTUI(App[None]):
    TITLE = "Lighthouse"
    CSS = """
    #timeline-detail { height: 12; border-top: solid $accent; overflow-y: auto; }
    #timeline-filter { margin: 0 0 1 0; }
    .summary { padding: 1 2; }
    """
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("q", "quit", "Quit"),
        Binding("r", "refresh", "Refresh"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("a", "answer('approve')", "Approve"),
        Binding("d", "answer('deny')", "Deny"),
        Binding("escape", "everyone", "All agents", show=False),
        Binding("t", "travel", "State then"),
        *(Binding(str(i + 1), f"show('{tab}')", tab.title(), show=False) for i, tab in enumerate(TABS)),
    ]

    def __init__(self, project: Project, *, poll: float | None = 1.0) -> None:
        super().__init__()
        self.project = project
        self.poll = poll
        self.store = project.open_store()
        self.projector = project.projector(self.store)
        self.data: Snapshot | None = None
        self.text_filter = ""
        self.agent_filter: str | None = None  # set by choosing a session
        self.closing = False

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="overview"):
            with TabPane("Overview", id="overview"):
                yield Static("loading…", id="overview-text", classes="summary")
            with TabPane("Sessions", id="sessions"):
                yield DataTable(id="sessions-table", cursor_type="row")
            with TabPane("Timeline", id="timeline"), Vertical():
                yield Input(placeholder="filter: words that must all appear", id="timeline-filter")
                yield DataTable(id="timeline-table", cursor_type="row")
                yield Static("", id="timeline-detail")
            with TabPane("Approvals", id="approvals"):
                yield DataTable(id="approvals-table", cursor_type="row")
            with TabPane("Policies", id="policies"):
                yield DataTable(id="policies-table", cursor_type="row")
            with TabPane("Experts", id="experts"), Horizontal():
                yield DataTable(id="experts-table", cursor_type="row")
                yield DataTable(id="tasks-table", cursor_type="row")
            with TabPane("Mount", id="mount"):
                yield Static("", id="mount-text", classes="summary")
        yield Footer()

    def on_mount(self) -> None:
        columns = {
            "sessions-table": ("agent", "role", "client", "status", "started", "last seen", "allow", "ask", "deny"),
            "timeline-table": ("seq", "time", "type", "agent", "about"),
            "approvals-table": ("id", "agent", "what", "rules", "waiting"),
            "policies-table": ("policy", "revision", "by", "at"),
            "experts-table": ("expert", "capabilities", "done", "late", "open"),
            "tasks-table": ("task", "status", "expert", "delegator", "what"),
        }
        for table_id, names in columns.items():
            self.query_one(f"#{table_id}", DataTable).add_columns(*names)
        self.action_refresh()
        if self.poll:
            self.set_interval(self.poll, self.action_refresh)

    async def on_unmount(self) -> None:
        self.closing = True
        for worker in list(self.workers):
            worker.cancel()
        with contextlib.suppress(Exception):  # a worker cut short while reading: nothing to keep from it
            await self.workers.wait_for_complete()
        self.store.close()

    # ---- actions -------------------------------------------------------------------------------------------

    def action_show(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_help(self) -> None:
        self.notify(HELP, title="Keys", timeout=8)

    def action_filter(self) -> None:
        self.action_show("timeline")
        self.query_one("#timeline-filter", Input).focus()

    @work(thread=True, exclusive=True, group="refresh")
    def action_refresh(self) -> None:
        try:
            data = snapshot(self.project, self.store, self.projector.current())
            events = timeline(self.store, text=self.text_filter, agent=self.agent_filter)
        except Exception as exc:  # a busy or broken store: keep showing what we have, say why
            if not self.closing:
                self.call_from_thread(self.notify, f"cannot read the store: {exc}", severity="warning")
            return
        if not self.closing:
            self.call_from_thread(self._show, data, events)

    @work(thread=True, group="answer")
    def action_answer(self, verdict: str) -> None:
        from lighthouse_mcp.agents import approvals
        from lighthouse_mcp.errors import LighthouseError

        table = self.query_one("#approvals-table", DataTable)
        if self.query_one(TabbedContent).active != "approvals" or table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        approval_id = str(row_key.value)
        kind = "approval.granted" if verdict == "approve" else "approval.denied"
        try:
            approvals.resolve(
                self.store, approval_id, kind, by=self.project.config.agent.name, reason=f"{verdict}d in the TUI"
            )
        except LighthouseError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.call_from_thread(self.notify, f"{approval_id} {verdict}d")
        self.call_from_thread(self.action_refresh)

    @on(Input.Submitted, "#timeline-filter")
    def filter_timeline(self, event: Input.Submitted) -> None:
        self.text_filter = event.value
        self.action_refresh()

    @on(DataTable.RowSelected, "#sessions-table")
    def follow_agent(self, event: DataTable.RowSelected) -> None:
        """Choosing a session shows its agent's events in the timeline (escape there shows everyone's again)."""
        row = self.query_one("#sessions-table", DataTable).get_row(event.row_key)
        self.agent_filter = str(row[0]) or None
        self.action_show("timeline")
        self.action_refresh()

    @work(thread=True, exclusive=True, group="travel")
    def action_travel(self) -> None:
        """Time travel: the state (sessions, claims, policies) just after the highlighted event."""
        from lighthouse_mcp.console import state_summary

        table = self.query_one("#timeline-table", DataTable)
        if self.query_one(TabbedContent).active != "timeline" or table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        try:
            summary = state_summary(self.projector, int(str(row_key.value)))
        except Exception as exc:
            summary = f"cannot rebuild the state there: {exc}"
        if not self.closing:
            self.call_from_thread(self.query_one("#timeline-detail", Static).update, summary)

    def action_everyone(self) -> None:
        self.agent_filter = None
        self.action_refresh()

    @on(DataTable.RowHighlighted, "#timeline-table")
    def show_event(self, event: DataTable.RowHighlighted) -> None:
        if self.closing:
            return
        seq = int(str(event.row_key.value)) if event.row_key is not None else 0
        found = self.store.get(seq) if seq else None
        detail = json.dumps(found.to_json(), indent=2, ensure_ascii=False) if found is not None else ""
        with contextlib.suppress(NoMatches):  # quitting: the screen is already gone
            self.query_one("#timeline-detail", Static).update(detail)

    # ---- drawing -------------------------------------------------------------------------------------------

    def _show(self, data: Snapshot, events: list[Any]) -> None:
        """Draw a refresh; one that lands while quitting, after the screen is gone, draws nothing."""
        with contextlib.suppress(NoMatches):
            self._draw(data, events)

    def _draw(self, data: Snapshot, events: list[Any]) -> None:
        self.data = data
        who = f" · timeline: {self.agent_filter}" if self.agent_filter else ""
        self.sub_title = f"{data.project} · {data.events:,} events · {data.mount}{who}"
        self._overview(data)
        self._fill("sessions-table", [
            (s["session"], (s["agent"], s["role"], s["client"], s["status"], s["started"], s["last_seen"],
                            *(s["decisions"].get(d, 0) for d in ("allow", "ask", "deny"))))
            for s in data.sessions
        ])  # fmt: skip
        self._fill("timeline-table", [
            (str(e.seq), (e.seq, e.to_json()["ts"][11:19], e.type, e.agent or "", _about(e))) for e in events
        ])  # fmt: skip
        self._fill("approvals-table", [
            (a["id"], (a["id"], a["agent"], a["what"], a["rules"], f"{a['waiting_s']} s")) for a in data.approvals
        ])  # fmt: skip
        self._fill("policies-table", [(p["name"], (p["name"], p["revision"], p["by"], p["at"])) for p in data.policies])
        self._fill("experts-table", [
            (e["name"], (e["name"], e["capabilities"], e["completed"], e["timed_out"], e["open"])) for e in data.experts
        ])  # fmt: skip
        self._fill("tasks-table", [
            (t["id"], (t["id"], t["status"], t["expert"], t["delegator"], t["task"])) for t in data.tasks
        ])  # fmt: skip
        self.query_one("#mount-text", Static).update(
            f"FUSE view: {data.mount}\n\nlighthouse mount MOUNTPOINT --background"
        )

    def _overview(self, data: Snapshot) -> None:
        active = [s for s in data.sessions if s["status"] == "active"]
        d = data.decisions
        lines = [
            f"Decisions (last {sum(d.values()):,}):  allow {d['allow']:,}   ask {d['ask']:,}   deny {d['deny']:,}",
            "",
            "Latency (p50 / p99):",
            *(
                f"  {name:<11} {f['p50_us']:>9,.0f} µs / {f['p99_us']:>9,.0f} µs   ({f['count']:,} in the window)"
                for name, f in data.latency.items()
            ),
            "",
            f"Active agents: {', '.join(sorted({str(s['agent']) for s in active})) or 'none'}",
            f"Pending approvals: {len(data.approvals)}",
            f"Events: {data.events:,} (last seq {data.last_seq:,}) in {data.database}",
        ]
        self.query_one("#overview-text", Static).update("\n".join(lines))

    def _fill(self, table_id: str, rows: list[tuple[str, tuple[Any, ...]]]) -> None:
        table = self.query_one(f"#{table_id}", DataTable)
        keep = table.cursor_row
        table.clear()
        for key, values in rows:
            table.add_row(*(("" if v is None else str(v)) for v in values), key=key)
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))


def _about(event: Any) -> str:
    p = event.payload
    text = p.get("command") or p.get("path") or p.get("decision") or event.aggregate or ""
    if event.type == "validation.decided":
        text = f"{p.get('decision')}: {p.get('command') or p.get('path') or ''}"
    return str(text)[:100]
