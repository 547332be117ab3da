"""Files a tool runs by their name and place when it runs: `make` its Makefile, `npm test` package.json's scripts,
`pytest` every `conftest.py` it collects and the plugins `-p` names, `tox` tox.ini, `just` its justfile, `invoke`
tasks.py, `pip install .` setup.py, `cargo build` build.rs.

`files_run_by(name, argv, cwd)` finds those files for a command, as the tool looks for them (`make -C DIR -f FILE`,
`npm --prefix DIR`, `pytest tests/`); `read_on_disk(path)` reads one as it is now, without blocking on a FIFO, only a
regular file, up to a size. The validator judges what it holds as a write of it would be judged.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lighthouse_mcp.validation.lazy import LazyPattern

if TYPE_CHECKING:
    from lighthouse_mcp.validation.facts import CommandFact

# The files a tool runs being read now, outermost first: one is not read again within its own pieces.
READING: ContextVar[tuple[str, ...]] = ContextVar("lighthouse_run_files_reading", default=())
MAX_RUN_FILE_BYTES = 256 * 1024  # a file a tool runs, read to judge it (past that: not passed unread)
_MAX_CONFTEST_DIRS = 2000  # directories looked through for conftest.py files (a test tree, not a whole disk)
_MAX_INCLUDES = 16  # makefiles an include reads, in all
_SKIPPED_DIRS = frozenset(
    {"node_modules", "__pycache__", "site-packages", "venv", "build", "dist", "target", "vendor"}
)  # fmt: skip


@dataclass(frozen=True)
class RunFile:
    """A file a tool runs by its name: where it is, and the name that says how it is read (`Makefile` for `make -f
    build.txt`); `module` is a Python module's name, found where Python looks (`pytest -p payload`)."""

    path: str
    reader: str
    module: str | None = None


