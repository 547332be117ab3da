"""The console through Textual's pilot: every view and key, the live refresh, and an approval given in the TUI
releasing a waiting hook process."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static, TabbedContent

from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project
from tests.helpers.env import lighthouse_env
from tui.app import TABS, LighthouseTUI

pytestmark = pytest.mark.anyio


def _fill(project: Project) -> None:
    store = project.open_store()
    try:
        store.append(
            NewEvent(
                "session.started", {"role": "builder", "client": {"name": "claude-code"}}, agent="ben", session="s1"
            )
        )
        for i, decision in enumerate(["allow", "allow", "ask", "deny"]):
            payload = {"command": f"cmd-{i}", "decision": decision, "latency_us": 100 * (i + 1)}
            store.append(NewEvent("validation.decided", payload, agent="ben", session="s1"))
        store.append(NewEvent("policy.put", {"name": "team.rego", "sha256": "ab"}, agent="ops", aggregate="team.rego"))
        store.append(NewEvent("expert.registered", {"capabilities": ["python"]}, agent="rex", session="s2"))
    finally:
        store.close()


async def _settle(app: LighthouseTUI, pilot: object) -> None:
    from textual.worker import WorkerCancelled

    with contextlib.suppress(WorkerCancelled):  # a newer refresh (the poll timer's) replaced one being waited on
        await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def _until(pilot: object, condition: Any, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, what
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def test_views_show_the_store(project: Project) -> None:
    _fill(project)
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        overview = str(app.query_one("#overview-text", Static).render())
        assert "allow 2" in overview and "ask 1" in overview and "deny 1" in overview
        assert "Active agents: ben" in overview and "Pending approvals: 0" in overview
        assert "events" in app.sub_title and "not mounted" in app.sub_title
        for number, tab in enumerate(TABS, start=1):
            await pilot.press(str(number))
            assert app.query_one(TabbedContent).active == tab
        sessions = app.query_one("#sessions-table", DataTable)
        assert sessions.get_row("s1")[:4] == ["ben", "builder", "claude-code", "active"]
        assert sessions.get_row("s1")[6:] == ["2", "1", "1"]
        assert app.query_one("#policies-table", DataTable).get_row("team.rego")[:3] == ["team.rego", "1", "ops"]
        assert app.query_one("#experts-table", DataTable).get_row("rex")[:2] == ["rex", "python"]


async def test_the_timeline_filters_shows_details_and_follows_new_events(project: Project) -> None:
    _fill(project)
    app = LighthouseTUI(project, poll=0.1)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("3")
        table = app.query_one("#timeline-table", DataTable)
        total = table.row_count
        assert table.get_row_at(0)[2] == "expert.registered"  # newest first
        await pilot.press("slash")
        assert app.focused is app.query_one("#timeline-filter", Input)
        await pilot.press(*"cmd-3", "enter")
        await _until(pilot, lambda: table.row_count == 1, "the filter was not applied")
        assert table.get_row_at(0)[4] == "deny: cmd-3"
        table.focus()
        await pilot.press("down", "up")
        detail = str(app.query_one("#timeline-detail", Static).render())
        assert '"command": "cmd-3"' in detail
        app.query_one("#timeline-filter", Input).value = ""
        await pilot.press("slash", "enter")
        store = project.open_store()
        store.append(NewEvent("test.live", {"n": 1}))
        store.close()
        deadline = time.monotonic() + 5
        while table.row_count <= total:
            assert time.monotonic() < deadline, "the timeline did not pick up the new event"
            await pilot.pause(0.1)
        assert table.get_row_at(0)[2] == "test.live"


async def test_help_and_quit(project: Project) -> None:
    app = LighthouseTUI(project, poll=None)
    async with app.run_test() as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert any("a approve" in str(n.message) for n in app._notifications)
        await pilot.press("q")
    assert app.return_code == 0 or app.return_code is None


async def test_an_approval_given_in_the_tui_releases_a_waiting_hook(project: Project) -> None:
    env = lighthouse_env(LIGHTHOUSE_APPROVALS__ENABLED="true", LIGHTHOUSE_APPROVALS__TIMEOUT_S="30")
    waiting = subprocess.Popen(
        [sys.executable, "-m", "lighthouse_mcp", "hook"], cwd=project.home.root, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert waiting.stdin is not None and waiting.stdout is not None
    hook = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "npm publish"}}
    waiting.stdin.write(json.dumps({**hook, "cwd": str(project.home.root)}))
    waiting.stdin.close()
    app = LighthouseTUI(project, poll=0.2)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4")
        table = app.query_one("#approvals-table", DataTable)
        deadline = time.monotonic() + 30
        while table.row_count == 0:
            assert time.monotonic() < deadline, "no approval appeared"
            await pilot.pause(0.1)
        assert table.get_row_at(0)[2] == "npm publish"
        table.focus()
        await pilot.press("a")
        await _settle(app, pilot)
        waiting.wait(timeout=60)
    assert waiting.returncode == 0
    assert json.loads(waiting.stdout.read())["hookSpecificOutput"]["permissionDecision"] == "allow"


def test_the_command_needs_a_terminal(project: Project) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", "tui"], cwd=project.home.root, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 64 and "needs a terminal" in result.stderr


async def test_choosing_a_session_filters_the_timeline(project: Project) -> None:
    _fill(project)
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("2")
        app.query_one("#sessions-table", DataTable).focus()
        await pilot.press("enter")
        await _settle(app, pilot)
        assert app.query_one(TabbedContent).active == "timeline" and "timeline: ben" in app.sub_title
        table = app.query_one("#timeline-table", DataTable)
        assert {table.get_row_at(i)[3] for i in range(table.row_count)} == {"ben"}
        await pilot.press("escape")
        await _settle(app, pilot)
        assert "ops" in {table.get_row_at(i)[3] for i in range(table.row_count)}


async def test_time_travel_shows_the_state_then(project: Project) -> None:
    _fill(project)
    store = project.open_store()
    store.append(NewEvent("session.ended", {"reason": "done"}, agent="ben", session="s1"))
    store.close()
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("3")
        table = app.query_one("#timeline-table", DataTable)
        table.focus()
        row = next(i for i in range(table.row_count) if table.get_row_at(i)[2] == "policy.put")
        table.move_cursor(row=row)
        await pilot.press("t")
        await _settle(app, pilot)
        then = str(app.query_one("#timeline-detail", Static).render())
        assert "ben (builder) s1" in then and "team.rego (revision 1, by ops)" in then
        table.move_cursor(row=0)  # the newest: ben's session has ended
        await pilot.press("t")
        await _settle(app, pilot)
        now = str(app.query_one("#timeline-detail", Static).render())
        assert "Active sessions:\n  none" in now
