"""The stdio transport, with every line checked before the MCP SDK sees it.

The SDK drops a line it cannot read (a truncated message, `params` that are not an object, arguments nested
hundreds deep) without a word, and the client waits for an answer that never comes. Here each line is checked
first; what is not a usable JSON-RPC message is answered with a JSON-RPC error (-32700 parse error, -32600 invalid
request, -32602 invalid params) naming the problem, and the server goes on serving. A line longer than MAX_LINE
bytes is refused as it arrives, never held whole.

On pipes (as an MCP client starts a server) the wire is read and written on the event loop. The SDK's own stdio
transport hands every line read, every message written and every flush to a worker thread and back, three trips a
call; elsewhere (a terminal, a file) this transport does the same, a chunk at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import stat
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import anyio
import mcp_types as types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.shared.message import SessionMessage

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
MAX_LINE = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 100
CHUNK = 64 * 1024


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


def message_on(line: bytes | int) -> types.JSONRPCMessage | None:
    """The message on one line read from the wire, as the SDK takes it; None for a blank line, and for one the SDK
    would not take that has no request to answer. Refused when it cannot be served. An int stands for a line over
    MAX_LINE bytes, of that length."""
    if isinstance(line, int):
        raise Refused(INVALID_REQUEST, f"Invalid request: a message of {line} bytes, over {MAX_LINE}")
    text = line.decode("utf-8", errors="replace")
    checked = check_line(text)
    if checked is None:
        return None
    try:
        return types.jsonrpc_message_adapter.validate_json(text, by_name=False)
    except ValueError as exc:
        if checked.get("id") is not None and "method" in checked:
            detail = str(exc).splitlines()[0][:200]
            raise Refused(INVALID_REQUEST, f"Invalid request: {detail}", checked["id"]) from None
        return None


async def lines(read: Callable[[], Awaitable[bytes]], limit: int = MAX_LINE) -> AsyncIterator[bytes | int]:
    """The lines in what `read` gives (chunks; b"" at the end), without their newline. A line longer than `limit`
    bytes is skipped as it comes and given as its length instead."""
    held = bytearray()
    skipped = -1  # the bytes of an over-long line skipped so far, while skipping one
    while chunk := await read():
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            size = end - start
            if not held and skipped < 0 and size <= limit:
                yield chunk[start:end]  # the usual case: a whole line in one chunk
            elif skipped >= 0 or len(held) + size > limit:
                yield max(skipped, 0) + len(held) + size
                held.clear()
                skipped = -1
            else:
                held += chunk[start:end]
                yield bytes(held)
                held.clear()
            start = end + 1
        rest = len(chunk) - start
        if skipped >= 0:
            skipped += rest
        elif len(held) + rest > limit:
            skipped = len(held) + rest
            held.clear()
        else:
            held += chunk[start:]
    if skipped >= 0:
        yield skipped
    elif held:
        yield bytes(held)


async def read_messages(
    read: Callable[[], Awaitable[bytes]],
    messages: MemoryObjectSendStream[SessionMessage | Exception],
    answers: MemoryObjectSendStream[SessionMessage],
) -> None:
    """Every usable message on the wire to `messages`; for every other line, a JSON-RPC error to `answers`."""
    async with messages, answers:
        async for line in lines(read):
            try:
                message = message_on(line)
            except Refused as refused:
                error = types.ErrorData(code=refused.code, message=refused.message)
                await answers.send(
                    SessionMessage(types.JSONRPCError(jsonrpc="2.0", id=refused.request_id, error=error))
                )
                continue
            if message is not None:
                await messages.send(SessionMessage(message))


async def write_messages(
    answers: MemoryObjectReceiveStream[SessionMessage], write: Callable[[bytes], Awaitable[None]]
) -> None:
    """Every answer on the wire, one JSON line each (as the SDK writes them), until every sender is done."""
    async with answers:
        async for answer in answers:
            await write(answer.message.model_dump_json(by_alias=True, exclude_unset=True).encode() + b"\n")


async def serve(server: Any) -> None:
    """Run `server` (an MCPServer) over this process's stdin and stdout, every line checked first."""
    with _wire() as (wire_in, wire_out):
        messages_in, messages = anyio.create_memory_object_stream[SessionMessage | Exception](0)
        answers, answers_out = anyio.create_memory_object_stream[SessionMessage](0)
        async with _io(wire_in, wire_out) as (read, write), anyio.create_task_group() as tasks:
            tasks.start_soon(read_messages, read, messages_in, answers.clone())
            tasks.start_soon(write_messages, answers_out, write)
            lowlevel = server._lowlevel_server
            async with answers:
                await lowlevel.run(messages, answers, lowlevel.create_initialization_options())


@contextlib.contextmanager
def _wire() -> Iterator[tuple[int, int]]:
    """The wire: descriptors of this process's stdin and stdout as they were, private to it (closed on exec, and
    otherwise left open until the process ends: a worker thread may still be blocked reading one). While it
    serves, descriptors 0 and 1 point at the null device and at stderr, so that nothing this process or a child
    reads or writes there is on the wire; put back after, blocking as they were."""
    wire_in = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 3)
    wire_out = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 3)
    blocking = os.get_blocking(wire_in), os.get_blocking(wire_out)
    quiet = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(quiet, 0)
        os.dup2(2, 1)
        yield wire_in, wire_out
    finally:
        os.close(quiet)
        os.dup2(wire_in, 0)
        os.dup2(wire_out, 1)
        for fd, was in zip((wire_in, wire_out), blocking, strict=True):
            with contextlib.suppress(OSError):
                os.set_blocking(fd, was)


@contextlib.asynccontextmanager
async def _io(
    wire_in: int, wire_out: int
) -> AsyncIterator[tuple[Callable[[], Awaitable[bytes]], Callable[[bytes], Awaitable[None]]]]:
    """How to read a chunk from the wire and write to it: on the event loop where both ends are pipes or sockets
    (made non-blocking meanwhile: `_wire` sets them back), through a worker thread otherwise."""
    if not (_piped(wire_in) and _piped(wire_out)):

        def write_all(data: bytes) -> None:
            view = memoryview(data)
            while view:
                view = view[os.write(wire_out, view) :]

        async def read_in_thread() -> bytes:
            return await anyio.to_thread.run_sync(os.read, wire_in, CHUNK, abandon_on_cancel=True)

        async def write_in_thread(data: bytes) -> None:
            await anyio.to_thread.run_sync(write_all, data)

        yield read_in_thread, write_in_thread
        return
    loop = asyncio.get_running_loop()

    async def ready(watch: Callable[..., None], unwatch: Callable[[int], object], fd: int) -> None:
        woken = loop.create_future()

        def wake() -> None:
            if not woken.done():
                woken.set_result(None)

        watch(fd, wake)
        try:
            await woken
        finally:
            unwatch(fd)

    async def read() -> bytes:
        while True:
            try:
                return os.read(wire_in, CHUNK)
            except BlockingIOError:
                await ready(loop.add_reader, loop.remove_reader, wire_in)

    async def write(data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(wire_out, view) :]
            except BlockingIOError:
                await ready(loop.add_writer, loop.remove_writer, wire_out)

    os.set_blocking(wire_in, False)
    os.set_blocking(wire_out, False)
    yield read, write


def _piped(fd: int) -> bool:
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
