"""The policy set in force: project files load after shipped ones, reload on change, and a broken file keeps the
last good set in force (recorded), never failing open."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lighthouse_mcp.config import ValidationConfig
from lighthouse_mcp.policy import policyset
from lighthouse_mcp.policy.engine import PolicyError
from lighthouse_mcp.policy.policyset import PolicyProvider, PolicyUnavailable, build_policy_set, policy_files
from lighthouse_mcp.validation.decision import Validator
from lighthouse_mcp.validation.request import make_request

ASK_ALL = """package lighthouse
import rego.v1

findings contains {"rule": "team.review-everything", "decision": "ask", "risk": "low", "message": "team rule"} if {
    input.tool == "Bash"
}
"""
# rego-cpp aborts the whole process when it builds this (a `with` inside a comprehension in a function).
CRASHES_ENGINE = """package lighthouse
import rego.v1

rules(doc) := {f.rule | some f in findings with input as doc}
"""


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    project = tmp_path / "policies"
    project.mkdir()
    cache = tmp_path / "cache"
    return project, cache


@pytest.fixture(autouse=True)
def _no_reload_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(policyset, "RELOAD_CHECK_S", 0.0)


def _touch_later(path: Path, text: str) -> None:
    path.write_text(text)
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


def _bash(validator: Validator, command: str = "ls") -> str:
    request = make_request("Bash", {"command": command}, cwd="/p", project="/p", home="/h")
    return validator.validate(request).decision


def test_project_files_load_after_shipped_ones(dirs: tuple[Path, Path]) -> None:
    project, cache = dirs
    (project / "team.rego").write_text(ASK_ALL)
    files = policy_files(project)
    assert files[-1] == project / "team.rego"
    assert files.index(project / "team.rego") > max(i for i, f in enumerate(files) if "packs" in str(f))
    validator = Validator(PolicyProvider(project, cache), ValidationConfig(cache_size=0))
    assert _bash(validator) == "ask"


_NAMES = st.builds(
    str.__add__,
    st.text(alphabet="ab.B-_ é", max_size=6),
    st.sampled_from([".yaml", ".yml", ".rego", ".yaml.bak", ".json", "rego", ""]),
).filter(lambda n: n not in ("", ".", ".."))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(_NAMES, max_size=12, unique=True), folders=st.lists(_NAMES, max_size=3, unique=True))
def test_policy_files_are_those_glob_finds(
    tmp_path_factory: pytest.TempPathFactory, files: list[str], folders: list[str]
) -> None:
    """The project's policy files are listed as `Path.glob` lists them: hidden names, a bare `.yaml`, folders with a
    policy's suffix, in the same order, after the shipped ones."""
    project = tmp_path_factory.mktemp("policies")
    for name in folders:
        (project / name).mkdir()
    for name in files:
        if not (project / name).exists():
            (project / name).write_text("")
    globbed = [p for suffix in (".yaml", ".yml", ".rego") for p in sorted(project.glob("*" + suffix))]
    assert policy_files(project) == policy_files(None) + globbed
    assert policy_files(None) == sorted((policyset.SHIPPED / "packs").glob("*.yaml")) + sorted(
        policyset.SHIPPED.glob("*.rego")
    )


def test_reload_when_a_file_changes(dirs: tuple[Path, Path]) -> None:
    project, cache = dirs
    provider = PolicyProvider(project, cache)
    validator = Validator(provider, ValidationConfig(cache_size=0))
    assert _bash(validator) == "allow"
    _touch_later(project / "team.rego", ASK_ALL)
    assert _bash(validator) == "ask"


def test_broken_file_keeps_the_last_good_set_and_reports_it(dirs: tuple[Path, Path]) -> None:
    project, cache = dirs
    (project / "team.rego").write_text(ASK_ALL)
    failures: list[tuple[str, str | None]] = []
    provider = PolicyProvider(project, cache, on_failure=lambda e, v: failures.append((e, v)))
    validator = Validator(provider, ValidationConfig(cache_size=0))
    good = provider.current().version
    _touch_later(project / "team.rego", "package lighthouse\nimport rego.v1\nfindings contains x if { x == }\n")
    assert _bash(validator) == "ask"  # still the team rule: the last good set
    assert provider.current().version == good
    assert failures and "team.rego:3:" in failures[0][0] and failures[0][1] == good
    assert "team.rego:3:" in (provider.last_error or "")


def test_broken_pack_names_file_and_rule_and_keeps_last_good(dirs: tuple[Path, Path]) -> None:
    project, cache = dirs
    failures: list[str] = []
    provider = PolicyProvider(project, cache, on_failure=lambda e, v: failures.append(e))
    provider.current()
    _touch_later(project / "team.yaml", "rules:\n  - id: team.x\n    decision: sometimes\n")
    provider.current()
    assert failures and "team.yaml" in failures[0] and "team.x" in failures[0]


def test_a_new_process_falls_back_to_the_saved_last_good_set(dirs: tuple[Path, Path]) -> None:
    """The hook is a fresh process each time: it finds the last good set on disk."""
    project, cache = dirs
    (project / "team.rego").write_text(ASK_ALL)
    PolicyProvider(project, cache).current()
    (project / "team.rego").write_text("package lighthouse\nfindings contains x if {")
    fresh = PolicyProvider(project, cache, on_failure=lambda e, v: None)
    assert _bash(Validator(fresh, ValidationConfig(cache_size=0))) == "ask"


