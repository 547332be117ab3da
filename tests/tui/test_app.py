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
    """Everything read and drawn, the sessions (folded from the log after the first picture) included."""
    from textual.worker import WorkerCancelled

    await _until(pilot, lambda: app.shown_ready, "the sessions were never drawn")
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
        assert sessions.get_row("s1")[6:] == ["2", "1", "1", "0", ""]  # nothing tainted it
        assert app.query_one("#policies-table", DataTable).get_row("team.rego")[:3] == ["team.rego", "1", "ops"]
        changes = app.query_one("#policy-changes-table", DataTable)
        assert changes.get_row_at(0)[2:4] == ["put", "team.rego"]
        files = app.query_one("#policy-files-table", DataTable)
        assert files.get_row("git.yaml")[1:3] == ["pack", "shipped"] and files.get_row("agents.rego")[1] == "module"
        llm = app.query_one("#llm-table", DataTable)
        assert {"security", "code_review"} <= {str(k.value) for k in llm.rows}
        assert app.query_one("#experts-table", DataTable).get_row("rex")[:3] == ["rex", "python", "no"]  # no session


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
        assert str(table.get_row_at(0)[4]) == "deny: cmd-3"
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


async def test_refresh_help_and_quit(project: Project) -> None:
    app = LighthouseTUI(project, poll=None)
    async with app.run_test() as pilot:
        await _settle(app, pilot)
        before = app.data
        assert before is not None
        store = project.open_store()
        store.append(NewEvent("test.more", {}))
        store.close()
        await pilot.press("r")
        await _until(pilot, lambda: app.data is not before, "r did not refresh")
        assert app.data is not None and app.data.events == before.events + 1
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "KeysPanel"
        await pilot.press("escape")
        await pilot.pause()
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
        await pilot.press("2")
        assert app.query_one("#sessions-table", DataTable).get_row("s1")[3] == "ended"
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


async def _fresh(app: LighthouseTUI, pilot: Any) -> None:
    """Read the store again and wait until that refresh has been drawn."""
    drawn = app.data
    app.action_refresh()
    await _until(pilot, lambda: app.data is not drawn, "the refresh was not drawn")


async def test_timeline_terms_jumps_pages_and_live(project: Project) -> None:
    _fill(project)
    store = project.open_store()
    store.append_batch([NewEvent("test.bulk", {"n": i}, agent="bot") for i in range(450)])
    store.close()
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("3")
        table = app.query_one("#timeline-table", DataTable)
        assert table.row_count == 200 and table.get_row_at(0)[0] == "457"
        await pilot.press("slash", *"decision:deny agent:ben", "enter")
        await _until(pilot, lambda: table.row_count == 1, "decision and agent terms were not applied")
        assert str(table.get_row_at(0)[4]) == "deny: cmd-3"
        box = app.query_one("#timeline-filter", Input)
        box.value = ""
        await pilot.press("g")
        assert box.value == "at:" and app.focused is box
        await pilot.press(*"100", "enter")
        await _until(pilot, lambda: table.row_count and table.get_row_at(0)[0] == "100", "the jump did not land")
        assert "paused before #101" in app.sub_title and table.row_count == 100
        await pilot.press("right_square_bracket")  # newer: the page after
        await _until(pilot, lambda: table.get_row_at(0)[0] == "300", "] did not page to newer events")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await _until(pilot, lambda: table.get_row_at(0)[0] == "100", "[ did not page to older events")
        await pilot.press("l")
        await _until(pilot, lambda: table.get_row_at(0)[0] == "457", "l did not go back to live")
        assert box.value == "" and "paused" not in app.sub_title
        await pilot.press("slash", *"decision:maybe", "enter")
        await pilot.pause()
        assert any("decision: must be allow, ask or deny" in str(n.message) for n in app._notifications)
        box.value = "at:2999-01-01T00:00:00Z"
        await pilot.press("enter")
        await _until(pilot, lambda: table.row_count and table.get_row_at(0)[0] == "457", "a future time is the head")


