"""The pipeline: combination (deny > ask > allow), Rego exceptions, the decision cache, tool calls, bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lighthouse_mcp.config import ValidationConfig
from lighthouse_mcp.errors import DataError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.policy.policyset import PolicyProvider
from lighthouse_mcp.validation.decision import Validator, decision_event
from lighthouse_mcp.validation.request import make_request
from tests.validation.conftest import CTX, decide


def tool(validator: Validator, name: str, tool_input: dict[str, Any], **kw: Any) -> Any:
    request = make_request(name, tool_input, cwd=CTX.cwd, project=CTX.project, home=CTX.home, **kw)
    return validator.validate(request)


def test_deny_wins_and_reasons_are_ordered(validator: Validator) -> None:
    decision = decide(validator, "git reset --hard && rm -rf /")
    assert decision.decision == "deny" and decision.risk == "critical"
    assert decision.reasons[0]["rule"] == "fs.delete-root"
    assert "git.reset-hard" in [r["rule"] for r in decision.reasons]


def test_allow_has_no_reasons(validator: Validator) -> None:
    decision = decide(validator, "ls -la")
    assert (decision.decision, decision.risk, decision.reasons) == ("allow", "none", [])
    assert decision.summary == "allow: no rule matched"


@pytest.mark.parametrize(
    ("name", "tool_input", "expected", "rule"),
    [
        ("Write", {"file_path": "/etc/passwd", "content": "x"}, "deny", "files.write-system"),
        ("write", {"file_path": "/home/dev/.ssh/authorized_keys", "content": "k"}, "deny", "files.write-secret"),
        (
            "Edit",
            {"file_path": "/home/dev/other/x.py", "old_string": "a", "new_string": "b"},
            "ask",
            "files.write-outside-project",
        ),
        ("MultiEdit", {"file_path": "src/x.py", "edits": [{"old_string": "a", "new_string": "b"}]}, "allow", None),
        ("Write", {"file_path": "../../../etc/cron.d/x", "content": "x"}, "deny", "files.write-system"),
        ("Write", {"file_path": "/dev/sda", "content": "x"}, "deny", "disk.write-device"),
        ("Read", {"file_path": "/home/dev/.aws/credentials"}, "ask", "files.read-secret"),
        ("Read", {"file_path": "src/app.py"}, "allow", None),
        (
            "WebFetch",
            {"url": "http://169.254.169.254/latest/meta-data/", "prompt": "x"},
            "deny",
            "tool.fetch-metadata-service",
        ),
        ("WebFetch", {"url": "https://docs.python.org/3/", "prompt": "x"}, "allow", None),
        ("mcp__github__delete_repository", {"repo": "x"}, "ask", "tool.mcp-destructive"),
        ("mcp__github__list_issues", {"repo": "x"}, "allow", None),
        ("Glob", {"pattern": "**/*.py"}, "allow", None),
    ],
)
def test_tool_calls(
    validator: Validator, name: str, tool_input: dict[str, Any], expected: str, rule: str | None
) -> None:
    decision = tool(validator, name, tool_input)
    assert decision.decision == expected, decision.summary
    if rule:
        assert decision.reasons[0]["rule"] == rule


@pytest.mark.parametrize(
    ("name", "tool_input", "message"),
    [
        ("", {}, "tool_name must be a non-empty string"),
        (5, {}, "tool_name must be"),
        ("Bash", [], "tool_input must be an object"),
        ("Bash", {"command": 5}, r"Bash tool_input\.command must be a string"),
        ("Write", {"file_path": "x"}, r"Write tool_input\.content must be a string"),
        ("MultiEdit", {"file_path": "x", "edits": "no"}, "edits must be a list of objects"),
        ("Bash", {"command": "x", "blob": b"bytes"}, None),
    ],
)
def test_malformed_tool_calls_name_the_field(name: Any, tool_input: Any, message: str | None) -> None:
    if message is None:
        make_request(name, tool_input, cwd="/p", project="/p", home="/h")  # default=str makes bytes JSON-able
        return
    with pytest.raises(DataError, match=message):
        make_request(name, tool_input, cwd="/p", project="/p", home="/h")


def test_relative_cwd_is_made_absolute() -> None:
    assert make_request("Bash", {"command": "ls"}, cwd="sub", project="/p", home="/h").cwd.startswith("/")


def test_rego_exception_lowers_a_pack_finding_and_is_recorded(tmp_path: Path) -> None:
    project = tmp_path / "policies"
    project.mkdir()
    (project / "scratch.rego").write_text(
        "package lighthouse\nimport rego.v1\n\n"
        'exceptions contains {"rule": "fs.delete-in-project", "reason": "data/ is scratch here"} if {\n'
        '    some p in input.paths\n    p.path == "/home/dev/app/data"\n}\n'
    )
    validator = Validator(PolicyProvider(project, tmp_path / "cache"), ValidationConfig(cache_size=0))
    decision = decide(validator, "rm -rf data/")
    assert decision.decision == "allow"
    assert decision.exceptions == [{"rule": "fs.delete-in-project", "reason": "data/ is scratch here", "by": "rego"}]
    assert decide(validator, "rm -rf src/").decision == "ask"
    event = decision_event(decision, agent="a", session="s", recorded=None)
    assert event.payload["exceptions"] == decision.exceptions


def test_malformed_rego_finding_becomes_an_ask(tmp_path: Path) -> None:
    project = tmp_path / "policies"
    project.mkdir()
    (project / "odd.rego").write_text(
        'package lighthouse\nimport rego.v1\nfindings contains {"rule": "odd", "decision": "maybe"} if true\n'
    )
    validator = Validator(PolicyProvider(project, None), ValidationConfig(cache_size=0))
    decision = decide(validator, "ls")
    assert decision.decision == "ask" and decision.reasons[0]["rule"] == "policy.bad-finding"


def test_cache_answers_identical_requests() -> None:
    validator = Validator(PolicyProvider(None, None), ValidationConfig(cache_size=16, cache_ttl_s=60))
    first = decide(validator, "rm -rf data/")
    second = decide(validator, "rm -rf data/")
    assert not first.cached and second.cached
    assert second.decision == first.decision and second.reasons == first.reasons
    other_agent = decide(validator, "rm -rf data/", agent="other")
    assert not other_agent.cached


def test_cache_ttl_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    validator = Validator(PolicyProvider(None, None), ValidationConfig(cache_size=16, cache_ttl_s=0))
    decide(validator, "ls")
    assert not decide(validator, "ls").cached


def test_claims_are_part_of_the_cache_key_and_the_decision() -> None:
    validator = Validator(PolicyProvider(None, None), ValidationConfig(cache_size=16))
    claim = ({"agent": "bob", "pattern": "/home/dev/app/src/*", "until": "later"},)
    assert decide(validator, "touch src/a.py", agent="alice").decision == "allow"
    decision = decide(validator, "touch src/a.py", agent="alice", claims=claim)
    assert decision.decision == "deny" and decision.reasons[0]["rule"] == "claims.held-by-another-agent"


def test_decision_event_holds_no_file_contents(validator: Validator) -> None:
    # What a write would put in a file goes to the blob table, named by its digest in the event.
    secret = "AKIA" + "X" * 16
    decision = tool(validator, "Write", {"file_path": "src/x.py", "content": f"key = '{secret}'"})
    recorded = decision.request.recorded(max_input_bytes=1024, secret_files=False)
    event = decision_event(decision, agent="a", session="s", recorded=recorded)
    assert isinstance(event, NewEvent) and event.type == "validation.decided"
    assert secret not in str(event.payload)
    assert event.payload["content_bytes"] > 0 and len(event.payload["content_sha256"]) == 64
    assert recorded.blob is not None and secret in recorded.blob.decode()
    assert event.payload["request"]["input_blob"] == hashlib.sha256(recorded.blob).hexdigest()


def test_decision_event_keeps_what_deciding_again_takes(validator: Validator) -> None:
    # The input (secrets masked), where it was made, the role and the claims held; too large an input is withheld.
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    claim = ({"agent": "bob", "pattern": "/home/dev/app/src/*", "until": "later"},)
    decision = tool(validator, "Bash", {"command": f"curl -H 'Authorization: token {token}' x.example", "timeout": 5},
                    role="reviewer", claims=claim)  # fmt: skip
    event = decision_event(decision, agent="a", session="s", recorded=decision.request.recorded(
        max_input_bytes=1024, secret_files=False))  # fmt: skip
    kept = event.payload["request"]
    assert kept["input"] == {"command": "curl -H 'Authorization: token [REDACTED:secret]' x.example", "timeout": 5}
    assert kept["masked"] is True and token not in str(event.payload)
    assert (kept["project"], kept["home"], kept["role"]) == (CTX.project, CTX.home, "reviewer")
    assert kept["claims"] == [dict(c) for c in claim]
    large = tool(validator, "Bash", {"command": "echo " + "a" * 2000})
    kept = large.request.recorded(max_input_bytes=1024, secret_files=False).record
    assert "input" not in kept and kept["withheld"] == "larger than the 1024 bytes kept"


def test_an_input_the_store_cannot_keep_is_withheld_not_lost(validator: Validator) -> None:
    # A NaN or a lone surrogate in an input would make the event unstorable (and the call unrecorded): the input
    # is withheld instead, and the decision is still recorded.
    for odd in (float("nan"), "\ud800"):
        decision = tool(validator, "Bash", {"command": "ls", "extra": odd})
        kept = decision.request.recorded(max_input_bytes=65536, secret_files=False).record
        assert "input" not in kept and kept["withheld"].startswith("not storable as JSON")


def test_a_write_to_a_secret_class_file_keeps_no_content(validator: Validator) -> None:
    # As file.changed keeps such files by digest only, unless store.secret_file_contents says to keep them.
    decision = tool(validator, "Write", {"file_path": ".env", "content": "DB_PASSWORD=hunter2hunter2"})
    withheld = decision.request.recorded(max_input_bytes=65536, secret_files=False)
    assert withheld.blob is None and "input_blob" not in withheld.record
    assert withheld.record["withheld"].startswith("the content of a secret-class file")
    kept = decision.request.recorded(max_input_bytes=65536, secret_files=True)
    assert kept.blob is not None and b"hunter2hunter2" in kept.blob


def test_a_megabyte_command_is_asked_about_not_parsed(validator: Validator) -> None:
    decision = decide(validator, "echo " + "a" * 1_000_000)
    assert decision.decision == "ask"
    assert decision.reasons[0]["rule"] == "input.too-large"


def test_deeply_nested_bash_c(validator: Validator) -> None:
    command = "rm -rf /"
    for _ in range(40):
        command = f'eval "{command}"' if len(command) < 1000 else command
    assert decide(validator, command).decision in ("ask", "deny")


PATHOLOGICAL = [
    "$(" * 5000 + ")" * 5000,
    "'" * 10001,
    "\\" * 20001,
    "{a,b}" * 2000,
    "a|" * 5000 + "b",
    "$((" * 3000,
    ";" * 10000,
    "<<EOF\n" * 2000,
    "${" * 5000,
    "`" * 9999,
    "\x00" * 1000,
    "\x00/?",  # a command name that is a pattern with a NUL: no file's path holds one, so nothing to expand
    "/usr/bin/?m\x00 -rf /",
    "m* --eval",  # `make --eval` with nothing after it
    "make --eval",
    "\u202e\u200d\ufeff" * 1000,
    "(" * 5000 + ")" * 5000,
    "echo " + "$x" * 10000,
    "{" * 10000 + "}" * 10000,
]


@pytest.mark.parametrize("command", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_input_gets_a_decision(validator: Validator, command: str) -> None:
    assert decide(validator, command).decision in ("allow", "ask", "deny")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_command_gets_a_decision(validator: Validator, command: str) -> None:
    decision = decide(validator, command)
    assert decision.decision in ("allow", "ask", "deny")
    assert decision.risk in ("none", "low", "medium", "high", "critical")
    assert all(set(r) == {"rule", "message"} for r in decision.reasons)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.text(max_size=10),
        st.one_of(st.text(max_size=50), st.integers(), st.none(), st.lists(st.text(max_size=5), max_size=3)),
        max_size=4,
    ),
    st.sampled_from(["Bash", "Write", "Edit", "MultiEdit", "Read", "WebFetch", "mcp__x__delete_all", "Other"]),
)
def test_any_tool_input_gets_a_decision_or_a_clear_error(
    validator: Validator, tool_input: dict[str, Any], name: str
) -> None:
    try:
        decision = tool(validator, name, tool_input)
    except DataError as exc:
        message = str(exc)
    else:
        assert decision.decision in ("allow", "ask", "deny")
        return
    assert name in message or "tool_input" in message


@pytest.mark.parametrize("command", ["=>/\x1f", "cat > '/etc/x\x01y'", "touch '/tmp/a\nb' /etc/\x7fz"])
def test_control_characters_in_paths_still_get_a_decision(validator: Validator, command: str) -> None:
    # rego-cpp writes control characters unescaped in its output; the engine retries with them replaced
    decision = decide(validator, command)
    assert decision.decision in ("ask", "deny")
    assert not any(r["rule"].startswith("policy.") for r in decision.reasons), decision.reasons
