"""Rate limits: how many validation requests an agent made in the last `limits.window_s` seconds (its recorded
decisions, so a server and the hooks of one agent share the count), judged by the Rego rules of package
`lighthouse.rate` (shipped: `policies/rate_limits.rego`). Over a limit the request is denied, saying when to retry.

The check runs beside the decision, not inside it: the counts change with every request, and putting them in the
decision's input would defeat the decision cache.
"""

from __future__ import annotations

import collections
import time
from typing import Any

from lighthouse_mcp.config import LimitsConfig
from lighthouse_mcp.events.follow import Follower
from lighthouse_mcp.events.model import Event
from lighthouse_mcp.policy.engine import PolicyError
from lighthouse_mcp.policy.policyset import PolicySet
from lighthouse_mcp.vocabulary import DECISIONS, RISKS, Finding

ENTRYPOINT = "data.lighthouse.rate.exceeded"
COUNTED = ("validation.decided",)


class DecisionWindow:
    """When each agent's decisions in the last `window_s` seconds were recorded. A long-running process (`follow`)
    keeps them by following the store from the start of the window, every agent's; each read catches up first, so
    a decision recorded by any process counts at once. A process that decides once (the hook) reads one agent's
    window when asked."""

    def __init__(self, store: Any, window_s: int, *, follow: bool = True) -> None:
        self.window_ns = window_s * 1_000_000_000
        self._store = store
        self._times: dict[str, collections.deque[int]] = collections.defaultdict(collections.deque)
        self._follower: Follower | None = None
        if follow:
            start = store.seq_at_time(time.time_ns() - self.window_ns)
            self._follower = Follower(store, COUNTED, self._fold, refresh_s=0, after_seq=start)

    def times(self, agent: str, now_ns: int) -> list[int]:
        """The times (ns) of `agent`'s decisions in the window ending at `now_ns`, oldest first."""
        if self._follower is None:
            return list(self._store.recent_times(agent, COUNTED, now_ns - self.window_ns))
        self._follower.refresh(fresh=True)
        times = self._times.get(agent)
        if not times:
            return []
        while times and times[0] < now_ns - self.window_ns:
            times.popleft()
        return list(times)

    def _fold(self, event: Event) -> None:
        times = self._times[event.agent or ""]
        times.append(event.ts)
        while times[0] < event.ts - self.window_ns:
            times.popleft()


def over_limit(
    window: DecisionWindow, policy: PolicySet, agent: str, role: str, limits: LimitsConfig, *, now_ns: int | None = None
) -> list[Finding]:
    """The rate-limit findings for `agent`'s next request (none when it is within its limits)."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    times = window.times(agent, now_ns)
    limit = int(getattr(limits, role, 0))
    if not policy.layered and not 0 < limit <= len(times):
        return []  # under the limit and no project rules: the shipped rule cannot fire (a query would say so)
    document = {
        "agent": {"name": agent, "role": role},
        "count": len(times),
        "limit": limit,
        "window_s": limits.window_s,
    }
    value = policy.shipped_rego.query_value(ENTRYPOINT, document, bundled=True)
    items = list(value) if isinstance(value, list) else []
    findings = []
    if policy.layered:  # the project's limits add to the shipped ones; when they fail, the shipped ones stand
        try:
            more = policy.rego.query_value(ENTRYPOINT, document, bundled=True)
            items += [item for item in (more if isinstance(more, list) else []) if item not in items]
        except PolicyError as exc:
            message = f"the project's rate rules failed, so the shipped limits decided alone: {exc}"[:500]
            findings.append(Finding("policy.project-failed", "ask", "medium", message, "policy"))
    for item in items:
        if not isinstance(item, dict) or item.get("decision") not in DECISIONS or item.get("risk") not in RISKS:
            findings.append(
                Finding("policy.bad-finding", "ask", "medium", f"a rate finding is malformed: {item!r}"[:300])
            )
            continue
        over = item.get("limit")
        over = over if isinstance(over, int) and 0 < over <= len(times) else len(times)
        # Allowed again when enough requests have left the window for the count to be under the limit.
        leaves_ns = times[len(times) - over] + window.window_ns - now_ns if times else 0
        retry = max(1, -(-leaves_ns // 1_000_000_000))
        message = f"{item.get('message') or item.get('rule')}; retry in {retry} s"
        findings.append(Finding(str(item.get("rule")), item["decision"], item["risk"], message, "rate"))
    return findings
