"""Latency figures from the events, thresholds that record regressions, and the Prometheus endpoint."""

from __future__ import annotations

import dataclasses
import time

import httpx2
import pytest
from mcp import Client

from lighthouse_mcp import metrics
from lighthouse_mcp.agents import tokens
from lighthouse_mcp.config import MetricsConfig
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.project import Project
from lighthouse_mcp.server import build_server
from tests.helpers.http_serve import http_server


def _fill(project: Project) -> None:
    store = project.open_store()
    try:
        store.append_batch([NewEvent("validation.decided", {"latency_us": us}) for us in range(1, 101)])
        store.append_batch(
            [NewEvent("expert.consulted", {"latency_ms": 2}), NewEvent("expert.consulted", {"ok": False})]
        )
    finally:
        store.close()


def test_percentiles_per_component(project: Project) -> None:
    _fill(project)
    store = project.open_store()
    try:
        figures = metrics.latencies(store, 900)
        later = metrics.latencies(store, 900, now_ns=time.time_ns() + 10**13)
    finally:
        store.close()
    assert figures["validation"] == {"count": 100, "p50_us": 51.0, "p95_us": 96.0, "p99_us": 100.0}
    assert figures["expert"] == {"count": 1, "p50_us": 2000.0, "p95_us": 2000.0, "p99_us": 2000.0}
    assert figures["scan"]["count"] == 0 and later["validation"]["count"] == 0


def test_a_regression_is_recorded_once_and_its_recovery_too() -> None:
    config = MetricsConfig(validation_p99_us=100, min_samples=2)
    slow = {"validation": {"count": 10, "p50_us": 50.0, "p95_us": 90.0, "p99_us": 150.0}}
    flagged: set[str] = set()
    (regressed,) = metrics.check(slow, config, flagged, agent="srv")
    assert regressed.type == "performance.regressed" and regressed.payload["p99_us"] == 150.0
    assert metrics.check(slow, config, flagged, agent="srv") == []
    fast = {"validation": {"count": 10, "p50_us": 5.0, "p95_us": 9.0, "p99_us": 10.0}}
    (recovered,) = metrics.check(fast, config, flagged, agent="srv")
    assert recovered.type == "performance.recovered" and not flagged
    few = {"validation": {"count": 1, "p50_us": 1e6, "p95_us": 1e6, "p99_us": 1e6}}
    assert metrics.check(few, config, set(), agent="srv") == []  # too few samples to say
    assert metrics.check(slow, dataclasses.replace(config, validation_p99_us=0), set(), agent="srv") == []


def test_prometheus_text() -> None:
    text = metrics.prometheus({"validation": {"count": 3, "p50_us": 1.0, "p95_us": 2.0, "p99_us": 3.0}}, 42)
    assert 'lighthouse_latency_microseconds{component="validation",quantile="0.99"} 3.0' in text
    assert 'lighthouse_latency_microseconds_count{component="validation"} 3' in text
    assert text.endswith("lighthouse_events_total 42\n") and "# TYPE lighthouse_latency_microseconds summary" in text


@pytest.mark.anyio
async def test_health_has_the_figures(project: Project) -> None:
    _fill(project)
    async with Client(build_server(project)) as client:
        health = (await client.call_tool("health", {})).structured_content
    assert health is not None and health["metrics"]["validation"]["count"] == 100


def test_metrics_over_http_need_a_token(project: Project) -> None:
    _fill(project)
    token, _ = tokens.issue(project.key(), "prometheus", "reviewer", 600)
    with http_server(project.home.root, project.home.path) as url:
        base = url.removesuffix("/mcp")
        assert httpx2.get(f"{base}/metrics", timeout=10).status_code == 401
        scraped = httpx2.get(f"{base}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    assert 'lighthouse_latency_microseconds_count{component="validation"} 100' in scraped.text


@pytest.mark.anyio
async def test_a_running_server_records_the_regression(project: Project) -> None:
    import anyio

    _fill(project)
    watched = dataclasses.replace(MetricsConfig(), check_s=1, validation_p99_us=50, min_samples=10)
    project = dataclasses.replace(project, config=dataclasses.replace(project.config, metrics=watched))
    async with Client(build_server(project)) as client:
        with anyio.fail_after(10):
            while not (await client.call_tool("query_events", {"type": "performance"})).structured_content["events"]:  # type: ignore[index]
                await anyio.sleep(0.2)
        (event,) = (await client.call_tool("query_events", {"type": "performance"})).structured_content["events"]  # type: ignore[index]
    assert event["type"] == "performance.regressed" and event["payload"]["component"] == "validation"
    assert event["payload"]["p99_us"] == 100.0 and event["payload"]["threshold_us"] == 50.0


def test_policy_store_and_fuse_figures(project: Project) -> None:
    store = project.open_store()
    try:
        store.append_batch(
            [NewEvent("validation.decided", {"latency_us": 90, "policy_us": us}) for us in (10, 20, 30)]
            + [NewEvent("validation.decided", {"latency_us": 5, "cached": True})]  # cached: no policy figure
        )
        for component, values in (("store", [100.0, 200.0]), ("store", [300.0]), ("fuse", [7.0] * 500)):
            event = metrics.sampled_event(component, values, agent="srv")
            assert event is not None
            store.append(event)
        store.append(NewEvent("metrics.sampled", {"component": "store", "count": "x", "samples_us": ["y", True]}))
        figures = metrics.latencies(store, 900)
    finally:
        store.close()
    assert figures["policy"] == {"count": 3, "p50_us": 20.0, "p95_us": 30.0, "p99_us": 30.0}
    assert figures["store"] == {"count": 3, "p50_us": 200.0, "p95_us": 300.0, "p99_us": 300.0}
    assert figures["fuse"]["count"] == 500 and figures["fuse"]["p99_us"] == 7.0
    assert metrics.sampled_event("fuse", [], agent=None) is None


def test_a_sample_keeps_the_shape_of_many_latencies() -> None:
    event = metrics.sampled_event("store", [float(v) for v in range(10_000, 0, -1)], agent=None)
    assert event is not None
    kept = event.payload["samples_us"]
    assert event.payload["count"] == 10_000 and len(kept) == metrics.SAMPLED_MAX
    assert kept == sorted(kept) and kept[0] == 1.0 and kept[len(kept) // 2] == 5001.0


def test_every_component_has_a_threshold() -> None:
    assert set(metrics.thresholds(MetricsConfig())) == {*metrics.SOURCES, *metrics.SAMPLED}


@pytest.mark.anyio
async def test_a_running_server_records_its_append_latencies(project: Project) -> None:
    import anyio

    watched = dataclasses.replace(MetricsConfig(), check_s=1)
    project = dataclasses.replace(project, config=dataclasses.replace(project.config, metrics=watched))
    async with Client(build_server(project)) as client:
        await client.call_tool("validate_command", {"command": "ls"})
        with anyio.fail_after(10):
            while not (
                found := (await client.call_tool("query_events", {"type": "metrics"})).structured_content["events"]
            ):  # type: ignore[index]
                await anyio.sleep(0.2)
        health = (await client.call_tool("health", {})).structured_content
    assert found[0]["payload"]["component"] == "store" and found[0]["payload"]["count"] >= 1
    assert health is not None and health["metrics"]["store"]["count"] >= 1
    assert health["metrics"]["policy"]["count"] == 1
