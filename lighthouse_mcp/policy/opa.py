"""Rego on a remote OPA server, through its REST API, with the local engine as the fallback.

The policy set's modules are pushed with `PUT /v1/policies/lighthouse/<name>` (and modules Lighthouse pushed
earlier that are gone are deleted), its data with `PUT /v1/data/lighthouse_config`, and the version last pushed
is kept at `data.lighthouse_meta.version` so other processes do not push again. Decisions query
`POST /v1/data/lighthouse/result`. Any failure (refused, timed out, an HTTP error, an answer of the wrong shape)
makes that decision local; the outage is recorded once (`policy.fallback`), OPA is tried again after
`policy.retry_after_s`, and `policy.recovered` is recorded when it answers again.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

from lighthouse_mcp.config import PolicyConfig
from lighthouse_mcp.policy.engine import RegoEngine, RegoResult
from lighthouse_mcp.policy.policyset import PolicySet

POLICY_PREFIX = "lighthouse/"
RESULT_PATH = "lighthouse/result"


class OpaError(Exception):
    """OPA did not give a usable answer; the message says what happened."""


class OpaClient:
    """A small client for OPA's REST API: one keep-alive connection per thread, a timeout on every request."""

    def __init__(self, url: str, timeout_s: float, token: str | None = None) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OpaError(f"{url!r} is not an http(s) URL")
        self.url = url.rstrip("/")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._base = parts.path.rstrip("/")
        self._timeout_s = timeout_s
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._local = threading.local()

    def query(self, path: str, document: Mapping[str, Any]) -> Any:
        """`data.<path>` for `document` as input; None when OPA says it is undefined."""
        answer = self._call("POST", f"/v1/data/{path}", json.dumps({"input": document}).encode(), "application/json")
        if not isinstance(answer, dict):
            raise OpaError(f"POST /v1/data/{path} answered {type(answer).__name__}, not a JSON object")
        return answer.get("result")

    def put_policy(self, policy_id: str, source: str) -> None:
        self._call("PUT", f"/v1/policies/{urllib.parse.quote(policy_id)}", source.encode(), "text/plain")

    def delete_policy(self, policy_id: str) -> None:
        self._call("DELETE", f"/v1/policies/{urllib.parse.quote(policy_id)}", None, None)

    def policy_ids(self) -> list[str]:
        answer = self._call("GET", "/v1/policies", None, None)
        items = answer.get("result") if isinstance(answer, dict) else None
        return [str(p.get("id")) for p in items or [] if isinstance(p, dict)]

    def put_data(self, path: str, value: Any) -> None:
        self._call("PUT", f"/v1/data/{path}", json.dumps(value).encode(), "application/json")

    def get_data(self, path: str) -> Any:
        answer = self._call("GET", f"/v1/data/{path}", None, None)
        return answer.get("result") if isinstance(answer, dict) else None

    def _call(self, method: str, path: str, body: bytes | None, content_type: str | None) -> Any:
        headers = dict(self._headers)
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            connection = self._connection()
            reused = getattr(connection, "lighthouse_used", False)
            try:
                connection.request(method, self._base + path, body=body, headers=headers)
                response = connection.getresponse()
                raw = response.read()
            except TimeoutError:
                self._drop()
                raise OpaError(
                    f"OPA at {self.url} did not answer {method} {path} within {self._timeout_s * 1000:.0f} ms"
                ) from None
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                if reused and attempt == 1:
                    continue  # a keep-alive connection the server closed meanwhile: once more on a new one
                raise OpaError(f"OPA at {self.url} is unreachable: {exc or type(exc).__name__}") from None
            connection.lighthouse_used = True  # type: ignore[attr-defined]
            if response.status >= 300:
                raise OpaError(f"OPA answered {method} {path} with HTTP {response.status}: {_message(raw)}")
            try:
                return json.loads(raw) if raw.strip() else {}
            except ValueError:
                raise OpaError(f"OPA answered {method} {path} with something that is not JSON") from None
        raise OpaError(f"OPA at {self.url} is unreachable")  # pragma: no cover - the loop returns or raises

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            connection = kind(self._host, self._port, timeout=self._timeout_s)
            self._local.connection = connection
        return connection

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
        self._local.connection = None


