"""What a git command would do to the files that guard the agent, asked of git itself: switching the working tree to
another commit (`git checkout REF`, `git switch REF`, `git reset --hard REF`) changes them where they differ there;
stashing (`git stash`, `-u`) takes away their uncommitted changes, and with `-u` the files git does not track. Only
for those subcommands, a `git` call or two each, bounded in time. When git cannot say (not a repository, no such
commit, git missing), nothing is claimed and the command is judged as before."""

from __future__ import annotations

import os

# The guard's files a checkout can change: the project's Lighthouse home, the agents' hook settings.
GUARD_PATHS = (
    ".lighthouse",  # its config and policies, and its store, key and anchor where git was made to track them
    ".claude",
    ".mcp.json",
    ".codex",
    ".gemini/settings.json",
)
TIMEOUT_S = 3.0
_NEW_BRANCH = frozenset({"-b", "-B", "-c", "-C", "--orphan", "--create", "--force-create"})
_HARD = frozenset({"--hard", "--merge", "--keep"})


def guard_changes(args: list[str], cwd: str) -> list[str]:
    """The guard's files that `git ARGS` (the words after `git`, global options included) run in `cwd` would change
    or remove; empty when none would, or when it cannot be told."""
    where, rest = global_options(args, cwd)
    if not rest:
        return []
    subcommand, words = rest[0], rest[1:]
    if "--" in words:
        return []  # paths given: judged as writes to those paths by the rules
    options = [w for w in words if w.startswith("-")]
    names = [w for w in words if not w.startswith("-")]
    if subcommand in ("checkout", "switch"):
        start = 1 if set(options) & _NEW_BRANCH else 0  # a new branch is made at HEAD, or at a start point after it
        return _differ(where, names[start]) if len(names) > start else []
    if subcommand == "reset" and set(options) & _HARD:
        return _differ(where, names[0] if names else "HEAD")
    if subcommand == "stash" and (not names or names[0] in ("push", "save")):
        changed = _differ(where, "HEAD")
        untracked = "--include-untracked" in options or any(
            o.startswith("-") and not o.startswith("--") and "u" in o for o in options
        )
        if untracked:
            listed = _git(where, "ls-files", "--others", "--exclude-standard", "--", *GUARD_PATHS)
            changed += [p for p in listed if p not in changed]
        return changed
    return []


def global_options(args: list[str], cwd: str) -> tuple[str, list[str]]:
    """The directory git runs in (`-C DIR` moves it) and the words from the subcommand on."""
    where = cwd
    index = 0
    while index < len(args) and args[index].startswith("-"):
        if args[index] == "-C" and index + 1 < len(args):
            where = os.path.join(where, args[index + 1])
            index += 2
        elif args[index] in ("-c", "--git-dir", "--work-tree", "--namespace") and index + 1 < len(args):
            index += 2
        else:
            index += 1
    return where, args[index:]


def _differ(where: str, target: str) -> list[str]:
    """The guard's files whose content in the working tree differs from `target`'s (a checkout of it would change
    them); empty when `target` is not a commit git knows."""
    if not _git(where, "rev-parse", "--verify", "--quiet", f"{target}^{{commit}}"):
        return []
    return _git(where, "diff", "--name-only", target, "--", *GUARD_PATHS)


def _git(where: str, *args: str) -> list[str]:
    import subprocess  # only when git is asked (a hook process rarely needs it)

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
           "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}  # fmt: skip
    try:
        done = subprocess.run(
            ["git", "-C", where, *args], capture_output=True, text=True, timeout=TIMEOUT_S, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return []
    return [line for line in done.stdout.splitlines() if line] if done.returncode == 0 else []
