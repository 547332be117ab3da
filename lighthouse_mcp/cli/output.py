"""How the CLI prints: JSON Lines for machines, aligned lines for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from lighthouse_mcp.events.model import Event


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
    return "  ".join(parts)
