"""How the CLI prints: JSON Lines for machines, aligned lines for people."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from lighthouse_mcp.events.model import Event

# Characters that move the cursor, clear, recolour or reorder what a terminal shows: C0 and C1 controls (but tab),
# DEL, and the bidirectional overrides and isolates. Text an agent wrote (a command waiting for an answer) may hold
# them to show a person something else than what waits.
_DRAWS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    """`text` as a person's terminal should show it: every character that would draw rather than be seen written
    as its escape (`\\x1b`, `\\u202e`)."""
    return _DRAWS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def json_line(obj: Any, out: TextIO | None = None) -> None:
    (out or sys.stdout).write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")


def event_lines(events: Iterable[Event], *, as_json: bool, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for event in events:
        if as_json:
            json_line(event.to_json(), out)
        else:
            out.write(human_event(event) + "\n")
    out.flush()


def human_event(event: Event, width: int = 100) -> str:
    """`seq  time  type  agent  aggregate  payload…` on one line."""
    when = event.to_json()["ts"][:19].replace("T", " ")
    payload = json.dumps(event.payload, ensure_ascii=False, separators=(",", ":"))
    if len(payload) > width:
        payload = payload[: width - 1] + "…"
    parts = [f"{event.seq:>8}", when, f"{event.type:<22}", f"{event.agent or '-':<12}"]
    if event.aggregate:
        parts.append(event.aggregate)
    parts.append(payload)
    return shown("  ".join(parts))
