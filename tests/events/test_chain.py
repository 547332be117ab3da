"""The bytes an event is chained by: the same for every store, whichever code wrote it. A store written before the
append path encoded each event once still verifies, and the same appends give the same rows."""

from __future__ import annotations

import hmac
import itertools
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from lighthouse_mcp.events.chain import ChainRow, Linker, canonical
from lighthouse_mcp.events.model import NewEvent, canonical_payload
from lighthouse_mcp.events.store import EventStore
from tests.conftest import KEY, StoreFactory

WRITTEN_BEFORE = json.loads((Path(__file__).parent / "data" / "chain_written_before.json").read_text())
ODD = 'quote " backslash \\ slash / tab \t newline \n cr \r nul-free \x01 \x1f del \x7f'


def _header_before(fields: list[Any]) -> str:
    """How the chain's header line was made before: the JSON encoder over the fields."""
    return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode(fields)


def _canonical_before(
    seq: int, id_: str, ts: int, type_: str, agent: str | None, session: str | None, aggregate: str | None, payload: str
) -> bytes:
    return f"{_header_before([seq, id_, ts, type_, agent, session, aggregate])}\n{payload}".encode()


def _append_as_before(store: EventStore) -> None:
    """The appends that wrote data/chain_written_before.json (with the store's clock and chance below)."""
    store.append(
        NewEvent("session.started", {"agent": "claude", "cwd": "/work/project"}, agent="claude", session="ses_1")
    )
    store.append(
        NewEvent(
            "validation.decided",
            {"command": "rm -rf /", "decision": "deny", "rules": ["fs.rm_root"]},
            agent="claude",
            session="ses_1",
            aggregate="toolu_01ABC",
        )
    )
    digest = store.put_blob("print('é')\n".encode())
    numbers = {"big": 2**64, "neg": -(2**63), "f": 0.1, "e": 1e16, "z": -0.0, "tiny": 5e-324}
    store.append_batch(
        [
            NewEvent(
                "file.changed",
                {"path": "src/é.py", "sha256": digest, "size": 12},
                agent="claude",
                aggregate="/work/project/src/é.py",
            ),
            NewEvent("annotation.added", {"text": ODD, ODD: ODD}, agent=ODD, session=ODD, aggregate=ODD),
            NewEvent(
                "test_x.a-b_c",
                {"漢字": "テキスト", "emoji": "🚀 \U0001f600", "sep": "\u2028\u2029", "bidi": "\u202e"},
                agent="агент",
                session="séance",
                aggregate="集合",
            ),
            NewEvent("test.numbers", {**numbers, "t": True, "f2": False, "n": None}),
            NewEvent("test.nested", {"b": {"z": [1, {"y": [], "x": {}}], "a": ""}, "a": [[[]]], "": "empty key"}),
            NewEvent("test.empty"),
        ]
    )
    for i in range(20):
        aggregate = None if i % 2 else f"f{i}"
        store.append(NewEvent("test.loop", {"i": i, "s": "x" * i}, agent=f"agent-{i % 3}", aggregate=aggregate))


def _fixed_chance() -> dict[str, Any]:
    clock = itertools.count(1_764_259_770_123_456_789, 1_000_003)
    bits = itertools.count(0x1234_5678_9ABC_DEF0_1234 // 3, 7919)
    return {"clock": lambda: next(clock), "randbits": lambda n: next(bits) % (1 << n)}


def _rows_before() -> list[ChainRow]:
    return [ChainRow(*row[:8], bytes.fromhex(row[8])) for row in WRITTEN_BEFORE["events"]]


def test_the_same_appends_give_the_rows_written_before(store_factory: StoreFactory) -> None:
    """Ids, times, payload text and MACs are byte for byte those the store wrote before."""
    assert bytes.fromhex(WRITTEN_BEFORE["key"]) == KEY
    store = store_factory(**_fixed_chance())
    _append_as_before(store)
    assert list(store.chain_rows()) == _rows_before()
    head = WRITTEN_BEFORE["head"]
    assert store.chain_head() == (head["seq"], bytes.fromhex(head["mac"]))
    assert store.verify().ok


def test_a_store_written_before_verifies_and_grows(store_factory: StoreFactory) -> None:
    """Its rows, stored as they are, verify; events appended after them chain on and verify too."""
    store = store_factory()
    for blob in WRITTEN_BEFORE["blobs"]:
        store.put_blob(bytes.fromhex(blob))
    store.copy_in(_rows_before())
    report = store.verify()
    assert (report.ok, report.checked) == (True, len(WRITTEN_BEFORE["events"]))
    store.append_batch([NewEvent("test.after", {"n": n}, agent=ODD) for n in range(3)])
    assert store.verify().ok and store.last_seq() == len(WRITTEN_BEFORE["events"]) + 3


def test_each_row_written_before_has_the_canonical_bytes_it_was_chained_by() -> None:
    """The fixture's MACs are HMACs over the old header line: the two definitions agree on every stored row."""
    mac = bytes(32)
    for row in _rows_before():
        fields = (row.seq, row.id, row.ts, row.type, row.agent, row.session, row.aggregate, row.payload)
        assert canonical(*fields) == _canonical_before(*fields)
        mac = hmac.digest(KEY, mac + _canonical_before(*fields), "sha256")
        assert mac == row.mac


maybe_text = st.none() | st.text(alphabet=st.characters(blacklist_categories=("Cs",)))


@given(
    seq=st.integers(0, 2**63),
    id_=st.text(),
    ts=st.integers(0, 2**64),
    type_=st.text(),
    agent=maybe_text,
    session=maybe_text,
    aggregate=maybe_text,
    payload=st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
)
def test_canonical_bytes_are_the_json_header_line_and_the_payload(
    seq: int, id_: str, ts: int, type_: str, agent: str | None, session: str | None, aggregate: str | None, payload: str
) -> None:
    """For any text in any column (quotes, control characters, separators, any plane), not only valid events."""
    fields = (seq, id_, ts, type_, agent, session, aggregate, payload)
    assert canonical(*fields) == _canonical_before(*fields)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_payload_text_is_sorted_compact_json(payload: dict[str, Any]) -> None:
    text = canonical_payload(payload, max_bytes=1 << 30)
    assert text == json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@given(key=st.binary(max_size=200), prev=st.binary(min_size=32, max_size=32), head=st.binary(), body=st.binary())
def test_links_are_hmac_sha256_of_the_previous_mac_and_the_event(
    key: bytes, prev: bytes, head: bytes, body: bytes
) -> None:
    """Keys shorter, as long as, and longer than SHA-256's block."""
    assert Linker(key).link(prev, head, body) == hmac.digest(key, prev + head + body, "sha256")


def test_a_linker_gives_the_same_mac_on_every_call() -> None:
    linker = Linker(KEY)
    macs = {linker.link(bytes(32), b"[1,", b"event") for _ in range(3)}
    assert macs == {hmac.digest(KEY, bytes(32) + b"[1,event", "sha256")}
