"""Latency figures per component, computed from the events (so every process's work counts), checked against
configured thresholds, and written out for Prometheus.

Components and where their latencies come from: validation (`validation.decided` latency_us), policy (the Rego
query's share of an uncached decision, `validation.decided` policy_us), scan (`response.scanned` latency_us),
expert (`expert.consulted` latency_ms), and store and fuse from `metrics.sampled` events: a server records the
append latencies its callers waited for, a mount the latencies of the file operations it served, every
`metrics.check_s` seconds (at most SAMPLED_MAX values each, spread over their distribution).
"""

from __future__ import annotations

import time
from typing import Any

from lighthouse_mcp.config import MetricsConfig
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.events.query import EventFilter

# component -> (event type, payload field, microseconds per unit)
SOURCES = {
    "validation": ("validation.decided", "latency_us", 1),
    "policy": ("validation.decided", "policy_us", 1),
    "scan": ("response.scanned", "latency_us", 1),
    "expert": ("expert.consulted", "latency_ms", 1000),
}
SAMPLED = ("store", "fuse")  # components whose processes record `metrics.sampled` events
SAMPLE = 5000  # the newest events of a component looked at
SAMPLED_MAX = 200


def latencies(store: Any, window_s: int, *, now_ns: int | None = None) -> dict[str, dict[str, float | int]]:
    """For each component: how many events in the last `window_s` (at most SAMPLE of the newest are read) and
    their p50, p95 and p99 latency in microseconds."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    since = now_ns - window_s * 1_000_000_000
    out: dict[str, dict[str, float | int]] = {}
    read: dict[str, list[Any]] = {}
    for component, (event_type, field, unit) in SOURCES.items():
        if event_type not in read:
            flt = EventFilter(types=(event_type,), since_ts=since, order="desc", limit=SAMPLE)
            read[event_type] = store.query(flt).events
        values = sorted(float(e.payload[field]) * unit for e in read[event_type] if _number(e.payload.get(field)))
        out[component] = _figures(values, len(values))
    sampled = store.query(EventFilter(types=("metrics.sampled",), since_ts=since, order="desc", limit=SAMPLE)).events
    for component in SAMPLED:
        mine = [e.payload for e in sampled if e.payload.get("component") == component]
        values = sorted(float(v) for p in mine for v in p.get("samples_us", ()) if _number(v))
        out[component] = _figures(values, sum(int(p["count"]) for p in mine if _number(p.get("count"))))
    return out


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _figures(values: list[float], count: int) -> dict[str, float | int]:
    return {"count": count, **{f"p{q}_us": _quantile(values, q / 100) for q in (50, 95, 99)}}


def sampled_event(component: str, latencies_us: list[float], *, agent: str | None) -> NewEvent | None:
    """A `metrics.sampled` event for what a process measured itself (None when it measured nothing): how many,
    and at most SAMPLED_MAX of the values, evenly spaced over their sorted order so the percentiles survive."""
    if not latencies_us:
        return None
    ordered = sorted(latencies_us)
    step = max(1.0, len(ordered) / SAMPLED_MAX)
    kept = [round(ordered[int(i * step)], 1) for i in range(min(SAMPLED_MAX, len(ordered)))]
    payload = {"component": component, "count": len(ordered), "samples_us": kept}
    return NewEvent("metrics.sampled", payload, agent=agent)


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return round(values[min(len(values) - 1, int(len(values) * q))], 1)


def thresholds(config: MetricsConfig) -> dict[str, float]:
    """p99 limits in microseconds, per component (0 turns a check off)."""
    return {
        "validation": float(config.validation_p99_us),
        "policy": float(config.policy_p99_us),
        "scan": float(config.scan_p99_us),
        "expert": float(config.expert_p99_ms) * 1000,
        "store": float(config.store_p99_us),
        "fuse": float(config.fuse_p99_us),
    }


def check(
    figures: dict[str, dict[str, float | int]], config: MetricsConfig, flagged: set[str], *, agent: str | None
) -> list[NewEvent]:
    """`performance.regressed` for a component whose p99 went over its threshold (once, until it is back under),
    `performance.recovered` when it is; `flagged` holds the components over and is updated."""
    events = []
    for component, limit in thresholds(config).items():
        figure = figures.get(component, {})
        p99, count = float(figure.get("p99_us", 0)), int(figure.get("count", 0))
        over = limit > 0 and count >= config.min_samples and p99 > limit
        payload = {"component": component, "p99_us": p99, "threshold_us": limit, "count": count}
        if over and component not in flagged:
            flagged.add(component)
            events.append(NewEvent("performance.regressed", {**payload, "window_s": config.window_s}, agent=agent))
        elif not over and component in flagged:
            flagged.discard(component)
            events.append(NewEvent("performance.recovered", payload, agent=agent))
    return events


def prometheus(figures: dict[str, dict[str, float | int]], events_total: int) -> str:
    """The figures in Prometheus' text exposition format."""
    lines = [
        "# HELP lighthouse_latency_microseconds Latency per component over the metrics window, from the events.",
        "# TYPE lighthouse_latency_microseconds summary",
    ]
    for component, figure in sorted(figures.items()):
        for q in (50, 95, 99):
            value = figure[f"p{q}_us"]
            lines.append(f'lighthouse_latency_microseconds{{component="{component}",quantile="0.{q}"}} {value}')
        lines.append(f'lighthouse_latency_microseconds_count{{component="{component}"}} {figure["count"]}')
    lines += [
        "# HELP lighthouse_events_total Events in the audit log.",
        "# TYPE lighthouse_events_total counter",
        f"lighthouse_events_total {events_total}",
    ]
    return "\n".join(lines) + "\n"
