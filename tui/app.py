"""`lighthouse tui`: watch sessions and the audit log live, answer approvals with one key, see policies, experts
and the mount. It reads the store through `lighthouse_mcp.console` on worker threads and polls for new events; it
never loads the whole log."""

from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Sparkline,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)

from lighthouse_mcp.console import (
    PAGE,
    Console,
    Snapshot,
    TimelineQuery,
    event_detail,
    loaded_policies,
    parse_timeline_query,
    subject,
    timeline,
)
from lighthouse_mcp.errors import LighthouseError
from lighthouse_mcp.policy.policyset import PolicyProvider
from lighthouse_mcp.project import Project

TABS = ("overview", "sessions", "timeline", "approvals", "policies", "experts", "mount")
HELP = """\
1-7 or click: switch views · ctrl+p: command palette · r: refresh · q: quit
Timeline: / filter (type:… agent:… decision:… at:… and words) · g jump to a sequence or time · [ ] older / newer \
page · l back to live · t the state as of the highlighted event · enter on a session shows its agent's events \
(escape: everyone's)
Approvals: type an optional note, then a approve / d deny the highlighted request
Policies: p runs the policy tests · Mount: m mounts at the path typed (default .lighthouse/mnt), u unmounts"""

# The widget a view's keys act on, focused when the view is shown (Overview and Mount have none: their inputs would
# take the view keys).
MAIN_TABLE = {
    "sessions": "#sessions-table",
    "timeline": "#timeline-table",
    "approvals": "#approvals-table",
    "policies": "#policy-files-table",
    "experts": "#experts-table",
}

COLUMNS = {
    "sessions-table": ("agent", "role", "client", "status", "started", "last seen", "allow", "ask", "deny", "claims"),
    "timeline-table": ("seq", "time", "type", "agent", "about"),
    "approvals-table": ("id", "agent", "what", "rules", "waiting"),
    "policies-table": ("project policy", "revision", "by", "at"),
    "policy-files-table": ("loaded file", "kind", "origin", "lines"),
    "policy-changes-table": ("seq", "at", "change", "policy", "by"),
    "experts-table": ("expert", "capabilities", "available", "done", "late", "open", "mean ms"),
    "tasks-table": ("task", "status", "expert", "delegator", "what"),
    "llm-table": ("profile", "routes", "key", "calls", "failed", "p50 ms", "tokens", "cost $", "circuit"),
}


