"""What every view of the console is: a widget drawn from a snapshot, and only while it is on screen."""

from __future__ import annotations

from typing import ClassVar

from textual.containers import Vertical
from textual.widgets import Static

from lighthouse_mcp.console import Snapshot


class View(Vertical):
    """One view (tab) of the console. `show` draws a snapshot unless it is already drawn: the app calls it for the
    view on screen after each refresh, and for a view when it comes on screen, so a hidden view costs nothing and
    catches up when shown."""

    tab: ClassVar[str]  # the tab's id; its title is the same, capitalised
    main_table: ClassVar[str | None] = None  # focused when the view is shown: the view's keys act on it
    actions: ClassVar[frozenset[str]] = frozenset()  # the app's actions that belong to this view alone

    def __init__(self) -> None:
        super().__init__()
        self.drawn: Snapshot | None = None  # the snapshot on screen

    def show(self, data: Snapshot) -> None:
        if data is not self.drawn:
            self.drawn = data
            self.update(data)

    def update(self, data: Snapshot) -> None:
        """Draw `data`."""
        raise NotImplementedError

    def note(self, note_id: str, text: str) -> None:
        """Say what an empty view means and what makes it fill; no blank line above a table that has rows."""
        note = self.query_one(note_id, Static)
        note.update(text)
        note.display = bool(text)
