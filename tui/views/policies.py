"""Policies: the policy version and the files it was built from, project policies, recent changes, and the policy
tests' outcome."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from lighthouse_mcp.console import Snapshot
from tui.table import Table
from tui.views.view import View


class PoliciesView(View):
    tab = "policies"
    main_table = "#policy-files-table"
    actions = frozenset({"policy_test"})

    def __init__(self) -> None:
        super().__init__()
        self.tests = "p: run the policy tests"  # how the last run of the policy tests went

    def compose(self) -> ComposeResult:
        yield Static(self._summary(), id="policy-summary", classes="summary")
        with Horizontal(id="policy-tables"):
            yield Table("loaded file", "kind", "origin", "lines", id="policy-files-table")
            with Vertical():
                yield Table("project policy", "revision", "by", "at", id="policies-table")
                yield Table("seq", "at", "change", "policy", "by", id="policy-changes-table")

    def update(self, data: Snapshot) -> None:
        self.query_one("#policy-summary", Static).update(self._summary())
        self.query_one("#policy-files-table", Table).refill(
            [(f.name, (f.name, f.kind, f.origin, f.lines)) for f in data.policy_files]
        )
        self.query_one("#policies-table", Table).refill(
            [(p.name, (p.name, p.revision, p.by, p.at)) for p in data.policies]
        )
        self.query_one("#policy-changes-table", Table).refill(
            [(str(c.seq), (c.seq, c.at, c.change, c.name, c.by)) for c in data.policy_changes]
        )

    def show_tests(self, text: str) -> None:
        """How a run of the policy tests went (drawn at once, shown or not: it answers the operator's key)."""
        self.tests = text
        self.query_one("#policy-summary", Static).update(self._summary())

    def _summary(self) -> str:
        header = self.drawn.policy_version if self.drawn else "Policies: loading…"
        return f"{header}\n{self.tests}"
