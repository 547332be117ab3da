"""Policies: the policy version and the files it was built from, project policies, recent changes, the policy
tests' outcome, and the calls a shadow policy set answered otherwise than the live one."""

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
                yield Table("seq", "agent", "live→shadow", "what", "shadow's rules", id="shadow-table")

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
        self.query_one("#shadow-table", Table).refill(
            [(str(r.seq), (r.seq, r.agent, r.change, r.what, r.rules)) for r in data.shadowed]
        )

    def show_tests(self, text: str) -> None:
        """How a run of the policy tests went (drawn at once, shown or not: it answers the operator's key)."""
        self.tests = text
        self.query_one("#policy-summary", Static).update(self._summary())

    def _summary(self) -> str:
        if self.drawn is None:
            return f"Policies: loading…\n{self.tests}"
        return f"{self.drawn.policy_version}\n{self.drawn.shadow}\n{self.tests}"
