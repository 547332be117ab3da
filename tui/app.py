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

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, TabbedContent, TabPane, Tabs

from lighthouse_mcp.console import (
    PAGE,
    Console,
    Snapshot,
    TimelinePage,
    TimelineQuery,
    event_detail,
    parse_timeline_query,
)
from lighthouse_mcp.errors import LighthouseError
from lighthouse_mcp.project import Project
from tui.keys_panel import KeysPanel
from tui.views import VIEWS, View
from tui.views.policies import PoliciesView
from tui.views.timeline import TimelineView

LONG_FOLD = 50_000  # events a first fold reads past which it waits for the first picture

TABS = tuple(view.tab for view in VIEWS)


class LighthouseTUI(App[None]):
    TITLE = "Lighthouse"
    CSS_PATH = "app.tcss"
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
        Binding("c", "clear_taint", "Clear taint"),
        Binding("p", "policy_test", "Test policies"),
        Binding("m", "mount", "Mount"),
        Binding("u", "unmount", "Unmount"),
        Binding("escape", "escape", "Leave", show=False),
        *(Binding(str(i + 1), f"show('{tab}')", tab.title(), show=False) for i, tab in enumerate(TABS)),
    ]

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
        self.store_failed = False  # the last refresh could not read: the next one reconnects first
        self.folded = False  # the projector has caught up with the log once (see fold_state)
        self.shown_ready = False  # what is on screen includes that state (Snapshot.ready)
        self._generations = itertools.count(1)  # refreshes in the order they started reading
        self._drawn = 0
        self._fold_after_first = False  # a long first fold waits for the first picture (on_mount)
        self.closing = False

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="overview"):
            for view in VIEWS:
                with TabPane(view.tab.title(), id=view.tab):
                    yield view()
        yield Footer()

    def on_mount(self) -> None:
        # The fold of the log draws the first picture when it is done. When it takes longer (a big store that has
        # no state snapshots yet), a picture without the sessions comes first; when it will take seconds, the fold
        # starts once that picture is up, so that the two do not share the interpreter meanwhile. The chain's
        # whole check starts with the first picture too.
        if self.projector.to_fold() > LONG_FOLD:
            self._fold_after_first = True
            self.action_refresh()
        else:
            self.fold_state()
            self.set_timer(0.3, self._first_picture)
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
        for view in VIEWS:
            if action in view.actions:
                return self._active() == view.tab
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        """A view shown (by key, click or palette) catches up with the last refresh, and has its table focused,
        unless the focus is already in it (an input the key that showed it asked for)."""
        if self.data is not None:
            self._view().show(self.data)
        self.refresh_bindings()
        self.call_after_refresh(self._focus_view, keep_inside=True)

    def _focus_view(self, keep_inside: bool = False) -> None:
        wanted, self._wanted_focus = self._wanted_focus, None
        with contextlib.suppress(NoMatches):
            if wanted and keep_inside:
                self.query_one(wanted).focus()
                return
            target = self._view().main_table
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
            page = TimelinePage(self.timeline_query, self.agent_filter, self.before)
            data = self.reader.snapshot(self.projector.current() if self.folded else None, page)
        except Exception as exc:  # a busy or broken store: keep showing what we have, say why
            self.store_failed = True
            self._later(self.notify, f"cannot read the store: {exc}", severity="warning", timeout=3)
            return
        self.store_failed = False
        self._later(self._show, data, generation)

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
        self.reader = Console(self.project, fresh, clock=self.reader.clock, policies=self.reader.policies)
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

    @work(thread=True, group="answer")
    def action_clear_taint(self) -> None:
        """A person trusts the highlighted session again: its taints are cleared (`session.cleared`, with who and
        the reason typed above the table)."""
        from lighthouse_mcp.agents import taint

        table = self.query_one("#sessions-table", DataTable)
        if table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        session = str(row_key.value)
        reason_box = self.query_one("#taint-reason", Input)
        reason = reason_box.value.strip()
        if not reason:
            self._later(self.notify, "type why the session may be trusted again first", severity="warning")
            return
        try:
            _, cleared = taint.clear(
                self.store, session, self.project.config.taint, by=taint.person(), reason=reason, via="console"
            )
        except LighthouseError as exc:
            self._later(self.notify, str(exc), severity="error")
            return
        self._later(setattr, reason_box, "value", "")
        self._later(self.notify, f"cleared {len(cleared)} taint(s) on {session}")
        self._later(self.action_refresh)

    @work(thread=True, exclusive=True, group="policy")
    def action_policy_test(self) -> None:
        from lighthouse_mcp.policy.rego_tests import check_policy_set

        self._later(self._policy_line, "running the policy tests…")
        try:
            report = check_policy_set(self.reader.policies.current())
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
            self.query_one(TimelineView).show_detail(text)

    def _policy_line(self, text: str) -> None:
        with contextlib.suppress(NoMatches):
            self.query_one(PoliciesView).show_tests(text)

    def _show(self, data: Snapshot, generation: int) -> None:
        """Draw a refresh: the header and the view on screen (the others catch up when shown). One that lands
        while quitting, after the screen is gone, draws nothing, and so does one that started before the refresh
        already drawn (a slow read finishing late)."""
        if generation < self._drawn:
            return
        self._drawn = generation
        if self.data is None:  # the first picture: now the chain's whole check, a child on the other core
            self.check_chain()
        if self._fold_after_first:
            self._fold_after_first = False
            self.fold_state()
        with contextlib.suppress(NoMatches):
            self.data = data
            self.shown_ready = data.ready
            self._set_title()
            self._view().show(data)

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

    def _active(self) -> str:
        try:
            return str(self.query_one(TabbedContent).active)
        except NoMatches:
            return ""

    def _view(self) -> View:
        """The view on screen; NoMatches when there is none (starting, quitting, or another screen on top)."""
        active = self._active()
        if not active:
            raise NoMatches("no view is on screen")
        return self.query_one(f"#{active} > View", View)

    def _default_mountpoint(self) -> str:
        return str(self.project.home.path / "mnt")