def test_with_no_good_project_files_the_shipped_set_decides_alone(dirs: tuple[Path, Path]) -> None:
    """A broken project module never weakens the shipped decision: deny stays deny, and an allow becomes ask."""
    project, cache = dirs
    (project / "team.rego").write_text("package lighthouse\nfindings contains x if {")
    failures: list[tuple[str, str | None]] = []
    provider = PolicyProvider(project, cache, on_failure=lambda e, v: failures.append((e, v)))
    policy = provider.current()
    assert policy.project_error is not None and "team.rego" in policy.project_error
    assert failures and "team.rego" in failures[0][0] and failures[0][1] == policy.version
    validator = Validator(provider, ValidationConfig(cache_size=0))
    assert _bash(validator, "rm -rf ~") == "deny"
    request = make_request("Bash", {"command": "ls"}, cwd="/p", project="/p", home="/h")
    decision = validator.validate(request)
    assert decision.decision == "ask"
    assert decision.reasons[0]["rule"] == "policy.project-unavailable"
    assert "team.rego" in decision.reasons[0]["message"]


def test_unusable_shipped_files_mean_the_configured_conservative_decision(
    dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lighthouse_mcp.policy import policyset

    broken = dirs[1] / "shipped"
    (broken / "packs").mkdir(parents=True)
    (broken / "packs" / "bad.yaml").write_text("rules: [\n")
    monkeypatch.setattr(policyset, "policy_files", lambda project_dir: [broken / "packs" / "bad.yaml"])
    monkeypatch.setattr(policyset, "is_shipped", lambda path: True)
    with pytest.raises(PolicyUnavailable, match=r"bad\.yaml"):
        PolicyProvider(None, None, on_failure=lambda e, v: None).current()
    for on_error in ("ask", "deny"):
        validator = Validator(
            PolicyProvider(None, None, on_failure=lambda e, v: None),
            ValidationConfig(cache_size=0, on_error=on_error),  # type: ignore[arg-type]
        )
        request = make_request("Bash", {"command": "ls"}, cwd="/p", project="/p", home="/h")
        decision = validator.validate(request)
        assert decision.decision == on_error
        assert decision.reasons[0]["rule"] == "policy.unavailable"
        assert "bad.yaml" in decision.reasons[0]["message"]


def test_a_module_that_crashes_the_engine_is_refused_not_fatal(dirs: tuple[Path, Path]) -> None:
    project, cache = dirs
    files = [(str(p), p.read_text()) for p in policy_files(None)]
    files.append((str(project / "crash.rego"), CRASHES_ENGINE))
    with pytest.raises(PolicyError, match="crash the policy engine"):
        build_policy_set(files, cache_dir=cache, check_isolated=True)


@pytest.mark.parametrize("stamped", ["just now", "long ago"])
@pytest.mark.parametrize(
    "rewrite", ["same size and times", "removed", "added beside it", "mode only", "nothing (kept as it was)"]
)
def test_a_provider_is_adopted_only_while_its_files_are_as_it_read_them(
    dirs: tuple[Path, Path], rewrite: str, stamped: str
) -> None:
    """A forked request takes the server's loaded policies by stat stamps, and by content where a stamp cannot
    tell (a write in the clock tick the file was stamped in): every change of a file's content or of the set of
    files is seen, including a rewrite that keeps size and times (`cp -p`, `rsync -t`, `touch -r`)."""
    project, cache = dirs
    pack = project / "team.rego"
    pack.write_text(ASK_ALL)
    provider = PolicyProvider(project, cache)
    provider.current()
    if stamped == "long ago":  # the files' ctimes are then well before their stamping: stamps alone decide
        provider._stamped_ns += 60 * 10**9
    info = pack.stat()
    if rewrite == "same size and times":
        pack.write_text(ASK_ALL.replace("review-everything", "review-everythinG"))
        os.utime(pack, ns=(info.st_atime_ns, info.st_mtime_ns))
    elif rewrite == "removed":
        pack.unlink()
    elif rewrite == "added beside it":
        (project / "more.rego").write_text("package lighthouse.more\n")
    elif rewrite == "mode only":
        pack.chmod(0o600)
    # (a change of mode alone sets ctime too: a reload that finds the same rules)
    assert provider.adopt(None) is (rewrite == "nothing (kept as it was)")


def test_a_write_its_stamp_cannot_show_is_found_by_its_content(dirs: tuple[Path, Path]) -> None:
    """Within the clock tick a file was stamped in, a write leaves its ctime where it was (file times are as coarse
    as the kernel's tick): such a file is compared by content."""
    project, cache = dirs
    pack = project / "team.rego"
    pack.write_text(ASK_ALL)
    provider = PolicyProvider(project, cache)
    provider.current()
    pack.write_text(ASK_ALL.replace("review-everything", "review-everythinG"))
    provider._stamps = tuple(policyset._stamp(p) for p in policy_files(project))  # as a coarse clock would leave them
    assert provider.adopt(None) is False
    pack.write_text(ASK_ALL)
    provider._stamps = tuple(policyset._stamp(p) for p in policy_files(project))
    assert provider.adopt(None) is True
