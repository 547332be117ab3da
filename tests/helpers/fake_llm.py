"""A local server speaking the Anthropic Messages and OpenAI Responses wire formats, for the official SDKs to call
through `base_url`. Each request takes the next scripted behaviour (or the default answer):

    ("ok", text)                       a normal answer with that text
    ("status", code, headers, body)    an error status (429 with retry-after, 500, 529 …)
    ("slow", seconds, text)            answers after a delay
    ("garbage",)                       200 with a body that is not JSON
    ("drop",)                          closes the connection without answering

`by_model` gives a fixed behaviour to every request for one model (for requests made in parallel).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeLLM:
    def __init__(self, default_text: str = "") -> None:
        self.script: deque[tuple[Any, ...]] = deque()
        self.by_model: dict[str, tuple[Any, ...]] = {}
        self.default_text = default_text
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"llm": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def then(self, *behaviours: tuple[Any, ...]) -> FakeLLM:
        self.script.extend(behaviours)
        return self

    def next(self, model: str) -> tuple[Any, ...]:
        with self._lock:
            if model in self.by_model:
                return self.by_model[model]
            return self.script.popleft() if self.script else ("ok", self.default_text)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def anthropic_body(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 120, "output_tokens": 40},
    }


def openai_body(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "resp_fake",
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": model,
        "output": [
            {
                "type": "message",
                "id": "msg_fake",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 100,
            "output_tokens": 30,
            "total_tokens": 130,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


class _Handler(BaseHTTPRequestHandler):
    llm: FakeLLM
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes; do not wait 40 ms between them

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self.llm.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        model = str(body.get("model", "fake"))
        behaviour = self.llm.next(model)
        kind = behaviour[0]
        make = anthropic_body if self.path.endswith("/messages") else openai_body
        if kind == "ok":
            self._send(200, make(model, behaviour[1]))
        elif kind == "slow":
            time.sleep(behaviour[1])
            self._send(200, make(model, behaviour[2]))
        elif kind == "status":
            self._send(behaviour[1], behaviour[3] if len(behaviour) > 3 else _error(behaviour[1]), behaviour[2])
        elif kind == "garbage":
            self._send(200, raw=b"<html>bad gateway</html>")
        elif kind == "drop":
            self.close_connection = True

    def _send(
        self, status: int, body: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None
    ) -> None:
        data = raw if raw is not None else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (a timeout): nothing to answer


def _error(status: int) -> dict[str, Any]:
    kind = {429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": f"fake {status}"}}