async def test_an_approval_note_and_a_denial(project: Project) -> None:
    from lighthouse_mcp.agents import approvals

    store = project.open_store()
    requested = {"tool": "Bash", "command": "npm publish", "rules": ["publish.package"], "timeout_s": 600}
    store.append(NewEvent("approval.requested", requested, agent="ben", aggregate="apr_one"))
    store.close()
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("4")
        app.query_one("#approval-note", Input).focus()
        await pilot.press(*"not on friday")
        assert app.query_one("#approval-note", Input).value == "not on friday"  # typing a and d is not answering
        app.query_one("#approvals-table", DataTable).focus()
        await pilot.press("d")
        await _settle(app, pilot)
        await _until(pilot, lambda: app.query_one("#approvals-table", DataTable).row_count == 0, "still pending")
    store = project.open_store()
    try:
        answer = approvals.find_resolution(store, "apr_one")
    finally:
        store.close()
    assert answer is not None and answer.type == "approval.denied"
    assert answer.payload["reason"] == "denied in the TUI: not on friday"


async def test_policy_tests_run_from_the_view_and_the_palette(project: Project) -> None:
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        summary = app.query_one("#policy-summary", Static)
        await pilot.press("p")  # only in the Policies view
        await _settle(app, pilot)
        assert "run the policy tests" in str(summary.render())
        await pilot.press("5", "p")
        await _until(pilot, lambda: "passed rule examples" in str(summary.render()), "p did not run the tests")
        assert "Policy version" in str(summary.render())
        await pilot.press("1", "ctrl+p")
        await pilot.press(*"policy tests")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await _until(pilot, lambda: app.query_one(TabbedContent).active == "overview", "palette closed badly")
        await _until(pilot, lambda: "passed rule examples" in str(summary.render()), "the palette ran nothing")


async def test_the_palette_switches_views(project: Project) -> None:
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("ctrl+p", *"show experts")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await _until(pilot, lambda: app.query_one(TabbedContent).active == "experts", "no switch to experts")


async def test_a_broken_database_keeps_the_last_picture(project: Project) -> None:
    """The database file is damaged under the running console (a disk error, a bad copy): each refresh says it
    cannot read the store and keeps showing the last state; when the file is whole again, it catches up."""
    _fill(project)
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        shown = app.data
        assert shown is not None
        db = project.db_path
        store = project.open_store()
        store.append(NewEvent("test.after", {}))
        store.close()
        whole = db.read_bytes()
        with open(db, "r+b") as f:
            f.write(b"\0" * 200)  # the header and the first page's start
        try:
            app.action_refresh()
            await _until(
                pilot, lambda: any("cannot read the store" in str(n.message) for n in app._notifications), "no warning"
            )
            assert app.data is shown and "Active agents: ben" in str(app.query_one("#overview-text", Static).render())
        finally:
            db.write_bytes(whole)
        await _fresh(app, pilot)
        assert app.data is not None and app.data.events == shown.events + 1


async def test_a_narrow_terminal_still_works(project: Project) -> None:
    _fill(project)
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(50, 14)) as pilot:
        await _settle(app, pilot)
        for number in range(1, len(TABS) + 1):
            await pilot.press(str(number))
            await pilot.pause()
        await pilot.resize_terminal(30, 10)
        await pilot.press("3")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "timeline"


async def test_mouse_clicks_switch_views(project: Project) -> None:
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.click("#--content-tab-approvals")
        assert app.query_one(TabbedContent).active == "approvals"


async def test_mount_and_unmount_from_the_tui(project: Project, tmp_path: Any) -> None:
    from tests.fs.test_mount import _fuse_missing

    reason = _fuse_missing()
    if reason:
        if os.environ.get("LIGHTHOUSE_REQUIRE_FUSE") == "1":
            pytest.fail(f"FUSE is required (LIGHTHOUSE_REQUIRE_FUSE=1) but {reason}")
        pytest.skip(reason)
    target = tmp_path / "view"
    app = LighthouseTUI(project, poll=0.2)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("7")
        app.query_one("#mount-path", Input).value = str(target)
        await pilot.press("m")
        text = app.query_one("#mount-text", Static)
        try:
            await _until(pilot, lambda: f"mounted at {target}" in str(text.render()), "m did not mount")
            assert os.path.ismount(target) and f"mounted at {target}" in app.sub_title
            os.listdir(target / "current")
            await _until(pilot, lambda: "readdir" in str(text.render()), "no operations from /stats.json")
            await pilot.press("u")
            await _until(pilot, lambda: "not mounted" in str(text.render()), "u did not unmount")
            assert not os.path.ismount(target)
        finally:
            if os.path.ismount(target):
                subprocess.run(["fusermount3", "-uz", str(target)], check=False)