def _message(raw: bytes) -> str:
    try:
        answer = json.loads(raw)
        return str(answer.get("message") or answer.get("code") or answer)[:300]
    except (ValueError, AttributeError):
        return raw.decode("utf-8", "replace")[:300] or "(empty body)"


class OpaEvaluator:
    """Evaluates a policy set's Rego on OPA, falling back to its local engine. Thread-safe."""

    def __init__(
        self, client: OpaClient, *, retry_after_s: float, record: Callable[[str, dict[str, Any]], None] | None = None
    ) -> None:
        self.client = client
        self._retry_after_s = retry_after_s
        self._record = record
        self._lock = threading.Lock()
        self._pushed: str | None = None
        self._down_until = 0.0
        self._down_since: float | None = None
        self.last_error: str | None = None

    def evaluate(self, policy: PolicySet, document: Mapping[str, Any]) -> RegoResult:
        if time.monotonic() < self._down_until:
            return policy.rego.evaluate(document)
        try:
            self._ensure_pushed(policy.rego)
            value = self.client.query(RESULT_PATH, document)
            if not isinstance(value, dict):
                raise OpaError(f"data.{RESULT_PATH.replace('/', '.')} is {'undefined' if value is None else value!r}")
            result = RegoResult(list(value.get("findings") or []), list(value.get("exceptions") or []))
        except OpaError as exc:
            self._failed(str(exc))
            return policy.rego.evaluate(document)
        self._answered()
        return result

    def status(self) -> dict[str, Any]:
        """For `health`: where decisions come from now, and the last failure."""
        down = self._down_since is not None
        out: dict[str, Any] = {"engine": "opa", "url": self.client.url, "deciding": "local" if down else "opa"}
        if self.last_error is not None:
            out["last_error"] = self.last_error
        if self._down_since is not None:
            out["fallback_since"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._down_since))
        return out

    def _ensure_pushed(self, engine: RegoEngine) -> None:
        if self._pushed == engine.version:
            return
        with self._lock:
            if self._pushed == engine.version:
                return
            if self.client.get_data("lighthouse_meta/version") != engine.version:
                names = {POLICY_PREFIX + m.name for m in engine.modules}
                for module in engine.modules:
                    self.client.put_policy(POLICY_PREFIX + module.name, module.source)
                for stale in set(self.client.policy_ids()) - names:
                    if stale.startswith(POLICY_PREFIX):
                        self.client.delete_policy(stale)
                self.client.put_data("lighthouse_config", engine.data["lighthouse_config"])
                self.client.put_data("lighthouse_meta", {"version": engine.version})
            self._pushed = engine.version

    def _failed(self, error: str) -> None:
        with self._lock:
            self.last_error = error
            self._down_until = time.monotonic() + self._retry_after_s
            self._pushed = None  # OPA may have restarted empty: check again when it is back
            if self._down_since is not None:
                return
            self._down_since = time.time()
        payload = {"engine": "opa", "url": self.client.url, "error": error[:1000], "deciding": "local"}
        self._emit("policy.fallback", {**payload, "retry_after_s": self._retry_after_s})

    def _answered(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            since, self._down_since = self._down_since, None
        if since is not None:
            payload = {"engine": "opa", "url": self.client.url, "down_s": round(time.time() - since, 3)}
            self._emit("policy.recovered", payload)

    def _emit(self, type_: str, payload: dict[str, Any]) -> None:
        if self._record is not None:
            try:
                self._record(type_, payload)
            except Exception as exc:  # recording must not change the decision
                import logging

                logging.getLogger("lighthouse.policy").error("could not record %s: %s", type_, exc)


def opa_evaluator(config: PolicyConfig, record: Callable[[str, dict[str, Any]], None] | None) -> OpaEvaluator:
    client = OpaClient(config.url, config.timeout_ms / 1000, token=os.environ.get("OPA_TOKEN") or None)
    return OpaEvaluator(client, retry_after_s=config.retry_after_s, record=record)
