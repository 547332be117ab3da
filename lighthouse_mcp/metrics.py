"""Latency figures per component, computed from the events (so every process's work counts), checked against
configured thresholds, and written out for Prometheus.

Components and where their latencies come from: validation (`validation.decided` latency_us), scan
(`response.scanned` latency_us), expert (`expert.consulted` latency_ms).
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
    "scan": ("response.scanned", "latency_us", 1),
    "expert": ("expert.consulted", "latency_ms", 1000),
}
SAMPLE = 5000  # the newest events of a component looked at


def latencies(store: Any, window_s: int, *, now_ns: int | None = None) -> dict[str, dict[str, float | int]]:
    """For each component: how many events in the last `window_s` (at most SAMPLE of the newest are read) and
    their p50, p95 and p99 latency in microseconds."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    since = now_ns - window_s * 1_000_000_000
    out: dict[str, dict[str, float | int]] = {}
    for component, (event_type, field, unit) in SOURCES.items():
        events = store.query(EventFilter(types=(event_type,), since_ts=since, order="desc", limit=SAMPLE)).events
        values = sorted(
            float(e.payload[field]) * unit
            for e in events
            if isinstance(e.payload.get(field), (int, float)) and not isinstance(e.payload.get(field), bool)
        )
        out[component] = {"count": len(values), **{f"p{q}_us": _quantile(values, q / 100) for q in (50, 95, 99)}}
    return out


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return round(values[min(len(values) - 1, int(len(values) * q))], 1)


def thresholds(config: MetricsConfig) -> dict[str, float]:
    """p99 limits in microseconds, per component (0 turns a check off)."""
    return {
        "validation": float(config.validation_p99_us),
        "scan": float(config.scan_p99_us),
        "expert": float(config.expert_p99_ms) * 1000,
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