def read_on_disk(path: str) -> tuple[str | None, bool]:
    """The text of the regular file at `path` as it is now, and whether it is larger than is read (then None).
    Not there, not readable, or not a regular file (a FIFO must not hold the hook): None."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (OSError, ValueError):
        return None, False
    try:
        mode = os.fstat(descriptor).st_mode
        data = os.read(descriptor, MAX_RUN_FILE_BYTES + 1) if stat.S_ISREG(mode) else b""
    except OSError:
        return None, False
    finally:
        os.close(descriptor)
    if not stat.S_ISREG(mode):
        return None, False
    if len(data) > MAX_RUN_FILE_BYTES:
        return None, True
    return data.decode("utf-8", "replace"), False


def files_run_by(name: str, argv: list[str], cwd: str) -> list[RunFile]:
    """The files `argv` (a command `name`, run in `cwd`) runs by their name and place; [] for other commands."""
    words = argv[1:]
    if name in ("make", "gmake", "bmake", "remake"):
        return _make(words, cwd)
    if name in ("npm", "pnpm", "yarn") or (name == "bun" and _first(words) in _BUN_SCRIPTS):
        where = _option(words, ("--prefix", "-C", "--cwd", "--dir")) or "."
        return [RunFile(_at(cwd, where, "package.json"), "package.json")]
    if name in ("pytest", "py.test"):
        return _pytest(words, cwd)
    if name == "tox":
        given = _option(words, ("-c", "--conf", "--configfile"))
        names = [given] if given else ["tox.ini", "setup.cfg", "pyproject.toml"]
        return [RunFile(_at(cwd, n), posixpath.basename(n) if not given else "tox.ini") for n in names]
    if name == "nox":
        return [RunFile(_at(cwd, _option(words, ("-f", "--noxfile")) or "noxfile.py"), "noxfile.py")]
    if name == "just":
        given = _option(words, ("-f", "--justfile"))
        return [RunFile(_at(cwd, given), "justfile")] if given else _found_upwards(cwd, _JUSTFILES, "justfile")
    if name in ("invoke", "inv", "fab"):
        collection = _option(words, ("-c", "--collection")) or ("fabfile" if name == "fab" else "tasks")
        root = _option(words, ("-r", "--search-root")) or "."
        return _found_upwards(_at(cwd, root), (f"{collection}.py",), "tasks.py")
    when, named = _NAMED_FILES.get(name, (frozenset(), ()))
    if named and (when is None or _first(words) in when):
        return [RunFile(_at(cwd, n), n) for n in named]
    if name == "go" and _first(words) == "generate":
        return [RunFile(p, posixpath.basename(p)) for p in _go_files(cwd, words)]
    if name in _PYPROJECT_RUNNERS and (name == "poe" or _first(words) == "run"):
        return [RunFile(_at(cwd, "pyproject.toml"), "pyproject.toml"), RunFile(_at(cwd, "Pipfile"), "Pipfile")]
    if (name in ("pip", "pip3") or (name == "uv" and _first(words) == "pip")) and "install" in words:
        return [RunFile(_at(cwd, d, "setup.py"), "setup.py") for d in _local_projects(words)]
    if name == "cargo" and _first(words) in _CARGO_BUILDS:
        return [RunFile(_at(cwd, "build.rs"), "build.rs")]
    if name in ("honcho", "foreman") or (name == "heroku" and _first(words) == "local"):
        return [RunFile(_at(cwd, _option(words, ("-f", "--procfile")) or "Procfile"), "Procfile")]
    if name in ("nix-shell", "nix") and (name == "nix-shell" or _first(words) in ("develop", "shell")):
        return [RunFile(_at(cwd, n), n) for n in ("shell.nix", "default.nix", "flake.nix")]
    return []


_BUN_SCRIPTS = frozenset({"run", "test", "install", "i", "add", "start"})
_PYPROJECT_RUNNERS = frozenset({"poe", "pdm", "hatch", "pipenv", "rye"})
# Tools that run what files of fixed names hold: (the first words that make them run it, None for any; the files).
_NAMED_FILES: dict[str, tuple[frozenset[str] | None, tuple[str, ...]]] = {
    "rake": (None, ("Rakefile", "rakefile", "Rakefile.rb")),
    "deno": (frozenset({"task"}), ("deno.json", "deno.jsonc")),
    "direnv": (frozenset({"allow", "permit", "exec", "reload"}), (".envrc",)),
    "task": (None, ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "pyproject.toml")),  # go-task, taskipy
    "pre-commit": (frozenset({"run", "try-repo"}), (".pre-commit-config.yaml",)),
    "mise": (frozenset({"run", "r", "watch"}), ("mise.toml", ".mise.toml")),
    "lefthook": (frozenset({"run"}), ("lefthook.yml", ".lefthook.yml")),
}
_MAX_GO_FILES = 500  # Go files `go generate` is read for (a package tree, not a whole disk)
_CARGO_BUILDS = frozenset({"build", "b", "test", "t", "run", "r", "check", "c", "bench", "install", "clippy", "doc"})
_PYTEST_SETTINGS = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")
_JUSTFILES = ("justfile", "Justfile", ".justfile", "JUSTFILE")
_MAKEFILES = ("GNUmakefile", "makefile", "Makefile")


def _make(words: list[str], cwd: str) -> list[RunFile]:
    """The makefiles make reads: those `-f` names, else the first of GNUmakefile, makefile, Makefile, in the
    directory `-C` names."""
    where, files, index = cwd, [], 0
    while index < len(words):
        word, index = words[index], index + 1
        for short, long_ in (("-C", "--directory"), ("-f", "--file"), ("-f", "--makefile")):
            value = None
            if word in (short, long_) and index < len(words):
                value, index = words[index], index + 1
            elif word.startswith(long_ + "="):
                value = word.split("=", 1)[1]
            elif word.startswith(short) and len(word) > 2 and not word.startswith("--"):
                value = word[2:]
            if value is not None and short == "-C":
                where = _at(where, value)
            elif value is not None:
                files.append(value)
            if value is not None:
                break
    found = [RunFile(_at(where, f), "Makefile") for f in files]
    if any(w in ("-f", "--file", "--makefile") or w.startswith(("-f", "--file=", "--makefile=")) for w in words):
        return found
    default = next((n for n in _MAKEFILES if os.path.isfile(posixpath.join(where, n))), "Makefile")
    return [*found, RunFile(posixpath.join(where, default), "Makefile")]


def _pytest(words: list[str], cwd: str) -> list[RunFile]:
    """The conftest.py files pytest loads (in the directory it starts from and under the paths it collects, and in
    the directories between), and the plugin modules `-p NAME` names."""
    found: list[RunFile] = []
    paths: list[str] = []
    index = 0
    while index < len(words):
        word, index = words[index], index + 1
        plugin = None
        if word == "-p" and index < len(words):
            plugin, index = words[index], index + 1
        elif word.startswith("-p") and not word.startswith("--"):
            plugin = word[2:]
        elif word.startswith("--rootdir="):
            paths.append(word.split("=", 1)[1])
        elif word in ("-c", "--config-file") and index < len(words):  # settings of its own: read as pytest.ini
            found.append(RunFile(_at(cwd, words[index]), "pytest.ini"))
            index += 1
        elif (word in ("-o", "--override-ini") and index < len(words)) or word.startswith("--override-ini="):
            value = word.split("=", 1)[1] if word.startswith("--override-ini=") else words[index]
            index += 0 if word.startswith("--override-ini=") else 1
            if value.startswith("addopts="):  # `-o addopts='-p payload'`: options as if given here
                found += [f for f in _pytest(value.split("=", 1)[1].split(), cwd) if f.module]
        elif not word.startswith("-"):
            paths.append(word.split("::", 1)[0])
        if plugin and not plugin.startswith("no:"):
            found.append(RunFile(plugin, "python", module=plugin))
    starts = [_at(cwd, p) for p in paths] or [cwd]
    conftests: dict[str, None] = {}
    for start in starts:
        directory = start if os.path.isdir(start) else posixpath.dirname(start)
        between = directory
        while between.startswith(cwd) and len(between) >= len(cwd):  # the directories from cwd down to it
            conftests[posixpath.join(between, "conftest.py")] = None
            between = posixpath.dirname(between)
        for path in _conftests_under(directory):
            conftests[path] = None
    settings = [RunFile(_at(cwd, n), n) for n in _PYTEST_SETTINGS]  # `addopts = -p payload`
    return [*found, *(RunFile(p, "conftest.py") for p in conftests if os.path.isfile(p)), *settings]


def _go_files(cwd: str, words: list[str]) -> list[str]:
    """The Go files `go generate` reads: those of the packages it is given (`./...`: all under a directory), or of
    the package in `cwd`."""
    found: list[str] = []
    for package in [w for w in words[1:] if not w.startswith("-")] or ["."]:
        top = _at(cwd, package.removesuffix("...").rstrip("/") or ".")
        walk = os.walk(top) if package.endswith("...") else [next(os.walk(top), (top, [], []))]
        for seen, (root, dirs, names) in enumerate(walk, start=1):
            dirs[:] = [d for d in dirs if not d.startswith((".", "_")) and d not in _SKIPPED_DIRS]
            found += [posixpath.join(root, n) for n in names if n.endswith(".go")]
            if seen > _MAX_CONFTEST_DIRS or len(found) > _MAX_GO_FILES:
                return found[:_MAX_GO_FILES]
    return found


def _conftests_under(top: str) -> list[str]:
    """The conftest.py files under `top` that pytest would collect, looking through a bounded number of
    directories (not hidden ones, nor installed packages and build output)."""
    found = []
    for seen, (root, dirs, names) in enumerate(os.walk(top), start=1):
        if seen > _MAX_CONFTEST_DIRS:
            break
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS]
        if "conftest.py" in names:
            found.append(posixpath.join(root, "conftest.py"))
    return found


def _found_upwards(start: str, names: tuple[str, ...], reader: str) -> list[RunFile]:
    """The first of `names` in `start` or the directories above it (how just and invoke look for their file)."""
    directory = start
    for _ in range(32):
        for name in names:
            if os.path.isfile(posixpath.join(directory, name)):
                return [RunFile(posixpath.join(directory, name), reader)]
        if directory in ("/", ""):
            break
        directory = posixpath.dirname(directory)
    return []


def _local_projects(words: list[str]) -> list[str]:
    """The local directories `pip install` builds (`.`, `-e ./x`, `../lib`): a name with a slash or a dot first."""
    return [w for w in words if not w.startswith("-") and (w.startswith(("/", ".")) or "/" in w) and "://" not in w]


def _first(words: list[str]) -> str | None:
    return next((w for w in words if not w.startswith("-")), None)


def _option(words: list[str], names: tuple[str, ...]) -> str | None:
    """The value of the last of `names` given (`-C dir`, `--prefix=dir`, `-Cdir` for a short one)."""
    value = None
    for index, word in enumerate(words):
        for name in names:
            if word == name and index + 1 < len(words):
                value = words[index + 1]
            elif word.startswith(name + "="):
                value = word.split("=", 1)[1]
            elif len(name) == 2 and word.startswith(name) and len(word) > 2:
                value = word[2:]
    return value


def _at(cwd: str, *parts: str) -> str:
    return posixpath.normpath(posixpath.join(cwd, *parts))


_INCLUDE = LazyPattern(r"^(-?include|sinclude)[ \t]+([^$\n]*?)[ \t]*$", re.M)


def with_includes(text: str, directory: str, budget: list[int] | None = None) -> str:
    """A makefile's text with each file an `include` names (literally, and on disk now) put in its place, as make
    reads it; what it cannot read stays an `include` line, for the reader to judge."""
    budget = budget if budget is not None else [_MAX_INCLUDES]

    def inline(match: re.Match[str]) -> str:
        parts = []
        for name in match.group(2).split():
            budget[0] -= 1
            path = _at(directory, name)
            text_, _ = read_on_disk(path) if budget[0] >= 0 else (None, False)
            if text_ is None:
                return match.group(0)
            parts.append(with_includes(text_, posixpath.dirname(path), budget))
        return "\n".join(parts)

    return _INCLUDE.sub(inline, text)


_ADDS_WHAT_RUNS = LazyPattern(r"script|hook|\[|\$__|input|env|@", re.I)


def derived_from(fact: CommandFact) -> list[str]:
    """The files a command writes its output from, where it adds nothing that runs (`jq '.version="1.2"'
    package.json > p`: package.json with a field changed, its scripts as they were); [] for other commands."""
    if fact.name != "jq" or fact.dynamic or len(fact.positionals) < 2 or {"n", "null-input"} & fact.flags:
        return []
    program, files = fact.positionals[0], fact.positionals[1:]
    return [] if _ADDS_WHAT_RUNS.search(program) else files
