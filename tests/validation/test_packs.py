"""Rule packs: every rule's own examples hold; loading errors name the file, the rule and the problem."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lighthouse_mcp.errors import ConfigError
from lighthouse_mcp.validation.packs import (
    PackSet,
    _fits,
    check_examples,
    load_packs,
    packs_from_texts,
    shipped_packs_dir,
)
from tests.validation.conftest import facts

SHIPPED = sorted(shipped_packs_dir().glob("*.yaml"))
PACKS = load_packs(SHIPPED)


def test_shipped_packs_cover_every_area() -> None:
    names = {p.stem for p in SHIPPED}
    assert names >= {
        "filesystem",
        "permissions",
        "disks",
        "remote-code",
        "exfiltration",
        "reverse-shells",
        "git",
        "system",
        "containers",
        "cloud",
        "databases",
        "publishing",
        "secrets",
    }
    assert len(PACKS.rules) >= 90


@pytest.mark.parametrize("rule", PACKS.rules, ids=lambda r: r.id)
def test_rule_examples(rule: object) -> None:
    """Each rule matches its `match` examples and none of its `no_match` ones."""
    single = PackSet(list(PACKS.rules), PACKS.version, PACKS.sources)
    for command in rule.examples_match:  # type: ignore[attr-defined]
        found = [f.rule for f in single.match(facts(command))]
        assert rule.id in found, f"{rule.id} should match {command!r}; found {found}"  # type: ignore[attr-defined]
    for command in rule.examples_no_match:  # type: ignore[attr-defined]
        found = [f.rule for f in single.match(facts(command))]
        assert rule.id not in found, f"{rule.id} should not match {command!r}"  # type: ignore[attr-defined]


def test_every_deny_and_ask_rule_has_examples() -> None:
    missing = [r.id for r in PACKS.rules if not r.examples_match and not r.request_level]
    assert missing == []


def test_check_examples_reports_nothing_for_the_shipped_packs() -> None:
    count, failures = check_examples(PACKS)
    assert count > 500
    assert failures == []


def test_rule_ids_are_unique_and_stable() -> None:
    ids = [r.id for r in PACKS.rules]
    assert len(ids) == len(set(ids))
    assert all(i.split(".")[0] for i in ids)


def _load(tmp_path: Path, text: str, name: str = "bad.yaml") -> PackSet:
    path = tmp_path / name
    path.write_text(text)
    return load_packs([path])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  - id: x\n", r"bad\.yaml:2: rule id 'x' must be dotted lowercase"),
        ("rules:\n  - id: a.b\n    decision: maybe\n", r"rule a\.b: 'decision' must be one of allow, ask, deny"),
        ("rules:\n  - id: a.b\n    decision: deny\n    risk: huge\n", r"'risk' must be one of none, low"),
        ("rules:\n  - id: a.b\n    decision: deny\n    risk: high\n", r"rule a\.b: needs a 'message'"),
        ("rules:\n  - id: a.b\n    decision: deny\n    risk: high\n    message: m\n", r"needs a 'match' mapping"),
        (
            "rules:\n  - id: a.b\n    decision: deny\n    risk: high\n    message: m\n    match: {flag_any: [r]}\n",
            r"bad\.yaml:2: rule a\.b: unknown match key 'flag_any'",
        ),
        (
            "rules:\n  - id: a.b\n    decision: deny\n    risk: high\n    message: m\n    match: {command: [rm], "
            "args_regex: '(['}\n",
            r"rule a\.b: 'args_regex' is not a valid regular expression",
        ),
        (
            "rules:\n  - id: a.b\n    decision: deny\n    risk: high\n    message: m\n    match: {flags_any: [r]}\n",
            r"match needs 'command'",
        ),
        (
            "rules:\n  - id: a.b\n    decision: deny\n    risk: high\n    message: m\n    match: {command: rm}\n"
            "    colour: red\n",
            r"rule a\.b: unknown key 'colour'",
        ),
        ("rules: [\n", r"bad\.yaml: not valid YAML"),
        ("- 1\n- 2\n", r"a rule pack is a mapping"),
        ("rulez: []\n", r"unknown top-level key 'rulez'"),
        (
            "overrides:\n  - {rule: no.such-rule, decision: ask, reason: x}\n",
            r"override of unknown rule 'no\.such-rule'",
        ),
    ],
)
def test_broken_pack_names_file_rule_and_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    rule = "rules:\n  - id: a.b\n    decision: deny\n    risk: high\n    message: m\n    match: {command: [rm]}\n"
    (tmp_path / "one.yaml").write_text(rule)
    (tmp_path / "two.yaml").write_text(rule)
    with pytest.raises(ConfigError, match=r"two\.yaml: rule a\.b is defined twice"):
        load_packs([tmp_path / "one.yaml", tmp_path / "two.yaml"])


def test_project_pack_overrides_a_shipped_rule_by_id(tmp_path: Path) -> None:
    override = tmp_path / "project.yaml"
    override.write_text(
        "overrides:\n"
        "  - {rule: fs.delete-in-project, decision: allow, reason: scratch data only}\n"
        "  - {rule: git.rebase-interactive, disabled: true, reason: we rebase all day}\n"
    )
    packs = load_packs([*SHIPPED, override])
    found, applied, refused = packs.apply_overrides(packs.match(facts("rm -rf data/")))
    assert [f.decision for f in found if f.rule == "fs.delete-in-project"] == ["allow"]
    assert applied == [{"rule": "fs.delete-in-project", "reason": "scratch data only", "by": f"{override}:2"}]
    assert refused == []
    found, applied, _ = packs.apply_overrides(packs.match(facts("git rebase -i HEAD~3")))
    assert "git.rebase-interactive" not in [f.rule for f in found]
    assert [a["rule"] for a in applied] == ["git.rebase-interactive"]


def test_a_project_override_cannot_lower_a_locked_shipped_rule(tmp_path: Path) -> None:
    """Critical shipped rules are locked: the override is refused and recorded; a person's unlock lets it."""
    override = tmp_path / "project.yaml"
    override.write_text(
        "overrides:\n"
        "  - {rule: fs.delete-home, decision: allow, reason: trust me}\n"
        "  - {rule: guard.lighthouse-files, disabled: true, reason: cleanup}\n"
    )
    packs = load_packs([*SHIPPED, override])
    for command, rule in (("rm -rf ~", "fs.delete-home"), ("rm .lighthouse/lighthouse.db", "guard.lighthouse-files")):
        found, applied, refused = packs.apply_overrides(packs.match(facts(command)))
        assert [(f.rule, f.decision) for f in found if f.rule == rule] == [(rule, "deny")]
        assert applied == [] and [r["rule"] for r in refused] == [rule]
        assert "cannot lower" in refused[0]["refused"]
    found, applied, refused = packs.apply_overrides(packs.match(facts("rm -rf ~")), frozenset({"fs.delete-home"}))
    assert [f.decision for f in found if f.rule == "fs.delete-home"] == ["allow"]
    assert applied[0]["unlocked"] is True and refused == []


