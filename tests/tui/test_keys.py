"""The console's keys as an operator meets them: a view's table has the focus once shown, an input never traps the
view keys once left, Escape always leaves an input, and the state shown by `t` holds until the operator leaves it."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static, TabbedContent

from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project
from tests.tui.test_app import _fill, _fresh, _settle, _until
from tui.app import LighthouseTUI

pytestmark = pytest.mark.anyio


async def test_a_view_shown_by_its_key_has_its_table_focused(project: Project) -> None:
    _fill(project)
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("2")
        sessions = app.query_one("#sessions-table", DataTable)
        await _until(pilot, lambda: app.focused is sessions, "Sessions' table did not get the focus")
        await pilot.press("3")
        timeline = app.query_one("#timeline-table", DataTable)
        await _until(pilot, lambda: app.focused is timeline, "the timeline's table did not get the focus")
        await pilot.press("down")
        assert timeline.cursor_row == 1  # Down moves in the table at once, no Tab first


@pytest.mark.parametrize("typed", ["/decision:deny", "g20"])
async def test_after_a_filter_or_a_jump_the_view_keys_switch_views(project: Project, typed: str) -> None:
    _fill(project)
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("3")
        key, rest = ("slash", typed[1:]) if typed.startswith("/") else ("g", typed[1:])
        await pilot.press(key, *rest, "enter")
        box = app.query_one("#timeline-filter", Input)
        await _until(pilot, lambda: app.focused is not box, "the filter box kept the focus after enter")
        await pilot.press("1")
        assert app.query_one(TabbedContent).active == "overview"
        assert not box.value.endswith("1")


async def test_escape_leaves_an_input(project: Project) -> None:
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("3", "slash", "x")
        assert app.focused is app.query_one("#timeline-filter", Input)
        await pilot.press("escape")
        assert app.focused is app.query_one("#timeline-table", DataTable)
        await pilot.press("4")
        assert app.query_one(TabbedContent).active == "approvals"
        note = app.query_one("#approval-note", Input)
        note.focus()
        await pilot.press("n", "escape", "2")
        assert app.query_one(TabbedContent).active == "sessions" and note.value == "n"


async def test_the_state_then_holds_until_the_operator_leaves_it(project: Project) -> None:
    _fill(project)
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("3")
        table = app.query_one("#timeline-table", DataTable)
        row = next(i for i in range(table.row_count) if table.get_row_at(i)[2] == "policy.put")
        table.move_cursor(row=row)
        seq = int(str(table.get_row_at(row)[0]))
        await pilot.press("t")
        detail = app.query_one("#timeline-detail", Static)
        await _until(pilot, lambda: "Active sessions" in str(detail.render()), "t showed no state")
        store = project.open_store()
        store.append(NewEvent("test.later", {"n": 1}))
        store.close()
        app.action_refresh()  # what the poll timer does every second
        await _settle(app, pilot)
        assert "Active sessions" in str(detail.render()), "a refresh overwrote the state shown by t"
        assert f"as of #{seq}" in app.sub_title
        await pilot.press("l")  # back to live
        await _fresh(app, pilot)
        assert "as of" not in app.sub_title and table.get_row_at(0)[2] == "test.later"


async def test_web_and_mcp_decisions_say_what_they_are_about(project: Project) -> None:
    store = project.open_store()
    fetch = {"tool": "WebFetch", "url": "https://docs.example/page", "decision": "ask", "risk": "medium"}
    mcp = {"tool": "mcp__github__delete_repository", "decision": "deny", "risk": "high"}
    store.append(NewEvent("validation.decided", fetch, agent="ben", session="s1"))
    store.append(NewEvent("validation.decided", mcp, agent="ben", session="s1"))
    store.close()
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("3")
        table = app.query_one("#timeline-table", DataTable)
        abouts = [str(table.get_row_at(i)[4]) for i in range(table.row_count)]
        assert "deny: mcp__github__delete_repository" in abouts and "ask: https://docs.example/page" in abouts
        table.move_cursor(row=abouts.index("ask: https://docs.example/page"))
        await pilot.pause()
        detail = str(app.query_one("#timeline-detail", Static).render())
        assert "ASK (risk medium): https://docs.example/page" in detail and "None" not in detail.splitlines()[1]


async def test_question_mark_opens_a_keys_panel_that_escape_closes(project: Project) -> None:
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        panel = app.screen
        assert type(panel).__name__ == "KeysPanel"
        text = str(panel.query_one("#keys-text", Static).render())
        assert "a approve" in text and "t the state" in text
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ != "KeysPanel"
        await pilot.press("2")
        assert app.query_one(TabbedContent).active == "sessions"


async def test_empty_views_say_there_is_nothing_yet_and_what_to_do(project: Project) -> None:
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        overview = str(app.query_one("#overview-text", Static).render())
        assert "n=0" not in overview and "nothing measured yet" in overview
        await pilot.press("2")
        sessions = str(app.query_one("#sessions-empty", Static).render())
        assert "No session yet" in sessions
        await pilot.press("4")
        approvals = str(app.query_one("#approvals-empty", Static).render())
        assert "Approvals are off" in approvals and "approvals.enabled" in approvals


async def test_the_timeline_shows_rows_in_an_80_by_24_terminal(project: Project) -> None:
    store = project.open_store()
    store.append_batch([NewEvent("test.row", {"n": i}) for i in range(30)])
    store.close()
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        table = app.query_one("#timeline-table", DataTable)
        assert table.size.height >= 8, table.size  # rows to read, not two
