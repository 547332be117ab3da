"""Screenshots of every view at a fixed size, on the demo store (tests/tui/demo.py: fixed key, clock and ids).

A change to what a view shows makes these fail with a visual diff (snapshot_report.html); when the change is meant,
accept it with `pytest tests/tui/test_snapshots.py --snapshot-update` and commit the SVGs. The Policies view shows
the shipped policy version, so a change to the shipped packs or modules needs an update there too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.tui import demo
from tui.app import TABS, LighthouseTUI

SIZE = (130, 36)


@pytest.fixture
def demo_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LighthouseTUI:
    project = demo.build(tmp_path / "demo")
    monkeypatch.chdir(project.home.root)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return LighthouseTUI(project, poll=None, clock=lambda: demo.NOW)


async def _settled(pilot: Any) -> None:
    """Everything read once, the chain checked, then drawn again so the chain line shows."""
    app = pilot.app
    while not app.shown_ready:
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.press("r")
    await app.workers.wait_for_complete()
    await pilot.pause()


def _view(number: int, *keys: str) -> Callable[[Any], Any]:
    async def run_before(pilot: Any) -> None:
        await _settled(pilot)
        await pilot.press(str(number), *keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("number", range(1, len(TABS) + 1), ids=TABS)
def test_each_view(snap_compare: Any, demo_app: LighthouseTUI, number: int) -> None:
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=_view(number))


def test_the_timeline_filtered_to_denials(snap_compare: Any, demo_app: LighthouseTUI) -> None:
    keys = ("slash", *"decision:deny agent:ann", "enter")
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=_view(3, *keys))


def test_the_policies_view_with_a_shadow_set(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = demo.build(tmp_path / "demo", shadow=True)
    monkeypatch.chdir(project.home.root)
    app = LighthouseTUI(project, poll=None, clock=lambda: demo.NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=_view(5))


def test_a_narrow_terminal(snap_compare: Any, demo_app: LighthouseTUI) -> None:
    assert snap_compare(demo_app, terminal_size=(60, 20), run_before=_view(1))


def test_the_light_theme(snap_compare: Any, demo_app: LighthouseTUI) -> None:
    demo_app.theme = "textual-light"
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=_view(3))


def test_tainted_sessions(snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = demo.build(tmp_path / "demo", tainted=True)
    monkeypatch.chdir(project.home.root)
    app = LighthouseTUI(project, poll=None, clock=lambda: demo.NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=_view(2))
