"""The views through Textual's pilot: only the view on screen is drawn on a refresh, a hidden one catches up when it
is shown, and the tables show the snapshot's typed rows."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.widgets import DataTable

from lighthouse_mcp.console import ExpertRow, SessionRow, TimelineRow
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project
from tests.tui import demo
from tests.tui.test_app import _fill, _fresh, _settle
from tui.app import LighthouseTUI
from tui.views.overview import OverviewView
from tui.views.sessions import SessionsView
from tui.views.timeline import TimelineView

pytestmark = pytest.mark.anyio


def _keys(table: DataTable) -> list[str]:  # type: ignore[type-arg]
    return [str(key.value) for key in table.rows]


async def test_a_refresh_draws_only_the_view_on_screen(project: Project) -> None:
    _fill(project)
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        sessions, timeline = app.query_one(SessionsView), app.query_one(TimelineView)
        sessions_table = app.query_one("#sessions-table", DataTable)
        assert app.query_one(OverviewView).drawn is app.data
        assert sessions.drawn is None and sessions_table.row_count == 0  # never on screen: never drawn
        await pilot.press("2")
        await pilot.pause()
        assert sessions.drawn is app.data and _keys(sessions_table) == ["s1"]
        await pilot.press("3")
        await pilot.pause()
        timeline_table = app.query_one("#timeline-table", DataTable)
        newest = _keys(timeline_table)[0]
        await pilot.press("1")
        store = project.open_store()
        store.append(NewEvent("session.started", {"role": "reviewer"}, agent="ann", session="s9"))
        store.close()
        await _fresh(app, pilot)
        assert app.query_one(OverviewView).drawn is app.data  # the view on screen follows the log
        assert sessions.drawn is not app.data and _keys(sessions_table) == ["s1"]  # hidden ones are left as they were
        assert timeline.drawn is not app.data and _keys(timeline_table)[0] == newest
        await pilot.press("2")
        await pilot.pause()
        assert sessions.drawn is app.data and set(_keys(sessions_table)) == {"s1", "s9"}  # caught up when shown
        assert timeline.drawn is not app.data  # still hidden
        await pilot.press("3")
        await pilot.pause()
        assert timeline.drawn is app.data and _keys(timeline_table)[0] == str(app.data.last_seq)


async def test_the_tables_show_the_snapshots_typed_rows(tmp_path: Path) -> None:
    project = demo.build(tmp_path / "demo")
    app = LighthouseTUI(project, poll=None, clock=lambda: demo.NOW)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        data = app.data
        assert data is not None
        await pilot.press("2")
        await pilot.pause()
        ben = next(s for s in data.sessions if s.session == "s-ben")
        assert isinstance(ben, SessionRow)
        assert app.query_one("#sessions-table", DataTable).get_row("s-ben") == [
            "ben", "builder", "claude-code", "active", ben.started, ben.last_seen, "40", "80", "40", "1", "",
        ]  # fmt: skip
        with pytest.raises(dataclasses.FrozenInstanceError):
            ben.status = "ended"  # type: ignore[misc]
        await pilot.press("3")
        await pilot.pause()
        newest = data.timeline[0]
        assert isinstance(newest, TimelineRow) and newest.type == "approval.requested"
        row = app.query_one("#timeline-table", DataTable).get_row(str(newest.seq))
        assert row[:4] == [str(newest.seq), newest.time, "approval.requested", "ben"] and str(row[4]) == "npm publish"
        decided = next(r for r in data.timeline if r.decision == "deny")
        row = app.query_one("#timeline-table", DataTable).get_row(str(decided.seq))
        assert str(row[4]) == f"deny: {decided.about}"
        await pilot.press("6")
        await pilot.pause()
        rex = data.experts[0]
        assert isinstance(rex, ExpertRow) and rex.mean_ms is None
        assert app.query_one("#experts-table", DataTable).get_row("rex") == [
            "rex", "python, security", "yes", "0", "0", "0", ""
        ]  # fmt: skip
