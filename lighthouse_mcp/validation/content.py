"""Code that a file write puts where something will run it: a script, a git hook, a package manifest's scripts, CI
steps, Dockerfile `RUN` lines, Makefile and justfile recipes, `.envrc`, git settings that run commands, notebooks
and source code.

`runnable_code(path, text)` finds those pieces by the file's name and kind (and a `#!` line); the validator judges
each with the same facts and rule packs as a command. An Edit's new text is a fragment, so every reader here also
accepts pieces of a file (a line of JSON, a few YAML lines).
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from typing import Any

from lighthouse_mcp.validation.files import is_git_settings
from lighthouse_mcp.validation.git_settings import git_settings
from lighthouse_mcp.validation.lazy import LazyPattern

MAX_PIECES = 200  # pieces of one write that are judged; more make the write too complex to judge


@dataclass(frozen=True)
class Runnable:
    """Code a file holds that something will run (a package script, a Dockerfile's RUN, the file itself)."""

    where: str  # what in the file it is: "scripts.postinstall", "RUN on line 4", "the file"
    language: str  # shell | python | javascript | perl | ruby | php | powershell
    source: str
    isolated: bool = False  # runs in a container or on a CI runner: its paths are not this machine's


_EXTENSIONS = {
    **dict.fromkeys((".sh", ".bash", ".zsh", ".ksh", ".command", ".bats"), "shell"),
    **dict.fromkeys((".py", ".pyw", ".pyi"), "python"),
    **dict.fromkeys((".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"), "javascript"),
    **dict.fromkeys((".rb", ".rake", ".gemspec"), "ruby"),
    **dict.fromkeys((".pl", ".pm", ".t"), "perl"),
    **dict.fromkeys((".php",), "php"),
    **dict.fromkeys((".ps1", ".psm1", ".psd1"), "powershell"),
}
# Files a shell reads at start, or a tool sources when you enter a directory.
_SHELL_FILES = frozenset(
    {
        ".envrc", ".env.sh", ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc",
        ".zshenv", ".zprofile", ".zlogin", ".kshrc", ".mkshrc", "config.fish", "PKGBUILD", "configure",
    }
)  # fmt: skip
_NAMED = {"Rakefile": "ruby", "Gemfile": "ruby", "Vagrantfile": "ruby", "Brewfile": "ruby"}
_HOOK_DIRS = (".git/hooks/", ".husky/", ".githooks/", "git-hooks/")
_INTERPRETERS = {
    **dict.fromkeys(("sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "busybox"), "shell"),
    **dict.fromkeys(("python", "python2", "python3", "pypy", "pypy3"), "python"),
    **dict.fromkeys(("node", "nodejs", "deno", "bun", "ts-node", "tsx"), "javascript"),
    "perl": "perl",
    "ruby": "ruby",
    "php": "php",
    **dict.fromkeys(("pwsh", "powershell"), "powershell"),
}
_MANIFESTS = frozenset({"package.json", "composer.json", "deno.json", "deno.jsonc", "bunfig.json"})
# YAML files whose steps run: CI pipelines, task runners, compose files and pre-commit hooks, and the keys that hold
# commands in them.
_RUN_KEYS = frozenset(
    {
        "run", "script", "scripts", "before_script", "after_script", "before_install", "install", "command",
        "commands", "cmd", "cmds", "entrypoint", "entry",
    }
)  # fmt: skip
_ARGV_KEYS = frozenset({"command", "cmd", "entrypoint"})  # a list under these is one command's words
_CI_NAMES = frozenset(
    {
        ".gitlab-ci.yml", ".travis.yml", "bitbucket-pipelines.yml", "azure-pipelines.yml", ".drone.yml",
        "cloudbuild.yaml", "cloudbuild.yml", "taskfile.yml", "taskfile.yaml", ".pre-commit-config.yaml",
        "appveyor.yml", ".appveyor.yml", "codemagic.yaml", "buildspec.yml", ".woodpecker.yml", "lefthook.yml",
        ".lefthook.yml",
    }
)  # fmt: skip
_LOCAL_TASKS = frozenset({"taskfile.yml", "taskfile.yaml", ".pre-commit-config.yaml", "lefthook.yml", ".lefthook.yml"})
_CI_DIRS = (".github/workflows/", ".github/actions/", ".circleci/", ".buildkite/", ".gitea/workflows/", ".woodpecker/")
_JSON_PAIR = LazyPattern(r'"((?:[^"\\\n]|\\.){1,200})"\s*:\s*"((?:[^"\\\n]|\\.){1,20000})"')
_YAML_RUN_LINE = LazyPattern(r"^\s*(?:-\s+)?(?:([\w-]+)\s*:\s*)?(.*)$")
_RUN_INSTRUCTION = LazyPattern(r"^\s*(RUN|CMD|ENTRYPOINT|ONBUILD\s+RUN|HEALTHCHECK\s+.*?CMD)\s+(.*)$", re.I)


def runnable_code(path: str, text: str) -> list[Runnable]:
    """The pieces of `text`, written to `path`, that something will run; [] for files nothing runs."""
    text = text.removeprefix("\ufeff")  # a byte order mark: git, Python (3.13: `.pth` files) and most tools skip it
    if not text.strip():
        return []
    reader = _reader(path)
    pieces: Iterator[Runnable]
    if reader is not None:
        pieces = reader(text)
    else:
        name = posixpath.basename(path)
        language = _language("/" + path.lstrip("/"), name, text)
        pieces = iter([Runnable("the file", language, text)] if language else [])
    return [p for _, p in zip(range(MAX_PIECES + 1), pieces, strict=False) if p.source.strip()]


_MISE_NAMES = frozenset({"mise.toml", ".mise.toml", "mise.local.toml", ".mise.local.toml"})
# Files a tool runs by their name whose content no reader here follows: build scripts, and what test runners,
# installers and environment loaders load from the working directory by themselves.
_BUILD_SCRIPTS = frozenset(
    {
        "conftest.py", "setup.py", "build.rs", "noxfile.py", "rakefile", ".envrc", "build.gradle",
        "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "pom.xml", "meson.build", "sconstruct",
        "vagrantfile", "tiltfile",
    }
)  # fmt: skip


def runs_by_name(path: str) -> bool:
    """Whether a tool runs what the file at `path` holds because of its name and place alone, without being told to
    run it (a Makefile, a package manifest, a pipeline, git's settings, a build script, a notebook)."""
    return _reader(path) is not None or posixpath.basename(path).lower() in _BUILD_SCRIPTS


def read_in_pieces(path: str) -> bool:
    """Whether a file at `path` is read piece by piece (each recipe, script, step or setting on its own)."""
    return _reader(path) is not None


def _reader(path: str) -> Callable[[str], Iterator[Runnable]] | None:
    """What finds the pieces something runs in a file at `path`, for files read by their name; None for others
    (a script is read by its first line or its suffix)."""
    lower = posixpath.basename(path).lower()
    slashed = "/" + path.lstrip("/")
    if lower in _MANIFESTS:
        return _manifest
    if lower.startswith(("dockerfile", "containerfile")) or lower.endswith((".dockerfile", ".containerfile")):
        return lambda text: _elsewhere(_dockerfile(text))
    if lower in ("makefile", "gnumakefile") or lower.endswith((".mk", ".mak", ".make")):
        return _makefile
    if lower in _INI_FILES:
        return _ini
    if lower in ("pyproject.toml", "pipfile"):
        return _toml_tasks
    if lower == "procfile" or lower.startswith("procfile."):
        return _procfile
    if lower.endswith(".nix"):
        return _nix
    if lower.endswith(".go"):
        return _go_generate
    if lower in ("tasks.py", "fabfile.py"):
        return _invoke
    if lower == "build.rs":
        return _rust_build
    if lower in ("justfile", ".justfile") or lower.endswith(".just"):
        return _justfile
    if lower == "cmakelists.txt" or lower.endswith(".cmake"):
        return _cmake
    if lower in _MISE_NAMES or slashed.endswith("/mise/config.toml"):
        return _mise
    if "/.github/workflows/" in slashed or "/.gitea/workflows/" in slashed:
        return _workflow
    if _compose(lower) or (lower in _CI_NAMES and lower not in _LOCAL_TASKS) or any(d in slashed for d in _CI_DIRS):
        return lambda text: _elsewhere(_pipeline(text))
    if lower in _LOCAL_TASKS:
        return _pipeline
    if is_git_settings(path):
        return _git_config
    if "/.git/remotes/" in slashed or "/.git/branches/" in slashed:  # git's older files for a remote, still read
        return lambda text: _legacy_remote(posixpath.basename(path), text)
    if lower.endswith(".ipynb"):
        return _notebook
    if lower.endswith(".pth"):
        return _pth
    if lower in ("go.mod", "go.work"):
        return _go_mod
    if slashed.endswith("/.vscode/tasks.json"):
        return _editor_tasks
    if lower in ("devcontainer.json", ".devcontainer.json") or "/.devcontainer/" in slashed:
        return _devcontainer
    return None


def notebook_cell(cell_type: Any, source: str) -> list[Runnable]:
    """A notebook cell a NotebookEdit writes: code cells run as Python (`!cmd` lines as shell)."""
    if cell_type not in (None, "code") or not source.strip():
        return []
    return list(_cell(source, "the cell"))


def _language(slashed: str, name: str, text: str) -> str | None:
    if text.startswith("#!"):
        line = text.split("\n", 1)[0][2:].split()
        words = line[1:] if line and posixpath.basename(line[0]) == "env" else line
        words = [w for w in words if not w.startswith("-")]
        interpreter = re.sub(r"[\d.]+$", "", posixpath.basename(words[0])) if words else ""
        found = _INTERPRETERS.get(interpreter) or _INTERPRETERS.get(posixpath.basename(words[0]) if words else "")
        if found:
            return found
    if any(d in slashed for d in _HOOK_DIRS) and "." not in name:
        return "shell"
    if name in _SHELL_FILES:
        return "shell"
    if name in _NAMED:
        return _NAMED[name]
    return _EXTENSIONS.get(posixpath.splitext(name)[1].lower())


def _manifest(text: str) -> Iterator[Runnable]:
    """A manifest's scripts (`npm install` runs `preinstall`/`postinstall`; `npm test` runs `test`…)."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for section in ("scripts", "tasks"):
            scripts = data.get(section)
            if isinstance(scripts, dict):
                for key, value in scripts.items():
                    for command in value if isinstance(value, list) else [value]:
                        if isinstance(command, str):
                            yield Runnable(f"{section}.{key}", "shell", command)
        return
    for match in _JSON_PAIR.finditer(text):  # a fragment: each "name": "value" pair could be a script
        try:
            value = json.loads(f'"{match.group(2)}"')
        except ValueError:
            value = match.group(2)
        yield Runnable(f"the value of {match.group(1)!r}", "shell", value)


def _lenient_json(text: str) -> Any:
    """JSON with comments and trailing commas, as VS Code writes it; None when it is not JSON at all."""
    stripped = re.sub(r'("(?:[^"\\]|\\.)*")|//[^\n]*|/\*.*?\*/', lambda m: m.group(1) or "", text, flags=re.S)
    try:
        return json.loads(re.sub(r",(\s*[}\]])", r"\1", stripped))
    except ValueError:
        return None


def _commands(value: Any, where: str) -> Iterator[Runnable]:
    """A command given as a string, a list of words, or an object of named commands (devcontainer's forms)."""
    if isinstance(value, str):
        yield Runnable(where, "shell", value)
    elif isinstance(value, list) and all(isinstance(w, str) for w in value):
        yield Runnable(where, "shell", shlex.join(value))
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _commands(item, f"{where}.{name}")


def _editor_tasks(text: str) -> Iterator[Runnable]:
    """VS Code's tasks (`.vscode/tasks.json`): each task's command and arguments, which the editor runs when asked,
    on opening the folder if the task says `runOn: folderOpen`."""
    data = _lenient_json(text)
    tasks = data.get("tasks") if isinstance(data, dict) else None
    for index, task in enumerate(tasks if isinstance(tasks, list) else []):
        for variant in (task, *(task.get(k) for k in ("linux", "osx", "windows"))) if isinstance(task, dict) else ():
            if isinstance(variant, dict) and isinstance(variant.get("command"), str):
                args = [a for a in variant.get("args", []) if isinstance(a, str)]
                yield Runnable(f"task {index}", "shell", " ".join([variant["command"], *map(shlex.quote, args)]))


_DEVCONTAINER_KEYS = ("initializeCommand", "onCreateCommand", "updateContentCommand", "postCreateCommand",
                      "postStartCommand", "postAttachCommand")  # fmt: skip


def _devcontainer(text: str) -> Iterator[Runnable]:
    """A dev container's lifecycle commands: `initializeCommand` runs on this machine, the others in the container."""
    data = _lenient_json(text)
    if not isinstance(data, dict):
        return
    for key in _DEVCONTAINER_KEYS:
        pieces = _commands(data.get(key), key)
        yield from pieces if key == "initializeCommand" else _elsewhere(pieces)


# CI expressions that stand for secrets (`${{ secrets.NPM_TOKEN }}`, `${{ toJSON(secrets) }}`): read as a variable
# whose name says it is one, so that sending it is judged as sending a secret.
_CI_SECRET = LazyPattern(r"\$\{\{\s*(?:toJSON\(\s*)?secrets(?:\.([\w-]+))?\s*\)?\s*\}\}", re.I)


def _elsewhere(pieces: Iterator[Runnable]) -> Iterator[Runnable]:
    for piece in pieces:
        source = _CI_SECRET.sub(lambda m: f"$SECRETS_{(m.group(1) or 'ALL').replace('-', '_')}", piece.source)
        yield Runnable(piece.where, piece.language, source, isolated=True)


def _workflow(text: str) -> Iterator[Runnable]:
    """A GitHub (or Gitea) workflow: each step's `run`, with the variables its `env:` (the step's, the job's, the
    workflow's) sets to a secret read as that secret; a job `runs-on: self-hosted` runs on a machine of the
    person's, its paths judged as this machine's; other jobs run on an isolated runner. Other commands in it are
    read as in any pipeline."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    jobs = data.get("jobs") if isinstance(data, dict) else None
    if not isinstance(jobs, dict):
        yield from _elsewhere(_pipeline(text))
        return
    outer = _env(data)
    yield from _elsewhere(_yaml_commands({k: v for k, v in data.items() if k != "jobs"}, "", 0))
    for name, job in jobs.items():
        if not isinstance(job, dict):
            continue
        local = "self-hosted" in str(job.get("runs-on", "")).lower()
        env = {**outer, **_env(job)}
        pieces = list(_yaml_commands({k: v for k, v in job.items() if k != "steps"}, f"jobs.{name}", 0))
        for index, step in enumerate(job.get("steps") or [] if isinstance(job.get("steps"), list) else []):
            if not isinstance(step, dict):
                continue
            given = {**env, **_env(step)}
            where = f"jobs.{name}.steps[{index}]"
            if isinstance(step.get("run"), str):
                pieces.append(Runnable(f"{where}.run", "shell", _with_env(step["run"], given)))
            pieces += _yaml_commands({k: v for k, v in step.items() if k != "run"}, where, 0)
        for piece in _elsewhere(iter(pieces)):
            yield dataclass_replace(piece, isolated=not local)


def _env(node: dict[Any, Any]) -> dict[str, str]:
    env = node.get("env")
    return {str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else {}


def _with_env(command: str, env: dict[str, str]) -> str:
    """`command` with each variable `env:` sets to a secret (`S: ${{ secrets.X }}`) written as that secret."""
    for name, value in env.items():
        secret = _CI_SECRET.search(value)
        if secret is not None and re.fullmatch(r"\w+", name):
            pattern = rf"\$\{{?{name}\b\}}?|\$\{{\{{\s*env\.{name}\s*\}}\}}"
            command = re.sub(pattern, secret.group(0).replace("\\", "\\\\"), command)
    return command


def _dockerfile(text: str) -> Iterator[Runnable]:
    """`RUN`, `CMD` and `ENTRYPOINT` lines, continuation lines joined, in shell or exec (JSON) form."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        number = index + 1
        line = lines[index]
        while line.rstrip().endswith("\\") and index + 1 < len(lines):
            index += 1
            line = line.rstrip()[:-1] + " " + lines[index]
        index += 1
        match = _RUN_INSTRUCTION.match(line)
        if not match:
            continue
        body = re.sub(r"^(?:--[\w-]+(?:=\S+)?\s+)+", "", match.group(2).strip())  # RUN --mount=… cmd
        if body.startswith("["):
            try:
                words = json.loads(body)
            except ValueError:
                words = None
            if isinstance(words, list) and all(isinstance(w, str) for w in words):
                body = shlex.join(words)
        yield Runnable(f"{match.group(1).split()[0].upper()} on line {number}", "shell", body)


def _makefile(text: str) -> Iterator[Runnable]:
    """What make runs from a makefile: its recipes and `$(shell …)`, with make's variables expanded as make does;
    what it works out in ways not followed here (`$(eval …)` of computed text, an `include` of a file not named as
    a makefile) is not known."""
    from lighthouse_mcp.validation.makefiles import read_makefile

    for where, language, source in read_makefile(text):
        yield Runnable(where, language, source)


_INI_FILES = frozenset({"tox.ini", "setup.cfg", "pytest.ini", ".pytest.ini"})
_INI_SECTION = LazyPattern(r"^\s*\[\s*([^\]]+?)\s*\]\s*$")
_INI_KEY = LazyPattern(r"^([\w.-]+)\s*[=:]\s*(.*)$")
_TOX_COMMANDS = frozenset({"commands", "commands_pre", "commands_post"})
_TOX_SUBSTITUTION = LazyPattern(r"\{(?:env:(\w+)(?::[^{}]*)?|([^{}]*))\}")


def _ini(text: str) -> Iterator[Runnable]:
    """tox's `commands` (each line one command, `{env:X}` the environment's X, other `{…}` what tox fills in) and
    pytest's `addopts` (`-p NAME` loads the module NAME as a plugin), in tox.ini, setup.cfg and pytest.ini."""
    section, key, number = "", "", 0
    for index, line in enumerate(text.splitlines(), start=1):
        header = _INI_SECTION.match(line)
        if header:
            section, key = header.group(1).strip().lower(), ""
            continue
        pair = _INI_KEY.match(line)
        if pair is not None:
            key, value, number = pair.group(1).lower(), pair.group(2), index
        elif line[:1] in (" ", "\t") and key:
            value = line.strip()
        else:
            key = "" if line.strip() and not line.lstrip().startswith(("#", ";")) else key
            continue
        if key in _TOX_COMMANDS and section.startswith(("testenv", "tox:")) and value.strip():
            command = _TOX_SUBSTITUTION.sub(lambda m: f"${m.group(1)}" if m.group(1) else "x", value.strip())
            yield Runnable(f"{section} {key} on line {index}", "shell", command.lstrip("-! "))
        elif key == "addopts" and section in ("pytest", "tool:pytest"):
            yield from _plugins(value.split(), number)


def _plugins(options: list[str], number: int) -> Iterator[Runnable]:
    """pytest's `-p NAME` among `options`: a module loaded as a plugin, named here but not read (`-p no:NAME` turns
    one off)."""
    words = [o.strip("'\"") for o in options]
    for index, option in enumerate(words):
        name = words[index + 1] if option == "-p" and index + 1 < len(words) else option[2:]
        if option.startswith("-p") and name and not name.startswith("no:"):
            yield Runnable(f"addopts on line {number}", "unknown", f"loads the module {name} as a pytest plugin")


def _toml_tasks(text: str) -> Iterator[Runnable]:
    """The tasks a pyproject.toml or Pipfile names, which a task runner runs (`poe x`, `pdm run x`, `hatch run x`,
    `pipenv run x`): every table named `scripts` or `tasks`, and what each task holds (a command, a list of them,
    or a table whose `cmd`, `shell`… hold them); pytest's `addopts`, and tox's `legacy_tox_ini`."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        yield from _toml_lines(text)  # a fragment: `key = "value"` lines under a task table's header
        return
    yield from _task_tables({"": data}, 0)
    addopts = _table(data, "tool", "pytest", "ini_options").get("addopts")
    if isinstance(addopts, (str, list)):
        yield from _plugins(addopts.split() if isinstance(addopts, str) else [str(a) for a in addopts], 0)
    legacy = _table(data, "tool", "tox").get("legacy_tox_ini")
    if isinstance(legacy, str):
        yield from _ini(legacy)


def _table(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """The table `names` lead to in parsed TOML, or an empty one."""
    for name in names:
        data = data.get(name) if isinstance(data.get(name), dict) else {}  # type: ignore[assignment]
    return data


_TASK_TABLES = frozenset({"scripts", "tasks"})
_TASK_COMMANDS = frozenset({"cmd", "shell", "run", "script", "composite", "sequence", "cmds"})


def _task_tables(tables: dict[str, Any], depth: int) -> Iterator[Runnable]:
    for where, table in tables.items():
        if not isinstance(table, dict) or depth > 8:
            continue
        for key, value in table.items():
            if key in _TASK_TABLES and isinstance(value, dict):
                for task, body in value.items():
                    yield from _task_commands(body, f"{where}.{key}.{task}".lstrip("."), 0)
            elif isinstance(value, dict):
                yield from _task_tables({f"{where}.{key}".lstrip("."): value}, depth + 1)


def _task_commands(body: Any, where: str, depth: int) -> Iterator[Runnable]:
    """A task's commands: a string, a list of them, or a table whose `cmd`, `shell`, `composite`… hold them."""
    if isinstance(body, str):
        yield Runnable(where, "shell", body)
    elif isinstance(body, list) and depth < 8:
        for item in body[:MAX_PIECES]:
            yield from _task_commands(item, where, depth + 1)
    elif isinstance(body, dict) and depth < 8:
        for key in sorted(_TASK_COMMANDS & body.keys()):
            yield from _task_commands(body[key], f"{where}.{key}", depth + 1)


def _toml_lines(text: str) -> Iterator[Runnable]:
    """A fragment of TOML, line by line: each `key = "value"` under a task table (or at the top) as a command."""
    for number, section, key, value in _toml_pairs(text):
        if key == "addopts":
            yield from _plugins(value.strip("'\"[] ").split(), number)
        elif not section or _TASK_TABLES & set(section.split(".")):
            yield from _toml_commands(f"{section}.{key} on line {number}", value)


def _procfile(text: str) -> Iterator[Runnable]:
    """A Procfile's processes (`web: gunicorn app:app`), which honcho, foreman and `heroku local` start."""
    for number, line in enumerate(text.splitlines(), start=1):
        name, colon, command = line.partition(":")
        if colon and re.fullmatch(r"\s*[\w-]+\s*", name) and command.strip():
            yield Runnable(f"{name.strip()} on line {number}", "shell", command.strip())


_NIX_HOOK = LazyPattern(r"\b(shellHook|preShellHook|postShellHook)\s*=\s*")
_NIX_STRING = LazyPattern(r"''(.*?)(?<!')''(?!['$\\])|\"((?:[^\"\\]|\\.)*)\"", re.S)
_NIX_INTERPOLATION = LazyPattern(r"\$\{[^{}]*\}")


def _nix(text: str) -> Iterator[Runnable]:
    """The `shellHook` a Nix shell runs on this machine as it starts (`nix-shell`, `nix develop`): a string, with
    each `${…}` a store path Nix fills in; one that is not a string here is not known."""
    for match in _NIX_HOOK.finditer(text):
        quoted = _NIX_STRING.match(text, match.end())
        where = f"{match.group(1)} on line {text.count(chr(10), 0, match.start()) + 1}"
        if quoted is None:
            yield Runnable(where, "unknown", "a value Nix works out")
            continue
        body = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        yield Runnable(where, "shell", _NIX_INTERPOLATION.sub("/nix/store/x", body.replace("''$", "$")))


def _go_generate(text: str) -> Iterator[Runnable]:
    """The commands `//go:generate` lines name, which `go generate` runs."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("//go:generate"):
            yield Runnable(f"//go:generate on line {number}", "shell", line[len("//go:generate") :].strip())


_TASK_RUN = LazyPattern(
    r"""\b\w+\.(?:run|sudo|local)\(\s*[rbuf]{0,2}(?:'''(.*?)'''|\"\"\"(.*?)\"\"\"|'([^'\n]*)'|"([^"\n]*)")""", re.S
)


def _invoke(text: str) -> Iterator[Runnable]:
    """invoke's tasks.py and fabric's fabfile.py: Python, and the shell commands its `c.run("…")`, `c.sudo("…")`
    and `c.local("…")` run (an f-string's `{…}` a word filled in as it runs)."""
    yield Runnable("the file", "python", text)
    for match in _TASK_RUN.finditer(text):
        command = next(g for g in match.groups() if g is not None)
        number = text.count("\n", 0, match.start()) + 1
        yield Runnable(f"the command on line {number}", "shell", re.sub(r"\{[^{}]*\}", "x", command))


_RUST_COMMAND = LazyPattern(r"Command::new\(\s*(\"(?:[^\"\\]|\\.)*\"|[^)]*)\)((?:\s*\.\s*args?\s*\([^;]*?\))*)")
_RUST_STRING = LazyPattern(r'"((?:[^"\\]|\\.)*)"')
_RUST_REMOVE = LazyPattern(r"\bremove_(dir_all|dir|file)\s*\(\s*\"((?:[^\"\\]|\\.)*)\"")


def _rust_build(text: str) -> Iterator[Runnable]:
    """A build script (`build.rs`), which cargo builds and runs before the crate: the programs it runs through
    `Command::new("x").arg(…)` (one named by a value it works out is not known) and the files it removes."""
    for match in _RUST_COMMAND.finditer(text):
        where = f"Command::new on line {text.count(chr(10), 0, match.start()) + 1}"
        if not match.group(1).startswith('"'):
            yield Runnable(where, "unknown", "runs a program named by a value worked out as it runs")
            continue
        words = [m.group(1) for m in _RUST_STRING.finditer(match.group(1) + match.group(2))]
        yield Runnable(where, "shell", shlex.join(words))
    for match in _RUST_REMOVE.finditer(text):
        flags = "-rf " if match.group(1) == "dir_all" else "-f "
        yield Runnable(f"remove_{match.group(1)}", "shell", f"rm {flags}{shlex.quote(match.group(2))}")


def _justfile(text: str) -> Iterator[Runnable]:
    """A justfile's recipe lines (indented under a `name:` line), with just's own prefixes and `{{…}}` taken off;
    a recipe with a `#!` line is a script of that language, and backticks run when the file is read."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1] in (" ", "\t") and line.strip() and not line.strip().startswith("#!"):
            command = re.sub(r"\{\{[^{}]*\}\}", "x", line.strip().lstrip("@-"))
            yield Runnable(f"the recipe on line {number}", "shell", command)
        for match in re.finditer(r"`([^`]+)`", line if line[:1] not in (" ", "\t") else ""):
            yield Runnable(f"a backtick on line {number}", "shell", match.group(1))


_CMAKE_CALL = re.compile(
    r"\b(execute_process|add_custom_command|add_custom_target)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)", re.I
)
_CMAKE_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|([^\s"]+)')
_CMAKE_KEYWORD = re.compile(r"[A-Z][A-Z_]{2,}")


def _cmake(text: str) -> Iterator[Runnable]:
    """The commands CMake runs when it configures (`execute_process`) or builds (`add_custom_command`,
    `add_custom_target`): each `COMMAND` up to the next keyword, its `$ENV{X}` as the shell's `$X`."""
    for call in _CMAKE_CALL.finditer(text):
        line = text.count("\n", 0, call.start()) + 1
        command: list[str] | None = None
        for token in _CMAKE_TOKEN.finditer(call.group(2)):
            quoted, bare = token.group(1), token.group(2)
            if bare is not None and bare == "COMMAND":
                if command:
                    yield Runnable(f"{call.group(1)} on line {line}", "shell", shlex.join(command))
                command = []
            elif bare is not None and _CMAKE_KEYWORD.fullmatch(bare):
                if command:
                    yield Runnable(f"{call.group(1)} on line {line}", "shell", shlex.join(command))
                command = None
            elif command is not None:
                word = quoted if quoted is not None else bare or ""
                command.append(re.sub(r"\$ENV\{(\w+)\}", r"$\1", word))
        if command:
            yield Runnable(f"{call.group(1)} on line {line}", "shell", shlex.join(command))


_TOML_SECTION = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*$")
_TOML_STRING = re.compile(r"""^\s*([\w.-]+)\s*=\s*(.+?)\s*$""")
_TOML_VALUE = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'')


def _mise(text: str) -> Iterator[Runnable]:
    """What mise runs from its settings: the hooks it runs on entering or leaving the directory (`[hooks] enter =
    "…"`) and its tasks (`[tasks.x] run = "…"`, `[tasks] x = "…"`)."""
    for number, section, key, value in _toml_pairs(text):
        if section in ("hooks", "tasks") or (section.startswith("tasks.") and key in ("run", "script")):
            yield from _toml_commands(f"{section}.{key} on line {number}", value)


def _toml_pairs(text: str) -> Iterator[tuple[int, str, str, str]]:
    """TOML read line by line: (line number, the table it is under, key, the value's text) of each `key = …`."""
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_SECTION.match(line)
        if header:
            section = header.group(1).strip().strip('"')
        elif (pair := _TOML_STRING.match(line)) is not None:
            yield number, section, pair.group(1), pair.group(2)


def _toml_commands(where: str, value: str) -> Iterator[Runnable]:
    """Each string of a TOML value (one, or an array's) as a shell command."""
    for string in _TOML_VALUE.finditer(value):
        command = string.group(1) if string.group(1) is not None else string.group(2)
        yield Runnable(where, "shell", command.replace('\\"', '"'))


def _compose(lower: str) -> bool:
    return lower.endswith((".yml", ".yaml")) and (lower.startswith(("docker-compose", "compose")))


def _pipeline(text: str) -> Iterator[Runnable]:
    """Commands in a CI pipeline or task file: the values under `run:`, `script:`, `command:` and their kind."""
    import yaml  # only pipelines need it (the hook does not import YAML otherwise)

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    if isinstance(data, (dict, list)):
        yield from _yaml_commands(data, "", 0)
        return
    yield from _yaml_lines(text)  # a fragment, or not YAML at all (Procfile, netlify.toml): read line by line


def _yaml_commands(node: Any, key: str, depth: int) -> Iterator[Runnable]:
    if depth > 32:
        return
    if isinstance(node, dict):
        for raw, value in node.items():
            name = str(raw)
            if name.lower() in _RUN_KEYS and isinstance(value, str):
                yield Runnable(f"{key}.{name}".lstrip("."), "shell", value)
            elif name.lower() in _ARGV_KEYS and isinstance(value, list) and all(isinstance(v, str) for v in value):
                yield Runnable(f"{key}.{name}".lstrip("."), "shell", shlex.join(value))
            elif name.lower() in _RUN_KEYS and isinstance(value, list):
                for item in value:
                    if isinstance(item, str):
                        yield Runnable(f"{key}.{name}".lstrip("."), "shell", item)
                    else:
                        yield from _yaml_commands(item, f"{key}.{name}", depth + 1)
            else:
                yield from _yaml_commands(value, f"{key}.{name}".lstrip("."), depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _yaml_commands(item, key, depth + 1)


def _yaml_lines(text: str) -> Iterator[Runnable]:
    """`run: cmd`, `- cmd` under a run key, and block scalars (`run: |`) read without a YAML parser."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        number, line = index + 1, lines[index]
        index += 1
        match = _YAML_RUN_LINE.match(line)
        if not match:
            continue
        key, value = (match.group(1) or "").lower(), match.group(2).strip()
        if key and key not in _RUN_KEYS:
            continue
        if value in ("|", ">", "|-", ">-", "|+", ">+"):
            indent = len(line) - len(line.lstrip())
            block = []
            while index < len(lines) and (not lines[index].strip() or _indent(lines[index]) > indent):
                block.append(lines[index].strip())
                index += 1
            yield Runnable(f"{key or 'the block'} on line {number}", "shell", "\n".join(block))
        elif value:
            yield Runnable(f"{key or 'the line'} on line {number}", "shell", value.strip("'\""))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _git_config(text: str) -> Iterator[Runnable]:
    """Each setting as the `git config key value` that would give it: git runs some of them (pagers, aliases with
    `!`, `core.fsmonitor`, `core.sshCommand`, credential helpers, `core.hooksPath`)."""
    for number, key, value in git_settings(text):
        yield Runnable(f"{key} on line {number}", "shell", shlex.join(["git", "config", key, value]))


def _legacy_remote(name: str, text: str) -> Iterator[Runnable]:
    """`.git/remotes/NAME` (`URL: …` lines) and `.git/branches/NAME` (a URL, `#branch` after it): where `git push NAME`
    goes, as the setting that would say so."""
    for number, line in enumerate(text.splitlines(), start=1):
        url = line[4:].strip() if line.startswith("URL:") else line.strip().split("#", 1)[0]
        if url and (line.startswith("URL:") or ":" in url or url.startswith("/")):
            setting = shlex.join(["git", "config", f"remote.{name}.url", url])
            yield Runnable(f"the URL on line {number}", "shell", setting)


def _pth(text: str) -> Iterator[Runnable]:
    """A `.pth` file in a site directory: Python runs each line that starts with `import` whenever it starts."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(("import ", "import\t")):
            yield Runnable(f"line {number}", "python", line)


def _go_mod(text: str) -> Iterator[Runnable]:
    """`replace OLD => NEW` directives of `go.mod` or `go.work` (one line, or in a `replace ( … )` block), as the
    `go mod edit -replace` that would make each: where the code the module builds comes from."""
    in_block = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("//", 1)[0].strip()
        if in_block and line.startswith(")"):
            in_block = False
            continue
        if line.startswith("replace"):
            rest = line[len("replace") :].strip()
            if rest.startswith("("):
                in_block, rest = True, rest[1:].strip()
            line = rest
        elif not in_block:
            continue
        old, arrow, new = line.partition("=>")
        if arrow and old.split() and new.split():
            target = "@".join(new.split()[:2])
            yield Runnable(f"replace on line {number}", "shell", shlex.join(
                ["go", "mod", "edit", "-replace", f"{old.split()[0]}={target}"]
            ))  # fmt: skip


def _notebook(text: str) -> Iterator[Runnable]:
    try:
        data = json.loads(text)
    except ValueError:
        yield Runnable("the file", "python", text)  # not JSON: judged as the code it holds
        return
    cells = data.get("cells") if isinstance(data, dict) else None
    for index, cell in enumerate(cells if isinstance(cells, list) else []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source")
        source = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else source
        if isinstance(source, str):
            yield from _cell(source, f"cell {index + 1}")


def _cell(source: str, where: str) -> Iterator[Runnable]:
    """A code cell: IPython's `!cmd` and `%%bash` lines are shell, the rest Python."""
    shell = [line.lstrip()[1:] for line in source.splitlines() if line.lstrip().startswith("!")]
    if source.lstrip().startswith(("%%bash", "%%sh", "%%script")):
        yield Runnable(where, "shell", source.split("\n", 1)[1] if "\n" in source else "")
        return
    if shell:
        yield Runnable(f"{where} (! lines)", "shell", "\n".join(shell))
    python = "\n".join(
        "" if line.lstrip().startswith(("!", "%")) else line for line in source.splitlines()
    )  # magics are not Python
    yield Runnable(where, "python", python)