def test_raising_a_locked_rule_is_not_refused(tmp_path: Path) -> None:
    override = tmp_path / "project.yaml"
    override.write_text("overrides:\n  - {rule: guard.agent-settings, decision: deny, reason: never here}\n")
    packs = load_packs([*SHIPPED, override])
    found, applied, refused = packs.apply_overrides(packs.match(facts("rm .mcp.json")))
    assert [(f.rule, f.decision) for f in found if f.rule == "guard.agent-settings"] == [
        ("guard.agent-settings", "deny")
    ]
    assert applied == [] and refused == []


def test_only_shipped_rules_may_be_locked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'locked' is for shipped rules only"):
        _load(
            tmp_path,
            "rules:\n  - id: a.b\n    decision: deny\n    risk: high\n    message: m\n    locked: true\n"
            "    match: {command: [rm]}\n",
        )


def test_override_needs_a_reason(tmp_path: Path) -> None:
    override = tmp_path / "project.yaml"
    override.write_text("overrides:\n  - {rule: fs.delete-in-project, decision: allow}\n")
    with pytest.raises(ConfigError, match=r"project\.yaml:2: override of fs\.delete-in-project needs a 'reason'"):
        load_packs([*SHIPPED, override])


def test_project_pack_adds_a_rule(tmp_path: Path) -> None:
    extra = tmp_path / "team.yaml"
    extra.write_text(
        "rules:\n  - id: team.no-npm-audit-fix\n    decision: ask\n    risk: low\n"
        "    message: '{command} rewrites the lockfile'\n"
        "    match: {command: [npm], args_prefix: [audit, fix]}\n"
        "    examples: {match: ['npm audit fix --force'], no_match: ['npm audit']}\n"
    )
    packs = load_packs([*SHIPPED, extra])
    assert check_examples(packs)[1] == []
    assert [f.rule for f in packs.match(facts("npm audit fix"))] == ["team.no-npm-audit-fix"]


def test_json_cache_round_trips_every_rule(tmp_path: Path) -> None:
    files = [(p, p.read_text()) for p in SHIPPED]
    fresh = packs_from_texts(files, cache_dir=tmp_path)
    cached = packs_from_texts(files, cache_dir=tmp_path)
    assert list(tmp_path.glob("packs-*.json"))
    assert cached.rules == fresh.rules and cached.version == fresh.version


def test_matcher_is_indexed_by_command_name() -> None:
    """Rules are found through the command-name index, not by trying every rule."""
    assert "rm" in PACKS.by_name and "git" in PACKS.by_name
    assert len(PACKS.by_name["rm"]) < len(PACKS.rules) // 4


_GLOB_PIECES = st.sampled_from(["mcp", "__", "*", "?", "[a-c]", "[!x]", "[", "]", "fsck", ".", "x", "a", "\n", "\\"])


@settings(max_examples=500)
@given(st.lists(_GLOB_PIECES, max_size=6).map("".join), st.lists(_GLOB_PIECES, max_size=6).map("".join))
def test_names_are_fitted_to_patterns_as_fnmatch_does(name: str, pattern: str) -> None:
    """`_fits` skips compiling patterns that cannot fit: its answer is fnmatchcase's, for every name and pattern."""
    assert _fits(name, pattern) == fnmatch.fnmatchcase(name, pattern)


def test_every_shipped_pattern_is_fitted_as_fnmatch_does() -> None:
    patterns = {p for r in PACKS.rules for p in (*r.commands, *r.tools)}
    names = {"mkfs.ext4", "fsck", "mcp__github__delete_repo", "mcp__x__wipe", "WebFetch", "Bash", "rm", "", "mkfs"}
    for pattern in patterns:
        for name in names:
            assert _fits(name, pattern) == fnmatch.fnmatchcase(name, pattern), (name, pattern)
