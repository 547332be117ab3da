"""A table whose rows a refresh replaces, keeping the cursor on the row it was on."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

# A row as a table takes it: its key, and its cells in column order (None shows as nothing).
Row = tuple[str, Sequence[object]]


class Table(DataTable[str | Text]):
    """A row-cursor table with fixed columns, filled whole from rows."""

    def __init__(self, *columns: str, id: str) -> None:
        super().__init__(id=id, cursor_type="row")
        self._columns = columns

    def on_mount(self) -> None:
        self.add_columns(*self._columns)

    def refill(self, rows: Sequence[Row]) -> None:
        """Replace the rows; the cursor stays on the same row (by key) when it is still there."""
        kept_key = None
        if self.row_count:
            with contextlib.suppress(Exception):
                kept_key = self.coordinate_to_cell_key(self.cursor_coordinate)[0].value
        keep = self.cursor_row
        self.clear()
        for key, values in rows:
            self.add_row(*(v if isinstance(v, Text) else "" if v is None else str(v) for v in values), key=key)
        if rows:
            keys = [k for k, _ in rows]
            self.move_cursor(row=keys.index(kept_key) if kept_key in keys else min(keep, len(rows) - 1))
