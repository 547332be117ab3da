"""Rate limits: how many validation requests an agent made in the last `limits.window_s` seconds (its recorded
decisions, so a server and the hooks of one agent share the count), judged by the Rego rules of package
`lighthouse.rate` (shipped: `policies/rate_limits.rego`). Over a limit the request is denied, saying when to retry.

The check runs beside the decision, not inside it: the counts change with every request, and putting them in the
decision's input would defeat the decision cache. Far from the limit (see `over_limit`) it makes no query at all.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Sequence
from typing import Any

from lighthouse_mcp.config import LimitsConfig
from lighthouse_mcp.policy.engine import PolicyError
from lighthouse_mcp.policy.policyset import PolicySet
from lighthouse_mcp.vocabulary import DECISIONS, RISKS, Finding

PACKAGE = "lighthouse.rate"
ENTRYPOINT = f"data.{PACKAGE}.exceeded"
COUNTED = ("validation.decided",)
# The shipped rules the short cut in `over_limit` stands for: `PolicySet.rules_for(PACKAGE)[0]` of the shipped
# modules as they were checked (rate_limits.rego alone, whose one rule finds something only when `input.limit > 0`
# and `input.count >= input.limit`). Any change to them turns the short cut off until it is checked against them
# again (tests/agents/test_rates.py says so).
SHORT_CUT_FOR = "e1baf84efdd92426"
_BATCH = 1000


class DecisionWindow:
    """When each agent's decisions in the last `window_s` seconds were recorded. A long-running process (`follow`)
    keeps them by following the store from the start of the window, every agent's; each read catches up first, so
    a decision recorded by any process counts at once. A process that decides once (the hook) reads one agent's
    window when asked."""

    def __init__(self, store: Any, window_s: int, *, follow: bool = True) -> None:
        self.window_ns = window_s * 1_000_000_000
        self._store = store
        self._times: dict[str, collections.deque[int]] = collections.defaultdict(collections.deque)
        self._follow = follow
        self._seq = store.seq_at_time(time.time_ns() - self.window_ns) if follow else 0
        self._lock = threading.Lock()  # a server may decide on worker threads (remote OPA): one catches up at a time

    def times(self, agent: str, now_ns: int) -> Sequence[int]:
        """The times (ns) of `agent`'s decisions in the window ending at `now_ns`, oldest first. The window's own
        (not a copy): read it before the next call."""
        if not self._follow:
            return self._store.recent_times(agent, COUNTED, now_ns - self.window_ns)  # type: ignore[no-any-return]
        with self._lock:
            while True:  # catch up: each decision's sequence, time and agent, not the whole event
                rows = self._store.times_after(COUNTED, self._seq, _BATCH)
                for seq, ts, who in rows:
                    self._seq = seq
                    self._fold(who or "", ts)
                if len(rows) < _BATCH:
                    break
            times = self._times.get(agent)
            if not times:
                return ()
            while times and times[0] < now_ns - self.window_ns:
                times.popleft()
            return times

    def _fold(self, agent: str, ts: int) -> None:
        times = self._times[agent]
        times.append(ts)
        while times[0] < ts - self.window_ns:
            times.popleft()


def over_limit(
    window: DecisionWindow, policy: PolicySet, agent: str, role: str, limits: LimitsConfig, *, now_ns: int | None = None
) -> list[Finding]:
    """The rate-limit findings for `agent`'s next request (none when it is within its limits). The rules of package
    `lighthouse.rate` are asked only when they might find something: the project's whenever it may have rate rules
    of its own (`PolicySet.rules_for`), the shipped ones when they are not those the short cut stands for
    (SHORT_CUT_FOR) or the count is at or over the limit (where their one rule fires). Far from the limit, with no
    rate rules in the project, the answer is the one a query gives, without one."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    limit = int(getattr(limits, role, 0))
    shipped_rules, project_rules = policy.rules_for(PACKAGE)
    times: Sequence[int] = window.times(agent, now_ns)
    if shipped_rules == SHORT_CUT_FOR and not project_rules and not 0 < limit <= len(times):
        return []
    times = tuple(times)  # as they are now: a call on another thread (remote OPA) may change the window's own
    document = {
        "agent": {"name": agent, "role": role},
        "count": len(times),
        "limit": limit,
        "window_s": limits.window_s,
    }
    value = policy.shipped_rego.query_value(ENTRYPOINT, document, bundled=True)
    items = list(value) if isinstance(value, list) else []
    findings = []
    if project_rules:  # the project's limits add to the shipped ones; when they fail, the shipped ones stand
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
