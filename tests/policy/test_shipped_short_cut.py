"""The shipped Rego modules are not queried (nor their engine loaded) for a call they cannot add anything to
(`shipped_rego_silent`): the answer must be the one the query gives, for every input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lighthouse_mcp.config import ValidationConfig
from lighthouse_mcp.policy.engine import RegoEngine
from lighthouse_mcp.policy.policyset import SILENT_FOR_VERSION, PolicyProvider, shipped_rego_silent
from lighthouse_mcp.validation.decision import Validator
from lighthouse_mcp.validation.packs import example_context
from lighthouse_mcp.validation.request import make_request
from lighthouse_mcp.vocabulary import Decision

CORPUS = Path(__file__).parent.parent / "corpus" / "commands.tsv"
CLASSES = [
    "system", "secret", "outside-project", "traversal", "device", "temp", "project", "home", "root", "dynamic",
    "glob", "lighthouse-home", "network-device", "null-device", "regenerable",
]  # fmt: skip
ACCESSES = ["read", "write", "delete", "exec", "list"]
ROLES = ["builder", "reviewer", "expert", "admin"]


@pytest.fixture(scope="module")
def shipped() -> RegoEngine:
    return PolicyProvider(None, None).current().shipped_rego


def test_the_short_cut_is_for_the_shipped_modules_as_they_are(shipped: RegoEngine) -> None:
    assert shipped.version == SILENT_FOR_VERSION, (
        "the shipped Rego modules changed: check shipped_rego_silent (policy/policyset.py) against every rule that "
        "adds a finding or an exception, then set SILENT_FOR_VERSION to the new version"
    )


paths = st.lists(
    st.fixed_dictionaries(
        {
            "path": st.sampled_from(["/home/dev/app/a.py", "/etc/passwd", "/tmp/x", "/home/dev/.ssh/id_rsa"]),
            "classes": st.lists(st.sampled_from(CLASSES), unique=True, max_size=4).map(sorted),
            "access": st.sampled_from(ACCESSES),
        }
    ),
    max_size=4,
)
claims = st.lists(
    st.fixed_dictionaries(
        {
            "agent": st.sampled_from(["ben", "other"]),
            "pattern": st.sampled_from(["**", "/home/dev/app/**", "/etc/*"]),
            "until": st.just("2026-12-06T10:00:00Z"),
        }
    ),
    max_size=2,
)


@settings(max_examples=400, deadline=None)
@given(paths, claims, st.sampled_from(ROLES))
def test_when_the_short_cut_says_silent_the_modules_add_nothing(
    shipped: RegoEngine, paths: list[dict[str, Any]], claims: list[dict[str, str]], role: str
) -> None:
    document = {"tool": "Bash", "paths": paths, "claims": claims, "agent": {"name": "ben", "role": role}}
    if shipped_rego_silent(shipped, document):
        result = shipped.evaluate(document)
        assert (result.findings, result.exceptions) == ([], [])


def test_the_short_cut_is_taken_for_ordinary_calls_and_not_for_sensitive_ones(shipped: RegoEngine) -> None:
    def document(access: str, classes: list[str], role: str = "builder", held: bool = False) -> dict[str, Any]:
        path = {"path": "/p", "classes": classes, "access": access}
        claim = [{"agent": "other", "pattern": "**", "until": "later"}] if held else []
        return {"paths": [path], "claims": claim, "agent": {"name": "ben", "role": role}}

    assert shipped_rego_silent(shipped, {"paths": [], "claims": [], "agent": {"name": "ben", "role": "builder"}})
    assert shipped_rego_silent(shipped, document("read", ["project"]))
    assert shipped_rego_silent(shipped, document("write", ["project"]))
    assert shipped_rego_silent(shipped, document("delete", ["root", "outside-project"]))
    assert not shipped_rego_silent(shipped, document("write", ["outside-project"]))
    assert not shipped_rego_silent(shipped, document("exec", ["secret", "project"]))
    assert not shipped_rego_silent(shipped, document("delete", ["project"], role="reviewer"))
    assert not shipped_rego_silent(shipped, document("write", ["project"], held=True))
    assert not shipped_rego_silent(shipped, {"paths": []})  # a field it needs is not there: the query decides


def _corpus() -> list[tuple[str, dict[str, str]]]:
    calls = [
        ("Bash", {"command": line.split("\t")[2]})
        for line in CORPUS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in ("src/main.py", "/etc/hosts", "../other/x.py", ".env", "/home/dev/.ssh/config", "/tmp/scratch"):
        calls.append(("Write", {"file_path": path, "content": "x = 1\n"}))
        calls.append(("Edit", {"file_path": path, "old_string": "a", "new_string": "b"}))
        calls.append(("Read", {"file_path": path}))
    return calls


def _decisions(
    monkeypatch: pytest.MonkeyPatch, silent: Callable[[RegoEngine, Any], bool], *, role: str, held: bool
) -> list[Decision]:
    """The corpus decided afresh, with `silent` in place of the short cut."""
    monkeypatch.setattr("lighthouse_mcp.validation.decision.shipped_rego_silent", silent)
    validator = Validator(PolicyProvider(None, None), ValidationConfig(cache_size=0))
    ctx = example_context()
    claim = ({"agent": "other", "pattern": "/home/dev/app/**", "until": "later"},) if held else ()
    decisions = []
    for tool, tool_input in _corpus():
        request = make_request(
            tool, tool_input, cwd=ctx.cwd, project=ctx.project, home=ctx.home, guard=ctx.guard, role=role, claims=claim
        )
        decisions.append(validator.validate(request))
    return decisions


@pytest.mark.parametrize(("role", "held"), [("builder", False), ("reviewer", False), ("builder", True)])
def test_every_corpus_call_is_decided_as_the_query_decides_it(
    monkeypatch: pytest.MonkeyPatch, role: str, held: bool
) -> None:
    taken: list[bool] = []

    def counted(engine: RegoEngine, document: Any) -> bool:
        taken.append(shipped_rego_silent(engine, document))
        return taken[-1]

    with_short_cut = _decisions(monkeypatch, counted, role=role, held=held)
    queried = _decisions(monkeypatch, lambda *_: False, role=role, held=held)
    assert any(taken) and not all(taken)  # both ways are exercised
    for fast, slow in zip(with_short_cut, queried, strict=True):
        assert (fast.decision, fast.risk, fast.reasons, fast.findings, fast.exceptions) == (
            slow.decision,
            slow.risk,
            slow.reasons,
            slow.findings,
            slow.exceptions,
        ), fast.request.summary()
