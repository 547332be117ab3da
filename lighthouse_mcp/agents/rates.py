"""Rate limits: how many validation requests an agent made in the last `limits.window_s` seconds (counted from
its recorded decisions, so every process sees the same count), judged by the Rego rules of package
`lighthouse.rate` (shipped: `policies/rate_limits.rego`). Over a limit the request is denied, saying when to retry.

The check runs beside the decision, not inside it: the counts change with every request, and putting them in the
decision's input would defeat the decision cache.
"""

from __future__ import annotations

import time
from typing import Any

from lighthouse_mcp.config import LimitsConfig
from lighthouse_mcp.events.query import EventFilter
from lighthouse_mcp.policy.policyset import PolicySet
from lighthouse_mcp.validation.packs import DECISIONS, RISKS, Finding

ENTRYPOINT = "data.lighthouse.rate.exceeded"
COUNTED = ("validation.decided",)


def over_limit(
    store: Any, policy: PolicySet, agent: str, role: str, limits: LimitsConfig, *, now_ns: int | None = None
) -> list[Finding]:
    """The rate-limit findings for `agent`'s next request (none when it is within its limits)."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    since = now_ns - limits.window_s * 1_000_000_000
    count = store.count(EventFilter(types=COUNTED, agent=agent, since_ts=since))
    document = {
        "agent": {"name": agent, "role": role},
        "count": count,
        "limit": int(getattr(limits, role, 0)),
        "window_s": limits.window_s,
    }
    value = policy.rego.query_value(ENTRYPOINT, document, bundled=True)
    findings = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict) or item.get("decision") not in DECISIONS or item.get("risk") not in RISKS:
            findings.append(
                Finding("policy.bad-finding", "ask", "medium", f"a rate finding is malformed: {item!r}"[:300])
            )
            continue
        limit = item.get("limit")
        limit = limit if isinstance(limit, int) and 0 < limit <= count else count
        retry = _retry_after_s(store, agent, since, count - limit + 1, limits.window_s, now_ns)
        message = f"{item.get('message') or item.get('rule')}; retry in {retry} s"
        findings.append(Finding(str(item.get("rule")), item["decision"], item["risk"], message, "rate"))
    return findings


def _retry_after_s(store: Any, agent: str, since: int, nth: int, window_s: int, now_ns: int) -> int:
    """Seconds until the `nth` oldest request in the window leaves it (then the count is under the limit)."""
    if nth < 1:
        return 1
    events = store.query(EventFilter(types=COUNTED, agent=agent, since_ts=since, order="asc", limit=nth)).events
    if not events:
        return 1
    remaining_ns: int = events[-1].ts + window_s * 1_000_000_000 - now_ns
    return max(1, -(-remaining_ns // 1_000_000_000))
