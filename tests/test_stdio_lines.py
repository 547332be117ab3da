"""The stdio transport's lines: however the wire delivers them, each line is read once, and each is either a message
for the SDK or a JSON-RPC error, whatever it holds."""

from __future__ import annotations

import json

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lighthouse_mcp.stdio import INVALID_PARAMS, INVALID_REQUEST, PARSE_ERROR, Refused, check_line, lines

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=40,
)


def _outcome(line: str) -> dict[str, object] | Refused | None:
    try:
        return check_line(line)
    except Refused as refused:
        return refused


@settings(max_examples=300)
@given(line=st.text(max_size=200) | JSON.map(json.dumps))
def test_every_line_is_a_message_or_a_json_rpc_error(line: str) -> None:
    outcome = _outcome(line)
    if isinstance(outcome, Refused):
        assert outcome.code in (PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS)
        assert outcome.request_id is None or isinstance(outcome.request_id, (str, int))
        assert outcome.message
    else:
        assert outcome is None or outcome.get("jsonrpc") == "2.0"


@given(request_id=st.integers() | st.text(max_size=10), params=JSON.filter(lambda p: not isinstance(p, dict)))
def test_params_that_are_not_an_object_are_invalid_params_with_the_id(request_id: object, params: object) -> None:
    line = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params})
    with pytest.raises(Refused) as refused:
        check_line(line)
    assert (refused.value.code, refused.value.request_id) == (INVALID_PARAMS, request_id)


def test_a_request_is_passed_on_as_it_is() -> None:
    line = '{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}'
    assert check_line(line) == {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


@settings(max_examples=300)
@given(
    st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=8),
    st.booleans(),
    st.lists(st.integers(1, 30), min_size=1, max_size=20),
)
def test_lines_are_split_however_the_wire_delivers_them(
    sent: list[bytes], final_newline: bool, chunk_sizes: list[int]
) -> None:
    """Whatever the chunks the wire delivers, the reader gives every line once, in order, without its newline; a
    line over the limit (20 bytes here) as its length, never held whole."""
    wire = b"\n".join(sent) + (b"\n" if final_newline and sent else b"")
    chunks = []
    at = 0
    while at < len(wire):
        size = chunk_sizes[len(chunks) % len(chunk_sizes)]
        chunks.append(wire[at : at + size])
        at += size
    pending = iter([*chunks, b""])

    async def read() -> bytes:
        return next(pending)

    async def received() -> list[bytes | int]:
        return [line async for line in lines(read, limit=20)]

    expected: list[bytes | int] = [line if len(line) <= 20 else len(line) for line in sent]
    if sent and not final_newline and sent[-1] == b"":
        expected.pop()  # nothing after the last newline: no line
    assert anyio.run(received) == expected
