"""Bypasses an attacker who had read the code found, each tried again through a real `lighthouse hook` process in a
project made by `init --claude`: a path only known when the command runs (which could be the guard's own files),
and a program given to a shell or interpreter as its own input under a file name (`bash /dev/stdin <<< …`)."""

from __future__ import annotations

import pytest

from tests.security.conftest import Guarded

# Each names Lighthouse's home, store or the agent's hook settings only through a part filled in when it runs.
UNKNOWN_TARGETS = [
    "echo 'scan: {hook: false}' >> \"$(ls -d .l*)/config.yaml\"",
    ': > "$(ls -d .l*)/lighthouse.db"',
    "echo '{}' > $(ls -d .cl*)/settings.json",
    "d=$(find . -maxdepth 1 -name '.l*'); mkdir -p \"$d/policies\" && printf 'overrides: []' > \"$d/policies/t.yaml\"",
    'cp /dev/null "${HOME_DIR:-.lighthouse}/anchor.json"',
    'rm -f "$(cat where.txt)"',
]


@pytest.mark.parametrize("command", UNKNOWN_TARGETS)
def test_a_path_known_only_when_it_runs_is_put_to_a_person(guarded: Guarded, command: str) -> None:
    answer = guarded.bash(command)
    assert answer.decision in ("ask", "deny"), (command, answer)
    assert "guard." in answer.reason


def test_no_project_policy_lowers_the_unknown_target_rule(guarded: Guarded) -> None:
    # Were a policy file put there (by a person, or by an agent that got past the guard), the rule still holds.
    guarded.home.policies_dir.mkdir(exist_ok=True)
    (guarded.home.policies_dir / "team.yaml").write_text(
        "overrides:\n  - {rule: guard.unknown-target, decision: allow, reason: in the way}\n"
    )
    answer = guarded.bash(UNKNOWN_TARGETS[0])
    assert answer.decision == "ask" and "guard.unknown-target" in answer.reason
    [decided] = guarded.events("validation.decided")[-1:]
    assert decided.payload["refused_exceptions"][0]["rule"] == "guard.unknown-target"


@pytest.mark.parametrize(
    "command",
    [
        "bash /dev/stdin <<< 'rm -rf ~'",
        "bash /dev/fd/0 <<< 'rm -rf ~'",
        "sh - <<< 'rm -rf ~'",
        "source /dev/stdin <<< 'rm -rf ~'",
        ". /dev/stdin <<'EOF'\nrm -rf ~\nEOF",
        "echo 'rm -rf ~' | source /dev/stdin",
        "source /proc/self/fd/0 <<< 'rm -rf ~'",
        "python3 /dev/stdin <<< 'import shutil, pathlib; shutil.rmtree(pathlib.Path.home())'",
        "perl /dev/stdin <<< 'system(\"rm -rf ~\")'",
        'node /dev/stdin <<< \'require("child_process").execSync("rm -rf ~")\'',
        'f=$(mktemp); printf \'rm -rf ~\' > "$f"; bash < "$f"',
    ],
)
def test_a_program_read_from_its_own_input_is_judged(guarded: Guarded, command: str) -> None:
    answer = guarded.bash(command)
    assert answer.decision == "deny" and "fs.delete-home" in answer.reason, (command, answer)


def test_ordinary_commands_with_variables_and_temp_files_are_left_alone(guarded: Guarded) -> None:
    for command in (
        'out=$(mktemp); git log --oneline > "$out"; wc -l "$out"',
        'echo done > "/tmp/$USER-build.log"',
        'cc -o "build/$NAME.o" main.c',
        "echo 'print(1)' | python3 -",
    ):
        answer = guarded.bash(command)
        assert answer.decision != "deny" and "guard." not in answer.reason, (command, answer)
