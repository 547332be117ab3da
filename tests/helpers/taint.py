"""A session tainted as the hook taints one: the `session.tainted` event for a web page whose scan found an
injection."""

from __future__ import annotations

from typing import Any

from lighthouse_mcp.agents import taint
from lighthouse_mcp.config import TaintConfig
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project

THREAT = {"rule": "injection.override", "category": "prompt_injection", "severity": "high", "excerpt": "ignore all",
          "fingerprint": "ab12", "span": [0, 10], "detail": "asks to ignore earlier instructions"}  # fmt: skip
SCAN = {"risk": "high", "source": "WebFetch https://evil.example/p", "threats": [THREAT]}


def tainted(agent: str = "ann", session: str | None = "s1", scan: dict[str, Any] = SCAN) -> NewEvent:
    """`session.tainted` for `agent`'s `session` having fetched a page that `scan` describes."""
    event = taint.tainted_event(scan, kind="web", config=TaintConfig(), agent=agent, session=session, tool="WebFetch")
    assert event is not None
    return event


def taint_session(project: Project, agent: str, session: str) -> None:
    """Record that `agent`'s `session` read a page with an injection."""
    store = project.open_store()
    try:
        store.append(tainted(agent, session))
    finally:
        store.close()