def _hook(project: Project, event: str, tool: str, tool_input: dict[str, Any], **extra: Any) -> Any:
    """One call of the agent's hook, as Claude Code makes it, in session s-web."""
    data = {"session_id": "s-web", "cwd": str(project.home.root), "hook_event_name": event, "tool_name": tool,
            "tool_input": tool_input, "tool_use_id": "toolu_1", **extra}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "lighthouse_mcp", "hook"], input=json.dumps(data), cwd=project.home.root,
        env=lighthouse_env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


async def test_a_person_clears_a_taint_in_the_console_and_the_next_call_is_allowed(project: Project) -> None:
    from tests.security.test_taint import INJECTED, UPLOAD

    (project.home.root / "notes.txt").write_text("meeting notes\n")
    _hook(project, "PostToolUse", "WebFetch", {"url": "https://docs.example/p"}, tool_response={"result": INJECTED})
    asked = _hook(project, "PreToolUse", "Bash", {"command": UPLOAD})
    assert json.loads(asked.stdout)["hookSpecificOutput"]["permissionDecision"] == "ask"
    app = LighthouseTUI(project, poll=None)
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("2")
        table = app.query_one("#sessions-table", DataTable)
        assert str(table.get_row("s-web")[-1]).startswith("web: injection.")
        table.move_cursor(row=table.get_row_index("s-web"))
        await pilot.press("c")  # no reason typed: nothing is cleared
        await app.workers.wait_for_complete()
        app.query_one("#taint-reason", Input).focus()
        await pilot.press(*"read the page myself")
        table.focus()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await _fresh(app, pilot)
        await _until(pilot, lambda: table.get_row("s-web")[-1] == "", "the session still shows its taint")
        assert app.query_one("#taint-reason", Input).value == ""
    store = project.open_store()
    try:
        cleared = [e for e in store.read_after(0, 1000) if e.type == "session.cleared"]
    finally:
        store.close()
    assert len(cleared) == 1 and cleared[0].payload["via"] == "console"
    assert cleared[0].payload["reason"] == "read the page myself" and cleared[0].payload["session"] == "s-web"
    allowed = _hook(project, "PreToolUse", "Bash", {"command": UPLOAD})
    assert (allowed.returncode, allowed.stdout) == (0, "")  # the next call: allowed (Claude Code's own rules decide)


async def test_a_long_first_fold_waits_for_the_first_picture(project: Project, monkeypatch: Any) -> None:
    """When the first fold of the log would read many events (a big store with no state snapshot near its head), the
    first picture is drawn before the fold starts, so that the two do not share the interpreter (it made the first
    start of a million-event store 1.4-2.6 s); the sessions follow when the fold is done."""
    import tui.app

    _fill(project)
    monkeypatch.setattr(tui.app, "LONG_FOLD", 2)
    app = LighthouseTUI(project, poll=None)
    folded_at_first_picture: list[bool] = []
    show = app._show

    def first_shown(data: Any, generation: int) -> None:
        if app.data is None:
            folded_at_first_picture.append(app.folded)
        show(data, generation)

    app._show = first_shown  # type: ignore[method-assign]
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(app, pilot)
        assert folded_at_first_picture == [False]
        await pilot.press(str(TABS.index("sessions") + 1))
        await pilot.pause()
        sessions = app.query_one("#sessions-table", DataTable)
        assert sessions.get_row("s1")[:4] == ["ben", "builder", "claude-code", "active"]
