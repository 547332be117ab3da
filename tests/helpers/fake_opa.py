"""A local stand-in for an OPA server: the REST API Lighthouse uses, evaluated for real with regopy, and ways to fail.

`mode` may be changed while it runs: "ok"; "error" (HTTP 500 with OPA's error body); "slow" (answers after
`delay_s`); "garbage" (200 with a body that is not JSON). `override` replaces every query's result, to tell its
answers from the local engine's. `stop()` closes the port (connection refused).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from regopy import Interpreter, LogLevel


class FakeOpa:
    def __init__(self) -> None:
        self.policies: dict[str, str] = {}
        self.data: dict[str, Any] = {}
        self.mode = "ok"
        self.delay_s = 2.0
        self.override: Any = None
        self.requests: list[tuple[str, str]] = []
        self.queries = 0
        self.stopped = False
        self._lock = threading.Lock()
        self._compiled: tuple[str, Any] | None = None
        handler = type("Handler", (_Handler,), {"opa": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stopped = True  # open keep-alive connections are dropped at their next request
        self.server.shutdown()
        self.server.server_close()

    def evaluate(self, path: str, document: Any) -> Any:
        with self._lock:
            key = json.dumps([self.policies, self.data], sort_keys=True)
            if self._compiled is None or self._compiled[0] != key:
                interpreter = Interpreter()
                interpreter.log_level = LogLevel.NONE
                for name, source in sorted(self.policies.items()):
                    interpreter.add_module(name.replace("/", "_"), source)
                interpreter.add_data(self.data)
                self._compiled = (key, interpreter)
            interpreter = self._compiled[1]
            interpreter.set_input(document)
            output = interpreter.query("data." + path.replace("/", "."))
            if str(output) == "undefined":
                return None
            return output[0].expressions[0]


class _Handler(BaseHTTPRequestHandler):
    opa: FakeOpa
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes; do not wait 40 ms between them

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _send(self, status: int, body: Any = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        opa = self.opa
        if opa.stopped:
            self.close_connection = True
            return
        body = self._body()
        opa.requests.append((method, self.path))
        if opa.mode == "slow":
            time.sleep(opa.delay_s)
        if opa.mode == "error":
            self._send(500, {"code": "internal_error", "message": "storage unavailable"})
            return
        if opa.mode == "garbage":
            self._send(200, raw=b"<html>proxy error</html>")
            return
        path = unquote(self.path)
        if path.startswith("/v1/policies"):
            self._policies(method, path.removeprefix("/v1/policies").lstrip("/"), body)
        elif path.startswith("/v1/data"):
            self._data(method, path.removeprefix("/v1/data").strip("/"), body)
        else:
            self._send(404, {"code": "resource_not_found", "message": path})

    def _policies(self, method: str, policy_id: str, body: bytes) -> None:
        opa = self.opa
        if method == "GET" and not policy_id:
            self._send(200, {"result": [{"id": i, "raw": s} for i, s in opa.policies.items()]})
        elif method == "PUT":
            checker = Interpreter()
            checker.log_level = LogLevel.NONE
            try:
                checker.add_module("m", body.decode())
            except Exception as exc:
                self._send(400, {"code": "invalid_parameter", "message": str(exc)[:200]})
                return
            opa.policies[policy_id] = body.decode()
            self._send(200, {})
        elif method == "DELETE":
            opa.policies.pop(policy_id, None)
            self._send(200, {})
        else:
            self._send(405, {"code": "invalid_parameter", "message": method})

    def _data(self, method: str, path: str, body: bytes) -> None:
        opa = self.opa
        parts = [p for p in path.split("/") if p]
        if method == "PUT":
            node = opa.data
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = json.loads(body)
            self._send(204)
        elif method == "GET":
            node: Any = opa.data
            for part in parts:
                node = node.get(part) if isinstance(node, dict) else None
            self._send(200, {"result": node} if node is not None else {})
        elif method == "POST":
            opa.queries += 1
            document = json.loads(body or b"{}").get("input")
            value = opa.override if opa.override is not None else opa.evaluate(path, document)
            self._send(200, {"result": value} if value is not None else {})
        else:
            self._send(405, {"code": "invalid_parameter", "message": method})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")