class KeysPanel(ModalScreen[None]):
    """The keys, on `?`: every view's and the app's; escape, q or ? closes it."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]
    DEFAULT_CSS = """
    KeysPanel { align: center middle; }
    #keys-text { width: 90%; max-width: 110; height: auto; max-height: 90%; border: round $accent; padding: 1 2;
                 background: $surface; }
    """

    def compose(self) -> ComposeResult:
        yield Static(HELP + "\n\nescape, q or ? closes this panel", id="keys-text")

    def action_close(self) -> None:
        self.dismiss()


class LighthouseTUI(App[None]):
    TITLE = "Lighthouse"
    CSS = """
    #timeline-table { height: 1fr; }
    #timeline-detail { height: 30%; min-height: 4; border-top: solid $accent; overflow-y: auto; }
    .empty { padding: 0 1; color: $text-muted; height: auto; }
    .summary { padding: 0 1; height: auto; }
    .caption { padding: 1 1 0 1; color: $text-muted; }
    Sparkline { height: 2; margin: 0 1; }
    Input { margin: 0 0 1 0; }
    #experts-top { height: 1fr; }
    #llm-table { height: 1fr; }
    #policy-tables { height: 1fr; }
    """
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("q", "quit", "Quit"),
        Binding("r", "refresh", "Refresh"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("g", "jump", "Jump"),
        Binding("left_square_bracket", "page('older')", "Older", key_display="["),
        Binding("right_square_bracket", "page('newer')", "Newer", key_display="]"),
        Binding("l", "live", "Live"),
        Binding("t", "travel", "State then"),
        Binding("a", "answer('approve')", "Approve"),
        Binding("d", "answer('deny')", "Deny"),
        Binding("p", "policy_test", "Test policies"),
        Binding("m", "mount", "Mount"),
        Binding("u", "unmount", "Unmount"),
        Binding("escape", "escape", "Leave", show=False),
        *(Binding(str(i + 1), f"show('{tab}')", tab.title(), show=False) for i, tab in enumerate(TABS)),
    ]
    # Which keys make sense in which view; the footer shows those and the app-wide ones.
    VIEW_ACTIONS: ClassVar[dict[str, set[str]]] = {
        "timeline": {"filter", "jump", "page", "live", "travel"},
        "approvals": {"answer"},
        "policies": {"policy_test"},
        "mount": {"mount", "unmount"},
    }

    def __init__(self, project: Project, *, poll: float | None = 1.0, clock: Callable[[], int] = time.time_ns) -> None:
        super().__init__()
        self.project = project
        self.poll = poll
        self.store = project.open_store()
        self.projector = project.projector(self.store)
        self.reader = Console(project, self.store, clock=clock)
        self.data: Snapshot | None = None
        self.query_text = ""
        self.timeline_query = TimelineQuery()
        self.agent_filter: str | None = None  # set by choosing a session
        self.before: int | None = None  # the timeline's page: events before this sequence; None follows the head
        self.as_of: int | None = None  # `t`: the state just after this event is shown, and live refresh paused
        self._wanted_focus: str | None = None  # the input a key asked for, focused once its view is shown
        self.policy_tests = "p: run the policy tests"
        self.policy_header, self.policy_files = "Policies: loading…", list[dict[str, Any]]()
        self.policies = PolicyProvider(project.home.policies_dir, project.home.path / "cache")
        self.store_failed = False  # the last refresh could not read: the next one reconnects first
        self.folded = False  # the projector has caught up with the log once (see fold_state)
        self.shown_ready = False  # what is on screen includes that state
        self._generations = itertools.count(1)  # refreshes in the order they started reading
        self._drawn = 0
        self.closing = False

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="overview"):
            with TabPane("Overview", id="overview"), VerticalScroll():
                yield Static("loading…", id="overview-text", classes="summary")
                yield Label("Decisions per minute (last 30 minutes)", classes="caption", id="decisions-caption")
                yield Sparkline([], id="decisions-spark")
                yield Label("Scan findings per minute (last 30 minutes)", classes="caption", id="findings-caption")
                yield Sparkline([], id="findings-spark")
            with TabPane("Sessions", id="sessions"), Vertical():
                yield Static("", id="sessions-empty", classes="empty")
                yield DataTable(id="sessions-table", cursor_type="row")
            with TabPane("Timeline", id="timeline"), Vertical():
                yield Input(
                    placeholder="filter: type:validation agent:ben decision:deny at:1200 words…",
                    id="timeline-filter",
                    select_on_focus=False,
                )
                yield DataTable(id="timeline-table", cursor_type="row")
                yield Static("", id="timeline-detail")
            with TabPane("Approvals", id="approvals"), Vertical():
                yield Static("", id="approvals-empty", classes="empty")
                yield Input(placeholder="note for the next answer (optional), then a or d", id="approval-note")
                yield DataTable(id="approvals-table", cursor_type="row")
            with TabPane("Policies", id="policies"), Vertical():
                yield Static("", id="policy-summary", classes="summary")
                with Horizontal(id="policy-tables"):
                    yield DataTable(id="policy-files-table", cursor_type="row")
                    with Vertical():
                        yield DataTable(id="policies-table", cursor_type="row")
                        yield DataTable(id="policy-changes-table", cursor_type="row")
            with TabPane("Experts", id="experts"), Vertical():
                with Horizontal(id="experts-top"):
                    yield DataTable(id="experts-table", cursor_type="row")
                    yield DataTable(id="tasks-table", cursor_type="row")
                yield DataTable(id="llm-table", cursor_type="row")
            with TabPane("Mount", id="mount"), Vertical():
                yield Input(placeholder="mountpoint (default .lighthouse/mnt)", id="mount-path")
                yield Static("", id="mount-text", classes="summary")
        yield Footer()

    def on_mount(self) -> None:
        for table_id, names in COLUMNS.items():
            self.query_one(f"#{table_id}", DataTable).add_columns(*names)
        # The fold of the log draws the first picture when it is done. When it takes longer (a big store that has
        # no state snapshots yet), a picture without the sessions comes first.
        self.fold_state()
        self.set_timer(0.3, self._first_picture)
        self.check_chain()
        if self.poll:
            self.set_interval(self.poll, self.action_refresh)
            self.set_interval(max(self.poll, 5.0), self.check_chain)

    async def on_unmount(self) -> None:
        self.closing = True
        for worker in list(self.workers):
            worker.cancel()
        with contextlib.suppress(Exception):  # a worker cut short while reading: nothing to keep from it
            await self.workers.wait_for_complete()
        self.store.close()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that belong to one view are live, and shown in the footer, only there."""
        for view, actions in self.VIEW_ACTIONS.items():
            if action in actions:
                return self._active() == view
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        """A view shown (by key, click or palette) has its table focused, unless the focus is already in it (an
        input the key that showed it asked for)."""
        self.refresh_bindings()
        self.call_after_refresh(self._focus_view, keep_inside=True)

    def _focus_view(self, keep_inside: bool = False) -> None:
        wanted, self._wanted_focus = self._wanted_focus, None
        with contextlib.suppress(NoMatches):
            if wanted and keep_inside:
                self.query_one(wanted).focus()
                return
            target = MAIN_TABLE.get(self._active())
            if target:
                self.query_one(target, DataTable).focus()
            else:
                self.query_one(Tabs).focus()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for i, tab in enumerate(TABS):
            yield SystemCommand(f"Show {tab}", f"switch to the {tab} view (key {i + 1})", self._shower(tab))
        yield SystemCommand("Refresh", "read the store now (key r)", self.action_refresh)
        yield SystemCommand("Jump in the timeline", "to a sequence number or a time (key g)", self.action_jump)
        yield SystemCommand("Back to live", "the timeline follows new events again (key l)", self.action_live)
        yield SystemCommand("Everyone's events", "drop the chosen session's filter (escape)", self.action_everyone)
        yield SystemCommand("Run the policy tests", "rule examples and Rego tests (key p)", self.action_policy_test)
        yield SystemCommand("Mount the project", "FUSE view at the mount path (key m)", self.action_mount)
        yield SystemCommand("Unmount", "stop the project's FUSE mount (key u)", self.action_unmount)
        yield SystemCommand("Check the chain", "verify the events appended since the last check", self.check_chain)

    # ---- actions -------------------------------------------------------------------------------------------

    def _shower(self, tab: str) -> Callable[[], None]:
        return lambda: self.action_show(tab)

    def action_show(self, tab: str) -> None:
        if self._active() != tab and not isinstance(self.focused, Tabs):
            self.set_focus(None)  # focus left in the view being hidden would bring it back
        self.query_one(TabbedContent).active = tab

    def action_help(self) -> None:
        self.push_screen(KeysPanel())

    def action_filter(self) -> None:
        self._show_input("timeline", "#timeline-filter")

    def action_jump(self) -> None:
        box = self.query_one("#timeline-filter", Input)
        kept = " ".join(t for t in box.value.split() if not t.lower().startswith("at:"))
        box.value = f"{kept} at:".lstrip()
        box.cursor_position = len(box.value)
        self._show_input("timeline", "#timeline-filter")

    def _show_input(self, tab: str, box: str) -> None:
        """Show `tab` with the focus in its input `box` (once the view is on screen, if it was not)."""
        if self._active() == tab:
            self.query_one(box, Input).focus()
        else:
            self._wanted_focus = box
            self.action_show(tab)

    def action_page(self, direction: str) -> None:
        table = self.query_one("#timeline-table", DataTable)
        if table.row_count == 0:
            return
        seqs = [int(str(key.value)) for key in table.rows]
        if direction == "older":
            if len(seqs) < PAGE:
                self.notify("this is the oldest page")
                return
            self.before = min(seqs)
        else:
            newer = max(seqs) + PAGE + 1
            self.before = None if self.data is None or newer > self.data.last_seq else newer
        self.action_refresh()

    def action_escape(self) -> None:
        """Escape leaves an input for its view's table; elsewhere it leaves the state shown by `t`, then the chosen
        session's filter (everyone's events again)."""
        if isinstance(self.focused, Input):
            self._focus_view()
        elif self.as_of is not None:
            self._leave_travel()
        else:
            self.action_everyone()

    def _leave_travel(self) -> None:
        self.as_of = None
        self._set_title()
        self.action_refresh()

    def action_live(self) -> None:
        self.as_of = None
        self.before = None
        self._set_query(" ".join(t for t in self.query_text.split() if not t.lower().startswith("at:")))
        self.query_one("#timeline-filter", Input).value = self.query_text
        self.action_refresh()

    @work(thread=True, exclusive=True, group="refresh")
    def action_refresh(self) -> None:
        if self.as_of is not None:  # the operator is looking at the state then: hold the picture still
            return
        try:
            if self.store_failed:
                self._reopen()
            # Until the first fold of the log is done (seconds on a big store never read before), draw what does
            # not need it: the timeline, the figures, approvals; sessions, claims and experts follow.
            generation = next(self._generations)
            ready = self.folded
            data = self.reader.snapshot(self.projector.current() if ready else {})
            events = timeline(self.store, self.timeline_query, agent=self.agent_filter, before=self.before)
        except Exception as exc:  # a busy or broken store: keep showing what we have, say why
            self.store_failed = True
            self._later(self.notify, f"cannot read the store: {exc}", severity="warning", timeout=3)
            return
        self.store_failed = False
        try:
            policy = self.policies.current()
            self.policy_header, self.policy_files = f"Policy version {policy.version}", loaded_policies(policy)
        except Exception as exc:
            self.policy_header, self.policy_files = f"Policies cannot be loaded: {exc}", []
        self._later(self._show, data, events, ready, generation)

    def _first_picture(self) -> None:
        if self.data is None and not self.folded:
            self.action_refresh()

    @work(thread=True, exclusive=True, group="state")
    def fold_state(self) -> None:
        """The first fold of the log (from the newest state snapshot, or all of it on a store never read before)."""
        try:
            self.projector.current()
        except Exception as exc:
            self._later(self.notify, f"cannot read the sessions and claims yet: {exc}", severity="warning")
            return
        self.folded = True
        self._later(self.action_refresh)

    def _reopen(self) -> None:
        """A fresh connection after a failed read: a connection that met a damaged or replaced file may keep
        failing after the file is whole again."""
        fresh = self.project.open_store()
        old, self.store = self.store, fresh
        self.projector = self.project.projector(fresh)
        self.reader = Console(self.project, fresh, clock=self.reader.clock)
        with contextlib.suppress(Exception):
            old.close()

    @work(thread=True, exclusive=True, group="chain")
    def check_chain(self) -> None:
        try:
            self.reader.check_chain()
        except Exception as exc:
            self.reader.chain = f"cannot check: {exc}"

    @work(thread=True, group="answer")
    def action_answer(self, verdict: str) -> None:
        from lighthouse_mcp.agents import approvals

        table = self.query_one("#approvals-table", DataTable)
        if table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        approval_id = str(row_key.value)
        note_box = self.query_one("#approval-note", Input)
        note = note_box.value.strip()
        kind = "approval.granted" if verdict == "approve" else "approval.denied"
        done = "approved" if verdict == "approve" else "denied"
        reason = f"{done} in the TUI" + (f": {note}" if note else "")
        try:
            approvals.resolve(self.store, approval_id, kind, by=self.project.config.agent.name, reason=reason)
        except LighthouseError as exc:
            self._later(self.notify, str(exc), severity="error")
            return
        self._later(setattr, note_box, "value", "")
        self._later(self.notify, f"{approval_id} {done}" + (f" ({note})" if note else ""))
        self._later(self.action_refresh)

    @work(thread=True, exclusive=True, group="policy")
    def action_policy_test(self) -> None:
        from lighthouse_mcp.policy.rego_tests import check_policy_set

        self._later(self._policy_line, "running the policy tests…")
        try:
            report = check_policy_set(self.policies.current())
        except Exception as exc:
            self._later(self._policy_line, f"policy tests could not run: {exc}")
            return
        lines = [("FAILED " if report.failed else "passed ") + report.summary()]
        lines += [f"  FAIL {f}" for f in report.example_failures[:10]]
        lines += [f"  {r.outcome.upper()} {r.module}: {r.name} {r.detail}" for r in report.results if not r.passed][:10]
        self._later(self._policy_line, "\n".join(lines))

    @work(thread=True, exclusive=True, group="mount")
    def action_mount(self) -> None:
        target = self.query_one("#mount-path", Input).value.strip() or self._default_mountpoint()
        if not target.startswith("/"):
            target = str(self.project.home.root / target)
        with contextlib.suppress(OSError):  # mount explains a missing or unusable directory better
            os.makedirs(target, exist_ok=True)
        self._lighthouse("mount", target, "--background")

    @work(thread=True, exclusive=True, group="mount")
    def action_unmount(self) -> None:
        where = self.data.mountpoint if self.data else None
        if not where:
            self._later(self.notify, "nothing is mounted", severity="warning")
            return
        self._lighthouse("unmount", where)

    def _lighthouse(self, *args: str) -> None:
        """Run a lighthouse command for this project; say how it went."""
        command = [sys.executable, "-m", "lighthouse_mcp", "--home", str(self.project.home.path), *args]
        self._later(self.notify, f"{args[0]}ing…")
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        except subprocess.TimeoutExpired:
            self._later(self.notify, f"{args[0]} did not finish within 60 s", severity="error")
            return
        message = (done.stdout or done.stderr).strip()[-400:] or f"{args[0]} finished"
        self._later(self.notify, message, severity="information" if done.returncode == 0 else "error")
        self._later(self.action_refresh)

    @on(Input.Submitted, "#timeline-filter")
    def filter_timeline(self, event: Input.Submitted) -> None:
        try:
            self._set_query(event.value)
        except LighthouseError as exc:
            self.notify(str(exc), severity="error")
            return
        self.as_of = None
        self._focus_timeline()  # the view keys work again at once, whatever the jump finds
        self._jump_and_refresh()

    @work(thread=True, exclusive=True, group="jump")
    def _jump_and_refresh(self) -> None:
        if self.timeline_query.at:
            try:
                self.before = self.reader.locate(self.timeline_query.at) + 1
            except LighthouseError as exc:
                self._later(self.notify, str(exc), severity="error")
                return
        self._later(self.action_refresh)

    def _focus_timeline(self) -> None:
        with contextlib.suppress(NoMatches):
            self.query_one("#timeline-table", DataTable).focus()

    def _set_query(self, text: str) -> None:
        self.timeline_query = parse_timeline_query(text)
        self.query_text = text
        if not self.timeline_query.at:
            self.before = None

    @on(DataTable.RowSelected, "#sessions-table")
    def follow_agent(self, event: DataTable.RowSelected) -> None:
        """Choosing a session shows its agent's events in the timeline (escape there shows everyone's again)."""
        row = self.query_one("#sessions-table", DataTable).get_row(event.row_key)
        self.agent_filter = str(row[0]) or None
        self.action_show("timeline")
        self.action_refresh()

    def action_travel(self) -> None:
        """Time travel: the state (sessions, claims, policies) just after the highlighted event, held (live refresh
        paused) until the operator leaves it: l, escape, a filter, or another event highlighted."""
        table = self.query_one("#timeline-table", DataTable)
        if table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        self.as_of = int(str(row_key.value))
        self._set_title()
        self._travel(self.as_of)

    @work(thread=True, exclusive=True, group="travel")
    def _travel(self, seq: int) -> None:
        from lighthouse_mcp.console import state_summary

        try:
            summary = state_summary(self.projector, seq)
        except Exception as exc:
            summary = f"cannot rebuild the state there: {exc}"
        self._later(self._detail, summary)

    def action_everyone(self) -> None:
        self.agent_filter = None
        self.action_refresh()

    @on(DataTable.RowHighlighted, "#timeline-table")
    def show_event(self, event: DataTable.RowHighlighted) -> None:
        if self.closing or event.row_key is None:
            return
        if self.as_of is not None:
            if int(str(event.row_key.value)) == self.as_of:
                return  # the event whose state is shown
            self.as_of = None  # another event highlighted: the operator has left the state then
            self._set_title()
        try:
            found = self.store.get(int(str(event.row_key.value)))
        except Exception as exc:  # the store is failing (or being reconnected): say so where the event would be
            self._detail(f"cannot read this event: {exc}")
            return
        self._detail(event_detail(found) if found is not None else "")

    # ---- drawing -------------------------------------------------------------------------------------------

    def _later(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run `fn` on the UI thread, unless the app is closing (the screen may be gone)."""
        if not self.closing:
            with contextlib.suppress(RuntimeError):  # the app stopped between the check and the call
                self.call_from_thread(fn, *args, **kwargs)

    def _detail(self, text: str) -> None:
        with contextlib.suppress(NoMatches):  # quitting: the screen is already gone
            self.query_one("#timeline-detail", Static).update(text)

    def _policy_line(self, text: str) -> None:
        self.policy_tests = text
        with contextlib.suppress(NoMatches):
            self._draw_policy_summary()

    def _show(self, data: Snapshot, events: list[Any], ready: bool, generation: int) -> None:
        """Draw a refresh; one that lands while quitting, after the screen is gone, draws nothing, and so does one
        that started before the refresh already drawn (a slow read finishing late). `ready`: the data includes the
        folded state (sessions, claims, experts)."""
        if generation < self._drawn:
            return
        self._drawn = generation
        with contextlib.suppress(NoMatches):
            self.shown_ready = ready
            self._draw(data, events)

    def _set_title(self) -> None:
        data = self.data
        if data is None:
            return
        where = []
        if self.agent_filter:
            where.append(f"timeline: {self.agent_filter}")
        if self.before is not None:
            where.append(f"paused before #{self.before}")
        if self.as_of is not None:
            where.append(f"as of #{self.as_of}: live refresh paused (l or escape: live)")
        if not self.shown_ready:
            where.append("reading sessions from the log…")
        self.sub_title = " · ".join([data.project, data.database, f"{data.events:,} events", data.mount, *where])

    def _draw(self, data: Snapshot, events: list[Any]) -> None:
        self.data = data
        self._set_title()
        self._overview(data)
        self._fill("sessions-table", [
            (s["session"], (s["agent"], s["role"], s["client"], s["status"], s["started"], s["last_seen"],
                            *(s["decisions"].get(d, 0) for d in ("allow", "ask", "deny")), s["claims"]))
            for s in data.sessions
        ])  # fmt: skip
        self._fill("timeline-table", [
            (str(e.seq), (e.seq, e.to_json()["ts"][11:19], e.type, e.agent or "", _about(e))) for e in events
        ])  # fmt: skip
        self._fill("approvals-table", [
            (a["id"], (a["id"], a["agent"], a["what"], a["rules"], f"{a['waiting_s']} s")) for a in data.approvals
        ])  # fmt: skip
        self._fill("policies-table", [(p["name"], (p["name"], p["revision"], p["by"], p["at"])) for p in data.policies])
        self._fill("policy-changes-table", [
            (str(c["seq"]), (c["seq"], c["at"], c["change"], c["name"], c["by"])) for c in data.policy_changes
        ])  # fmt: skip
        self._draw_policy_summary()
        self._fill("experts-table", [
            (e["name"], (e["name"], e["capabilities"], e["available"], e["completed"], e["timed_out"], e["open"],
                         e["mean_ms"]))
            for e in data.experts
        ])  # fmt: skip
        self._fill("tasks-table", [
            (t["id"], (t["id"], t["status"], t["expert"], t["delegator"], t["task"])) for t in data.tasks
        ])  # fmt: skip
        self._fill("llm-table", [
            (p["name"], (p["name"], p.get("routes"), p.get("key"), p.get("calls"), p.get("failed"), p.get("p50_ms"),
                         p.get("tokens"), p.get("cost_usd"), p.get("circuit")))
            for p in data.llm
        ])  # fmt: skip
        self.query_one("#mount-text", Static).update(_mount_text(data))
        self._empty_states(data)

    def _empty_states(self, data: Snapshot) -> None:
        """What an empty view means and what makes it fill, instead of a bare table."""
        sessions = "" if data.sessions or not self.shown_ready else (
            "No session yet. A session appears when an agent's hook decides its first call (lighthouse init "
            "--claude sets the hook up) or when an agent connects to the MCP server."
        )  # fmt: skip
        self._note("#sessions-empty", sessions)
        if data.approvals:
            waiting = ""
        elif not self.project.config.approvals.enabled:
            waiting = (
                "Approvals are off (approvals.enabled: false, the default): an ask goes to the agent's own prompt. "
                "Set approvals.enabled: true in .lighthouse/config.yaml to answer asks here."
            )
        else:
            waiting = "No request is waiting. Asks that need a person appear here."
        self._note("#approvals-empty", waiting)

    def _note(self, note_id: str, text: str) -> None:
        note = self.query_one(note_id, Static)
        note.update(text)
        note.display = bool(text)  # no blank line above a table that has rows

    def _overview(self, data: Snapshot) -> None:
        active = [s for s in data.sessions if s["status"] == "active"]
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
            f"Active agents: {', '.join(sorted({str(s['agent']) for s in active})) or 'none'}"
            if self.shown_ready
            else "Active agents: reading the log…",
            f"Pending approvals: {len(data.approvals)}",
            f"Chain: {self.reader.chain}",
            f"Events: {data.events:,} (last seq {data.last_seq:,}) in {data.database}",
        ]
        self.query_one("#overview-text", Static).update("\n".join(lines))
        for series, values in data.rates.items():
            self.query_one(f"#{series}-spark", Sparkline).data = [float(v) for v in values]
            caption = f"{series.title()} per minute (last 30 minutes): now {values[-1]:,}, peak {max(values):,}"
            self.query_one(f"#{series}-caption", Label).update(caption)

    def _draw_policy_summary(self) -> None:
        self.query_one("#policy-summary", Static).update(f"{self.policy_header}\n{self.policy_tests}")
        self._fill("policy-files-table", [
            (f["name"], (f["name"], f["kind"], f["origin"], f["lines"])) for f in self.policy_files
        ])  # fmt: skip

    def _fill(self, table_id: str, rows: list[tuple[str, tuple[Any, ...]]]) -> None:
        """Replace a table's rows; the cursor stays on the same row (by key) when it is still there."""
        table = self.query_one(f"#{table_id}", DataTable)
        kept_key = None
        if table.row_count:
            with contextlib.suppress(Exception):
                kept_key = table.coordinate_to_cell_key(table.cursor_coordinate)[0].value
        keep = table.cursor_row
        table.clear()
        for key, values in rows:
            table.add_row(*(v if isinstance(v, Text) else "" if v is None else str(v) for v in values), key=key)
        if rows:
            keys = [k for k, _ in rows]
            table.move_cursor(row=keys.index(kept_key) if kept_key in keys else min(keep, len(rows) - 1))

    def _active(self) -> str:
        try:
            return str(self.query_one(TabbedContent).active)
        except NoMatches:
            return ""

    def _default_mountpoint(self) -> str:
        return str(self.project.home.path / "mnt")


def _mount_text(data: Snapshot) -> str:
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


def _duration(us: float) -> str:
    if us < 1000:
        return f"{us:.0f} µs"
    return f"{us / 1000:.1f} ms" if us < 1_000_000 else f"{us / 1_000_000:.1f} s"


DECISION_STYLES = {"allow": "green", "ask": "bold yellow", "deny": "bold red"}


def _about(event: Any) -> Text:
    """What the event is about; a decision starts with its outcome, coloured."""
    p = event.payload
    if event.type == "validation.decided":
        decision = str(p.get("decision"))
        about = Text(decision, style=DECISION_STYLES.get(decision, ""))
        return about.append(f": {subject(p)}"[:100])
    return Text(str(subject(p) or p.get("decision") or event.aggregate or "")[:100])
