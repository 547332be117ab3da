"""The stdio transport, with every line checked before the MCP SDK sees it.

The SDK drops a line it cannot read (a truncated message, `params` that are not an object, arguments nested
hundreds deep) without a word, and the client waits for an answer that never comes. Here each line is checked
first; what is not a usable JSON-RPC message is answered with a JSON-RPC error (-32700 parse error, -32600 invalid
request, -32602 invalid params) naming the problem, and the server goes on serving.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import anyio
import mcp_types as types
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
MAX_LINE = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 100


class Refused(Exception):
    """A line that is not a usable JSON-RPC message: the error to answer with, and the request's id if known."""

    def __init__(self, code: int, message: str, request_id: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


def check_line(line: str) -> dict[str, Any] | None:
    """The message on one line (None for a blank line); Refused when it cannot be served."""
    line = line.rstrip("\r\n")
    if not line.strip():
        return None
    if len(line) > MAX_LINE:
        raise Refused(INVALID_REQUEST, f"Invalid request: a message of {len(line)} characters, over {MAX_LINE}")
    try:
        value = json.loads(line, parse_int=_integer, parse_constant=_constant)
    except (ValueError, RecursionError) as exc:
        raise Refused(PARSE_ERROR, f"Parse error: {_reason(exc)}") from None
    if isinstance(value, list):
        raise Refused(INVALID_REQUEST, "Invalid request: batches are not supported; send one message per line")
    if not isinstance(value, dict):
        raise Refused(INVALID_REQUEST, f"Invalid request: a message is a JSON object, not {type(value).__name__}")
    request_id = value.get("id")
    if not (request_id is None or isinstance(request_id, str) or type(request_id) is int):
        raise Refused(INVALID_REQUEST, "Invalid request: 'id' must be a string or an integer")
    if value.get("jsonrpc") != "2.0":
        raise Refused(INVALID_REQUEST, "Invalid request: 'jsonrpc' must be \"2.0\"", request_id)
    if "method" in value:
        if not isinstance(value["method"], str) or not value["method"]:
            raise Refused(INVALID_REQUEST, "Invalid request: 'method' must be a non-empty string", request_id)
        if "params" in value and not isinstance(value["params"], dict):
            raise Refused(INVALID_PARAMS, "Invalid params: 'params' must be an object", request_id)
    elif request_id is None or not ("result" in value or "error" in value):
        message = "Invalid request: a message needs a 'method', or an 'id' and a result"
        raise Refused(INVALID_REQUEST, message, request_id)
    if _depth(value) > MAX_DEPTH:
        raise Refused(INVALID_PARAMS, f"Invalid params: nested deeper than {MAX_DEPTH} levels", request_id)
    return value


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(f"a number of {len(text)} digits, over {MAX_NUMBER_DIGITS}")
    return int(text)


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return str(exc)[:200]


def _depth(value: Any) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class CheckedLines:
    """What the SDK's stdio transport reads instead of stdin: only the lines that are usable messages; the others
    are answered with an error on the transport's own output."""

    def __init__(self, source: Any) -> None:
        self._source = source
        self._replies: Any = None
        self._ready = anyio.Event()

    def answer_with(self, write_stream: Any) -> None:
        self._replies = write_stream
        self._ready.set()

    async def __aiter__(self) -> AsyncIterator[str]:
        async for line in self._source:
            try:
                message = check_line(line)
            except Refused as refused:
                await self._ready.wait()
                error = types.ErrorData(code=refused.code, message=refused.message)
                reply = types.JSONRPCError(jsonrpc="2.0", id=refused.request_id, error=error)
                await self._replies.send(SessionMessage(reply))
                continue
            if message is None:
                continue
            try:
                types.jsonrpc_message_adapter.validate_json(line, by_name=False)
            except ValueError as exc:
                if message.get("id") is not None and "method" in message:
                    detail = str(exc).splitlines()[0][:200]
                    error = types.ErrorData(code=INVALID_REQUEST, message=f"Invalid request: {detail}")
                    await self._ready.wait()
                    reply = types.JSONRPCError(jsonrpc="2.0", id=message["id"], error=error)
                    await self._replies.send(SessionMessage(reply))
                continue
            yield line


async def serve(server: Any) -> None:
    """Run `server` (an MCPServer) over this process's stdin and stdout, every line checked first."""
    wire = os.fdopen(os.dup(0), "rb", closefd=True)  # the wire; fd 0 points at nothing while serving
    quiet = os.open(os.devnull, os.O_RDONLY)
    saved = os.dup(0)
    os.dup2(quiet, 0)
    os.close(quiet)
    try:
        lines = CheckedLines(anyio.wrap_file(io.TextIOWrapper(wire, encoding="utf-8", errors="replace")))
        async with stdio_server(stdin=lines) as (read_stream, write_stream):  # type: ignore[arg-type]
            lines.answer_with(write_stream)
            lowlevel = server._lowlevel_server
            await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        wire.close()
