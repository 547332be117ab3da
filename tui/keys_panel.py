"""The keys panel that `?` opens: every view's keys and the app's."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
1-7 or click: switch views · ctrl+p: command palette · r: refresh · q: quit
Timeline: / filter (type:… agent:… decision:… at:… and words) · g jump to a sequence or time · [ ] older / newer \
page · l back to live · t the state as of the highlighted event · enter on a session shows its agent's events \
(escape: everyone's)
Sessions: type why the highlighted session may be trusted again, then c clears its taint
Approvals: type an optional note, then a approve / d deny the highlighted request
Policies: p runs the policy tests · Mount: m mounts at the path typed (default .lighthouse/mnt), u unmounts"""


class KeysPanel(ModalScreen[None]):
    """The keys, on `?`: every view's and the app's; escape, q or ? closes it."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(HELP + "\n\nescape, q or ? closes this panel", id="keys-text")

    def action_close(self) -> None:
        self.dismiss()
