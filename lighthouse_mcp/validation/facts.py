"""From a command line to facts: every simple command it would run (through wrappers, nested shells, `eval`,
substitutions and interpreter one-liners), its flags, the paths it touches and how, and the data flows between
commands (downloaded code executed, a secret sent to the network…).

Unreadable input is itself a fact (`unparsed`), never an exception.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fnmatch
import glob as globlib
import hashlib
import json
import os
import posixpath
import re
import shlex
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from lighthouse_mcp.validation import files
from lighthouse_mcp.validation.awk import awk_commands, awk_writes
from lighthouse_mcp.validation.commands import (
    AWKS,
    CASE_INSENSITIVE,
    CMAKE_TOOLS,
    DATA_ONLY,
    DATABASE_FILE_FIRST,
    DECODERS,
    DOWNLOADERS,
    EDITOR_COMMANDS,
    ENV_DUMPERS,
    EXEC_OPTIONS,
    FILE_OPTIONS,
    GIT_PATH_WRITES,
    GIT_RUNS,
    IN_PLACE,
    INTERPRETERS,
    INTO_OPTIONS,
    KNOWN_COMMANDS,
    LITERAL_PRINTERS,
    LOADING_VARIABLES,
    LOOKUP_OPTIONS,
    MODELLED,
    MODULE_COMMANDS,
    NETWORK_SENDERS,
    NO_PATH_ARGS,
    NON_PATH_FIRST,
    OPTION_VARIABLES,
    READS_ONLY,
    RUNNING_VARIABLES,
    RUNS_ITS_INPUT,
    SCHEDULERS,
    SCRIPT_OPTIONS,
    SEARCHERS,
    SHELLS,
    SOCKET_TOOLS,
    STDIN_EXECUTORS,
    SUBCOMMAND_TOOLS,
    SUBCOMMAND_WRAPPERS,
    TAKES_AWAY,
    VALUE_OPTIONS,
    WORD_OPTIONS,
    WRAPPERS,
    WRITE_OPTIONS,
    path_access,
    reads_stdin,
    reads_tree,
)
from lighthouse_mcp.validation.files import (
    GUARDED_NAMES,
    Context,
    PathFact,
    classify,
    holds_secrets,
    is_git_settings,
)
from lighthouse_mcp.validation.git_settings import git_settings
from lighthouse_mcp.validation.git_state import global_options, guard_changes
from lighthouse_mcp.validation.lazy import LazyPattern
from lighthouse_mcp.validation.patch import CODEX_FLAG as CODEX_PATCH_FLAG
from lighthouse_mcp.validation.patch import MAX_OPERATIONS as MAX_PATCH_FILES
from lighthouse_mcp.validation.patch import PROGRAMS as PATCH_PROGRAMS
from lighthouse_mcp.validation.patch import read_patch
from lighthouse_mcp.validation.remotes import REMOTE_URL_KEY, new_place, new_rewrite
from lighthouse_mcp.validation.run_files import derived_from, read_on_disk
from lighthouse_mcp.validation.secret_names import secret_name
from lighthouse_mcp.validation.shell import (
    Command,
    Compound,
    Pipeline,
    Redirect,
    Script,
    ShellSyntaxError,
    ShellTooComplex,
    Simple,
    Word,
    embedded_scripts,
    parse,
)

if TYPE_CHECKING:
    from lighthouse_mcp.validation.code_actions import Action
    from lighthouse_mcp.validation.content import Runnable

MAX_COMMANDS = 500
MAX_WRITTEN_BYTES = 256 * 1024  # code a write puts in a file, judged up to this size (larger asks)
MAX_WRITTEN_COMMANDS = 1000  # commands judged in the code of one write (more ask): bounds the time it takes
MAX_NESTING = 12
_MAX_RUN_FILES_DEEP = 4  # files a tool runs, read within the pieces of others that run now (`make` → `make -C sub`)
MAX_SCRIPT_BYTES = 256 * 1024  # a script on disk read to judge running it (past that: not passed unread)
MAX_LOOP_ITEMS = 4
_URL = LazyPattern(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
# A URL or an IP address (not a version: `==1.2.3.4`).
_NAMES_SOURCE = LazyPattern(r"[a-z][\w+.-]*://|(?<![\w.=<>~^!-])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
_URL_IN_TEXT = LazyPattern(r"\b(?:https?|ftps?|s3|gs)://")
_REMOTE_PATH = LazyPattern(r"^(?:[\w.-]+@)?[\w.-]+:(?!//)")
_SUBSTRING = LazyPattern(r"\$\{[A-Za-z_][A-Za-z0-9_]*:-?\d+(?::\d+)?\}")
_ARRAY = LazyPattern(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\[[@*]\]\}")
_DOTFILE = LazyPattern(r"^\.[\w.-]+(/[\w.-]+)*$")  # .env, .aws/credentials
_NUMBER = LazyPattern(r"^[+-]?\d+(\.\d+)?[a-zA-Z%]{0,3}$")
_AWK_COMMAND = LazyPattern(
    r'system\s*\(\s*"((?:[^"\\]|\\.){1,4000})"|\|\s*"((?:[^"\\]|\\.){1,4000})"|"((?:[^"\\]|\\.){1,4000})"\s*\|\s*getline'
)
_AWK_READS = LazyPattern(r'getline\s*(?:\w+\s*)?<\s*"([^"]+)"')  # `getline line < "file"`
_AWK_BUILT_COMMAND = LazyPattern(r'\bsystem\s*\(\s*(?!["\s)])')  # `system(s)`: a command known as it runs
_AWK_PRINT_TO_SHELL = LazyPattern(
    r'print(?:f)?\s*\(?\s*"((?:[^"\\]|\\.){1,4000})"\s*\)?\s*\|\s*"(?:/bin/|/usr/bin/)?(?:ba|da|z|k)?sh"'
)
# Builtins that run the command their `-C` option gives (for each line read, for each completion).
_CALLBACKS = frozenset({"mapfile", "readarray", "compgen", "complete"})
# Builtins that evaluate the names or expressions they are given, array subscripts included (`a[$(cmd)]`).
_EVALUATE_NAMES = frozenset(
    {"printf", "unset", "let", "read", "mapfile", "readarray", "test", "[", "wait"}
    | {"declare", "typeset", "local", "export", "readonly"}
)
# sed's `e` with nothing after it, and the `e` flag of `s`: the pattern space (what sed read) runs as a command.
_SED_RUNS_INPUT = LazyPattern(
    r"(?:^|[;\n{}])\s*(?:\d+|\$|/(?:[^/\\]|\\.)*/)?\s*e\s*(?:$|[;\n}])|(?:^|[;\n{}])\s*(?:\d+|\$|/(?:[^/\\]|\\.)*/)?\s*"
    r"s(.)(?:(?!\1).|\\.)*\1(?:(?!\1).|\\.)*\1[gpiImM0-9w]*e"
)
_SED_COMMAND = LazyPattern(r"(?m)(?:^|[;{}])\s*(?:\d+|\$|/(?:[^/\\]|\\.)*/)?\s*e[ \t]+([^;\n}]+)")
# An awk program that hands what it reads to a shell: `system(` of anything but a string, a pipe to a shell.
_AWK_RUNS_INPUT = LazyPattern(r'system\s*\(\s*[^"\s)]|\|\s*"(?:/bin/|/usr/bin/)?(?:ba|da|z|k)?sh"(?!\s*\))')
# Options whose value is a command the program runs, by program.
_COMMAND_OPTIONS = {"rsync": ("-e", "--rsh"), "zip": ("-TT", "--unzip-command"), "parallel": ("--ssh",)}
_ELISP_SHELL = LazyPattern(
    r'\(\s*(?:async-)?shell-command(?:-to-string)?\s+"((?:[^"\\]|\\.){1,4000})"'
    r'|\(\s*(?:call|start)-process(?:-shell-command)?\s+"[^"]*"\s+(?:nil|"[^"]*")\s+"((?:[^"\\]|\\.){1,4000})"'
)
_PSQL_SHELL = LazyPattern(r"(?m)^\s*(?:\\!|system\s)\s*(.+)$")  # psql's and mysql's `\! CMD`, mysql's `system CMD`
_SQLITE_SHELL = LazyPattern(r"(?m)^\s*\.(?:shell|system)\s+(.+)$")
_TAR_BUNDLE = LazyPattern(r"[bCfgGhiIjJkKlLmMnNoOpPRsSTvVwWXzZ]*[Acdrtux][AbcCdfgGhiIjJkKlLmMnNoOpPrRsStTuvVwWxXzZ]*")
_URL_REWRITE_KEY = LazyPattern(r"url\..+\.(?:insteadof|pushinsteadof)", re.I)  # rewrites every remote's URL
_TOOL_PLACEHOLDER = LazyPattern(r'"?\$\{?(?:LOCAL|REMOTE|MERGED|BASE|BASE_NAME|MERGE_RESULT)\}?"?')
_SUBMODULE_URL = LazyPattern(r"submodule\..+\.url")  # where a submodule's code comes from
# settings whose value is where pushes go: a remote's URL, or a URL as the remote of a branch or of every push
_POINTS_AT = LazyPattern(r"remote\..+\.(?:url|pushurl)|branch\..+\.(?:remote|pushremote)|remote\.pushdefault")
_OPTION_ASSIGN = LazyPattern(r"^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Access:
    """A path a command reads, writes, deletes or executes."""

    path: PathFact
    access: str  # read | write | delete | exec
    command: str

    def to_json(self) -> dict[str, Any]:
        return {**self.path.to_json(), "access": self.access, "command": self.command}


@dataclass
class CommandFact:
    """One simple command as it would run, after wrappers are unwrapped."""

    name: str
    argv: list[str]
    flags: frozenset[str]
    positionals: list[str]
    options: dict[str, str]
    targets: list[Access]
    via: tuple[str, ...] = ()
    dynamic: bool = False
    sudo: bool = False
    stdin: str | None = None  # literal text a heredoc or here-string feeds it
    replace: str | None = None  # run by `xargs -I STR`: where each input line goes in its arguments
    shown: str | None = None  # the command as given, when this one stands for it (`find … -delete` as `rm`)
    earlier_options: list[tuple[str, str]] = field(default_factory=list)  # values of options given again later

    @property
    def subcommand(self) -> str | None:
        return self.positionals[0] if self.name in SUBCOMMAND_TOOLS and self.positionals else None

    @property
    def text(self) -> str:
        return shlex.join(self.argv) if self.argv else self.name

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "argv": self.argv,
            "flags": sorted(self.flags),
            "options": self.options,
            "via": list(self.via),
            "sudo": self.sudo,
            "dynamic": self.dynamic,
            "targets": [t.to_json() for t in self.targets],
        }


@dataclass
class Facts:
    """Everything known about one request."""

    tool: str
    commands: list[CommandFact] = field(default_factory=list)
    flows: dict[str, str] = field(default_factory=dict)  # kind -> what shows it
    accesses: list[Access] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # unparsed / too-large / too-deep / too-many -> detail
    runs_later: list[tuple[str, Facts]] = field(default_factory=list)  # code a write puts where it will run
    volatile: bool = False  # judged by what is on disk now (a script, the repository): not a decision to reuse

    def flow(self, kind: str, detail: str) -> None:
        self.flows.setdefault(kind, detail)

    def digest(self) -> str:
        data = {
            "tool": self.tool,
            "commands": [c.to_json() for c in self.commands],
            "flows": self.flows,
            "accesses": [a.to_json() for a in self.accesses],
            "problems": self.problems,
            "runs_later": [(where, inner.digest()) for where, inner in self.runs_later],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "commands": [c.to_json() for c in self.commands],
            "flows": self.flows,
            "accesses": [a.to_json() for a in self.accesses],
            "urls": self.urls,
            "problems": self.problems,
        }


def facts_from_command(command: str, ctx: Context, *, max_bytes: int = 65_536) -> Facts:
    """Facts for a shell command line run in `ctx`."""
    facts = Facts("Bash")
    size = len(command.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        facts.problems["too-large"] = f"the command is {size} bytes, over the {max_bytes}-byte limit for analysis"
        return facts
    _Extractor(facts, ctx).run(command, via=(), depth=0)
    if facts.urls:
        _url_flows(facts)
    _stops_the_guard(facts)
    return facts


def _stops_the_guard(facts: Facts) -> None:
    """A command line that kills processes and names Lighthouse anywhere (`kill $(pgrep -f lighthouse)`, `ps … | grep
    '[l]ighthouse' | … | xargs kill`, `fuser -k .lighthouse/hook.sock`) stops Lighthouse's own processes."""
    killers = [c for c in facts.commands if c.name in _KILLERS or (c.name == "fuser" and "k" in c.flags)]
    if killers and any(_GUARD_NAME.search(c.text.replace("[", "").replace("]", "")) for c in facts.commands):
        facts.flow("guard-stopped", f"{killers[0].text[:80]} stops Lighthouse's processes")


def _url_flows(facts: Facts) -> None:
    """A URL's host as it would be reached, and a secret a URL would carry off."""
    from lighthouse_mcp.validation.links import canonical_url, url_payload  # links → secrets → packs → facts

    for url in list(facts.urls):  # a host as it would be reached, and a secret a URL would carry off
        canonical = canonical_url(url)
        if canonical not in facts.urls:
            facts.urls.append(canonical)
        carried = url_payload(canonical)
        if carried is not None and carried[1]:
            facts.flow("secret-in-command-url", f"{carried[0]} to {urlsplit(canonical).hostname}")


def code_written(
    facts: Facts, written_to: PathFact, ctx: Context, pieces: Sequence[Runnable], *, now: bool = False
) -> None:
    """The code a write puts where something will run it (`pieces` of the file `written_to`, as the write's access
    classified it), as the facts of running it there: by a write tool, a patch, or a shell's `> file`; `now`: the
    code of a file on disk a tool runs now, whose paths are those of the tree as it is (files it runs are read)."""
    from lighthouse_mcp.validation.code_actions import python_may_act  # only writes need these
    from lighthouse_mcp.validation.content import MAX_PIECES

    if len(pieces) > MAX_PIECES:
        facts.flow("code-too-large", f"{written_to.raw} holds more than {MAX_PIECES} pieces of code that would run")
    name = posixpath.basename(written_to.raw)
    # It runs later, on a tree that may have changed by then: paths are judged as written, links not followed.
    where = dataclass_replace(ctx.with_cwd(posixpath.dirname(written_to.path) or "/"), lexical=not now)
    judged = 0
    for piece in pieces[:MAX_PIECES]:
        if piece.language == "unknown":  # what the file does that its reader cannot follow
            facts.problems.setdefault("unresolved", f"{piece.where} of {name} {piece.source}, not known here")
            continue
        if piece.language == "python" and not python_may_act(piece.source):
            continue
        inner = facts_from_code(piece.language, piece.source, where, max_bytes=MAX_WRITTEN_BYTES)
        judged += len(inner.commands)
        too_much = [inner.problems[p] for p in ("too-large", "too-many", "too-deep") if p in inner.problems]
        if too_much or judged > MAX_WRITTEN_COMMANDS:
            reason = too_much[0] if too_much else f"more than {MAX_WRITTEN_COMMANDS} commands in all"
            facts.flow("code-too-large", f"{piece.where} of {name}: {reason}")
        inner.problems.clear()  # a fragment of code need not parse; only what it plainly does counts
        if piece.isolated:  # in a container or on a CI runner: judged by what flows (downloads run, secrets sent,
            inner.accesses.clear()  # shells on sockets), not by the paths and system commands of that machine
            inner.commands.clear()
        facts.runs_later.append((f"{piece.where} of {name}", inner))
        if judged > MAX_WRITTEN_COMMANDS:
            break


def sql_command(sql: str, tool: str) -> CommandFact:
    """SQL another tool runs, as a command of its own (`sql`) that the database rules judge like `psql -c`."""
    return CommandFact("sql", ["sql", sql], frozenset(), [sql], {}, [], via=(tool,))


def facts_from_sql(sql: str, ctx: Context, *, max_bytes: int = 65_536) -> Facts:
    """What SQL another tool runs does besides its statements (which `sql_command` gives the database rules), as
    `psql -c SQL` is judged: what a client's meta-commands in it run (`\\! cmd`, `.shell cmd`), what a command line
    in it may run, and what its statements do beyond the database (the programs the server runs, its files)."""
    facts = Facts("Bash")
    size = len(sql.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        facts.problems["too-large"] = f"the SQL is {size} bytes, over the {max_bytes}-byte limit for analysis"
        return facts
    extractor = _Extractor(facts, ctx)
    extractor.executed_text("sql", sql, (), 0)
    extractor.may_run("sql", sql, (), 0)
    return facts


def facts_from_code(language: str, source: str, ctx: Context, *, max_bytes: int = 65_536, whole: bool = False) -> Facts:
    """Facts for a program in `language` (shell, python, javascript, perl, ruby, php, powershell) run in `ctx`, by
    what it does itself; `whole`: as its interpreter given it on the command line there (`python3 -c CODE`), which
    also reads the project modules it imports, the files it names and the commands its strings hold."""
    if language == "shell":
        return facts_from_command(source, ctx, max_bytes=max_bytes)
    from lighthouse_mcp.validation import code_actions

    facts = Facts("Bash")
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        facts.problems["too-large"] = f"the code is {size} bytes, over the {max_bytes}-byte limit for analysis"
        return facts
    interpreter = _LANGUAGE_INTERPRETER.get(language)
    if whole and interpreter is not None:
        _Extractor(facts, ctx).code(interpreter, source, (interpreter,), 0)
        return facts
    actions = code_actions.actions_for(language, source)
    if actions is None:
        facts.problems["unparsed"] = f"code that is not valid {language}"
    else:
        _Extractor(facts, ctx).apply_actions(actions, (language,), 0)
    return facts


_UNPACKERS = frozenset({"tar", "bsdtar", "unzip", "zipfile", "patch", "git"})  # what `unpacked.unpack_plan` reads
_LANGUAGE_INTERPRETER = {
    "python": "python3", "javascript": "node", "perl": "perl", "ruby": "ruby", "php": "php", "powershell": "pwsh"
}  # fmt: skip


@dataclass
class _Stage:
    """What ran in one stage of a pipeline (or one substitution): its commands, nested ones included, in the order
    they ran; what they accessed; what they took in besides files (`_Extractor.carried`)."""

    commands: list[CommandFact]
    accesses: list[Access]
    carried: list[tuple[str, str]]
    label: str = "a stage that runs no command"  # what it is called in messages when no command ran in it

    def add(self, stage: _Stage) -> None:
        """Take in what ran in `stage`, a stage after those this one holds."""
        self.commands += stage.commands
        self.accesses += stage.accesses
        self.carried += stage.carried

    @property
    def name(self) -> str:
        """The stage's command, for messages (the first that ran in it)."""
        return self.commands[0].name if self.commands else self.label

    def secret(self) -> tuple[str, str] | None:
        """What secret the stage may print, as (flow, what): a secret file read, the environment, a secret
        variable's value (by a printer's arguments or by program code); None when it prints none."""
        if any(a.access == "read" and "secret" in a.path.classes for a in self.accesses):
            return "secret-to-network", "a secret file"
        tainted = next(((kind, what) for kind, what in self.carried if kind.endswith("-to-network")), None)
        if tainted is not None:  # a file written from a secret earlier in the command (`_Extractor.secret_files`)
            return tainted
        config = next((a for a in self.accesses if a.access == "read" and "config" in a.path.classes), None)
        if config is not None:
            return "config-to-network", f"{config.path.raw}, a configuration file"
        if any(_dumps_environment(c) for c in self.commands):
            return "secret-to-network", "the environment"
        environment = next((what for kind, what in self.carried if kind == "environment"), None)
        if environment is not None:
            return "secret-to-network", environment
        printed = [v for c in self.commands if c.name in LITERAL_PRINTERS for v in _secret_variables(c.argv[1:])]
        if printed:
            return "secret-variable-to-network", f"${printed[0]}"
        variable = next((what for kind, what in self.carried if kind == "secret-variable"), None)
        if variable is not None:
            return "secret-variable-to-network", variable
        return None

    def download(self) -> str | None:
        """What in the stage downloads what it prints (a downloader, program code that fetches), if anything."""
        downloader = next((c.name for c in self.commands if c.name in DOWNLOADERS), None)
        if downloader is not None:
            return downloader
        return next((what for kind, what in self.carried if kind == "download"), None)


class _Extractor:
    def __init__(self, facts: Facts, ctx: Context) -> None:
        self.facts = facts
        self.ctx: Context | None = ctx  # None once the working directory is unknown (`cd "$X"`)
        self.base = ctx
        self.env: dict[str, str | None] = {"HOME": ctx.home, "PWD": ctx.cwd, "USER": posixpath.basename(ctx.home)}
        if ctx.tmpdir:
            self.env["TMPDIR"] = ctx.tmpdir
        self.remotes: dict[str, str] = {}  # git remotes added in this script
        self.repointed: set[str] = set()  # existing remotes pointed elsewhere in it (`*`: every URL rewritten)
        self.secret_files: dict[str, tuple[str, str]] = {}  # files written from a secret in it: (flow, what)
        self.downloaded: list[Word] = []  # words whose value comes from a download (`$(curl …)`, `<(wget …)`)
        self.secret_words: list[Word] = []  # words whose value comes from reading a secret (`$(cat ~/.ssh/id)`)
        self.downloaded_files: set[str] = set()  # files a downloader wrote (`curl -o x.sh`)
        self.derived: dict[str, list[str]] = {}  # files written from others with nothing added that runs
        self.placed: set[str] = set()  # files a tool runs by name, put in place here and judged by their source
        self.git_config: dict[str, str] = {}  # settings `git config KEY VALUE` made earlier in this command
        self.located: dict[str, str] = {}  # variables set from a command's output (`p=$(…)`): that command
        self.sourced_files: set[str] = set()  # files written by a command naming a URL or an IP address
        self.url_commands: list[str] = []  # commands given a URL, which may write what it holds to a file they name
        self.downloaded_trees: dict[str, str] = {}  # directories filled from the network: path -> from where
        self.archives: set[str] = set()  # archives of trees an earlier command made (`tar czf /tmp/s.tgz .`)
        self.written: dict[str, str] = {}  # files written with known text in this command (`echo … > x.sh`)
        self.modules: set[str] = set()  # the project's program files read for this command (each read once)
        self.module_dir: str | None = None  # the directory of the program file being read (its imports' base)
        self.prefix: dict[str, str] = {}  # the assignments before the command being read (`VAR=… git …`)
        self.arrays: dict[str, list[str] | None] = {}  # arrays assigned in this command (None: items unknown)
        self.aliases: dict[str, str] = {}  # aliases defined in this command (`alias x='rm -rf'`)
        self.programs: dict[str, str] = {}  # copies of programs made in this command, by path: the program
        self.links: dict[str, str] = {}  # symlinks made in this command (`ln -s target link`): link -> target
        self.moved: dict[str, str] = {}  # what `mv` moved in this command: where it is now -> where it was
        self.cd_searches = False  # CDPATH or cdable_vars set in this command: `cd x` may go anywhere
        # What commands took in besides files (program code reading the environment or a secret variable or
        # fetching, a here-document expanding a secret variable), which what they print may carry: (kind, what)
        self.carried: list[tuple[str, str]] = []
        self.functions: dict[str, Script] = {}  # shell functions defined in this command, by name
        self.descriptors: dict[int, _Stage] = {}  # file descriptors opened on a command's output (`exec 3< <(…)`)

    # -- entry points ----------------------------------------------------------------------------------------

    def run(self, text: str, via: tuple[str, ...], depth: int) -> None:
        """Parse `text` as shell and extract from it; a parse failure is recorded, not raised."""
        if depth > MAX_NESTING:
            self.facts.problems.setdefault("too-deep", "commands nested too deeply to analyse")
            return
        try:
            script = parse(text)
        except ShellTooComplex as exc:
            self.facts.problems.setdefault("too-many", str(exc))
            return
        except ShellSyntaxError as exc:
            where = f" (inside {' → '.join(via)})" if via else ""
            self.facts.problems.setdefault("unparsed", f"{exc}{where}")
            self.line_by_line(text, via, depth)
            return
        except RecursionError:
            self.facts.problems.setdefault("too-deep", "commands nested too deeply to analyse")
            return
        self.script(script, via, depth)

    def line_by_line(self, text: str, via: tuple[str, ...], depth: int) -> None:
        """A script that does not parse as a whole still runs up to its error (a shell reads and runs it command by
        command): each of its lines that parses alone is judged too, so a broken last line hides nothing."""
        lines = text.splitlines()
        if len(lines) < 2:
            return
        for line in lines[:MAX_COMMANDS]:
            try:
                self.script(parse(line), via, depth)
            except (ShellSyntaxError, ShellTooComplex, RecursionError):
                continue

    def script(self, script: Script, via: tuple[str, ...], depth: int) -> None:
        for pipeline in script.pipelines:
            self.pipeline(pipeline, via, depth)

    def pipeline(self, pipeline: Pipeline, via: tuple[str, ...], depth: int) -> None:
        stages: list[CommandFact | None] = []
        insides: list[_Stage] = []
        for command in pipeline.commands:
            mark = self.mark()
            stages.append(self.command(command, via, depth))
            insides.append(self.since(mark))
        if len(stages) > 1:
            self.pipeline_flows(stages, insides, via, depth)

    def mark(self) -> tuple[int, int, int]:
        return len(self.facts.commands), len(self.facts.accesses), len(self.carried)

    def since(self, mark: tuple[int, int, int]) -> _Stage:
        """Everything that ran since `mark`: the commands (nested ones too), what they accessed, what code read."""
        commands, accesses, reads = mark
        return _Stage(self.facts.commands[commands:], self.facts.accesses[accesses:], self.carried[reads:])

    def command(self, command: Command, via: tuple[str, ...], depth: int) -> CommandFact | None:
        if len(self.facts.commands) >= MAX_COMMANDS:
            self.facts.problems.setdefault("too-many", f"more than {MAX_COMMANDS} commands to analyse")
            return None
        if isinstance(command, Compound):
            self.compound(command, via, depth)
            return None
        return self.simple(command, via, depth)

    def compound(self, command: Compound, via: tuple[str, ...], depth: int) -> None:
        if command.kind == "function" and command.words:
            name = command.words[0].text
            if _calls(command.body, name):
                self.facts.flow("fork-bomb", f"function {name} calls itself")
            self.functions[name] = command.body
            command = Compound(command.kind, command.body, command.redirects, [])
        for word in command.words:
            self.word_substitutions(word, via, depth)
            if command.kind == "test":  # `[[ -v 'a[$(cmd)]' ]]`: a subscript is evaluated
                self.stored_code("[[", word.literal, via, depth)
        fed, _ = self.redirected_input(command.redirects, via, depth)  # `while …; done < <(grep -r … ~)` first
        looped_secret = command.kind == "for" and any(w in self.secret_words for w in command.words)
        before = len(self.facts.commands)
        mark = self.mark()
        if command.kind == "subshell":  # changes of directory and variables stay inside
            saved = (self.ctx, dict(self.env))
            self.script(command.body, via, depth)
            self.ctx, self.env = saved[0], saved[1]
        elif command.kind == "for" and command.variable:
            # The body runs with the variable set to each item (a few of them): `for f in .x/*; do : > "$f"; done`
            values = [self.expand_word(w) for w in command.words[:MAX_LOOP_ITEMS]] or [("", True)]
            for value, unknown in values:
                self.env[command.variable] = None if unknown else value
                self.script(command.body, via, depth)
        else:
            self.script(command.body, via, depth)
        inside = self.facts.commands[before:]
        sender = next((c for c in inside if _sends(c)), None) if looped_secret else None
        if sender is not None:  # `for l in $(cat ~/.ssh/id_rsa); do curl -d "$l" …`: what the loop reads is a secret
            self.facts.flow("secret-to-network", f"{sender.name} in a {command.kind} that reads a secret's output")
        for redirect in command.redirects:
            access = self.redirect_access(redirect.op, redirect.target, "(" + command.kind + ")", shell_like=False)
            if access is not None and redirect.op == "<":  # `{ sh; } < x.sh` runs x.sh as `sh < x.sh` does
                for reader in inside:
                    if _runs_its_input(reader):
                        self.access(access.path.raw, "exec", reader.name, False, depth=depth)
                fed.append((_Stage([], [access], [], label=access.path.raw), True))
            elif access is not None and access.access == "write":  # `{ env; } > e.txt`: written from what ran
                self.taint_written([access.path], self.since(mark).secret())
        self.feed(inside, fed, via, depth)  # every command in the body reads the input the whole command is given

    # -- simple commands -------------------------------------------------------------------------------------

    def simple(self, command: Simple, via: tuple[str, ...], depth: int) -> CommandFact | None:
        for word in command.words:
            self.word_substitutions(word, via, depth)
        for _, value in command.assignments:
            self.word_substitutions(value, via, depth)
        fed, outputs = self.redirected_input(command.redirects, via, depth)
        mark = self.mark()

        self.prefix = {}
        for name, value in command.assignments:  # LESSOPEN='|cmd' less, GIT_SSH_COMMAND=… git fetch
            self.stored_code(name, value.literal, via, depth)
            self.cd_searches = self.cd_searches or name == "CDPATH"
            self.prefix[name] = self.expand_word(value)[0]
            self.assigned(name, self.prefix[name], via, depth)
        argv, dynamic = self.expand(command.words)
        if not argv:
            for name, value in command.assignments:
                text, unknown = self.expand_word(value)
                self.env[name] = text if not unknown else _Possible(text) if _defaults_only(value, self.env) else None
                self.located[name] = " ".join(p.value for p in value.parts if p.kind == "cmd")
                if text.startswith("(") and text.endswith(")"):  # a=(rm -rf ~): an array of words
                    self.arrays[name] = None if unknown else self.array_items(text[1:-1], via, depth)
            for redirect in command.redirects:  # `> file` alone truncates it; `$(<file)` reads it
                self.redirect_access(redirect.op, redirect.target, "(redirect)", shell_like=False)
            return None

        argv, dynamic = self.defined(argv, dynamic, via, depth)
        stdin = next((r.body for r in command.redirects if r.op in ("<<", "<<-", "<<<") and r.body is not None), None)
        fact = self.unwrap(argv, dynamic, via, depth)
        if fact is None:
            return None
        fact.stdin = stdin
        if stdin and (fact.name in RUNS_ITS_INPUT or fact.name not in MODELLED):  # `vim -es <<EOF`, `sqlite3 <<<`
            self.may_run(fact.name, stdin, via, depth)
        self.text_it_may_run(fact, via, depth)
        self.redirected(fact, command.redirects, stdin, depth)
        self.tree_changes(fact, command.redirects)
        self.files_it_runs(fact, depth)
        self.feed([fact], fed, via, depth)
        for stage in outputs:
            own = self.since(mark)
            for reader in stage.commands:
                self.piped_into(reader, own, [fact], _literal_output([fact]), fact.name, via, depth)
        self.command_flows(fact)
        self.written_from_secret(fact, self.since(mark), command.words)
        if _from_url(fact):  # for the commands after it (what runs inside it names what it reads from its own text)
            self.url_commands.append(fact.text)
        if any(w in self.downloaded for w in command.words) and (
            fact.name in SHELLS or fact.name in ("eval", "source", ".") or fact.name in INTERPRETERS
        ):
            self.facts.flow("remote-code", f"{fact.name} runs the output of a download")
        if fact.name in NETWORK_SENDERS and any(w in self.secret_words for w in command.words):
            self.facts.flow("secret-to-network", f"{fact.name} sends the output of a secret read")
        if fact.name in LITERAL_PRINTERS:
            names = [p.value for w in command.words for p in w.parts if p.kind == "var" and secret_name(p.value)]
            if names:
                self.facts.flow("secret-env-read", f"{fact.name} prints ${names[0]}")
        self.builtin_state(fact, depth)
        if stdin is not None and _runs_its_input(fact):
            self.executed_text(fact.name, stdin, (*via, f"{fact.name} <<"), depth)
        return fact

    @contextlib.contextmanager
    def positional(self, values: list[str]) -> Iterator[None]:
        """The positional parameters ($0, $1, … $9, $@, $*) set to `values` while a script or function body is
        read; those not given stay unknown. A value the shell fills in at run time is unknown there too, except a
        secret variable's, which stays the word as written (`f "$TOKEN"`: `curl -d "$1"` sends $TOKEN)."""
        names = [str(i) for i in range(10)] + ["@", "*"]
        saved = {name: self.env.get(name, _UNSET) for name in names}
        known = [None if ("$" in v or "`" in v) and not _secret_variables([v]) else v for v in values]
        for index in range(10):  # one not given is left unknown, as it is outside (`bash -c 'rm -rf "$1"'`)
            self.env[str(index)] = known[index] if index < len(known) else None
        # `"$@"` is one word per parameter, which a variable's one value cannot say: known for none or one
        self.env["@"] = self.env["*"] = "" if len(known) < 2 else known[1] if len(known) == 2 else None
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is _UNSET:
                    self.env.pop(name, None)
                else:
                    self.env[name] = value  # type: ignore[assignment]

    def stored_code(self, name: str, value: str | None, via: tuple[str, ...], depth: int) -> None:
        """A value kept unexpanded that holds command substitutions runs them wherever it is expanded again: in
        an arithmetic subscript (`x='a[$(cmd)]'; : $((x))`), a prompt expansion (`"${p@P}"`), `eval`. They are judged
        as if they ran; ordinary values (`msg='see $(pwd)'`) are judged harmless as they are."""
        if value and ("$(" in value or "`" in value) and depth < MAX_NESTING:
            for script in embedded_scripts(value):
                self.script(script, (*via, f"${name}, expanded later"), depth + 1)

    def defined(
        self, argv: list[str], dynamic: list[bool], via: tuple[str, ...], depth: int
    ) -> tuple[list[str], list[bool]]:
        """A command word defined in this command: a function's body runs where it is called (in its pipeline
        stage); an alias stands for its words, or is a script of its own (`alias x='cd /; rm -rf *'`)."""
        body = self.functions.get(argv[0])
        if body is not None and depth < MAX_NESTING and not _calls(body, argv[0]):
            with self.positional(argv):  # `f "$TOKEN"`: $1 in its body is what it was given
                self.script(body, (*via, f"function {argv[0]}"), depth + 1)
        alias = self.aliases.get(argv[0])
        if alias is None:
            return argv, dynamic
        words = _plain_words(alias)
        if words:  # `alias x='rm -rf'; x ~`: what the alias stands for, with the words after it
            return [*words, *argv[1:]], [False] * len(words) + dynamic[1:]
        self.run(" ".join([alias, *map(shlex.quote, argv[1:])]), (*via, f"alias {argv[0]}"), depth + 1)
        return argv, dynamic

    def feed(
        self, readers: list[CommandFact], fed: list[tuple[_Stage, bool]], via: tuple[str, ...], depth: int
    ) -> None:
        """Each of `readers` reads what feeds a command's input other than a pipe (`redirected_input`): a stage
        where something ran, or one whose text is not known (a descriptor opened elsewhere)."""
        for stage, known in fed:
            if stage.commands or stage.accesses or stage.carried or not known:
                for reader in readers:
                    self.piped_into(reader, stage, [], None, stage.name, via, depth, known=known)

    def redirected_input(
        self, redirects: list[Redirect], via: tuple[str, ...], depth: int
    ) -> tuple[list[tuple[_Stage, bool]], list[_Stage]]:
        """Run what the redirections run; return what feeds the command's input other than a pipe (a process
        substitution, the commands and secret variables a here-document expands), each with whether the text it
        feeds is known and judged already (a here-document's is); and what reads its output other than a pipe
        (`> >(sh)`)."""
        fed: list[tuple[_Stage, bool]] = []
        outputs: list[_Stage] = []
        for redirect in redirects:
            mark = self.mark()
            self.word_substitutions(redirect.target, via, depth)
            for body in redirect.body_scripts:
                self.script(body, (*via, "heredoc"), depth + 1)
            if redirect.op in ("<<", "<<-", "<<<"):
                self.carried += [("secret-variable", f"${name}") for name in _expanded_secrets(redirect)[:1]]
                fed.append((self.since(mark), True))
            elif redirect.op == "<" and redirect.target.raw.startswith("<("):  # `sh < <(curl …)`: as a pipe
                if redirect.fd in (None, 0):
                    fed.append((self.since(mark), False))
                else:  # `exec 3< <(curl …)`: read later through `<&3`
                    self.descriptors[redirect.fd] = self.since(mark)
            elif redirect.op == "<&" and redirect.fd in (None, 0) and redirect.target.raw.rstrip("-").isdigit():
                number = int(redirect.target.raw.rstrip("-"))  # another descriptor as its input: what feeds it
                if number != 0:
                    unknown = _Stage([], [], [], label=f"file descriptor {number}")
                    fed.append((self.descriptors.get(number, unknown), False))
            elif redirect.op in (">", ">>", ">|", "&>", "&>>") and redirect.target.raw.startswith(">("):
                outputs.append(self.since(mark))  # `curl … > >(sh)`: as `curl … | sh`
        return fed, outputs

    def tree_changes(self, fact: CommandFact, redirects: list[Redirect]) -> None:
        """What a command does to the tree that its arguments do not show as paths: a symbolic link it makes (later
        accesses through it reach its target), the files a patch it applies changes."""
        words = _patch_words(fact)
        if words is not None:
            fact.targets += self.patch_targets(fact, words, _literal_stdin(redirects))
        elif fact.name == "patch" or (fact.name == "git" and fact.subcommand == "apply"):
            stdin = _literal_stdin(redirects)  # a unified diff on its input: the files it names are changed
            for path, kind in _diff_targets(stdin, fact) if stdin is not None else []:
                fact.targets.append(self.access(path, kind, fact.name, False))
        if fact.name == "ln" and len(fact.positionals) in (1, 2):
            # `ln -s TARGET LINK`, or `ln -s TARGET` alone: a link named as the target's last part, here; a hard
            # link (`ln TARGET LINK`) is the same file, written through as a symbolic link is (deleting either
            # name leaves the other: `access` never follows a link for a delete)
            named = fact.positionals[1] if len(fact.positionals) == 2 else posixpath.basename(fact.positionals[0])
            link = classify(named or ".", self.ctx or self.base).path
            self.links[link] = classify(fact.positionals[0], self.ctx or self.base).path
        if fact.name == "cp" and len(fact.positionals) == 2 and fact.flags & _KEEPS_LINKS:
            ctx = self.ctx or self.base  # `cp -P LINK COPY`: the copy is a link to the same place
            source, copy = (classify(p, ctx).path for p in fact.positionals)
            if source in self.links:
                self.links[copy] = self.links[posixpath.join(copy, posixpath.basename(source))] = self.links[source]
        if fact.name == "mv" and len(fact.positionals) == 2 and not fact.dynamic:
            ctx = self.ctx or self.base
            was, now = (classify(p, ctx).path for p in fact.positionals)
            self.moved[now] = was  # onto a new name, or into a directory that is there:
            self.moved[posixpath.join(now, posixpath.basename(was))] = was
        if fact.name in ("cp", "ln", "install", "rsync") and len(fact.positionals) == 2:
            source, copy = fact.positionals  # `cp /usr/bin/nc ./t`, `ln -s "$(command -v bash)" x`: x runs bash
            program = _command_name(source)
            if program in KNOWN_COMMANDS and (source == program or _BIN_DIR.search(source)):
                path = classify(copy, self.ctx or self.base).path
                self.programs[posixpath.join(path, program) if copy.endswith("/") else path] = program

    def patch_targets(self, fact: CommandFact, words: list[str], stdin: str | None) -> list[Access]:
        """`apply_patch PATCH`, `apply_patch <<'EOF' … EOF` (how Codex CLI applies a patch given to its shell): the
        files the patch writes and deletes. A patch only known when it runs (a variable, a pipe, a file, a heredoc
        that expands) could change any file: unresolved."""
        text = (None if fact.dynamic else words[0]) if words else stdin
        if text is None:
            self.facts.problems.setdefault(
                "unresolved", f"{fact.name} applies a patch only known when it runs, which can change any file"
            )
            return []
        patch = read_patch(text)
        if patch.too_many:
            self.facts.problems.setdefault("too-many", f"the patch changes more than {MAX_PATCH_FILES} files")
        written = [self.access(path, "write", fact.name, False) for path, _ in patch.written()]
        return written + [self.access(path, "delete", fact.name, False) for path in patch.removed()]

    def remember_written(self, written_to: PathFact, op: str, fact: CommandFact, stdin: str | None) -> None:
        """Keep the text written to a file when it is known (`echo …`, `printf …`, `cat <<EOF`), so that running the
        file later in the same command is judged by what it holds; and judge the code it puts where something runs
        it later (a Makefile's recipes, a package's scripts, a git hook) as a write tool's would be."""
        from lighthouse_mcp.validation.content import runnable_code  # only writes of known text need it

        path = written_to.path
        text = stdin if fact.name == "cat" and not fact.positionals else _literal_output([fact])
        if text is None:
            self.written.pop(path, None)
            if fact.name not in DOWNLOADERS:
                self.put_in_place(written_to, fact, fact.positionals if fact.name == "cat" else None)
                self.derived[path] = [classify(p, self.ctx or self.base).path for p in derived_from(fact)]
            if fact.name not in DOWNLOADERS and is_git_settings(path):
                self.unseen_settings(written_to, fact.name)
            return
        self.written[path] = (self.written.get(path, "") + "\n" + text) if op == ">>" else text
        code_written(self.facts, written_to, self.ctx or self.base, runnable_code(written_to.raw, self.written[path]))

    def where_it_says(self, raw: str) -> None:
        """A path changed under a variable set from a command that names Lighthouse (`p=$(python3 -c 'import
        lighthouse…') && echo … > "$p/__init__.py"`): it may be Lighthouse's own files, found as it runs."""
        for name, source in self.located.items():
            if source and re.search(rf"\$\{{?{re.escape(name)}\b", raw) and _GUARD_NAME.search(source):
                self.facts.problems.setdefault(
                    "unresolved", f"{raw} is where `{source[:60]}` says, which names Lighthouse: its own files?"
                )
                return

    def filled_from_network(self, path: PathFact, by: str) -> None:
        """A file a download wrote: run later in this command, it is downloaded code run; one a tool runs by its
        name (a Makefile, a manifest, a pipeline, git's settings, `conftest.py`) holds what the network sent where
        it will run without being named."""
        from lighthouse_mcp.validation.content import runs_by_name  # only downloads need it

        self.downloaded_files.add(path.path)
        if runs_by_name(path.path):
            self.facts.problems.setdefault(
                "unresolved",
                f"{path.raw} is filled from the network by {by}, and a tool runs what it holds by its name",
            )

    def dependency_written(self, fact: CommandFact, path: PathFact) -> None:
        """A file `fact` writes: a dependency manifest or lock file it points at an address of its choosing (`echo
        'x @ https://…' >> requirements.txt`, a registry rewritten in a lock file), itself or through a file that a
        command naming one wrote first (`jq '….x="https://…"' package.json > p && mv p package.json)."""
        sourced = _NAMES_SOURCE.search(fact.text) is not None
        if sourced:
            self.sourced_files.add(path.path)
        if "dependency-manifest" not in path.classes:
            return
        carried = [t.path.raw for t in fact.targets if t.access != "write" and t.path.path in self.sourced_files]
        if sourced or carried:
            how = f"from {carried[0]}, " if carried and not sourced else ""
            self.facts.flow("dependency-source", f"{fact.name} writes {path.raw} {how}naming an address of its own")

    def unseen_settings(self, path: PathFact, by: str) -> None:
        """Git's settings written with text not seen here (copied, moved, decoded, edited in place): they may name a
        program git runs at its next command (`core.fsmonitor`, `core.pager`, `alias.x = !…`). Settings changed
        through `git config`, or written with text seen here, are judged by what they set."""
        self.facts.problems.setdefault(
            "unresolved", f"{by} writes {path.raw}, git's settings, with what is only known when it runs"
        )

    def manifest_scripts(self, items: list[str]) -> None:
        """`npm pkg set scripts.postinstall='cmd'`: the scripts it writes into package.json, judged as a write of
        them would be (npm runs them later)."""
        from lighthouse_mcp.validation.content import runnable_code

        scripts = {
            k[len("scripts.") :]: v for k, eq, v in (i.partition("=") for i in items) if eq and k.startswith("scripts.")
        }
        if scripts:
            ctx = self.ctx or self.base
            manifest = self.access("package.json", "write", "npm pkg set", False)
            code_written(
                self.facts, manifest.path, ctx, runnable_code("package.json", json.dumps({"scripts": scripts}))
            )

    def builtin_state(self, fact: CommandFact, depth: int) -> None:
        """`cd` moves the working directory and `export X=…` sets variables for the commands after it."""
        if fact.via and fact.via[-1] in WRAPPERS:
            return  # `xargs cd x`, `sudo cd x`: another process, the shell stays where it is
        if fact.name in ("cd", "pushd", "chdir"):
            target = fact.positionals[0] if fact.positionals else "~"
            searched = self.cd_searches or self.env.get("CDPATH") is not None
            if target == "-" or fact.dynamic or (searched and not target.startswith(("/", "~", "./", "../"))):
                self.ctx = None  # `CDPATH=/ cd bin`, `shopt -s cdable_vars; cd dist`: not where it says
            elif self.ctx is not None or target.startswith(("/", "~")):
                self.ctx = (self.ctx or self.base).with_cwd(classify(target, self.ctx or self.base).path)
            self.env["PWD"] = self.ctx.cwd if self.ctx is not None else None
        elif fact.name == "shopt" and "cdable_vars" in fact.positionals:
            self.cd_searches = True
        elif fact.name == "hash" and "-p" in fact.argv[:-2]:  # `hash -p /bin/rm ls`: ls now runs rm
            at = fact.argv.index("-p")
            self.aliases[fact.argv[at + 2]] = fact.argv[at + 1]
        elif fact.name == "alias":
            for arg in fact.positionals:
                name, eq, value = arg.partition("=")
                if eq and name:
                    self.aliases[name] = value
        elif fact.name in ("export", "declare", "local", "readonly", "typeset"):
            for arg in fact.positionals:
                match = _OPTION_ASSIGN.match(arg)
                if match and "n" in fact.flags:  # `declare -n r=a`: r is another name for a
                    self.env[match.group(1)] = self.env.get(match.group(2))
                elif match:
                    self.env[match.group(1)] = None if fact.dynamic else match.group(2)
                if match:  # `export PROMPT_COMMAND='…'`, `export LD_PRELOAD=…`
                    self.assigned(match.group(1), match.group(2), fact.via, depth)

    def assigned(self, name: str, text: str, via: tuple[str, ...], depth: int) -> None:
        """A variable set for what runs after that makes it run something: a command (`GIT_SSH_COMMAND`,
        `PROMPT_COMMAND`, `LESSOPEN='|cmd'`) or a library every program loads (`LD_PRELOAD`), which runs as a
        program run by its path does (a downloaded one is downloaded code run)."""
        if name in RUNNING_VARIABLES and text.strip("|"):
            self.run(text.strip().lstrip("|"), (*via, f"${name}"), depth + 1)
        elif name == "GIT_CONFIG_PARAMETERS":  # `'alias.x=!cmd' 'core.pager=cmd'`: settings git runs
            for key, value in _config_parameters(text):
                if _git_command_key(key) or (key.startswith("alias.") and value.startswith("!")):
                    self.run(value.removeprefix("!"), (*via, f"${name} {key}"), depth + 1)
        elif name in LOADING_VARIABLES:
            for path in re.split(r"[:\s]+", text):
                if path:
                    self.access(path, "exec", f"${name}", "$" in path, depth=depth)
        elif name in OPTION_VARIABLES:  # `PERL5OPT='-Mstrict;system(…)'`, `NODE_OPTIONS=--import=data:…`
            self.interpreter_options(f"${name}", text, via, depth)
        elif name == "GIT_CONFIG_COUNT" or name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM"):
            # settings given through the environment, or a whole configuration file: only known when git runs
            self.facts.problems.setdefault("unresolved", f"${name} gives git settings that may run commands")

    def interpreter_options(self, source: str, text: str, via: tuple[str, ...], depth: int) -> None:
        """Options that load code into an interpreter (`-M` with code, `--import`/`--require` of a module, a data
        URL): code that runs before the program does. What it reads as a command line is judged as one, a data
        URL as the code it holds; a module or file it loads is not known."""
        self.may_run(source, text, via, depth)
        for encoded in _DATA_URL.findall(text):
            try:
                decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8", "replace")
            except (ValueError, binascii.Error):
                decoded = ""
            self.may_run(source, decoded, via, depth)
        if _LOADS_CODE.search(text):
            self.facts.problems.setdefault("unresolved", f"{source} loads code into the program: {text[:80]}")

    def env_settings(self, argv: list[str], via: tuple[str, ...], depth: int) -> dict[str, str]:
        """What `env NAME=value … cmd` sets for the command (`env LD_PRELOAD=x.so make`), judged and returned; the
        command env runs is given them, as `NAME=value cmd` would be."""
        settings = _env_assignments(argv)
        for name, value in settings.items():
            self.assigned(name, value, via, depth)
        self.prefix.update(settings)
        return settings

    def unwrap(self, argv: list[str], dynamic: list[bool], via: tuple[str, ...], depth: int) -> CommandFact | None:
        """Peel wrappers (`sudo`, `env`, `xargs`, `timeout`…) off `argv` and record the command that runs."""
        sudo = False
        extra_dynamic = False
        xargs: list[str] = []  # the words of an xargs the command runs under
        last_wrapper: str | None = None
        given = {k: v for k, v in self.env.items() if isinstance(v, str)} | self.prefix  # what the command sees
        while argv:
            argv, dynamic = self.resolved(argv, dynamic, via, depth)
            name = _command_name(argv[0])
            if name in ("sudo", "doas", "su", "runuser", "pkexec"):
                sudo = True
            wrapper = WRAPPERS.get(name)
            runner = SUBCOMMAND_WRAPPERS.get((name, argv[1] if len(argv) > 1 and name != "uvx" else ""))
            if runner is not None:  # `uv run X`: drop the tool's name, and its subcommand is the wrapper's name
                wrapper, argv, dynamic = (
                    runner,
                    argv[1:] if name != "uvx" else argv,
                    dynamic[1:] if name != "uvx" else dynamic,
                )
            if wrapper is None or _looks_up_only(name, argv):
                break
            via = (*via, name)
            last_wrapper = name
            if name == "nsenter" and re.search(r"(?:^| )(?:-t ?1|--target[= ]1)(?: |$)", " ".join(argv[1:])):
                self.facts.flow("host-namespace", "nsenter into the namespaces of process 1, the host's init")
            if name == "env":
                given |= self.env_settings(argv, via, depth)
                argv, dynamic, split = _skip_env(argv, dynamic)
                if split is not None:
                    self.run(split, via, depth + 1)
                    return self.emit(["env"], [False], via, sudo=sudo, any_dynamic=False)
                continue
            rest, rest_dynamic, nested = _skip_wrapper(wrapper, argv, dynamic)
            if name == "parallel" and self.parallel_inputs(argv, rest, nested, via, depth):
                return self.emit(argv, dynamic, via[:-1], sudo=sudo, any_dynamic=False)
            if nested is not None:
                return self.wrapper_with_command(name, argv, nested, via, depth, sudo=sudo)
            if name == "su":  # `su [-] [user]`: a shell as that user (its words name the user, not a command)
                return self.emit(argv, dynamic, via[:-1], sudo=sudo, any_dynamic=any(dynamic))
            if name == "xargs":
                extra_dynamic, xargs = True, argv  # the command gets more arguments from stdin
            if not rest:  # `sudo -i`, `doas -s`: the wrapper's own options say what it does
                return self.emit(argv, dynamic, via[:-1], sudo=sudo, any_dynamic=False)
            self.wrapper_that_prints(name, argv[: len(argv) - len(rest)], via, sudo=sudo, runs_packages=bool(runner))
            if runner is not None:  # `uvx --from git+URL x`: where a runner gets the package is judged as well
                own = len(argv) - len(rest)
                words = argv[:own] if name == "uvx" else [name, *argv[:own]]
                self.emit(words, [False] * len(words), via[:-1], sudo=sudo, any_dynamic=False)
            argv, dynamic = rest, rest_dynamic
        if not argv:  # a wrapper with nothing to run (`env` alone prints the environment)
            return self.emit([last_wrapper], [False], via[:-1], sudo=sudo, any_dynamic=False) if last_wrapper else None
        argv, dynamic = _with_options_from_environment(argv, dynamic, given)
        fact = self.emit(argv, dynamic, via, sudo=sudo, any_dynamic=any(dynamic) or extra_dynamic)
        fact.replace = _xargs_replace(xargs) if xargs else None
        for source in _arg_files(xargs) if _runs_its_input(fact) else ():  # `xargs -a lines.txt -I{} sh -c {}`
            self.access(source, "exec", fact.name, False, depth=depth)  # runs the file's lines, as `< lines.txt` does
        if "/" in argv[0]:  # ./run.sh, /tmp/x: runs a file
            self.access(argv[0], "exec", fact.name, dynamic[0], depth=depth)
        if _installs_packages(fact):
            self.installs(fact, argv[0])
        self.nested(fact, argv, via, depth)
        return fact

    def parallel_inputs(
        self, argv: list[str], rest: list[str], nested: str | None, via: tuple[str, ...], depth: int
    ) -> bool:
        """Whether GNU parallel is given no command (`rest`: the words after its options; `nested`: them joined,
        as it joins them), in which case it runs each of its inputs as one: the arguments after `:::`, the lines of
        the files after `::::` or given with `-a`."""
        separator = (rest or (nested or "").split(" ", 1))[0]
        if separator not in (":::", "::::", ""):
            return False
        for command in argv[argv.index(separator) + 1 :] if separator == ":::" else ():
            if command in (":::", "::::", ":::+", "::::+"):
                break
            self.run(command, (*via, "parallel"), depth + 1)
        for source in _arg_files(argv):
            self.access(source, "exec", "parallel", False, depth=depth)
        return True

    def wrapper_with_command(
        self, name: str, argv: list[str], command: str, via: tuple[str, ...], depth: int, *, sudo: bool
    ) -> CommandFact:
        """A wrapper given its command as a string (`script -c CMD`, `flock -c CMD`): the command runs; `script`
        writes what it prints into its file (`script -qc CMD FILE`)."""
        self.run(command, (*via[:-1], f"{name} -c"), depth + 1)
        emitted = self.emit([name, "-c"], [False, False], via, sudo=sudo, any_dynamic=False)
        if name == "script":
            emitted.targets += [self.access(f, "write", name, False) for f in _script_typescript(argv, command)]
        return emitted

    def wrapper_that_prints(
        self, name: str, words: list[str], via: tuple[str, ...], *, sudo: bool, runs_packages: bool
    ) -> None:
        """A wrapper that prints what it sees of the command it runs (`strace -v … cmd`: each program run, with its
        environment) is a command of its own as well."""
        if name in ENV_DUMPERS and not runs_packages:
            self.emit(words, [False] * len(words), via[:-1], sudo=sudo, any_dynamic=False)

    def resolved(
        self, argv: list[str], dynamic: list[bool], via: tuple[str, ...], depth: int
    ) -> tuple[list[str], list[bool]]:
        """`argv` with its command word worked out as the shell would: a wildcard expanded against the files it
        names (`/usr/bin/?m` is `/usr/bin/rm`), or matched against the commands Lighthouse knows; a word that stays
        unknown (a variable from elsewhere, an array, a pattern nothing matches) is a problem, never a pass."""
        word = argv[0]
        if argv[1:2] == ["-E"] and len(argv) > 2 and _command_name(word) == "cmake" and argv[2] in CMAKE_TOOLS:
            tool = CMAKE_TOOLS[argv[2]]  # `cmake -E rm -rf x` is `rm -rf x`
            return [*tool, *argv[3:]], [False] * len(tool) + dynamic[3:]
        if "/" in word and self.programs and not dynamic[0]:
            program = self.programs.get(classify(word, self.ctx or self.base).path)
            if program is not None:  # a copy of a program made earlier in this command: that program
                return [program, *argv[1:]], dynamic
        if any(c in word for c in "*?[") and not dynamic[0]:
            if "/" in word and "\x00" not in word:  # no file's path holds a NUL: nothing on disk to expand to
                found = sorted(globlib.glob(word))[:64]
                if len(found) == 1:
                    return [found[0], *argv[1:]], [False, *dynamic[1:]]
                if found:  # several: judged as each of them, and asked about
                    self.facts.problems.setdefault(
                        "unresolved", f"the command name {word} is a pattern that matches {len(found)} programs"
                    )
                    self.as_each(found, argv, dynamic, via, depth)
                    return argv, dynamic
            name = _command_name(word)
            known = sorted(n for n in KNOWN_COMMANDS if fnmatch.fnmatchcase(n, name))  # the same ones every run
            if len(known) == 1:
                return [known[0], *argv[1:]], [False, *dynamic[1:]]
            self.facts.problems.setdefault(
                "unresolved",
                f"the command name {word} is a pattern that could run {', '.join(known[:5]) or 'anything'}",
            )
            self.as_each(known, argv, dynamic, via, depth)
        elif dynamic[0]:
            self.facts.problems.setdefault("unresolved", f"the command name {word} is only known when it runs")
        return argv, dynamic

    def as_each(
        self, candidates: list[str], argv: list[str], dynamic: list[bool], via: tuple[str, ...], depth: int
    ) -> None:
        """A command word that could be any of `candidates`: the command as each of them would run it."""
        if depth >= MAX_NESTING or any(dynamic[1:]):
            return
        for candidate in candidates[:8]:
            self.run(shlex.join([candidate, *argv[1:]]), (*via, f"{argv[0]} as {candidate}"), depth + 1)

    def emit(
        self, argv: list[str], dynamic: list[bool], via: tuple[str, ...], *, sudo: bool, any_dynamic: bool
    ) -> CommandFact:
        name = _command_name(argv[0])
        args = argv[1:]
        if name in ("tar", "bsdtar") and args and _TAR_BUNDLE.fullmatch(args[0]):
            args = ["-" + args[0], *args[1:]]  # `tar czf out.tgz dir`: a first word of tar's letters is its flags
        flags, positionals, options, pos_dynamic, earlier = _parse_args(name, args, dynamic[1:])
        fact = CommandFact(
            name, [name, *argv[1:]], flags, positionals, options, [], via, dynamic=any_dynamic, sudo=sudo
        )
        fact.earlier_options = earlier
        here = self.ctx
        there = _git_directory(argv) if name == "git" and here is not None else None
        if there is not None and here is not None:  # `git -C DIR …`, `git --work-tree DIR …`: its paths are there
            self.ctx = here.with_cwd(classify(there, here).path)
        try:
            fact.targets = self.through_moves(self.targets(fact, pos_dynamic), name)
        finally:
            self.ctx = here
        fact.targets += [self.access(path, "write", name, False) for path in _script_writes(fact)]
        if name == "xxd" and fact.flags & {"r", "revert"} and len(fact.positionals) >= 2:  # `xxd -r IN OUT` writes OUT
            fact.targets.append(self.access(fact.positionals[-1], "write", name, pos_dynamic[-1]))
        if _from_url(fact):  # `w3m -dump_source URL > x`, `http -d URL -o x`: what it writes, the URL sent
            for target in fact.targets:
                if target.access == "write":
                    self.filled_from_network(target.path, name)
        for target in fact.targets:
            if target.access == "write":
                self.dependency_written(fact, target.path)
        if name in TAKES_AWAY:  # `tar --remove-files`, `zip -m`: as the `rm -rf` of what it takes away
            for taken in [t for t in fact.targets if t.access == "delete"]:
                self.synthetic_delete(taken.path.raw, recursive=True, via=(*via, f"{name} takes"), shown=fact.text)
        self.unsure_reads(fact)
        archive = _archive_written(fact)
        if archive is not None:
            self.archives.add(classify(archive, self.ctx or self.base).path)
        self.facts.commands.append(fact)
        return fact

    def fetched_to(self, fact: CommandFact) -> None:
        """Where a download lands when the command does not name it: `curl -O URL` and `wget URL` under the URL's
        file name (in `wget -P dir`, `curl --output-dir dir`), `git clone URL [dir]` as a tree."""
        urls = [p for p in fact.positionals if _URL.match(p) or p.startswith("git@")]
        if fact.name == "git":
            if len(urls) == 1:
                rest = fact.positionals[fact.positionals.index(urls[0]) + 1 :]
                name = rest[0] if rest else _url_name(urls[0]).removesuffix(".git")
                self.downloaded_trees[classify(name, self.ctx or self.base).path] = urls[0]
            return
        named = fact.name == "wget" and not fact.options.keys() & {"O", "output-document"}
        if fact.name == "curl":
            named = bool(fact.flags & {"O", "remote-name", "remote-name-all", "J", "remote-header-name"})
        if fact.name == "aria2c":  # `aria2c [-d DIR] [-o NAME] URL`
            named = True
        if not named:
            return
        options = dict([*fact.earlier_options, *fact.options.items()])
        where = next((options[k] for k in ("P", "directory-prefix", "output-dir", "d", "dir") if k in options), "")
        given = (options.get("o") or options.get("out")) if fact.name == "aria2c" else None
        for url in urls:
            file = given or _url_name(url)
            self.access(posixpath.join(where, file) if where else file, "write", fact.name, False)

    def installs(self, fact: CommandFact, program: str) -> None:
        """A package installer run by Lighthouse's own pip or interpreter (`…/.venv/bin/pip install x`, `python -m
        pip`), or told to install for it (`uv pip install --python …/.venv/bin/python`), writes into the
        environment Lighthouse runs from."""
        ctx = self.ctx or self.base
        named = _option_values(fact.argv, "--python") + _option_values(fact.argv, "-p")
        for path in [p for p in (program, *named) if "/" in p]:
            if "lighthouse-code" in classify(path, ctx).classes:
                self.access(posixpath.dirname(posixpath.dirname(path)), "write", fact.name, False)
        for option in ("--target", "-t", "--prefix", "--root"):  # `pip install --target DIR`: where it installs
            for into in _option_values(fact.argv, option):
                self.access(into, "write", fact.name, "$" in into)

    def unsure_reads(self, fact: CommandFact) -> None:
        """A program not known to only read what it is given (`READS_ONLY`), given a file that guards the agent,
        runs later or holds everything, may change it for all Lighthouse can tell: `shuf -o ~/.bashrc`, `uniq -
        .claude/settings.json`, `cmake -E rm -rf ~`."""
        if fact.name in READS_ONLY:
            return
        unknown = fact.name not in MODELLED  # git's settings too, given to a program nothing is known of
        unsure = next(
            (
                t
                for t in fact.targets
                if t.access == "read" and (t.path.classes & _KEPT_SAFE or (unknown and is_git_settings(t.path.path)))
            ),
            None,
        )
        if unsure is not None:
            self.facts.problems.setdefault(
                "unresolved", f"{fact.name} is given {unsure.path.raw}; whether it changes it is not known"
            )

    def through_moves(self, targets: list[Access], command: str) -> list[Access]:
        """`targets`, and for each under a place `mv` moved something to in this command, the same access to where
        it was (`mv src /tmp/x && rm -rf /tmp/x` deletes src); and for each through a link made in this command
        (`ln -s ~ /tmp/r && rm -rf /tmp/r/`, `/tmp/r/.ssh/id_rsa`), the same access to what it points at."""
        if not self.moved and not self.links:
            return targets
        found = []
        for t in targets:
            path = t.path.path
            for now, was in self.moved.items():
                if path == now or path.startswith(now.rstrip("/") + "/"):
                    found.append(self.access(was + path[len(now) :], t.access, command, False))
            for link, target in self.links.items():
                if path.startswith(link.rstrip("/") + "/") or (path == link and t.path.raw.endswith(("/", "/."))):
                    found.append(self.access(target + path[len(link) :], t.access, command, False))
        return targets + found

    def targets(self, fact: CommandFact, pos_dynamic: list[bool]) -> list[Access]:
        """The paths among a command's arguments and option values, with how the command uses each."""
        if _patch_words(fact) is not None:
            return []  # its argument is a patch, not a path: `patch_targets` reads it
        if fact.name in INTERPRETERS and fact.flags & set(IN_PLACE.get(fact.name, ())):
            return [self.access(p, "write", fact.name, d) for p, d in zip(fact.positionals, pos_dynamic, strict=False)]
        if fact.name in DATABASE_FILE_FIRST:
            return [self.access(fact.positionals[0], "write", fact.name, pos_dynamic[0])] if fact.positionals else []
        if fact.name in ("history", "fc"):  # the shell's own history, commands typed with their secrets
            return [self.access("~/.bash_history", "read", fact.name, False)]
        if fact.name in INTERPRETERS and _interpreter_code(fact.name, fact.argv) is not None:
            # the code is followed by `nested`; what follows it is its input or its arguments (`perl -ne 'print' f`)
            return [self.access(p, "read", fact.name, d) for p, d in zip(fact.positionals, pos_dynamic, strict=False)]
        if fact.name in DATA_ONLY or fact.name in SHELLS or fact.name in INTERPRETERS:
            return []  # shells' and interpreters' programs are followed by `nested`
        values, dynamics = fact.positionals, pos_dynamic
        if fact.name in NO_PATH_ARGS:  # resource names, not paths: except what is plainly a local file
            kept = [(v, d) for v, d in zip(values, dynamics, strict=False) if _plainly_local(v)]
            values, dynamics = [v for v, _ in kept], [d for _, d in kept]
        script_given = fact.name in NON_PATH_FIRST and bool(fact.options.keys() & SCRIPT_OPTIONS)
        skip = int(fact.name in NON_PATH_FIRST and not script_given) + int(
            fact.subcommand is not None and fact.name not in NO_PATH_ARGS
        )
        values, dynamics = values[skip:], dynamics[skip:]  # patterns, scripts and subcommands are not paths
        positional = [
            (v, d)
            for v, d in (_path_candidate(v, dy) for v, dy in zip(values, dynamics, strict=False))
            if v is not None
        ]
        accesses: list[Access] = []
        files = [(v, d) for v, d in positional if not _URL.match(v)]
        self.facts.urls.extend(v for v, _ in positional if _URL.match(v))
        git_writes = GIT_PATH_WRITES.get(fact.subcommand or "") if fact.name == "git" else None
        tree = reads_tree(fact.name, fact.flags)
        for index, (value, is_dynamic) in enumerate(files):
            access = git_writes or path_access(fact.name, fact.flags, index, len(files))
            if fact.name == "dd":
                continue  # dd's operands are all key=value options
            accesses.append(self.access(value, access, fact.name, is_dynamic, tree=tree))
        for option in INTO_OPTIONS.get(fact.name, ()):
            if option in fact.options:
                accesses.append(self.access(fact.options[option], "write", fact.name, "$" in fact.options[option]))
        for key, given in [*fact.earlier_options, *fact.options.items()]:
            raw = _curl_file_field(key, given) if fact.name == "curl" else given
            option_path, option_dynamic = _path_candidate(raw, "$" in raw)
            if option_path is None:
                continue
            attached = raw.startswith("@") or "=@" in raw  # curl -d @file, -F field=@file
            pathlike = (
                option_path.startswith(("/", "~", "./", "../"))
                and "\n" not in option_path
                and option_path.count(" ") < 3
            )
            if key not in FILE_OPTIONS and not attached and not pathlike:
                continue
            if (
                fact.name == "openssl"
                and fact.positionals[:1] in (["x509"], ["crl"], ["verify"])
                and key in ("in", "CAfile", "untrusted")
            ):  # certificates: parsed, never printed as keys (a key given here is refused)
                continue
            if _URL.match(option_path):
                self.facts.urls.append(option_path)
                continue
            creates = fact.name in ("tar", "bsdtar", "zip") and bool(fact.flags & {"c", "create"})
            access = "write" if key in WRITE_OPTIONS or (creates and key in ("f", "file")) else "read"
            if key in EXEC_OPTIONS.get(fact.name, ()):
                access = "exec"
            accesses.append(self.access(option_path, access, fact.name, option_dynamic))
        return accesses

    def access(
        self,
        raw: str,
        access: str,
        command: str,
        dynamic: bool,
        *,
        depth: int = 0,
        tree: bool = False,
        redirected: bool = False,
    ) -> Access:
        """`tree`: the command reads every file under a directory it is given (`grep -r`, `tar c`): one that has
        keys or credentials somewhere under it (the home, `/`, `/etc`) is read as a secret is. `redirected`: the
        shell writes the file with what the command prints (whose text, when known, is judged where it is kept)."""
        if self.ctx is None and not raw.startswith(("/", "~")):
            dynamic = True
        ctx = self.ctx or self.base
        path = classify(raw, ctx, dynamic=dynamic)
        if tree and access == "read" and "secret" not in path.classes and holds_secrets(path.path, ctx):
            path = PathFact(path.raw, path.path, path.classes | {"secret", "holds-secrets"})
        item = Access(path, access, command)
        self.facts.accesses.append(item)
        if access == "read" and path.path in self.secret_files:
            kind, what = self.secret_files[path.path]
            self.carried.append((kind, f"{raw}, written from {what} earlier in this command"))
        if dynamic and access in ("write", "delete") and "$" in raw:
            self.where_it_says(raw)
        if access == "write" and command in DOWNLOADERS:
            self.filled_from_network(path, command)
        elif access == "write" and not redirected and command != "git" and is_git_settings(path.path):
            self.unseen_settings(path, command)
        elif access == "exec" and path.path in self.downloaded_files:
            self.facts.flow("remote-code", f"{raw} is run after being downloaded")
        elif access == "exec" and any(_names_path(text, raw) for text in self.url_commands):
            self.facts.problems.setdefault(  # `php -r 'copy("URL", "x.sh");' && sh x.sh`
                "unresolved",
                f"{raw} is named by a command that fetches a URL before it runs; it may hold what that sent",
            )
        elif access == "exec" and self.downloaded_trees:
            fetched = next((f for t, f in self.downloaded_trees.items() if _under_any(path.path, [t])), None)
            if fetched is not None:  # `git clone URL x && x/install.sh`: not on disk yet, known only when it runs
                self.facts.problems.setdefault("unresolved", f"{raw} comes from {fetched} in this command, unread")
        target = self.links.get(path.path)
        if target is not None and access != "delete":  # through a link made earlier in this command
            self.access(target, access, command, dynamic)
        if access == "exec" and path.path in self.written and depth <= MAX_NESTING:
            self.run(self.written.pop(path.path), (f"{raw} written in this command",), depth + 1)
        elif access == "exec":
            if "temp" in path.classes and path.path not in self.downloaded_files:
                self.facts.flow("temp-exec", f"{command} runs {raw}, a file in a temporary directory")
            if depth <= MAX_NESTING:
                self.script_on_disk(raw, path.path, path.classes, command, depth)
        return item

    def interpreter(self, fact: CommandFact, argv: list[str], via: tuple[str, ...], depth: int) -> None:
        """What an interpreter runs: code given on its command line, a module (`-m`), or a program file."""
        name = fact.name
        code = _interpreter_code(name, argv)
        program = _program_run(name, argv)
        if code is not None:
            self.code(name, code, (*via, f"{name} {INTERPRETERS[name][0]}"), depth)
        elif program is not None and program[0] == "timeit":  # `-m timeit -s SETUP STMT`: Python it runs
            self.code(name, _timeit_code(program[1:]), (*via, f"{name} -m timeit"), depth)
        elif program is not None and (found := self.local_module(program[0], main=True)):
            for module in found:  # `python -m tools.x`: the project's module, read as it is on disk
                self.access(module, "exec", name, False, depth=depth)
        elif program is not None:  # `python -m pip …` runs pip; `python …/lighthouse_mcp/__main__.py` Lighthouse
            self.run(shlex.join(program), (*via, name), depth + 1)
        elif fact.positionals and not reads_stdin(fact.positionals[0]) and "m" not in fact.flags:
            self.access(fact.positionals[0], "exec", name, fact.dynamic, depth=depth)

    def python_imports(self, interpreter: str, source: str, depth: int) -> None:
        """The project's modules Python code imports, each read as it is on disk; code that loads code by a name it
        builds or from a place it chooses (`runpy`, `import_module(x)`, `sys.path.insert`) is not known."""
        if _LOADS_ELSEWHERE.search(source[:MAX_SCRIPT_BYTES]):
            self.facts.problems.setdefault("unresolved", f"{interpreter} code loads code from where it chooses")
        read = 0
        for name, level in _python_imports(source):
            for module in self.local_module(name, level=level):
                if module in self.modules:
                    continue
                if read == _MAX_IMPORTS:
                    self.facts.problems.setdefault("unresolved", f"{interpreter} code imports more modules than read")
                    return
                read += 1
                self.access(module, "exec", interpreter, False, depth=depth + 1)

    def local_module(self, module: str, *, main: bool = False, level: int = 0) -> list[str]:
        """The files of the project's Python module `module` that importing it runs (its packages' `__init__.py`,
        then the module, or a package's `__main__.py` when it is run with `-m`), found where Python looks first: the
        directory of the program being read, the directories PYTHONPATH names, and the working directory. None for a
        module installed elsewhere."""
        ctx = self.ctx or self.base
        parts = module.split(".") if module else []
        if ctx.lexical or not all(part.isidentifier() for part in parts) or not (parts or level):
            return []
        search = self.prefix.get("PYTHONPATH") or self.env.get("PYTHONPATH") or ""  # `PYTHONPATH=tools python -m x`
        extra = [posixpath.join(ctx.cwd, p) for p in str(search).split(":") if p]
        bases = (self.module_dir, *extra, ctx.cwd)
        if level:  # `from .. import x`: from the program's package, that many levels up
            where = self.module_dir or ctx.cwd
            for _ in range(level - 1):
                where = posixpath.dirname(where)
            bases = (where,)
        for base in dict.fromkeys(b for b in bases if b):
            stem = posixpath.join(base, *parts)
            ends = [stem + ".py", posixpath.join(stem, "__init__.py")]
            if main:
                ends.insert(1, posixpath.join(stem, "__main__.py"))
            found = [end for end in ends if os.path.isfile(end)]
            if found:
                packages = [posixpath.join(base, *parts[:i], "__init__.py") for i in range(1, len(parts))]
                return [*(p for p in packages if os.path.isfile(p)), *found][:_MAX_IMPORTS]
        return []

    def script_on_disk(self, raw: str, path: str, classes: frozenset[str], runner: str, depth: int) -> None:
        """A shell script already on disk that the command runs (`bash cleanup.sh`, `./deploy.sh`, `source env.sh`,
        `sh < x.sh`) is judged by what it holds now, as if its commands were typed: a harmful script written by an
        earlier call (`echo 'rm -rf ~' > x.sh`, then `bash x.sh`) is stopped when it runs. One too large to read is
        not passed unread."""
        if (self.ctx or self.base).lexical or "system" in classes:
            return  # an installed program (`/usr/bin/which` is a script too) is what it is
        try:  # without blocking: a FIFO named x.sh must not hold the hook until its deadline
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except (OSError, ValueError):
            return  # not there yet, not readable, or no name a file can have: judged by its name, as before
        try:
            mode = os.fstat(descriptor).st_mode
            data = os.read(descriptor, MAX_SCRIPT_BYTES + 1) if stat.S_ISREG(mode) else b""
        except OSError:
            return
        finally:
            os.close(descriptor)
        if not stat.S_ISREG(mode):  # a device, a pipe, a directory: not a script, unless Python runs a directory
            if runner in INTERPRETERS and stat.S_ISDIR(mode) and os.path.isfile(posixpath.join(path, "__main__.py")):
                self.script_on_disk(f"{raw}/__main__.py", posixpath.join(path, "__main__.py"), classes, runner, depth)
            elif runner in INTERPRETERS and stat.S_ISDIR(mode):
                self.facts.problems.setdefault("unresolved", f"{runner} runs the directory {raw}, not read")
            return
        if b"\x00" in data[:4096]:  # a compiled program; one an interpreter runs (a zipapp, a .pyc) is not read
            if runner in INTERPRETERS:
                self.facts.problems.setdefault("unresolved", f"{runner} runs {raw}, compiled or archived code")
            return
        text = data.decode("utf-8", "replace")
        interpreter = None if _is_shell_script(runner, text) else _program_language(runner, text)
        if interpreter == "" or path in self.modules:
            return  # a file its runner does not run as a program, or one read already for this command
        self.facts.volatile = True
        self.modules.add(path)
        if len(data) > MAX_SCRIPT_BYTES:
            self.facts.problems.setdefault("too-large", f"{raw} is over {MAX_SCRIPT_BYTES} bytes: not read")
            return
        if interpreter is None:
            self.run(text, (f"{raw} (as it is on disk)",), depth + 1)
            return
        outer, self.module_dir = self.module_dir, posixpath.dirname(path)
        try:  # a program of another language, and the project's modules it imports (`python3 -m tools.x`)
            self.code(interpreter, text, (f"{raw} (as it is on disk)",), depth + 1, inline=False)
        finally:
            self.module_dir = outer

    def files_it_runs(self, fact: CommandFact, depth: int) -> None:
        """A tool that runs a file by its name and place (`make` its Makefile, `npm test` package.json's scripts,
        `pytest` its conftest.py files and `-p` plugins): the file as it is on disk now, judged as a write of it
        would be, or more strictly (Python it runs is read with the project modules it imports). A file put where a
        tool runs it (`cp notes.txt Makefile`, `mv`, `ln -s`, `install`) is judged by the file it comes from."""
        from lighthouse_mcp.validation.run_files import RunFile, files_run_by  # only such commands need it

        ctx = self.ctx or self.base
        if ctx.lexical or depth > MAX_NESTING:
            return
        if fact.name in ("cp", "mv", "ln", "install", "rsync") and len(fact.positionals) >= 2:
            copy = fact.positionals[-1]
            for source in fact.positionals[:-1]:
                into = (
                    posixpath.join(copy, posixpath.basename(source))
                    if os.path.isdir(classify(copy, ctx).path)
                    else copy
                )
                self.put_in_place(classify(into, ctx), fact, [source] if not fact.dynamic else None)
        runner = [fact.via[-1], "run"] if fact.via and fact.via[-1] in ("pdm", "hatch", "pipenv", "rye") else fact.argv
        if fact.name in ("pytest", "py.test"):  # options and plugins pytest takes from the environment
            given = {**self.env, **self.prefix}
            runner = [*runner, *str(given.get("PYTEST_ADDOPTS") or "").split()]
            runner += [f"-p{p}" for p in str(given.get("PYTEST_PLUGINS") or "").split(",") if p.strip()]
        found_files = files_run_by(runner[0], runner, ctx.cwd)
        if fact.name in ("make", "gmake"):  # `MAKEFILES=x.mk make`: read before the makefiles it reads anyway
            given = {**self.env, **self.prefix}
            makefiles = str(given.get("MAKEFILES") or "").split()
            found_files += [RunFile(classify(f, ctx).path, "Makefile") for f in makefiles]
        for found in found_files:
            self.facts.volatile = True  # judged by what is on disk now, or is not there yet
            if found.path in self.written or found.path in self.placed:
                continue  # written or put there earlier in this command: judged as that was
            if _under_any(found.path, list(self.downloaded_trees)):  # `curl … | tar x && make`: not on disk yet
                self.facts.problems.setdefault("unresolved", f"{found.path} comes from a download in this command")
            if any(  # by another program (`npm pkg set …` writes package.json as npm, judged as it does that)
                a.access == "write" and a.path.path == found.path and a.command.partition(" ")[0] != fact.name
                for a in self.facts.accesses
            ):
                self.facts.problems.setdefault(  # `cat notes.txt | tee Makefile && make`: not what is on disk
                    "unresolved", f"{found.path} is written earlier in this command with text not seen here"
                )
            modules = self.local_module(found.module) if found.module else [found.path]
            for path in modules if found.reader in ("python", "conftest.py", "noxfile.py", "setup.py") else ():
                self.script_on_disk(path, path, frozenset(), "python", depth)
            if not found.module:
                self.run_file_read(classify(found.path, ctx), found.reader, [found.path], now=True)

    def put_in_place(self, placed: PathFact, fact: CommandFact, sources: list[str] | None) -> None:
        """A file `fact` writes where a tool runs it by its name, with text not seen here: judged by the files it
        comes from as they are on disk (`cat notes.txt > Makefile`); not known where they are not."""
        from lighthouse_mcp.validation.content import runs_by_name

        if not runs_by_name(placed.path):
            return
        self.facts.volatile = True
        ctx = self.ctx or self.base
        paths = [classify(s, ctx).path for s in sources or []]
        if fact.name == "ln" and sources:  # a link's target is found from where the link is
            paths = [posixpath.normpath(posixpath.join(posixpath.dirname(placed.path), s)) for s in sources]
        derived = {d for p in paths for d in self.derived.get(p, [])}  # `jq '.version=…' package.json > p`: read
        paths = [d for p in paths for d in self.derived.get(p) or [p]]  # as the file it came from (none: empty)
        if not paths or any(p in self.downloaded_files or not (os.path.isfile(p) or p in derived) for p in paths):
            self.facts.problems.setdefault(
                "unresolved", f"{fact.name} puts {placed.raw} in place, which a tool runs by its name, from unread text"
            )
            return
        self.placed.add(placed.path)
        self.run_file_read(placed, posixpath.basename(placed.path), paths)

    def run_file_read(self, placed: PathFact, reader: str, paths: list[str], *, now: bool = False) -> None:
        """The files at `paths` as they are on disk, read as a file named `reader` (a Makefile, package.json) at
        `placed` and judged as a write of it there would be; one too large to read is not passed unread. `now`: run
        by a tool now, so what its pieces run is read as it is on disk too (once: `$(MAKE)` in a recipe of the
        makefile being read does not read it again)."""
        from lighthouse_mcp.validation.content import runnable_code
        from lighthouse_mcp.validation.run_files import READING, read_on_disk, with_includes

        reading = READING.get()
        if now and (placed.path in reading or len(reading) >= _MAX_RUN_FILES_DEEP):
            return

        texts = []
        for path in paths:
            text, too_large = read_on_disk(path)
            if too_large:
                self.facts.problems.setdefault("too-large", f"{path} is over {MAX_SCRIPT_BYTES} bytes: not read")
            if text is None:
                return
            texts.append(text)
        self.facts.volatile = True
        text = "\n".join(texts)
        if reader == "Makefile" or reader.endswith(".mk"):
            text = with_includes(text, posixpath.dirname(placed.path))
        ctx = self.ctx or self.base
        pieces = runnable_code(posixpath.join(posixpath.dirname(placed.raw), reader), text)
        token = READING.set((*reading, placed.path))
        try:
            code_written(self.facts, placed, ctx, pieces, now=now)
        finally:
            READING.reset(token)

    def redirected(self, fact: CommandFact, redirects: list[Redirect], stdin: str | None, depth: int) -> None:
        """The files a simple command's redirections read, run and write, with what is known of what it writes."""
        shell_like = _runs_a_shell(fact)
        for redirect in redirects:
            access = self.redirect_access(redirect.op, redirect.target, fact.name, shell_like=shell_like)
            if access is not None and redirect.op == "<" and _runs_its_input(fact):
                self.access(access.path.raw, "exec", fact.name, False, depth=depth)  # `bash < x.sh` runs x.sh
            elif access is not None and redirect.op == "<" and redirect.fd in (None, 0):
                self.unpacked(fact, fact.argv, depth, given=access.path.raw)  # `patch -p1 < x.patch`
            if access is not None:
                fact.targets.append(access)
                if access.access == "write":
                    self.remember_written(access.path, redirect.op, fact, stdin)
                    self.dependency_written(fact, access.path)
                    if _from_url(fact):
                        self.filled_from_network(access.path, fact.name)

    def redirect_access(self, op: str, target: Word, command: str, *, shell_like: bool) -> Access | None:
        if op in ("<<", "<<-", "<<<"):
            return None
        text, dynamic = self.expand_word(target)
        if op in (">&", "<&") and re.fullmatch(r"\d+-?|-", text):
            return None  # fd duplication
        if text.startswith(("<(", ">(")):
            return None
        access = "read" if op in ("<", "<&") else "write"
        item = self.access(text, access, command, dynamic, redirected=True)
        self.through_moves([item], command)  # what the shell reaches through a link made or a move done before
        if "network-device" in item.path.classes:
            if shell_like:
                self.facts.flow("reverse-shell", f"{command} with its input/output on {text}")
            else:
                self.facts.flow("network-redirect", f"{command} redirected to {text}")
        return item

    # -- what runs inside a command --------------------------------------------------------------------------

    def container(self, fact: CommandFact, argv: list[str], via: tuple[str, ...], depth: int) -> None:
        """`docker run -v HOST:DIR image cmd`: what the command does to the host through its mounts. It is judged
        with paths under a mount given as the host paths they are, and every other path as the container's own
        (harmless here); only what reaches the host through a mount is kept."""
        run = _container_run(argv)
        if run is None or depth >= MAX_NESTING:
            return
        mounts, workdir, command = run
        if not mounts or not command:
            return
        host = self.ctx or self.base
        mapped = [(classify(src, host).path, dst.rstrip("/")) for src, dst in mounts if dst.rstrip("/")]
        if not mapped:
            return
        scratch = Facts("Bash")
        cwd = _container_to_host(workdir, mapped) or _CONTAINER_SCRATCH  # relative paths outside mounts: harmless
        text = shlex.join(command)
        for source, target in sorted(mapped, key=lambda m: -len(m[1])):
            text = re.sub(rf"(?<![\w.~/-]){re.escape(target)}(?=/|$|[\s'\";|&)])", source.replace("\\", "\\\\"), text)
        _Extractor(scratch, host.with_cwd(cwd)).run(text, (), depth + 1)
        reached = [source for source, _ in mapped]
        for command_fact in scratch.commands:
            command_fact.targets = [t for t in command_fact.targets if _under_any(t.path.path, reached)]
            if command_fact.targets:
                command_fact.via = (*via, f"{fact.name} run (through a mount)", *command_fact.via)
                self.facts.commands.append(command_fact)
        self.facts.accesses += [a for a in scratch.accesses if _under_any(a.path.path, reached)]

    def unpacked(self, fact: CommandFact, argv: list[str], depth: int, *, given: str | None = None) -> None:
        """An archive or a patch on disk that the command unpacks or applies (`given`: the file its input is
        redirected from): each path it would write, as written there. One that is there but cannot be read whole
        is not known; one not there yet is judged by its name, as before."""
        if fact.name not in _UNPACKERS or (fact.name == "git" and "apply" not in fact.positionals[:1]):
            return
        from lighthouse_mcp.validation import unpacked  # only commands that unpack need it

        plan = unpacked.unpack_plan(fact.name, argv, fact.flags, fact.options)
        if plan is None or (given is not None and plan.sources):
            return
        ctx = self.ctx or self.base
        there = _git_directory(argv) if fact.name == "git" else None
        into = posixpath.join(there, plan.into) if there else plan.into
        for source in plan.sources or ((given,) if given else ()):
            path = classify(source, ctx).path
            if plan.kind == "archive":
                found = unpacked.archive_paths(path)
            else:
                text = self.written.get(path) or unpacked.patch_text(path)
                found = unpacked.patch_paths(text, plan.strip) if text is not None else None
            if found is None:
                continue
            if found.unknown is not None:
                self.facts.problems.setdefault("unresolved", f"{fact.name} unpacks {source}: {found.unknown}")
            for member in found.paths[: unpacked.MAX_ENTRIES]:
                self.access(posixpath.join(into, member), "write", fact.name, False, depth=depth)

    def nested(self, fact: CommandFact, argv: list[str], via: tuple[str, ...], depth: int) -> None:
        name = fact.name
        self.unpacked(fact, argv, depth)
        if name in DOWNLOADERS or (name == "git" and fact.positionals[:1] == ["clone"]):
            self.fetched_to(fact)
        self.given_to_run(fact, via, depth)
        if name in ("docker", "podman", "nerdctl") and fact.positionals[:1] == ["run"]:
            self.container(fact, argv, via, depth)
        if name in SHELLS:
            for rcfile in _option_values(argv, "--rcfile") + _option_values(argv, "--init-file"):
                self.access(rcfile, "exec", name, "$" in rcfile, depth=depth)  # it runs as the shell starts
            script, file_ = _shell_script(argv)
            if script is not None:
                if fact.dynamic and any(c in script for c in "$`"):
                    self.facts.problems.setdefault(
                        "unresolved", f"{name} -c runs a script only known when it runs ({script[:80]})"
                    )
                with self.positional(argv[argv.index(script) + 1 :] if script in argv else []):  # $0, $1, …
                    self.run(script, (*via, f"{name} -c"), depth + 1)
            elif file_ is not None and file_.startswith("<("):
                self.substituted_program(name, file_, via, depth)
            elif file_ is not None:
                self.access(file_, "exec", name, False, depth=depth)
        elif name == "eval":
            if fact.dynamic:
                self.facts.problems.setdefault(
                    "unresolved", f"eval runs text only known when it runs ({' '.join(argv[1:])[:80]})"
                )
            self.run(" ".join(argv[1:]), (*via, "eval"), depth + 1)
        elif name in ("source", ".") and fact.positionals and fact.positionals[0].startswith("<("):
            self.substituted_program(name, fact.positionals[0], via, depth)
        elif name in ("source", ".") and fact.positionals and not reads_stdin(fact.positionals[0]):
            self.access(fact.positionals[0], "exec", name, fact.dynamic, depth=depth)
        elif name in INTERPRETERS:
            self.interpreter(fact, argv, via, depth)
        elif name in AWKS:
            self.awk(fact, via, depth)
        elif name == "find":
            self.find(fact, via, depth)
        elif name == "rsync" and fact.flags & {
            "delete",
            "del",
            "delete-before",
            "delete-during",
            "delete-after",
            "delete-delay",
            "delete-excluded",
            "mirror",
        }:
            destination = fact.positionals[-1] if len(fact.positionals) > 1 else None
            if destination and not _REMOTE_PATH.match(destination):
                self.synthetic_delete(destination, recursive=True, via=(*via, "rsync --delete"), extra_flags={"mirror"})
        elif name == "git":
            self.git(fact, argv, via, depth)
        else:
            self.run_by_program(fact, argv, via, depth)
        if name == "go" and fact.positionals[:2] in (["mod", "edit"], ["work", "edit"]):
            self.new_module_places(fact)

    def given_to_run(self, fact: CommandFact, via: tuple[str, ...], depth: int) -> None:
        """What a program is given to run besides its input: sqlite3's dot-commands, SQL a command prints (`psql -c
        "$(…)"`), and the program GCC runs its steps under (`gcc -wrapper sh,-c,CMD`)."""
        name = fact.name
        if name == "sqlite3":
            self.sqlite_commands(fact, via, depth)
        for sql in _sql_given(fact):
            self.sql_statements(name, sql, via, depth)
        if fact.dynamic and any("$(" in sql or "`" in sql for sql in _sql_given(fact)):
            self.facts.problems.setdefault(
                "unresolved", f"{name} runs SQL that a command prints when it runs, unread ({_sql_given(fact)[0][:80]})"
            )
        for wrapper in _compiler_wrappers(fact):
            self.run(shlex.join(wrapper), (*via, f"{name} -wrapper"), depth + 1)

    def awk(self, fact: CommandFact, via: tuple[str, ...], depth: int) -> None:
        """What an awk program runs: `system("…")`, `print | "…"`, `"…" | getline` (fed what the program reads
        itself), and its sockets."""
        name = fact.name
        from_file = {"f", "file", "E", "exec", "i", "include"} & fact.options.keys()
        awk_program = fact.positionals[0] if fact.positionals and not from_file else self.awk_file(fact)
        # what the program reads itself and may print into the commands it runs (`getline < "f"`, `ENVIRON`)
        sources = [f"cat {shlex.quote(f)}" for f in _AWK_READS.findall(awk_program)][:4]
        sources += ["env"] if "ENVIRON" in awk_program else []
        for match in _AWK_COMMAND.finditer(awk_program):  # system("…"), print | "…", "…" | getline
            command = next(g for g in match.groups() if g).replace('\\"', '"')
            self.run(command, (*via, f"{name} system()"), depth + 1)
            for source in sources:
                self.run(f"{source} | {command}", (*via, f"{name} print |"), depth + 1)
        for match in _AWK_PRINT_TO_SHELL.finditer(awk_program):  # print "rm -rf ~" | "sh"
            self.run(match.group(1).replace('\\"', '"'), (*via, f"{name} print | sh"), depth + 1)
        fetched = [g for m in _AWK_COMMAND.finditer(awk_program) if (g := m.group(3)) and _fetches_text(g)]
        if fetched and _AWK_BUILT_COMMAND.search(awk_program):
            self.facts.flow("remote-code", f"{name} runs commands built from what `{fetched[0][:60]}` prints")
        if "/inet/" in awk_program:  # gawk's sockets: "/inet/tcp/0/host/port" |& getline
            if "|&" in awk_program and re.search(r"\bsystem\s*\(|\|\s*getline|\|&\s*getline", awk_program):
                self.facts.flow("reverse-shell", f"{name} reads commands from a socket and runs them")
            else:
                self.facts.flow("network-redirect", f"{name} opens a network socket")
        self.awk_built(fact, awk_program, via, depth)

    def awk_file(self, fact: CommandFact) -> str:
        """The program an awk command reads from files (`-f p.awk`, `--file`, gawk's `-E` and `-i`): their text, as it
        is on disk; one that cannot be read (not there yet, too large, not a file) makes what it runs unknown."""
        names = [
            v
            for o, v in [*fact.earlier_options, *fact.options.items()]
            if o in ("f", "file", "E", "exec", "i", "include")
        ]
        texts = []
        ctx = self.ctx or self.base
        for name in names:
            path = classify(name, ctx).path
            try:
                descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
                try:
                    regular = stat.S_ISREG(os.fstat(descriptor).st_mode)
                    data = os.read(descriptor, MAX_SCRIPT_BYTES + 1) if regular else b""
                finally:
                    os.close(descriptor)
            except (OSError, ValueError):
                regular, data = False, b""
            if not regular or len(data) > MAX_SCRIPT_BYTES:
                self.facts.problems.setdefault("unresolved", f"{fact.name} runs the program in {name}, not read")
                continue
            self.facts.volatile = True
            texts.append(data.decode("utf-8", "replace"))
        return "\n".join(texts)

    def awk_built(self, fact: CommandFact, awk_program: str, via: tuple[str, ...], depth: int) -> None:
        """The commands an awk program joins from pieces (`system("rm -rf " d)` with `-v d=.lighthouse`), judged as
        they would run; one with a piece only known as it runs (a field, a line read) is not known."""
        variables = _awk_variables(fact)
        literal = {next(g for g in m.groups() if g).replace('\\"', '"') for m in _AWK_COMMAND.finditer(awk_program)}
        operands = tuple(fact.positionals[0 if fact.options.keys() & {"f", "file", "E", "exec"} else 1 :])
        commands = awk_commands(awk_program, variables, operands)
        if commands is None or None in commands:
            self.facts.problems.setdefault("unresolved", f"{fact.name} runs a command it builds as it runs")
        if None in (awk_writes(awk_program, variables, operands) or ()):  # `print > $1 ".csv"`: which files, not known
            self.facts.problems.setdefault("unresolved", f"{fact.name} writes files it names as it runs")
        for command in commands or ():
            if command is not None and command not in literal:
                self.run(command, (*via, f"{fact.name} system()"), depth + 1)

    def sqlite_commands(self, fact: CommandFact, via: tuple[str, ...], depth: int) -> None:
        """sqlite3's dot-commands `.shell CMD` and `.system CMD` run CMD."""
        for text in fact.positionals[1:]:
            for found in _SQLITE_SHELL.finditer(text):
                self.run(found.group(1), (*via, "sqlite3 .shell"), depth + 1)

    def sql_statements(self, client: str, sql: str, via: tuple[str, ...], depth: int) -> None:
        """What SQL a client runs does beyond the database (`sql.sql_effects`): a program the server runs is judged
        as a shell command run here (the server is most often this machine, or one as dear), and flagged however
        harmless; the server's files it reads and writes are accesses of those paths (and flagged, but for a
        database SQLite attaches or vacuums into); what is only known when it runs is not known."""
        from lighthouse_mcp.validation.sql import sql_effects  # only database clients need it

        effects = sql_effects(sql)
        for how, command in effects.programs:
            self.facts.flow("sql-runs-program", f"{client} has the database server run `{command[:80]}` ({how})")
            self.run(command, (*via, f"{client} {how}"), depth + 1)
        for how, path in effects.loads:
            self.facts.flow("sql-runs-program", f"{client} has the database server load {path[:80]} as code ({how})")
        for (how, path), access in [*((r, "read") for r in effects.reads), *((w, "write") for w in effects.writes)]:
            self.access(path, access, client, False, depth=depth)
            if how not in ("ATTACH", "VACUUM INTO"):
                self.facts.flow("sql-server-file", f"{client} has the database server {access} {path[:80]} ({how})")
        for unknown in effects.unknown[:1]:
            self.facts.problems.setdefault("unresolved", f"{client} runs SQL that holds {unknown}")

    def substituted_program(self, name: str, text: str, via: tuple[str, ...], depth: int) -> None:
        """`bash <(…)`, `source <(…)`: the shell runs what the inner commands print."""
        inner = _substitution(text)
        printed = _printed_literal(inner) if inner is not None else None
        if printed is not None:
            self.run(printed, (*via, f"{name} <(…)"), depth + 1)
            return
        stages = [c for p in (inner.pipelines if inner else []) for c in p.commands if isinstance(c, Simple)]
        names = {_command_name(w.text) for c in stages for w in c.words[:1]}
        if names & DOWNLOADERS:
            self.facts.flow("remote-code", f"{name} runs the output of a download")
        elif names & DECODERS:
            self.facts.flow("decoded-exec", f"{name} runs decoded data")
        else:
            self.facts.problems.setdefault(
                "unresolved", f"{name} runs what {text[:60]} prints, only known when it runs"
            )

    def run_by_program(self, fact: CommandFact, argv: list[str], via: tuple[str, ...], depth: int) -> None:
        """Commands other programs run for them: an editor's `!cmd`, man's pager, tar's programs, make's recipes,
        ssh's remote command."""
        name = fact.name
        if name in _CALLBACKS and "-C" in argv[:-1]:  # `mapfile -C 'cmd'`, `compgen -C 'cmd'`: it runs as it goes
            self.run(argv[argv.index("-C") + 1], (*via, f"{name} -C"), depth + 1)
        for option in _COMMAND_OPTIONS.get(name, ()):  # `rsync -e CMD`, `zip -TT CMD`: a command it runs
            for value in _option_values(argv, option):
                self.run(value, (*via, f"{name} {option}"), depth + 1)
        if name == "emacs":  # `emacs --batch --eval '(shell-command "cmd")'`; any other Lisp is not read
            for value in _option_values(argv, "--eval") + _option_values(argv, "-eval"):
                shell = list(_ELISP_SHELL.finditer(value))
                for found in shell:
                    self.run(found.group(1).replace('\\"', '"'), (*via, "emacs --eval"), depth + 1)
                if not shell and _ELISP_ACTS.search(value):  # processes, files, the network: not read further
                    self.facts.problems.setdefault("unresolved", f"emacs evaluates Lisp that acts ({value[:60]})")
        if name == "gdb":  # `gdb -ex 'shell cmd'`, `-ex 'python …'`: what the debugger is told to run
            self.debugger(argv, via, depth)
        if name == "psql":  # `psql -c '\! cmd'`: psql's shell escape
            for value in [v for k, v in [*fact.earlier_options, *fact.options.items()] if k in ("c", "command")]:
                self.executed_text("psql", value, (*via, "psql \\!"), depth)
        for command, how in _commands_run_by(fact, argv):  # `vim -c '!cmd'`, `less +!cmd`, `sed e`, `fd -x`, …
            self.run(command, (*via, how), depth + 1)
        if name in EDITOR_COMMANDS:  # any command beyond plain editing and `!cmd` is not read
            unread = _editor_unread(argv)
            if unread is not None:
                self.facts.problems.setdefault("unresolved", f"{name} is told to run `{unread[:60]}`, not read")
        if name in _EVALUATE_NAMES:  # `printf -v 'a[$(cmd)]' x`, `unset 'a[$(cmd)]'`, `let 'a[$(cmd)]=1'`
            for arg in argv[1:]:
                self.stored_code(name, arg, via, depth)
        elif name in ("ssh", "scp", "sftp"):
            self.ssh(name, argv, via, depth)
        elif name in ("npm", "pnpm") and fact.positionals[:2] == ["pkg", "set"]:
            self.manifest_scripts(fact.positionals[2:])
        elif name == "npm" and fact.positionals[:1] == ["set-script"] and len(fact.positionals) >= 3:  # npm 7-8
            self.manifest_scripts([f"scripts.{fact.positionals[1]}={fact.positionals[2]}"])
        elif name in _EXECUTORS:
            inside = _exec_command(fact, argv)
            if inside is not None:  # `docker exec db cmd…`: judged as a command run on another machine is
                self.run(shlex.join(inside[1]), (*via, f"{name} exec {inside[0]}"), depth + 1)
        elif name not in MODELLED and depth < MAX_NESTING:
            self.unknown_program(name, argv, via, depth)

    def debugger(self, argv: list[str], via: tuple[str, ...], depth: int) -> None:
        """gdb's commands from `-ex`/`-iex`/`--eval-command`: a shell command (`shell`, `!`, `pipe`) is judged,
        Python is judged as Python, and a script (`-x`, `source`, Guile) is not read."""
        values = [v for o in ("-ex", "-iex", "--eval-command", "-eval-command") for v in _option_values(argv, o)]
        for value in values:
            word, _, rest = value.strip().partition(" ")
            if word in ("shell", "!") or word.startswith("!"):
                self.run(rest if word in ("shell", "!") else value.strip()[1:], (*via, "gdb shell"), depth + 1)
            elif word in ("python", "py", "python-interactive", "pi"):
                self.code("python3", rest, (*via, "gdb python"), depth)
            elif word in ("pipe", "|", "source", "guile", "gu", "python-file"):
                self.facts.problems.setdefault("unresolved", f"gdb is told to run `{value[:60]}`, not read")
        if _option_values(argv, "-x") + _option_values(argv, "--command") + _option_values(argv, "-command"):
            self.facts.problems.setdefault("unresolved", "gdb runs a script of commands, not read")

    def ssh(self, name: str, argv: list[str], via: tuple[str, ...], depth: int) -> None:
        """What ssh (or scp, sftp) runs: a command its options give it to run here (`-o ProxyCommand=…`,
        `LocalCommand`), and ssh's remote command, on the other machine."""
        options = _option_values(argv, "-o") + [a[2:] for a in argv[1:] if a.startswith("-o") and len(a) > 2]
        for option in options:
            key = re.split(r"[\s=]", option.strip(), maxsplit=1)[0]
            command = option.strip()[len(key) :].lstrip(" \t=")
            if key.lower() in ("proxycommand", "localcommand", "knownhostscommand") and command:
                self.run(command, (*via, f"{name} -o {key}"), depth + 1)
        remote = _operand_and_after(argv[1:], VALUE_OPTIONS["ssh"]) if name == "ssh" else None
        if remote is not None and remote[1]:  # the remote shell runs the words after the host, joined
            host, command = remote[0], " ".join(remote[1])
            self.facts.flow("remote-exec", f"runs `{command[:80]}` on {host}")
            self.run(command, (*via, f"ssh {host}"), depth + 1)

    def unknown_program(self, name: str, argv: list[str], via: tuple[str, ...], depth: int) -> None:
        """A program whose arguments Lighthouse does not know may run what they say: the words from the first
        that names a known program on (`numactl -- bash -c …`, `xvfb-run rm -rf ~`), and any argument that reads as
        a command line of one (`flock /tmp/l -c 'curl … | sh'`, `tmux new -d '…'`). Each is judged as that command;
        one that does nothing harmful changes nothing."""
        start = next((i for i, word in enumerate(argv[1:], 1) if _command_name(word) in KNOWN_COMMANDS), None)
        if start is not None:
            self.run(shlex.join(argv[start:]), (*via, f"{name} runs"), depth + 1)
        lines = [a for a in argv[1:start] if " " in a.strip() or "|" in a or ";" in a]
        for line in lines[:8]:
            command = _command_in(line)
            if command is not None:
                self.run(command, (*via, f"{name} may run"), depth + 1)

    def code(self, interpreter: str, source: str, via: tuple[str, ...], depth: int, *, inline: bool = True) -> None:
        """The code `interpreter` runs: given inline (`-c`, `-e`, its input), or a program on disk (`inline` false)."""
        from lighthouse_mcp.validation import code_actions  # only commands with one-liners need it

        language = code_actions.INTERPRETER_LANGUAGE.get(interpreter, "generic")  # any other: by its calls
        if "lighthouse_mcp" in source:  # Lighthouse's own library can write its store directly
            self.facts.flow("lighthouse-library", f"{interpreter} code importing lighthouse_mcp")
        actions = code_actions.actions_for(language, source)
        if actions is None:
            self.facts.problems.setdefault("unparsed", f"{interpreter} code that is not valid {language}")
            return
        if interpreter in ("expect", "tclsh", "wish"):  # Tcl's `exec CMD …` and expect's `spawn CMD …` run CMD
            for found in _TCL_RUNS.finditer(source):
                self.run(found.group(1), (*via, f"{interpreter} exec"), depth + 1)
            if _TCL_ACTS.search(source):  # files deleted or written, sockets, fetches: Tcl is not read further
                self.facts.problems.setdefault("unresolved", f"{interpreter} code that changes files or connects")
        fetches = _URL_IN_TEXT.search(source) is not None
        self.apply_actions(actions, via, depth, fetches=fetches, now=True, inline=inline)
        if language == "python" and depth <= MAX_NESTING:
            self.python_imports(interpreter, source, depth)
        if language != "python" and not any(action.kind == "shell" for action in actions):
            self.may_run(interpreter, source, via, depth)  # (Python is read whole: a string it prints is data)
        self.named_in_code(interpreter, source, actions, code_actions.normalised(language, source))

    def named_in_code(self, interpreter: str, source: str, actions: Sequence[Action], folded: str = "") -> None:
        """Code that names a file guarding the agent, one that runs later, or the home (`shutil.copyfile(…,
        '/etc/profile.d/x.sh')`, `File.write("~/.bashrc", …)`, `file_put_contents(…)`), in a way its reader did
        not follow to a write or a delete, may change it for all Lighthouse can tell. Named in any language's
        quoting (`q{…}`, `%Q(…)`, `[[…]]`, after a mode such as `">>…"`), and as literals joined (`'/ro' + 'ot'`,
        `"/ro" . "ot"`, `'/ro' 'ot'`); and as `folded` has them, with the home from its APIs (`"$ENV{HOME}/.bashrc"`
        as `"~/.bashrc"`; not the home alone, which code names to print it)."""
        followed = {a.value for a in actions if a.kind in ("write", "delete") and a.value}
        ctx = self.ctx or self.base
        for found in _DOT_NAMED.finditer(source[:_TEXT_REACH]):  # `Path('.claude')`: the guard's own, by name alone
            if found.group(2) not in followed and classify(found.group(2), ctx).classes & _GUARDS_ITSELF:
                self.facts.problems.setdefault(
                    "unresolved", f"{interpreter} code names {found.group(2)}; what it does with it is not known"
                )
                return
        named = [(f, False) for f in _PATH_NAMED.finditer(_JOINED.sub("", source[:_TEXT_REACH]))]
        if folded and folded != source:
            named += [(f, True) for f in _PATH_NAMED.finditer(_JOINED.sub("", folded[:_TEXT_REACH]))]
        for found, by_folding in named:
            raw = found.group(2) or found.group(3)
            if raw in followed or "\n" in raw or (by_folding and raw.rstrip("/") == "~"):
                continue
            if classify(raw, ctx).classes & _KEPT_SAFE:
                self.facts.problems.setdefault(
                    "unresolved", f"{interpreter} code names {raw}; what it does with it is not known"
                )
                return

    def text_it_may_run(self, fact: CommandFact, via: tuple[str, ...], depth: int) -> None:
        """Text a command hands a program that may run what it says: a script on its input (`vim -es <<EOF`,
        `sqlite3 <<< '.shell …'`), a file written earlier in this command (`emacs -l x.el`, `ssh -F cfg`, `cc a.c`),
        an argument of a program that reads scripts (`gnuplot -e …`, `sqlite3 -cmd …`), options that load code into
        an interpreter (`perl -M…`, `node --import …`)."""
        name = fact.name
        if fact.stdin and (name in RUNS_ITS_INPUT or name not in MODELLED):
            self.may_run(name, fact.stdin, via, depth)
        if self.written and name not in DATA_ONLY:
            for arg in fact.argv[1:]:
                for candidate in {arg, arg.partition("=")[2], arg[2:] if arg[:1] == "-" else ""} - {""}:
                    written = self.written.get(files.resolve(candidate, self.ctx or self.base))
                    if written is not None:
                        self.may_run(name, written, (*via, f"{candidate} written in this command"), depth)
        if name in RUNS_ITS_INPUT and name not in SHELLS:
            for arg in fact.argv[1:]:
                if arg.startswith("<("):  # `make -f <(printf 'x:\n\tcurl …')`: the script is what it prints
                    inner = _substitution(arg)
                    printed = _printed_literal(inner) if inner is not None else None
                    if printed:
                        self.may_run(name, printed, (*via, f"{name} <(…)"), depth)
                elif arg.startswith(("-M", "-m", "--import", "--require", "--loader")) and len(arg) > 2:
                    self.interpreter_options(name, arg, via, depth)
                elif name not in INTERPRETERS and (" " in arg or "|" in arg or ";" in arg):
                    self.may_run(name, arg, via, depth)  # (an interpreter's code is read as code)

    def may_run(self, program: str, text: str, via: tuple[str, ...], depth: int) -> None:
        """A command line in code or a script whose reader found no command it runs (`system q{curl … | sh}`,
        `readpipe("…")`, `.shell …`, `syscmd(…)`), or in a file written in this command that a program is then
        given (`emacs -l x.el`, `ssh -F cfg`, `cc a.c`), may be run by it in a way the reader does not follow: each
        is judged as that command. One that does nothing harmful changes nothing."""
        if depth > MAX_NESTING:
            return
        if "\\n" in text or "\\t" in text:  # `printf 'x:\n\tcurl …'`: the lines it prints
            text = text.replace("\\n", "\n").replace("\\t", "\t")
        for command in _commands_in(text):
            self.run(command, (*via, f"{program} may run"), depth + 1)

    def apply_actions(
        self,
        actions: Sequence[Action],
        via: tuple[str, ...],
        depth: int,
        *,
        fetches: bool = False,
        now: bool = False,
        inline: bool = False,
    ) -> None:
        """What code does, as the commands that would do it. `fetches`: the code names a URL, so what it writes
        may be what it fetched. `now`: the code runs in this command (not written to a file for later), so the SQL
        it has a database run is judged as SQL given to a client (application code holds `DELETE FROM t` often).
        `inline`: the code is given on the command line (`python3 -c`, `node -e`), not a program on disk, so a file
        a tool runs by name that it writes (a manifest, a Makefile) is one whose new text is not seen."""
        from lighthouse_mcp.validation.content import runs_by_name

        kinds = {a.kind for a in actions}
        program = via[-1] if via else "program"
        for action in actions:
            if action.kind == "shell":
                self.run(action.value, (*via, action.detail), depth + 1)
            elif action.kind == "delete":  # a target the code computes at run time is a dynamic one
                target = action.value or "$PATH_COMPUTED_BY_CODE"
                self.synthetic_delete(target, recursive=action.recursive, via=(*via, action.detail))
            elif action.kind == "sql" and now:
                self.facts.commands.append(sql_command(action.value, program))
            elif action.kind in ("read", "write") and action.value:
                item = self.access(action.value, action.kind, via[-1] if via else "code", False)
                if action.kind == "write" and inline and runs_by_name(item.path.path):  # `json.dump(p, open(…))`
                    self.facts.problems.setdefault(
                        "unresolved", f"{program} code writes {action.value}, which a tool runs by its name, "
                        "with text only known when it runs",
                    )  # fmt: skip
                if action.kind == "write" and (fetches or "network" in kinds):  # `urlretrieve(URL, "x.sh")`
                    self.filled_from_network(item.path, program)
                if action.kind == "read" and "secret" in item.path.classes and kinds & {"send", "network", "connect"}:
                    self.facts.flow("secret-to-network", f"{action.detail} of {action.value} and a network call")
                tainted = self.secret_files.get(item.path.path) if action.kind == "read" else None
                if tainted is not None and kinds & {"send", "network", "connect"}:  # written from a secret before
                    self.facts.flow(tainted[0], f"{action.detail} of {action.value} ({tainted[1]}) and a network call")
        for action in actions:
            if action.kind == "send-secret":
                self.facts.flow("secret-variable-to-network", f"{action.detail} sends ${action.value}")
            elif action.kind == "read-env":  # what it prints may carry it (`… | curl -d @- …`)
                self.carried.append(("environment", f"the environment, taken by {program} code,"))
            elif action.kind == "read-secret-variable":
                self.carried.append(("secret-variable", f"${action.value}, read by {program} code,"))
            elif action.kind == "network":
                self.carried.append(("download", f"{program} code that fetches {action.value or 'data'}"))
        if "connect" in kinds and "spawn-shell" in kinds:
            self.facts.flow("reverse-shell", "code that connects a socket and runs a shell on it")
        elif "connect" in kinds and "exec-dynamic" in kinds:  # what it runs can only have come from somewhere
            self.facts.flow("reverse-shell", "code that connects a socket and runs commands known only when it runs")
        elif "spawn-shell" in kinds:
            detail = next(a.detail for a in actions if a.kind == "spawn-shell")
            self.facts.flow("code-shell", f"code that starts an interactive shell ({detail})")
        if "read-env" in kinds and kinds & {"send", "network", "connect"}:
            self.facts.flow("secret-to-network", "code that sends the whole environment over the network")
        if "eval-dynamic" in kinds:
            detail = next(a.detail for a in actions if a.kind == "eval-dynamic")
            if "network" in kinds or "downloaded" in detail:
                self.facts.flow("remote-code", f"code that runs what it downloads ({detail})")
            else:
                self.facts.flow("obfuscated-exec", f"code that runs data it decodes at run time ({detail})")
        if "exec-dynamic" in kinds:
            self.facts.flow("dynamic-exec", "code that runs a command built at run time")
        if "deserialize" in kinds and "network" in kinds:
            self.facts.flow("remote-code", "code that deserialises data it downloads")

    def synthetic_delete(
        self,
        path: str,
        *,
        recursive: bool,
        via: tuple[str, ...],
        extra_flags: Iterable[str] = (),
        shown: str | None = None,
    ) -> None:
        """A delete some other command does, as the `rm` that would do the same (`shown`: the command given). A
        delete of only the files a filter matches (`find DIR -name X -delete`) does not delete DIR itself: it is a
        target of the command, not a path the request deletes."""
        flags = frozenset({"f", *(("r",) if recursive else ()), *extra_flags})
        fact = CommandFact("rm", ["rm", "-rf" if recursive else "-f", path], flags, [path], {}, [], via, shown=shown)
        if "matching" in flags:
            ctx = self.ctx or self.base
            fact.targets = [Access(classify(path, ctx, dynamic="$" in path or self.ctx is None), "delete", "rm")]
        else:
            fact.targets = [self.access(path, "delete", "rm", "$" in path)]
        fact.targets = self.through_moves(fact.targets, "rm")
        self.facts.commands.append(fact)

    def find(self, fact: CommandFact, via: tuple[str, ...], depth: int) -> None:
        args = fact.argv[1:]
        starts = _find_starts(args)
        filtered = any(_narrows(args, index) for index in range(len(args)))
        pattern = _find_pattern(args)
        named = any(a in _FIND_NAME_TESTS and _narrows(args, i) for i, a in enumerate(args))
        extra = {"matching", *(("named",) if named else ())} if filtered else set()
        folded = "-iname" in args
        # A filtered search still finds the guard's own files when it ranges over them and the filter can match.
        paths = _path_patterns(args)
        guarded = [h for start in starts for h in self.guarded_files(start, pattern, folded, paths)] if filtered else []
        if "-delete" in args:
            shown = fact.text
            for start in starts:
                self.synthetic_delete(start, recursive=True, via=(*via, "find -delete"), extra_flags=extra, shown=shown)
            for hit in guarded:
                self.synthetic_delete(hit, recursive=False, via=(*via, "find -delete"), shown=shown)
            if pattern is not None:  # what the request deletes: the matching files in and under each start
                for start in starts:
                    self.access(f"{start.rstrip('/')}/{pattern}", "delete", "find", False, depth=depth)
                    self.access(f"{start.rstrip('/')}/**/{pattern}", "delete", "find", False, depth=depth)
            for path in paths:  # `-path './.g*'`: the pattern is of the whole path
                self.access(path, "delete", "find", False, depth=depth)
        for index, arg in enumerate(args):
            if arg in ("-exec", "-execdir", "-ok", "-okdir"):
                end = next((j for j in range(index + 1, len(args)) if args[j] in (";", "+", "\\;")), len(args))
                inner = args[index + 1 : end]
                if not inner:
                    continue
                for path in [*_found_by(args), *guarded]:
                    replaced = _found_into(inner, path)
                    self.run(shlex.join(replaced), (*via, f"find {arg}"), depth + 1)

    def guarded_files(self, start: str, pattern: str | None, folded: bool, paths: list[str]) -> list[str]:
        """The files of the Lighthouse home a `find` from `start` would reach whose name `pattern` matches (any, with
        no name pattern) and whose path as `find` shows it one of `paths`, its whole-path patterns, matches."""
        base = classify(start, self.ctx or self.base).path
        shown = start.rstrip("/") or "/"
        hits = []
        for guard in (self.ctx or self.base).guard:
            if not (guard == base or guard.startswith(base.rstrip("/") + "/")):
                continue
            present = [(d, [posixpath.basename(d), *names]) for d, _, names in os.walk(guard)]
            known = [(guard, [posixpath.basename(guard), *GUARDED_NAMES])]  # what a home holds, seen or not
            for directory, names in [*present, *known]:
                for name in names:
                    subject, wanted = (name.lower(), pattern.lower()) if folded and pattern else (name, pattern)
                    if wanted is None or fnmatch.fnmatchcase(subject, wanted):
                        hit = directory if name == posixpath.basename(directory) else f"{directory}/{name}"
                        as_shown = shown + hit[len(base.rstrip("/")) :]
                        if not paths or any(fnmatch.fnmatchcase(as_shown, p) for p in paths):
                            hits.append(hit)
                if len(hits) > 50:
                    return hits
        return hits

    def git(self, fact: CommandFact, argv: list[str], via: tuple[str, ...], depth: int) -> None:
        """What git itself runs: `-c alias.x='!cmd' x`, `-c core.pager=cmd` and the like, and `git config` that makes
        later git commands run something (persistence)."""
        positionals = fact.positionals
        if positionals[:1] not in (["push"], ["fetch"], ["pull"], ["remote"], ["clone"]):  # (refspecs: `a:b`)
            for word in positionals[1:]:  # `git show HEAD:.lighthouse/secret.key`: a file, as a commit holds it
                rev, colon, path = word.partition(":")
                if colon and path and "/" not in rev and "://" not in word:
                    self.access(path, "read", "git", False)
        if positionals[:1] == ["rm"] and not fact.flags & {"cached", "n", "dry-run"}:  # deletes from the tree too
            recursive = bool(fact.flags & {"r"})
            for path in positionals[1:]:
                self.synthetic_delete(path, recursive=recursive, via=(*via, "git rm"), shown=fact.text)
        given = [*self.git_config.items(), *_git_settings(argv)]  # set by `git config` earlier, or by `-c`
        for key, value in given:
            if key.startswith("alias.") and value.startswith("!") and positionals[:1] == [key[len("alias.") :]]:
                self.run(value[1:], (*via, f"git {key}"), depth + 1)
            elif _git_command_key(key):
                self.run(value.removeprefix("!"), (*via, f"git -c {key}"), depth + 1)
            if _git_runs(key, value):
                self.facts.flow("git-runs", f"git -c {key}={value[:60]} makes git run it")
        for key, variable in _git_settings_from_environment(argv):  # `--config-env=core.fsmonitor=VAR`
            known = self.prefix.get(variable, self.env.get(variable))
            if isinstance(known, str) and (_git_command_key(key) or key in _HOOK_DIRS):
                self.run(known.removeprefix("!"), (*via, f"git --config-env {key}"), depth + 1)
            elif _git_command_key(key) or key in (*_HOOK_DIRS, "include.path") or key.startswith("includeif."):
                self.facts.problems.setdefault(
                    "unresolved", f"git --config-env {key} takes a setting known when git runs"
                )
        for key, value in _git_settings(argv):  # `-c include.path=FILE`: settings from a file, which may run commands
            if _GIT_INCLUDE.fullmatch(key):
                written = self.written.get(files.resolve(value, self.ctx or self.base))
                if written is not None:
                    self.may_run("git", written, (*via, f"git -c {key}"), depth)
                self.facts.problems.setdefault("unresolved", f"git -c {key}={value[:60]} reads settings from a file")
        for url in (p for p in positionals if p.startswith("ext::")):  # `git clone 'ext::sh -c cmd'` runs it
            self.run(_ext_command(url), (*via, "git ext::"), depth + 1)
        for spelled in _git_spelled_out(dict(given), positionals):  # `-c remote.origin.push=+x:main`
            self.run(spelled, (*via, "git -c"), depth + 1)
        settings = _git_config_words(fact.argv) if positionals[:1] == ["config"] else []  # `git config KEY VALUE`
        if positionals[:1] == ["config"]:
            self.git_settings_set(fact, settings, via, depth)
        for command in _git_commands(fact):  # `submodule foreach CMD`, `bisect run CMD`, `rebase -x CMD`, …
            self.run(command, (*via, f"git {positionals[0]}"), depth + 1)
        self.remote_changes(settings, positionals, given)
        self.new_destinations(fact, settings)
        if positionals[:2] == ["remote", "add"] and len(positionals) >= 4:
            self.remotes[positionals[2]] = positionals[3]
        for repo in _option_values(fact.argv, "--repo") if positionals[:1] == ["push"] else []:
            if _URL.match(repo) or _REMOTE_PATH.match(repo):  # `git push --repo=URL`
                self.facts.flow("push-to-url", f"git push straight to {repo}")
        if positionals[:1] == ["push"] and len(positionals) >= 2:
            remote = positionals[1]
            if remote in self.remotes:
                self.facts.flow(
                    "push-to-new-remote",
                    f"git push to remote '{remote}' ({self.remotes[remote]}) added in the same command",
                )
            elif _URL.match(remote) or _REMOTE_PATH.match(remote):
                self.facts.flow("push-to-url", f"git push straight to {remote}")

    def executed_text(self, executor: str, text: str, via: tuple[str, ...], depth: int) -> None:
        """`text` is run by `executor` (a shell or interpreter reading stdin, or a program that runs its input:
        sed's `e` and awk's `system($0)` run each line, make the recipes of the makefile it reads)."""
        if executor in SHELLS or executor in SCHEDULERS or executor in ("source", ".", "sed", "gsed", *AWKS):
            self.run(text, via, depth + 1)
        elif executor in ("make", "gmake", "bmake"):
            for recipe in _recipes(text):
                self.run(recipe, via, depth + 1)
        elif executor in DATABASE_FILE_FIRST or executor in ("psql", "mysql", "mariadb", "sql"):  # `\! CMD`
            for found in [*_SQLITE_SHELL.finditer(text), *_PSQL_SHELL.finditer(text)]:
                self.run(found.group(1), via, depth + 1)
            self.sql_statements(executor, text, via, depth)
        elif executor in ("ed", "ex"):  # `!cmd`, `r !cmd`, `w !cmd` run a shell command; Vim script is not read
            for line in text.splitlines():
                command = _unsilenced(re.sub(r"^[\d,.$%;+-]*", "", line.strip()))
                shell = re.match(r"(?:[rwe]\s*)?!(.*)", command)
                if shell is not None:
                    self.run(shell.group(1), via, depth + 1)
                elif command and executor == "ex" and _PLAIN_EDITING.fullmatch(command) is None:
                    self.facts.problems.setdefault("unresolved", f"ex is told to run `{command[:60]}`, not read")
        elif executor in INTERPRETERS or executor in STDIN_EXECUTORS:  # `echo 'exec rm -rf ~' | tclsh` too
            self.code(executor, text, via, depth)

    def git_settings_set(self, fact: CommandFact, settings: list[str], via: tuple[str, ...], depth: int) -> None:
        """`git config KEY VALUE` (`settings`: its words): what later git commands find set, and run; settings moved
        or written where they are not seen here (a section renamed, the file opened in an editor, another file
        included) are not known."""
        key = settings[0].lower() if settings else ""
        if len(settings) >= 2:  # what later git commands in this command line find set
            self.git_config[key] = settings[1]
        if len(settings) >= 2 and (_git_command_key(key) or key in _HOOK_DIRS or settings[1].startswith("!")):
            if _git_runs(key, settings[1]):
                self.facts.flow("persistence", f"git config {key} makes later git commands run {settings[1][:60]}")
            self.run(settings[1].removeprefix("!"), (*via, f"git config {key}"), depth + 1)
        _, rest = global_options(fact.argv[1:], "/")
        unseen = _GIT_CONFIG_UNSEEN & set(rest[1:2] + [w.split("=", 1)[0] for w in rest if w.startswith("-")])
        if unseen:
            self.facts.problems.setdefault("unresolved", f"git config {sorted(unseen)[0]} changes settings not shown")
        if len(settings) >= 2 and _GIT_INCLUDE.fullmatch(key) is not None:
            self.included_settings(key, settings[1], via, depth)

    def included_settings(self, key: str, value: str, via: tuple[str, ...], depth: int) -> None:
        """`git config include.path FILE`: FILE's settings are git's from now on. Written in this command or on disk,
        each is judged as set; a file not there yet is not known unless it is one the agent cannot write unseen (in
        the home, outside the project and temporary directories: a write there asks)."""
        from lighthouse_mcp.validation.content import runnable_code

        where = classify(value, self.ctx or self.base)
        text = self.written.get(where.path)
        if text is None:
            text, too_large = read_on_disk(where.path)
            if too_large:
                text = None
        if text is not None:
            for piece in runnable_code("included/.gitconfig", text):
                self.run(piece.source, (*via, f"git config {key}"), depth + 1)
        elif where.classes & {"temp", "project"} or "in-home" not in where.classes:
            self.facts.problems.setdefault("unresolved", f"git config {key} reads settings from {value[:80]}")

    def new_destinations(self, fact: CommandFact, settings: list[str]) -> None:
        """A remote pointed at a place the repository does not send its code to yet (`git remote add`, `set-url`,
        `git config remote.NAME.url`, URL rewriting, a branch pushing to a URL): every later push goes there."""
        positionals = fact.positionals
        where: str | None
        where, _ = global_options(fact.argv[1:], (self.ctx or self.base).cwd)
        if any(a.startswith("--git-dir") for a in fact.argv[1:]) or "GIT_DIR" in self.prefix or "GIT_DIR" in self.env:
            where = None  # another repository's settings: which remotes it has is not read here
        urls: list[str] = []
        if positionals[:2] in (["remote", "add"], ["remote", "set-url"]) and "delete" not in fact.flags:
            urls = positionals[3:]
        key = settings[0].lower() if settings else ""
        if len(settings) >= 2 and _POINTS_AT.fullmatch(key) is not None:
            urls = [settings[1]]
        for url in urls:
            found = new_place(url, where)
            if found is not None:
                self.facts.flow("remote-repointed", f"git {positionals[0]} sends the repository to {found}")
        sources = positionals[2:] if positionals[:2] in (["submodule", "add"], ["submodule", "set-url"]) else []
        if len(settings) >= 2 and _SUBMODULE_URL.fullmatch(key) is not None:
            sources = [settings[1]]
        for url in sources:  # `git submodule add URL`, `.gitmodules`' `submodule.NAME.url`
            found = new_place(url, where, submodule=True)
            if found is not None:
                self.facts.flow("dependency-new-place", f"git {positionals[0]} takes code from {found}")
        rewrite = _URL_REWRITE_KEY.fullmatch(key) if len(settings) >= 2 else None
        if rewrite is not None and (found := new_rewrite(key.split(".", 1)[1].rsplit(".", 1)[0], settings[1], where)):
            self.facts.flow("remote-repointed", f"git config {key} sends what goes to {settings[1]} to {found}")

    def new_module_places(self, fact: CommandFact) -> None:
        """`go mod edit -replace OLD=NEW[@v]` (and `go work edit`): a module taken from a place the repository does
        not use (a path on this machine is none)."""
        where = (self.ctx or self.base).cwd
        for module in _go_replacements(fact.argv):
            found = new_place(f"https://{module}", where) if not module.startswith((".", "/")) else None
            if found is not None:
                self.facts.flow("dependency-new-place", f"go mod edit -replace takes {module} from {found}")

    def remote_changes(self, settings: list[str], positionals: list[str], given: list[tuple[str, str]]) -> None:
        """An existing remote pointed elsewhere in this command counts as one added in it (`git remote set-url`,
        `git config remote.NAME.url` or `.pushurl`, `-c remote.NAME.url=…` on the push itself, `git remote rename`
        of one added, `url.BASE.insteadOf` or `.pushInsteadOf`, which rewrite every remote's URL); a push to it, or
        a push naming no remote (which goes to one of them), is a push to a new remote."""
        for key, value in given:
            named = REMOTE_URL_KEY.fullmatch(key)
            if named is not None:
                self.remotes[named.group(1)] = value
                self.repointed.add(named.group(1))
            elif _URL_REWRITE_KEY.fullmatch(key):
                self.remotes["*"] = key.split(".", 1)[1].rsplit(".", 1)[0]
                self.repointed.add("*")
        named = REMOTE_URL_KEY.fullmatch(settings[0]) if len(settings) >= 2 else None
        if named is not None:  # `git config set remote.origin.url URL`
            self.remotes[named.group(1)] = settings[1]
            self.repointed.add(named.group(1))
        for path, text in self.written.items():  # `printf '[remote "origin"]\n\turl = …' >> .git/config`
            written = git_settings(text) if is_git_settings(path) else ()
            url = next((v for _, k, v in written if REMOTE_URL_KEY.fullmatch(k) or _URL_REWRITE_KEY.fullmatch(k)), "")
            if url:
                self.remotes["*"] = url
                self.repointed.add("*")
                break
        if positionals[:3] == ["remote", "add", "origin"] and len(positionals) >= 4:  # the default remote, anew
            self.repointed.add("origin")
        if positionals[:2] == ["remote", "set-url"] and len(positionals) >= 4:
            self.remotes[positionals[2]] = positionals[3]
            self.repointed.add(positionals[2])
        elif positionals[:2] == ["remote", "rename"] and len(positionals) >= 4 and positionals[2] in self.remotes:
            self.remotes[positionals[3]] = self.remotes[positionals[2]]
            self.repointed.add(positionals[3])
        if positionals[:1] != ["push"] or not self.repointed:
            return
        remote = positionals[1] if len(positionals) >= 2 else None
        if remote is None or "*" in self.repointed or remote in self.repointed:
            changed = "*" if "*" in self.repointed else remote if remote is not None else sorted(self.repointed)[0]
            self.facts.flow(
                "push-to-new-remote",
                f"git push to {remote or 'its default remote'}, pointed at {self.remotes[changed]} in the same command",
            )

    def written_from_secret(self, fact: CommandFact, stage: _Stage, words: list[Word]) -> None:
        """What `fact` writes, when what ran in it printed or read a secret (`env > e.txt`, `cp ~/.aws/credentials
        c`, `echo "$(cat ~/.ssh/id)" > k`), is secret for the rest of the command; what it writes that holds the
        repository's content (`git log -p > h.txt`, `git archive -o x.zip`) is an archive of it. A command that sends
        such a file (`curl -d @e.txt`, `nc host < e.txt`, `scp e.txt host:`) sends the secret."""
        if _sends(fact) or any("network-device" in a.path.classes for a in fact.targets):
            for access in fact.targets:
                tainted = self.secret_files.get(access.path.path) if access.access == "read" else None
                if tainted is not None:
                    what = f"{access.path.raw}, written from {tainted[1]} earlier in this command"
                    self.facts.flow(tainted[0], f"{fact.name} sends {what}")
        secret = stage.secret()
        if secret is None and any(w in self.secret_words for w in words):
            secret = ("secret-to-network", "the output of a secret read")
        written = [t.path for t in fact.targets if t.access == "write"]
        made = [made] if (made := _archive_written(fact)) else []  # `tar czf x.tgz e.txt`, `zip x.zip e.txt`
        suffix = _COMPRESSED.get(fact.name)
        if suffix and not fact.flags & {"c", "stdout", "d", "decompress"}:  # `gzip e.txt` leaves e.txt.gz
            made += [p + suffix for p in fact.positionals]
        written += [classify(p, self.ctx or self.base) for p in made]
        self.taint_written(written, secret)
        if _archives_tree(fact):
            self.archives.update(path.path for path in written)
            output = _option_after(fact.argv, ("-o", "--output")) if fact.subcommand == "archive" else None
            if fact.positionals[:2] == ["bundle", "create"] and len(fact.positionals) > 2:
                output = fact.positionals[2]
            if output and output != "-":  # `git archive -o x.zip HEAD`, `git bundle create x.bundle --all`
                self.archives.add(classify(output, self.ctx or self.base).path)

    def taint_written(self, written: list[PathFact], secret: tuple[str, str] | None) -> None:
        """The files in `written` hold `secret` (a flow and what it is), for the commands after that send them."""
        if secret is not None:
            for path in written:
                if "network-device" not in path.classes and path.path not in ("/dev/null", "/dev/stdout"):
                    self.secret_files.setdefault(path.path, secret)

    # -- data flows ------------------------------------------------------------------------------------------

    def command_flows(self, fact: CommandFact) -> None:
        name = fact.name
        if name == "git" and set(fact.argv[1:5]) & _GIT_SWITCHES and not (self.ctx or self.base).lexical:
            self.facts.volatile = True  # the answer depends on the repository as it is now
            changed = guard_changes(fact.argv[1:], (self.ctx or self.base).cwd)
            if changed:
                self.facts.flow("guard-files-switched", f"{fact.text} would change {', '.join(changed[:4])}")
        served = _served_directory(fact)
        if served is not None:
            where = classify(served, self.ctx or self.base)
            if where.classes & _HOLDS_SECRETS:
                self.facts.flow("serve-files", f"{name} serves {served} ({where.path}) to the network")
        to_network = _sends(fact) or any("network-device" in a.path.classes for a in fact.targets)
        if to_network:
            for access in fact.targets:
                if "secret" in access.path.classes and access.access == "read":
                    self.facts.flow("secret-to-network", f"{name} sends {access.path.raw}")
                elif "config" in access.path.classes and access.access == "read":
                    self.facts.flow("config-to-network", f"{name} sends {access.path.raw}, a configuration file")
                if access.access == "read" and access.path.path in self.archives:
                    self.facts.flow("archive-to-network", f"{name} sends {access.path.raw}, an archive made before it")
            for source in _copied_to_a_remote(fact):  # `scp -r . host:`, `rsync -a ~ host:`: the whole tree
                where = classify(source, self.ctx or self.base)
                if where.classes & _WHOLE_TREES:
                    self.facts.flow("archive-to-network", f"{name} sends {source}, the whole of {where.path}")
        data = _sent_data(fact) if name in _DATA_OPTIONS else []
        files = [a.path.raw for a in fact.targets if a.access == "read"] if to_network else []
        if files or data:  # a file or data given to it goes off the machine (a taint rule's fact)
            self.facts.flow("data-to-network", f"{name} sends {(files or data)[0][:80]}")
        if _MINER.fullmatch(name) or _MINING.search(fact.text):
            self.facts.flow("mining", f"{fact.text[:120]} mines a cryptocurrency")
        if name in ENV_DUMPERS and any(secret_name(p) for p in fact.positionals):
            self.facts.flow("secret-env-read", f"{fact.text} prints secret-looking variables")
        if data:
            sent = _secret_variables(data)
            if sent:
                self.facts.flow("secret-variable-to-network", f"{name} sends ${sent[0]}")
        carried = _carrying_words(fact)  # a secret in a name looked up, or in a field that is not a credential's
        if carried:
            sent = _secret_variables(carried)
            if sent:
                self.facts.flow("secret-variable-to-network", f"{name} sends ${sent[0]} in {carried[0][:60]}")

    def pipeline_flows(
        self, stages: list[CommandFact | None], insides: list[_Stage], via: tuple[str, ...], depth: int
    ) -> None:
        """What flows through each pipe. Every command run in a stage (in a subshell, a group, a loop, `sh -c`,
        program code) writes to its output and reads its input, so each is a source for the stages after it and
        each reads what the stages before it print, however the stage is written."""
        earlier = _Stage([], [], [])  # every stage before the one reading, grown a stage at a time
        for j in range(1, len(stages)):
            sink = stages[j]
            sources = [s for s in stages[:j] if s is not None]
            earlier.add(insides[j - 1])
            literal = _literal_output(sources) if len(sources) == j else None  # known only for simple stages
            if sink is not None and literal is not None and sink.stdin is None:
                sink.stdin = literal  # what it reads, for rules on its text (`echo 'DROP …' | psql`)
            before = insides[j - 1].name
            # the commands the stages before are, where each that ran something is one (`cat x.sh | sh`)
            whole = all(s is not None or not inside.commands for s, inside in zip(stages[:j], insides[:j], strict=True))
            for reader in list(insides[j].commands):
                chain = sources if whole else []
                self.piped_into(reader, earlier, chain, literal if reader is sink else None, before, via, depth)
            if sink is None:
                continue
            # `find ~ -name '*.key' | xargs cat` as -exec cat {} +, and what `ls`, `git ls-files`, … list
            xargs = sink.via[-1:] == ("xargs",)
            listed = next(((s, f) for s in sources if (f := _listed_by(s)) is not None), None) if xargs else None
            if listed is not None:
                self.run(shlex.join([*sink.argv, *listed[1]]), (*via, f"{listed[0].name} | xargs"), depth + 1)
            if xargs and sources[-1:] and sources[-1].name in LITERAL_PRINTERS:
                literal = _literal_output(sources[-1:])
                if literal is not None and sink.replace:  # `echo x | xargs -I{} sh -c '{}'` runs `sh -c 'x'`
                    for line in dict.fromkeys([literal, *literal.splitlines()[:8]]):  # -0 takes it whole
                        argv = [a.replace(sink.replace, line) for a in sink.argv]
                        self.run(shlex.join(argv), (*via, "xargs"), depth + 1)
                elif literal is not None:  # `echo / | xargs rm -rf` runs `rm -rf /`
                    self.run(shlex.join([*sink.argv, *literal.split()]), (*via, "xargs"), depth + 1)

    def piped_into(
        self,
        reader: CommandFact,
        earlier: _Stage,
        sources: list[CommandFact],
        literal: str | None,
        before: str,
        via: tuple[str, ...],
        depth: int,
        *,
        known: bool = False,
    ) -> None:
        """`reader`, a command of a stage, reads what every command of the stages before it printed (`earlier`;
        `sources`: the commands those stages are, where each that ran something is one, else none; `literal`: what
        they print, where known;
        `known`: the text it reads is judged elsewhere, as a here-document's is)."""
        name = reader.name
        runs_input = _runs_its_input(reader)
        download = earlier.download()
        self.taint_written([t.path for t in reader.targets if t.access == "write"], earlier.secret())
        if download is not None:  # `curl … | tee x.sh`, `curl … | cat > x.sh`: what it writes holds the download
            for target in reader.targets:
                if target.access == "write":
                    self.filled_from_network(target.path, download)
            if _extracts(reader):  # `curl … | tar xz [-C dir]`: the tree it unpacks
                into = [t.path.path for t in reader.targets if t.access == "write"]
                for tree in into or [(self.ctx or self.base).cwd]:
                    self.downloaded_trees[tree] = f"an archive {download} fetched"
        if runs_input:
            if download is not None:
                self.facts.flow("remote-code", f"output of {download} piped into {name}")
            if any(_is_decoder(c) for c in earlier.commands):
                self.facts.flow("decoded-exec", f"decoded data piped into {name}")
            if literal is not None and not known:
                self.executed_text(name, literal, (*via, f"piped into {name}"), depth)
            elif sources and all(s.name == "cat" and s.positionals for s in sources) and not known:
                for source in sources:  # `cat x.sh | sh` runs the file (every stage before a `cat` of files)
                    for target in source.targets:
                        self.access(target.path.raw, "exec", name, False, depth=depth)
            elif not known:
                self.facts.problems.setdefault(
                    "unresolved", f"{name} runs what {before} prints, only known when it runs"
                )
        elif literal is not None and (name in DATABASE_FILE_FIRST or name in ("psql", "mysql", "mariadb")):
            self.executed_text(name, literal, (*via, f"piped into {name}"), depth)
        elif name not in MODELLED and not known:  # a program Lighthouse does not know may run what it reads
            if download is not None:
                self.facts.problems.setdefault(
                    "unresolved", f"{name} reads what {download} fetched; what it does is not known"
                )
            for line in (literal or "").splitlines()[:8]:
                command = _command_in(line)
                if command is not None:
                    self.run(command, (*via, f"{name} may run its input"), depth + 1)
        if _sends(reader):
            secret = earlier.secret()
            if secret is not None:
                self.facts.flow(secret[0], f"{secret[1]} piped into {name}")
            self.facts.flow("data-to-network", f"the output of {before} piped into {name}")
            archived = next((c for c in earlier.commands if _archives_tree(c)), None)
            if archived is not None:  # `tar czf - . | curl --data-binary @- …`: as `curl -T` of the archive
                self.facts.flow("archive-to-network", f"an archive made by {archived.name} piped into {name}")
        if _socket(reader) and any(c.name in SHELLS and not _has_program(c) for c in earlier.commands):
            self.facts.flow("reverse-shell", f"a shell's output piped into {name}")
        if runs_input and any(_socket(c) for c in earlier.commands):
            receiver = next(c for c in earlier.commands if _socket(c))
            self.facts.flow("reverse-shell", f"{name} runs what {receiver.name} receives")
        if (
            name in SEARCHERS
            and any(_dumps_environment(c) for c in earlier.commands)
            and any(secret_name(p) for p in reader.argv[1:])
        ):
            self.facts.flow("secret-env-read", f"environment searched for secrets with {name}")

    # -- words -----------------------------------------------------------------------------------------------

    def word_substitutions(self, word: Word, via: tuple[str, ...], depth: int) -> None:
        """Run the substitutions of `word` (`$(…)`, `<(…)`, and those inside a `${…}` operand or an arithmetic
        expression: `${x:-$(cmd)}`, `$(( $(cmd) ))`), noting whether what they print is a download or a secret,
        which the word then carries."""
        for part in word.parts:
            if part.kind == "cmd" and part.script is not None:
                kind = "<(…)" if part.value.startswith(("<(", ">(")) else "$(…)"
                scripts = [part.script]
            else:
                kind, scripts = "$(…) in an expansion", part.inner
            for script in scripts:
                self.substitution(word, script, (*via, kind), depth)

    def substitution(self, word: Word, script: Script, via: tuple[str, ...], depth: int) -> None:
        """One substitution of `word`, run in a subshell of its own (what it changes does not last)."""
        mark = self.mark()
        saved = (self.ctx, dict(self.env))
        self.script(script, via, depth + 1)
        self.ctx, self.env = saved[0], saved[1]
        inner = self.since(mark)
        if inner.download() is not None:
            self.downloaded.append(word)
        if inner.secret() is not None:  # `curl -d "$(cat ~/.ssh/id_rsa)"`, `curl -d "$(env)"`
            self.secret_words.append(word)

    def array_items(self, text: str, via: tuple[str, ...], depth: int) -> list[str] | None:
        """The items of `NAME=(…)` as the shell makes them; None when one is only known when it runs."""
        if not text.strip():
            return []
        try:
            script = parse(text)
        except ShellSyntaxError:
            return None
        simple = script.pipelines[0].commands[0] if len(script.pipelines) == 1 else None
        if not isinstance(simple, Simple) or len(script.pipelines[0].commands) > 1 or simple.assignments:
            return None
        for word in simple.words:  # `a=($(curl …))` runs the substitution now
            self.word_substitutions(word, via, depth + 1)
        argv, dynamic = self.expand(simple.words)
        return None if any(dynamic) else argv

    def expand(self, words: list[Word]) -> tuple[list[str], list[bool]]:
        argv: list[str] = []
        dynamic: list[bool] = []
        for word in words:
            array = (
                _ARRAY.fullmatch(word.parts[0].value)
                if len(word.parts) == 1 and word.parts[0].kind == "param"
                else None
            )
            if array is not None and self.arrays.get(array.group(1)) is not None:  # "${a[@]}": its items
                items = self.arrays[array.group(1)] or []
                argv.extend(items)
                dynamic.extend([False] * len(items))
                continue
            only = word.parts[0] if len(word.parts) == 1 and word.parts[0].kind == "var" else None
            if (
                only is not None
                and only.value in ("@", "*")
                and self.env.get(only.value) == ""
                and not (only.quoted and only.value == "*")
            ):
                continue  # `"$@"` with no parameters is no word at all (`"$*"` is one empty word)
            text, unknown = self.expand_word(word)
            single_var = only is not None and not only.quoted
            separators = self.env.get("IFS") or " \t\n"
            if single_var and not unknown and re.split(f"[{re.escape(separators)}]+", text) != [text]:
                pieces = [p for p in re.split(f"[{re.escape(separators)}]+", text) if p]  # splitting on $IFS
                argv.extend(pieces)
                dynamic.extend([False] * len(pieces))
                continue
            argv.append(text)
            dynamic.append(unknown)
        return argv, dynamic

    def expand_word(self, word: Word) -> tuple[str, bool]:
        """The word's value with known variables substituted; `unknown` when some part is not known."""
        out: list[str] = []
        unknown = False
        for part in word.parts:
            if part.kind in ("lit", "glob"):
                out.append(part.value)
            elif part.kind == "tilde":
                out.append("~" + part.value)
            elif part.kind == "var":
                value = self.env.get(part.value)
                if value is None:
                    out.append("$" + part.value)
                    unknown = True
                else:
                    out.append(value)
                    unknown = unknown or type(value) is _Possible
            elif part.kind == "param":
                value = _parameter_default(part.value, self.env)
                out.append(value if value is not None else part.value)
                # a part of a known value is known (`${HOME:0:1}`); a default may be overridden when it runs
                unknown = unknown or value is None or not _SUBSTRING.fullmatch(part.value)
            elif part.kind == "cmd" and part.script is not None:
                cwd = self.ctx.cwd if self.ctx is not None else None
                printed = _printed_literal(part.script, self.expand_word, cwd)
                if printed is not None and not part.value.startswith(("<(", ">(")):
                    out.append(printed)
                else:
                    out.append(part.value)
                    unknown = True
            else:
                out.append(part.value)
                unknown = True
        return "".join(out), unknown


# -- helpers ------------------------------------------------------------------------------------------------------


def _patch_words(fact: CommandFact) -> list[str] | None:
    """The words after the program when a command applies a patch (`apply_patch`, or `codex` with its apply-patch
    flag); None for any other command."""
    if fact.name in PATCH_PROGRAMS:
        return fact.argv[1:]
    if fact.name == "codex" and fact.argv[1:2] == [CODEX_PATCH_FLAG]:
        return fact.argv[2:]
    return None


def _literal_stdin(redirects: list[Redirect]) -> str | None:
    """What a command reads on its standard input when that is known before it runs: the last redirection of it
    (the one the shell leaves in place) is a heredoc whose body does not expand, or a here-string of plain text."""
    given = [r for r in redirects if r.fd in (None, 0) and r.op in ("<", "<&", "<>", "<<", "<<-", "<<<")]
    last = given[-1] if given else None
    if last is None or last.body is None or last.op in ("<", "<&", "<>"):
        return None
    if last.op == "<<<":
        return last.body if last.target.literal is not None else None
    plain = last.body_literal or not any(c in last.body for c in "$`\\")
    return last.body if plain else None


# Places a program Lighthouse does not know to only read must not change unseen (`READS_ONLY`).
_KEPT_SAFE = frozenset(
    {"persistence", "lighthouse-home", "lighthouse-code", "agent-settings", "lighthouse-approval", "repository",
     "home", "root", "top-level", "device"}
)  # fmt: skip
# Files sed's `w FILE` and `s/…/…/w FILE` commands and awk's `print > "FILE"` write.
_SED_WRITES = LazyPattern(r"(?:^|[;\n{}])\s*(?:[0-9,$~+]+|/(?:[^/\\\n]|\\.)*/)?\s*!?\s*[wW][ \t]+([^\n]+)")
_SED_S_WRITES = LazyPattern(r"\bs(.)(?:(?!\1).|\\.)*\1(?:(?!\1).|\\.)*\1[gpiImMe0-9]*w[ \t]+([^\n]+)")
_AWK_WRITES = LazyPattern(r">>?\s*\"([^\"]+)\"")


def _script_writes(fact: CommandFact) -> list[str]:
    """The files a sed or awk program given on the command line writes itself (`sed -n 'w x'`, `awk '{print >
    "x"}'`)."""
    if fact.name in ("sed", "gsed"):
        scripts = _sed_scripts(fact)
        return [m.group(1).strip() for t in scripts for m in _SED_WRITES.finditer(t)] + [
            m.group(2).strip() for t in scripts for m in _SED_S_WRITES.finditer(t)
        ]
    if fact.name in AWKS and fact.positionals and not {"f", "file", "E", "exec"} & fact.options.keys():
        named = awk_writes(fact.positionals[0], _awk_variables(fact), tuple(fact.positionals[1:])) or []
        return [m.group(1) for m in _AWK_WRITES.finditer(fact.positionals[0])] + [n for n in named if n is not None]
    return []


def _awk_variables(fact: CommandFact) -> dict[str, str]:
    """The variables an awk command line gives its program (`-v NAME=VALUE`)."""
    given = [value for option, value in [*fact.earlier_options, *fact.options.items()] if option == "v"]
    return dict(v.split("=", 1) for v in given if "=" in v)


_TCL_RUNS = LazyPattern(r"(?:^|[;\n\[{])\s*(?:spawn|exec)\s+(?:-\S+\s+)*([^;\n\]}]+)")
_ELISP_ACTS = LazyPattern(
    r"\((?:call-process|start-process|make-process|process-file|async-shell-command|delete-file|delete-directory"
    r"|write-region|append-to-file|copy-file|rename-file|make-symbolic-link|url-retrieve|make-network-process|load"
    r"|eval|funcall|apply)\b"
)
_TCL_ACTS = LazyPattern(
    r"\bfile\s+(?:delete|rename|copy|link|attributes)|\bsocket\b|\bopen\s.*\b[wa]\+?\b|http::|\beval\b"
)
_VERSIONED_PROGRAMS = frozenset({*INTERPRETERS, *SHELLS, *STDIN_EXECUTORS, "pip", "pip3", "pypy", "pypy3", "wget"})
_VERSIONED = LazyPattern(r"([A-Za-z][A-Za-z_-]*?)-?(\d+(?:\.\d+)*)")
_ENV_ASSIGNMENT = LazyPattern(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.S)
_BIN_DIR = LazyPattern(r"(?:^|/)s?bin/[^/]+$")  # a program in a directory of programs (`/usr/bin/nc`)


# Package managers that read each of their options from a variable named for it, by the variable's prefix:
# `PIP_INDEX_URL` is `--index-url`, `npm_config_registry` is `--registry`, `UV_EXTRA_INDEX_URL` is `--extra-index-url`.
_OPTION_VARIABLES = {
    "pip": "PIP_", "pip3": "PIP_", "uv": "UV_", "npm": "NPM_CONFIG_", "npx": "NPM_CONFIG_", "pnpm": "NPM_CONFIG_",
    "yarn": "NPM_CONFIG_", "bun": "BUN_CONFIG_",
}  # fmt: skip


# Directories that are a whole tree of someone's work: the project, the home, the root, what holds them.
_KILLERS = frozenset({"kill", "pkill", "killall", "skill", "slay", "killall5"})
_GUARD_NAME = LazyPattern(r"(?i)lighthouse")
_WHOLE_TREES = frozenset({"project-root", "home", "root", "project-ancestor"})
# Miners by name, and the pools' protocol: a miner run (`./xmrig`, `setsid lolminer`), at the end of a path or an
# image (`someone/xmrig`, `['./minerd', …]`), or a pool's address anywhere; not the name alone (`grep xmrig log`).
_MINERS = (
    r"(?:xmrig|xmr-stak|minerd|cpuminer(?:-\w+)?|ethminer|t-rex|nbminer|lolminer|phoenixminer|gminer|nanominer|cgminer"
    r"|bfgminer|srbminer(?:-multi)?|teamredminer|bzminer|ccminer|nheqminer|wildrig(?:-multi)?)"
)
_MINER = LazyPattern(rf"(?i){_MINERS}")
_MINING = LazyPattern(rf"(?i)/{_MINERS}(?=$|[\s'\":@,\])])|stratum2?\+(?:tcp|ssl|tls)://")


# Database clients and the options that hand them statements to run; the file-first ones take them after the file.
_SQL_OPTIONS = {
    **dict.fromkeys(("psql", "usql", "duckdb", "cockroach"), ("c", "command")),
    **dict.fromkeys(("mysql", "mariadb", "cqlsh"), ("e", "execute")),
    "sqlcmd": ("q", "Q", "query"), "clickhouse-client": ("q", "query"), "snowsql": ("q", "query"),
    "mongosh": ("eval",), "mongo": ("eval",), "sqlite3": (),
}  # fmt: skip


def _sql_given(fact: CommandFact) -> list[str]:
    """The statements a database client is given on its command line (`psql -c SQL`, `sqlite3 app.db SQL`)."""
    keys = _SQL_OPTIONS.get(fact.name)
    if keys is None:
        return []
    given = [v for k, v in [*fact.earlier_options, *fact.options.items()] if k in keys and isinstance(v, str)]
    return given + (fact.positionals[1:] if fact.name in DATABASE_FILE_FIRST else [])


def _fetches_text(command: str) -> bool:
    """Whether a command line given as text starts with a program that downloads (`curl -s URL`)."""
    words = command.split()
    return bool(words) and _command_name(words[0]) in DOWNLOADERS


def _copied_to_a_remote(fact: CommandFact) -> list[str]:
    """What `scp`, `rsync` or `rclone` copies to another machine, or a cloud storage tool to a bucket (`aws s3 sync
    . s3://b`, `gsutil cp -r . gs://b`): its sources, when its destination is remote."""
    positionals = fact.positionals[1:] if fact.name == "rclone" else fact.positionals
    if fact.name in _BUCKET_COPIERS:  # what comes before the first bucket (after it: options' values, `--exclude X`)
        bucket = next((i for i, p in enumerate(positionals) if _BUCKET.match(p) or p.startswith(":")), None)
        if bucket:  # (its subcommands are judged as paths too: a word such as `s3` is no whole tree)
            return positionals[:bucket]
    if fact.name not in ("scp", "rsync", "rclone") or len(positionals) < 2:
        return []
    return positionals[:-1] if _REMOTE_PATH.match(positionals[-1]) else []


_BUCKET_COPIERS = frozenset({"aws", "gsutil", "gcloud", "s3cmd", "azcopy", "rclone", "b2", "s5cmd"})
_BUCKET = LazyPattern(r"^(?:s3|gs|az|r2|b2|oss|cos|https?)://", re.I)


def _from_url(fact: CommandFact) -> bool:
    """Whether a command is given a URL whose content it may write (`w3m -dump_source URL`, `aws s3 cp s3://…`, an
    interpreter's code naming one): not git (a clone is a tree, see `fetched_to`), an install, or a program that
    prints its arguments."""
    if fact.name == "git" or fact.name in LITERAL_PRINTERS or _installs_packages(fact):
        return False
    if fact.name in INTERPRETERS and _URL_IN_TEXT.search(fact.text):
        return True
    values = [v for _, v in fact.earlier_options] + list(fact.options.values())
    return any(_URL.match(word) for word in [*fact.positionals, *values] if isinstance(word, str))


def _names_path(text: str, raw: str) -> bool:
    """Whether `text` names the path `raw` (as written, or without its `./`) as a word of its own."""
    return any(
        re.search(rf"(?<![\w./~-]){re.escape(name)}(?![\w./-])", text) for name in {raw, raw.removeprefix("./")} if name
    )


def _with_options_from_environment(
    argv: list[str], dynamic: list[bool], environment: Mapping[str, str]
) -> tuple[list[str], list[bool]]:
    """`argv` with the options its program takes from `environment` (its settings given as variables) added as
    `--option=value` words: `PIP_INDEX_URL=… pip install x` is `pip install x --index-url=…`."""
    prefix = _OPTION_VARIABLES.get(_command_name(argv[0]))
    if prefix is None:
        return argv, dynamic
    settings = [
        f"--{variable[len(prefix) :].lower().replace('_', '-')}={value}"
        for variable, value in environment.items()
        if variable.upper().startswith(prefix) and len(variable) > len(prefix)
    ]
    return [*argv, *settings], [*dynamic, *[False] * len(settings)]


_GIT_VALUE_OPTIONS = frozenset({"-c", "--git-dir", "--namespace", "--config-env", "--exec-path", "--super-prefix"})


def _git_directory(argv: list[str]) -> str | None:
    """Where git works on the paths it is given, when its options move it: `-C DIR` (each relative to the one
    before), `--work-tree DIR` (taken as the top of the tree, where git is run from outside it); None when they
    do not."""
    there: str | None = None
    words = iter(argv[1:])
    for word in words:
        option, eq, value = word.partition("=")
        if option in ("-C", "--work-tree"):
            value = value if eq else next(words, "")
            if value:
                there = value if option == "--work-tree" or there is None else posixpath.join(there, value)
        elif option in _GIT_VALUE_OPTIONS and not eq:
            next(words, None)
        elif not word.startswith("-"):
            break
    return there


def _env_assignments(argv: list[str]) -> dict[str, str]:
    """The variables `env NAME=value … cmd` sets."""
    found = {}
    for word in argv[1:]:
        assignment = _ENV_ASSIGNMENT.fullmatch(word)
        if assignment is None:
            if not word.startswith("-"):
                break
            continue
        found[assignment.group(1)] = assignment.group(2)
    return found


def _command_name(word: str) -> str:
    """`/usr/bin/rm` → `rm`; Windows-style names (`PowerShell.exe`, `IEX`) are case-insensitive; a known program
    with its version in its name is that program (`python3.11` → `python3`, `perl5.36.0` → `perl`, `php8.2`)."""
    name = (posixpath.basename(word.rstrip("/")) or word).lstrip("\\")
    lowered = name.lower().removesuffix(".exe")
    if lowered in CASE_INSENSITIVE:
        return lowered
    if name[-1:].isdigit() and name not in KNOWN_COMMANDS:
        versioned = _VERSIONED.fullmatch(name)
        if versioned is not None:  # interpreters and shells only (`killall5` is not `killall`)
            base, version = versioned.groups()
            found = (n for n in (base + version.split(".")[0], base) if n in _VERSIONED_PROGRAMS)
            return next(found, name)
    return name


def _looks_up_only(name: str, argv: list[str]) -> bool:
    lookup = LOOKUP_OPTIONS.get(name)
    return lookup is not None and len(argv) > 1 and argv[1].startswith("-") and bool(set(argv[1][1:]) & lookup)


def _option_values(argv: list[str], option: str) -> list[str]:
    """Every value of `option` in `argv`, given as `OPT VALUE` or `OPT=VALUE` (repeated ones too)."""
    values = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == option]
    return values + [arg.split("=", 1)[1] for arg in argv if arg.startswith(option + "=")]


def _git_commands(fact: CommandFact) -> list[str]:
    """Commands a git subcommand runs for its user: `submodule foreach CMD`, `bisect run CMD…`, `rebase -x CMD`,
    `difftool -x CMD`, `filter-branch --tree-filter CMD` and its other filters."""
    positionals, argv = fact.positionals, fact.argv
    if positionals[:2] == ["submodule", "foreach"] and len(positionals) > 2:
        rest = [p for p in positionals[2:] if p not in ("--recursive", "--quiet", "-q")]
        return [rest[0] if len(rest) == 1 else shlex.join(rest)] if rest else []
    if positionals[:2] == ["bisect", "run"] and "run" in argv[:-1]:  # everything after `run`, its options too
        return [shlex.join(argv[argv.index("run") + 1 :])]
    options = {
        "rebase": ("-x", "--exec"),
        "difftool": ("-x", "--extcmd"),
        "mergetool": ("--tool-cmd",),
        "filter-branch": ("--tree-filter", "--index-filter", "--msg-filter", "--env-filter", "--commit-filter"),
    }.get(positionals[0] if positionals else "", ())
    return [value for option in options for value in _option_values(argv, option)]


def _git_settings_from_environment(argv: list[str]) -> list[tuple[str, str]]:
    """The `--config-env=key=VARIABLE` settings a git command line gives: (key lower-cased, the variable's name)."""
    found = []
    for index, arg in enumerate(argv):
        spec = arg.removeprefix("--config-env=") if arg.startswith("--config-env=") else None
        if arg == "--config-env" and index + 1 < len(argv):
            spec = argv[index + 1]
        if spec:
            key, _, variable = spec.partition("=")
            found.append((key.lower(), variable))
    return found


def _git_settings(argv: list[str]) -> list[tuple[str, str]]:
    """The `-c key=value` settings a git command line gives (keys lower-cased, as git reads them)."""
    found = []
    for index, arg in enumerate(argv[:-1]):
        if arg == "-c":
            key, _, value = argv[index + 1].partition("=")
            found.append((key.lower(), value))
    return found


# Programs a git setting commonly names that run nothing else: pagers, editors, diff viewers, credential stores,
# filter and text-conversion drivers.
_PLAIN_PROGRAMS = frozenset(
    {"less", "more", "most", "cat", "bat", "batcat", "delta", "diff-so-fancy", "diff-highlight", "vi", "vim", "nvim",
     "nano", "emacs", "emacsclient", "code", "code-insiders", "cursor", "subl", "micro", "hx", "kak", "mate", "gedit",
     "kate", "zed", "idea", "pico", "joe", "ne", "gpg", "gpg2", "ssh", "cache", "store", "osxkeychain", "manager",
     "manager-core", "libsecret", "wincred", "meld", "vimdiff", "kdiff3", "opendiff", "difft", "icdiff", "git-lfs",
     "exif", "exiftool", "pdftotext", "pandoc", "docx2txt", "odt2txt", "strings", "hexdump", "xxd", "nbstripout"}
)  # fmt: skip


# git settings whose value is a command, named by a part of their own choosing (`filter.x.smudge`, `diff.x.textconv`).
_GIT_COMMAND_KEYS = LazyPattern(
    r"(?:filter\.[^.]+\.(?:clean|smudge|process)|diff\.[^.]+\.(?:textconv|command)|merge\.[^.]+\.driver"
    r"|pager\.[^.]+|credential\..+\.helper|remote\.[^.]+\.(?:uploadpack|receivepack)|interactive\.difffilter"
    r"|core\.gitproxy|gpg\.[^.]+\.program|(?:diff|merge)tool\.[^.]+\.cmd)"
)


# Settings that name a directory of hooks: git runs what is there (`core.hooksPath`), or copies it into every
# repository it creates or clones (`init.templateDir`).
_HOOK_DIRS = frozenset({"core.hookspath", "init.templatedir"})
_GIT_CONFIG_VALUES = frozenset({"-f", "--file", "--blob", "--type", "--default", "--comment", "--value"})
_GIT_CONFIG_READERS = frozenset({"get", "list", "unset", "rename-section", "remove-section", "edit"})
# `git config` forms that set no KEY VALUE: reading, unsetting, and moving or editing settings unseen
_GIT_CONFIG_NOT_SET = frozenset(
    {"--get", "--get-all", "--get-regexp", "--get-urlmatch", "--list", "-l", "--unset", "--unset-all",
     "--rename-section", "--remove-section", "--edit", "-e"}
)  # fmt: skip
_GIT_CONFIG_UNSEEN = frozenset({"--rename-section", "rename-section", "--edit", "-e", "edit"})
_GIT_INCLUDE = LazyPattern(r"include\.path|includeif\.(?:.+\.)?path")  # settings read from another file


def _go_replacements(argv: list[str]) -> list[str]:
    """The modules `go mod edit -replace OLD=NEW[@v]` puts in place (NEW without its version)."""
    found = []
    for index, arg in enumerate(argv):
        value = argv[index + 1] if arg in ("-replace", "--replace") and index + 1 < len(argv) else None
        if arg.startswith(("-replace=", "--replace=")):
            value = arg.split("=", 1)[1]
        if value is not None and "=" in value:
            found.append(value.split("=", 1)[1].strip().split("@", 1)[0])
    return found


def _git_config_words(argv: list[str]) -> list[str]:
    """The key and value `git config` sets, without its options and their values (`-f FILE`, `--file=FILE`), and
    without the `set` of `git config set KEY VALUE`; nothing for the subcommands that set nothing (`get`, `list`).
    `config` is the subcommand, after git's own options (`git -C config config …` runs in a directory `config`)."""
    _, rest = global_options(argv[1:], "/")
    words = iter(rest[1:] if rest[:1] == ["config"] else [])
    found = []
    for word in words:
        if word.split("=", 1)[0] in _GIT_CONFIG_NOT_SET:
            return []
        if word in _GIT_CONFIG_VALUES:
            next(words, None)
        elif not word.startswith("-"):
            found.append(word)
    if found[:1] == ["set"]:
        return found[1:]
    return [] if found[:1] and found[0] in _GIT_CONFIG_READERS else found


def _git_command_key(key: str) -> bool:
    """Whether the git setting `key` (lower case) holds a command git runs."""
    return key in GIT_RUNS or _GIT_COMMAND_KEYS.fullmatch(key) is not None


def _git_spelled_out(settings: dict[str, str], positionals: list[str]) -> list[str]:
    """The git command a setting makes of the one given, spelled out, so that it meets the same rules: a push with
    `remote.NAME.push` (its refspec) or `remote.NAME.mirror`, a gc after settings that expire everything now."""
    found = []
    if positionals[:1] == ["push"] and len(positionals) >= 2:
        remote = positionals[1]
        refspec = settings.get(f"remote.{remote.lower()}.push")
        if refspec:
            found.append(shlex.join(["git", "push", remote, refspec]))
        if settings.get(f"remote.{remote.lower()}.mirror", "").lower() in ("true", "1", "yes", "on"):
            found.append(shlex.join(["git", "push", "--mirror", remote]))
    expiring = [v for k, v in settings.items() if k.startswith(("gc.", "gc.reflog")) and v.lower() in ("now", "all")]
    if positionals[:1] == ["gc"] and expiring:
        found.append("git reflog expire --expire=now --all && git gc --prune=now")
    return found


def _config_parameters(text: str) -> list[tuple[str, str]]:
    """The settings in `$GIT_CONFIG_PARAMETERS` (`'key=value' 'key=value'`), keys lower-cased."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return [(k.lower(), v) for k, _, v in (w.partition("=") for w in words)]


def _ext_command(url: str) -> str:
    """The command an `ext::` URL has git run: its words split at spaces, `% ` a space inside a word."""
    words = re.split(r"(?<!%) ", url[len("ext::") :])
    return shlex.join(w.replace("% ", " ").replace("%%", "%") for w in words if w)


def _git_runs(key: str, value: str) -> bool:
    """Whether a git setting makes git run something beyond a plain pager, editor or helper: a hooks directory, an
    alias with `!`, or a value with shell syntax or an unfamiliar program (`core.pager=less -R` is plain)."""
    if key in _HOOK_DIRS or (key.startswith("alias.") and value.startswith("!")):
        return True
    if not _git_command_key(key):
        return False
    value = _TOOL_PLACEHOLDER.sub("FILE", value)  # a diff or merge tool's files, as git names them
    if re.search(r"[|;&$`()<>\n!]", value):
        return True
    try:
        words = shlex.split(value)
    except ValueError:
        return True
    if not words:
        return False
    name = posixpath.basename(words[0])
    if name == "ssh":  # what it runs, and where it connects instead of the remote's host
        runs_or_elsewhere = r"(?i)proxycommand|localcommand|permitlocalcommand|hostname|proxyjump"
        return any(re.search(runs_or_elsewhere, w) for w in words) or any(w.startswith(("-F", "-J")) for w in words[1:])
    return not (name in _PLAIN_PROGRAMS or name.startswith("git-credential-"))


def _editor_given(argv: list[str]) -> list[tuple[str, str]]:
    """What an editor is told to run as it starts, with the option that gave it: `-c CMD` (and `-sc`), `--cmd CMD`,
    `+CMD`, `-S FILE`."""
    given = []
    for index, arg in enumerate(argv[1:], start=1):
        if (arg in ("--cmd", "-S") or re.fullmatch(r"-[a-zA-Z]*c", arg)) and index + 1 < len(argv):
            given.append((arg, argv[index + 1]))
        elif arg.startswith("+") and len(arg) > 1:
            given.append(("+", arg[1:]))
    return given


def _editor_commands(argv: list[str]) -> list[str]:
    """The shell commands an editor is told to run: `-c '!cmd'`, `+':!cmd'`, `--cmd '!cmd'`."""
    found = []
    for _, value in _editor_given(argv):
        command = _unsilenced(value)
        if command.startswith("!"):  # `:!cmd` takes the rest of the line, bars and all
            found.append(command[1:])
            continue
        for part in value.split("|"):
            command = _unsilenced(part)
            if command.startswith("!"):
                found.append(command[1:])
            elif command.startswith(("sh ", "shell", "terminal ")):
                found.append(command.split(" ", 1)[1] if " " in command else "sh")
    return found


# Editor commands that only edit, move about, save or quit (`:wq`, `:%s/a/b/g`, `:set ft=x`, `:normal gg=G`).
_PLAIN_EDITING = LazyPattern(
    r"(?:\d+|\$|%|(?:w|wq|x|q|qa|qall|wqa|wall|xa|update|up|noh|redraw|retab|e|edit|bd|bn|bp)!?(?:\s+\S+)?"
    r"|(?:set|setl|setlocal|syntax|filetype|colorscheme|sleep)\s.*|%?s(\W).*|%?[gv](\W).*|(?:norm|normal)!?\s.*"
    r"|(?:sil|silent)!?\s+(?:w|wq|x|update|%?s\W.*))"
)


def _editor_unread(argv: list[str]) -> str | None:
    """The first command an editor is told to run (`-c`, `+`, `--cmd`, `-S FILE`) that is not plain editing nor a
    shell command (those are judged): Vim script (`call system(…)`, `py3 …`, `exe …`) is not read."""
    for option, value in _editor_given(argv):
        if option == "-S":
            return f"-S {value}"
        for part in value.split("|") if not _unsilenced(value).startswith("!") else []:
            command = _unsilenced(part)
            shell = command.startswith(("!", "sh ", "shell", "terminal "))
            if command and not shell and _PLAIN_EDITING.fullmatch(command) is None:
                return command
    return None


def _unsilenced(command: str) -> str:
    """An editor command without its leading colons and `silent` (`:silent !cmd` is `!cmd`)."""
    return re.sub(r"^(?:sil(?:ent)?!?\s+)", "", command.strip().lstrip(":").strip())


def _tar_programs(argv: list[str]) -> list[str]:
    """What tar runs: `--checkpoint-action=exec=…`, `--to-command=…`, `--use-compress-program=…` / `-I …`,
    `--rsh-command=…`, `--info-script=…` / `-F …`."""
    found = []
    for index, arg in enumerate(argv[1:], start=1):
        key, _, value = arg.partition("=")
        following = argv[index + 1] if index + 1 < len(argv) else ""
        if key == "--checkpoint-action" and value.startswith("exec="):
            found.append(value[len("exec=") :])
        elif key in ("--to-command", "--use-compress-program", "--rsh-command", "--info-script", "--new-volume-script"):
            found.append(value or following)
        elif arg in ("-I", "-F") and following:
            found.append(following)
    return [f for f in found if f]


def _make_recipes(argv: list[str]) -> list[str]:
    """The recipe lines of `make --eval='target: ; recipe'` (a makefile on disk is not read here)."""
    found = []
    for index, arg in enumerate(argv[1:], start=1):
        if arg.startswith("--eval="):
            text = arg.split("=", 1)[1]
        elif arg == "--eval" and index + 1 < len(argv):
            text = argv[index + 1]
        else:  # not --eval, or --eval with nothing after it (make refuses it)
            continue
        found += _recipes(text)
    return found


def _recipes(makefile: str) -> list[str]:
    """The recipe lines of a makefile's text (`target: ; recipe`, and lines that start with a tab)."""
    found = []
    for line in makefile.split("\n"):
        if ";" in line and ":" in line.split(";", 1)[0]:
            found.append(line.split(";", 1)[1].strip())
        elif line.startswith("\t"):
            found.append(line.strip())
    return [f for f in found if f]


def _url_name(url: str) -> str:
    """The file name a URL's path ends in (`https://h/x/run.sh?v=1` → `run.sh`), as `curl -O` and `wget` save it."""
    path = urlsplit(url).path if "://" in url else url.split(":", 1)[-1]
    return posixpath.basename(path.rstrip("/")) or "index.html"


def _extracts(fact: CommandFact) -> bool:
    """Whether a command unpacks an archive it reads (`tar x`, `tar -xz`, `unzip`, `bsdtar -x`)."""
    if fact.name in ("unzip", "7z", "7za"):
        return True
    return fact.name in ("tar", "bsdtar") and bool(fact.flags & {"x", "extract", "get"})


_FD_VALUES = frozenset(
    {"-t", "--type", "-e", "--extension", "-E", "--exclude", "-d", "--max-depth", "--min-depth", "-S", "--size", "-c",
     "--color", "-j", "--threads", "--changed-within", "--changed-before", "-o", "--owner", "--base-directory"}
)  # fmt: skip


def _commands_run_by(fact: CommandFact, argv: list[str]) -> list[tuple[str, str]]:
    """The commands a program runs from what it is given, each with how (for messages): an editor's `!cmd`,
    `less +!cmd`, man's pager, tar's programs, make's recipes, sed's `e`, `fd -x`, a trap's command."""
    name = fact.name
    if name in EDITOR_COMMANDS:
        return [(c, f"{name} -c !") for c in _editor_commands(argv)]
    if name in ("less", "more", "most"):  # less '+!cmd' runs cmd as it starts
        plus = [a[1:].lstrip(":") for a in argv[1:] if a.startswith("+")]
        return [(c[1:], f"{name} +!") for c in plus if c.startswith("!")]
    if name == "man":
        pagers = [argv[i + 1] for i, a in enumerate(argv[1:-1], start=1) if a in ("-P", "--pager")]
        return [(p, "man -P") for p in pagers + [a.split("=", 1)[1] for a in argv[1:] if a.startswith("--pager=")]]
    if name in ("tar", "bsdtar"):
        return [(c, f"{name} runs") for c in _tar_programs(argv)]
    if name in ("make", "gmake"):
        return [(c, "make --eval") for c in _make_recipes(argv)]
    if name in ("sed", "gsed"):
        return [(c, "sed e") for c in _sed_commands(fact)]
    if name in ("fd", "fdfind"):  # `fd . DIR -x rm -rf {}`: as `find DIR -exec …`
        return [(c, f"{name} -x") for c in _fd_commands(argv)]
    if name == "trap" and fact.positionals and fact.positionals[0] not in ("-", "-p", "-l"):
        return [(fact.positionals[0], "trap")]  # runs on a signal, or as the shell exits
    return []


def _fd_commands(argv: list[str]) -> list[str]:
    """The commands `fd [pattern] [dir…] -x|-X CMD…` runs, on what it finds under each directory (`{}`, or the
    paths added at the end)."""
    at = next((i for i, a in enumerate(argv) if a in ("-x", "--exec", "-X", "--exec-batch")), None)
    if at is None or at + 1 >= len(argv):
        return []
    command = argv[at + 1 :]
    command = command[: command.index(";")] if ";" in command else command
    words = [a for i, a in enumerate(argv[1:at], 1) if not a.startswith("-") and argv[i - 1] not in _FD_VALUES]
    dirs = words[1:] or ["."]
    extensions = _option_values(argv[:at], "-e") + _option_values(argv[:at], "--extension")
    pattern = words[0] if words and words[0] not in (".", "", "^", ".*") else None
    names = [f"*.{e}" for e in extensions] or ([f"*{re.sub(r'[^A-Za-z0-9_.-]', '*', pattern)}*"] if pattern else [])
    found = [f"{d.rstrip('/')}/**" + (f"/{n}" if n else "") for d in dirs for n in names or [""]]
    return [shlex.join(_found_into(command, p) + ([p] * ("{}" not in command))) for p in found]


def _found_into(words: list[str], path: str) -> list[str]:
    """`words` with what was found put where `{}` stands (`find -exec`, `fd -x`)."""
    return [path if a == "{}" else a.replace("{}", path) for a in words]


def _diff_targets(text: str, fact: CommandFact) -> list[tuple[str, str]]:
    """The files a unified diff changes as `patch -pN` or `git apply` applies it: each `+++` path with N leading
    parts taken off (git's default 1), written, or its `---` path deleted where the new side is /dev/null."""
    strip = fact.options.get("p") or next((a[2:] for a in fact.argv if a.startswith("-p") and a[2:].isdigit()), None)
    parts = int(strip) if strip and strip.isdigit() else 1 if fact.name == "git" else 0
    found: list[tuple[str, str]] = []
    old = None
    for line in text.splitlines()[:20_000]:
        if line.startswith("--- "):
            old = line[4:].split("\t")[0].strip()
        elif line.startswith("+++ "):
            new = line[4:].split("\t")[0].strip()
            path, kind = (old, "delete") if new == "/dev/null" and old else (new, "write")
            if path and path != "/dev/null":
                found.append(("/".join(path.split("/")[parts:]) or path, kind))
    return found[:MAX_PATCH_FILES]


def _installs_packages(fact: CommandFact) -> bool:
    """Whether `pip install|uninstall …`, `python -m pip install …` or `uv pip install …` changes an environment's
    packages."""
    argv = fact.argv
    if "install" not in argv and "uninstall" not in argv and "sync" not in argv:
        return False
    after = argv.index("pip") + 1 if "pip" in argv[1:3] else 1 if fact.name.startswith("pip") else len(argv)
    return any(w in ("install", "uninstall", "sync") for w in argv[after:] if not w.startswith("-"))


def _operand_and_after(words: list[str], takes_value: frozenset[str]) -> tuple[str, list[str]] | None:
    """The first operand of `words` after their options (`takes_value`: the options that take the next word, by
    name without dashes), and every word after it: `ssh -p 22 host rm -rf x` → (`host`, [`rm`, `-rf`, `x`])."""
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--":
            index += 1
            break
        if not word.startswith("-") or word == "-":
            break
        if "=" not in word and word.lstrip("-") in takes_value:
            index += 1
        index += 1
    return (words[index], words[index + 1 :]) if index < len(words) else None


# Programs that run a command in a running container or pod, and the options of their `exec` that take a value.
_EXECUTORS = frozenset({"docker", "podman", "nerdctl", "docker-compose", "podman-compose", "kubectl", "oc"})
_EXEC_VALUES = frozenset(
    {"e", "env", "env-file", "u", "user", "w", "workdir", "detach-keys", "index", "c", "container", "n", "namespace",
     "context", "kubeconfig", "f", "filename", "pod-running-timeout", "cluster", "as", "s", "server", "token"}
)  # fmt: skip


def _exec_command(fact: CommandFact, argv: list[str]) -> tuple[str, list[str]] | None:
    """Where `docker exec C cmd…` (`docker container exec`, `docker compose exec S`, `kubectl exec P -- cmd…`) runs
    its command, and the command's words."""
    if fact.positionals[:1] != ["exec"] and fact.positionals[:2] not in (["container", "exec"], ["compose", "exec"]):
        return None
    words = argv[argv.index("exec") + 1 :]
    if fact.name in ("kubectl", "oc") and "--" in words:  # `kubectl exec -it pod -n ns -- cmd…`
        cut = words.index("--")
        before = _operand_and_after(words[:cut], _EXEC_VALUES)
        return (before[0] if before else "a pod", words[cut + 1 :]) if words[cut + 1 :] else None
    found = _operand_and_after(words, _EXEC_VALUES)
    return found if found is not None and found[1] else None


def _arg_files(argv: list[str]) -> list[str]:
    """The files xargs or GNU parallel reads its input from instead of its own (`-a FILE`, `--arg-file=FILE`,
    parallel's `:::: FILE…`)."""
    found: list[str] = []
    words = iter(argv[1:])
    for word in words:
        option, eq, value = word.partition("=")
        if word in ("-a", "--arg-file") or (option == "--arg-file" and eq):
            found.append(value if eq else next(words, ""))
        elif word.startswith("-a") and len(word) > 2 and not word.startswith("--"):
            found.append(word[2:])
        elif word == "::::":
            found += [w for w in words if w not in (":::", "::::", ":::+", "::::+")]
    return [f for f in found if f]


_XARGS_VALUES = frozenset(
    {"-a", "--arg-file", "-d", "--delimiter", "-E", "--eof", "-L", "--max-lines", "-n", "--max-args", "-P",
     "--max-procs", "-s", "--max-chars", "--process-slot-var"}
)  # fmt: skip


def _xargs_replace(argv: list[str]) -> str | None:
    """The replace string of `xargs -I STR` (or `-i`, `--replace[=STR]`, which default to `{}`), among options that
    take values (`-a FILE`, `-d '\\n'`)."""
    skip = False
    for index, arg in enumerate(argv[1:], start=1):
        if skip:
            skip = False
            continue
        if arg in _XARGS_VALUES:
            skip = True
            continue
        if arg == "-I" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("-I") and len(arg) > 2:
            return arg[2:]
        if arg in ("-i", "--replace"):
            return "{}"
        if arg.startswith(("--replace=", "-i")):
            return arg.split("=", 1)[1] if "=" in arg else arg[2:] or "{}"
        if not arg.startswith("-"):
            return None
    return None


def _skip_env(argv: list[str], dynamic: list[bool]) -> tuple[list[str], list[bool], str | None]:
    i = 1
    value_options = WRAPPERS["env"].value_options
    while i < len(argv):
        arg = argv[i]
        if arg in ("-S", "--split-string") and i + 1 < len(argv):
            return [], [], " ".join(argv[i + 1 :])
        if arg.startswith("--split-string="):
            return [], [], arg.split("=", 1)[1] + " " + " ".join(argv[i + 1 :])
        if re.match(r"^-[a-zA-Z0]*S", arg) and not arg.startswith("--"):  # -S'cmd', -iS 'cmd': the rest is the value
            attached = arg[arg.index("S") + 1 :]
            rest = argv[i + 1 :] if attached else argv[i + 2 :]
            value = attached or (argv[i + 1] if i + 1 < len(argv) else "")
            return [], [], " ".join([value, *rest]).strip()
        if arg == "--":
            i += 1
            break
        if arg.startswith("-"):
            if arg.lstrip("-") in value_options:
                i += 1
            i += 1
            continue
        if _OPTION_ASSIGN.match(arg):
            i += 1
            continue
        break
    return argv[i:], dynamic[i:], None


def _skip_wrapper(wrapper: Any, argv: list[str], dynamic: list[bool]) -> tuple[list[str], list[bool], str | None]:
    """The wrapped command's argv, or a nested command line for `su -c "…"` / `watch a b`."""
    i = 1
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            i += 1
            break
        if not arg.startswith("-") or arg == "-":
            break
        option = arg.lstrip("-")
        key, eq, value = option.partition("=")
        if wrapper.string_option and (
            key == wrapper.string_option or (not arg.startswith("--") and key.endswith(wrapper.string_option))
        ):
            if eq:
                return [], [], value
            if i + 1 < len(argv):
                return [], [], argv[i + 1]
        if not eq and (
            key in wrapper.value_options
            or (not arg.startswith("--") and len(key) > 1 and key[-1] in wrapper.value_options and key[0] != "-")
        ):
            i += 1  # the value is the next word
        i += 1
    i += wrapper.positional_before
    rest, rest_dynamic = argv[i:], dynamic[i:]
    if wrapper.joins and rest:
        return [], [], " ".join(rest)
    return rest, rest_dynamic, None


def _parse_args(
    name: str, args: list[str], dynamic: list[bool]
) -> tuple[frozenset[str], list[str], dict[str, str], list[bool], list[tuple[str, str]]]:
    """Flags, positionals, options (the last value of each), which positionals are dynamic, and the values of
    options given again later (`curl -d @.env -d a=1` sends both: neither may hide the other)."""
    flags: set[str] = set()
    positionals: list[str] = []
    pos_dynamic: list[bool] = []
    options: dict[str, str] = {}
    earlier: list[tuple[str, str]] = []

    def put(key: str, value: str) -> None:
        if key in options:
            earlier.append((key, options[key]))
        options[key] = value

    value_options = VALUE_OPTIONS.get(name, frozenset())
    word_options = name in WORD_OPTIONS
    i = 0
    end = False
    while i < len(args):
        arg, is_dynamic = args[i], dynamic[i] if i < len(dynamic) else False
        i += 1
        if end or arg == "-" or not arg.startswith("-") or len(arg) == 1:
            positionals.append(arg)
            pos_dynamic.append(is_dynamic)
            match = _OPTION_ASSIGN.match(arg)
            if match and not arg.startswith(("/", ".")):
                options.setdefault(match.group(1), match.group(2))
            continue
        if arg == "--":
            end = True
            continue
        if arg.startswith("--") or word_options:
            key, eq, value = arg.lstrip("-").partition("=")
            flags.add(key)
            if eq:
                put(key, value)
            elif key in value_options and i < len(args):
                put(key, args[i])
                i += 1
            continue
        if re.fullmatch(r"-\d+", arg):
            flags.add(arg[1:])
            continue
        letters = arg[1:]
        for position, letter in enumerate(letters):
            flags.add(letter)
            if letter in value_options:
                rest = letters[position + 1 :]
                if rest:
                    put(letter, rest)
                elif i < len(args):
                    put(letter, args[i])
                    i += 1
                break
    return frozenset(flags), positionals, options, pos_dynamic, earlier


# Options that carry the data a network tool sends (not headers: `-H "Authorization: Bearer $TOKEN"` is how an API
# is called, and goes to the host it is for).
_DATA_OPTIONS = {
    "curl": ("-d", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--data-ascii", "-F", "--form",
             "--form-string", "--json", "-T", "--upload-file", "-G"),
    "wget": ("--post-data", "--body-data"),
    "http": (), "https": (), "xh": (),
}  # fmt: skip
_VARIABLE = LazyPattern(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_INDIRECT = LazyPattern(r"\$\{!([A-Za-z_][A-Za-z0-9_]*)\}")


def _sent_data(fact: CommandFact) -> list[str]:
    """The words a network tool sends as data: its data options' values and the queries of its URLs (httpie's
    `key=value` items too)."""
    options = _DATA_OPTIONS.get(fact.name, ())
    sent = []
    argv = fact.argv
    for index, arg in enumerate(argv[1:], start=1):
        if arg in options and index + 1 < len(argv):
            sent.append(argv[index + 1])
        elif arg.startswith("--") and arg.split("=", 1)[0] in options:
            sent.append(arg.split("=", 1)[1] if "=" in arg else "")
        elif len(arg) > 2 and arg[:2] in options and not arg.startswith("--"):
            sent.append(arg[2:])  # -d"$X"
        elif _URL.match(arg) and "?" in arg:
            sent.append(arg.split("?", 1)[1])
        elif fact.name in ("http", "https", "xh") and re.match(r"^[\w.-]+:?=", arg):
            sent.append(arg)
    return sent


def _listed_by(fact: CommandFact) -> list[str] | None:
    """The paths a program that lists files prints (what `xargs` then hands the command after it), as patterns:
    `find` by its tests, `ls X` X (and what is in it), `git ls-files` every file here, `rg --files`, `fd`, `du -a`
    and `tree -fi` everything under their directories; None for a program that does not list files."""
    name, words = fact.name, [p for p in fact.positionals if not p.startswith("-")]
    if name == "find":
        return _found_by(fact.argv[1:])
    if name == "ls":
        return [p if any(c in p for c in "*?[") else f"{p.rstrip('/')}/*" for p in words or ["."]] + words
    if name == "git" and fact.subcommand == "ls-files":
        return ["./**"]
    if (name in ("rg", "ag") and "files" in fact.flags | fact.options.keys()) or name in ("fd", "fdfind"):
        dirs = words if name in ("rg", "ag") else words[1:]
        return [f"{d.rstrip('/')}/**" for d in dirs or ["."]]
    if (name == "du" and "a" in fact.flags) or (name == "tree" and "f" in fact.flags):
        return [f"{d.rstrip('/')}/**" for d in words or ["."]]
    return None


def _find_starts(args: list[str]) -> list[str]:
    """Where a `find` with arguments `args` starts (`.` when it names none)."""
    starts = []
    for arg in args:
        if arg.startswith(("-", "(", "!")):
            break
        starts.append(arg)
    return starts or ["."]


def _find_pattern(args: list[str]) -> str | None:
    """The name pattern that picks what a `find` finds (not one it excludes, nor one every name fits)."""
    return next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-name", "-iname") and _narrows(args, i)), None)


def _found_by(args: list[str]) -> list[str]:
    """What a `find` with arguments `args` finds, as paths a command given them reads: each start, or the files
    under it that its -name pattern matches (what `{}` stands for in -exec, and what it hands `xargs`)."""
    pattern = _find_pattern(args)
    found = [
        found
        for start in _find_starts(args)
        for found in ((f"{start.rstrip('/')}/{pattern}", f"{start.rstrip('/')}/**/{pattern}") if pattern else (start,))
    ]  # a name matched right under a start, and deeper
    return found + _path_patterns(args)


_FIND_NAME_TESTS = frozenset({"-name", "-iname", "-path", "-ipath", "-regex", "-iregex", "-wholename", "-iwholename"})
_FIND_TESTS = _FIND_NAME_TESTS | {"-newer", "-mtime", "-mmin", "-size", "-user", "-empty", "-perm", "-links", "-inum"}
_ANY_PATHS = ("a", "Main.py", "./src/a.txt", ".env")


def _narrows(args: list[str], index: int) -> bool:
    """Whether the `find` test at `args[index]` picks some files from those it ranges over, rather than all of them
    (`-name '*'`) or all but some (`-not -path './.git/*'`)."""
    if args[index] not in _FIND_TESTS or args[index - 1 : index] in (["-not"], ["!"]):
        return False
    value = args[index + 1] if index + 1 < len(args) else ""
    if args[index] in ("-regex", "-iregex"):
        return value not in (".*", ".+", "^.*$")
    if args[index] in _FIND_NAME_TESTS:
        return not all(fnmatch.fnmatchcase(p, value) for p in _ANY_PATHS)
    return True


def _path_patterns(args: list[str]) -> list[str]:
    """The whole-path patterns a `find` matches (`-path './.git/*'`, `-wholename`): paths it finds, as written; not
    those it excludes (`-not -path './.git/*'`, `-path ./.git -prune`)."""
    return [
        args[i + 1]
        for i, a in enumerate(args[:-1])
        if a in ("-path", "-ipath", "-wholename", "-iwholename")
        and args[i - 1 : i] not in (["-not"], ["!"])
        and args[i + 2 : i + 3] != ["-prune"]
    ]


def _secret_variables(words: list[str]) -> list[str]:
    """Names of secret-looking variables expanded in `words` (`$GITHUB_TOKEN`, `${DB_PASSWORD}`), and of variables
    read through another (`${!name}`: which one is known only when it runs, and may be any secret)."""
    return [name for word in words for name in _VARIABLE.findall(word) if secret_name(name)] + [
        f"{{!{name}}}" for word in words for name in _INDIRECT.findall(word)
    ]


def _command_in(text: str) -> str | None:
    """The command line in an argument, from its first word that names a program Lighthouse models (`make && make
    test`, `spawn bash -c "…"`, `shell curl … | sh`, `\\! rm -rf ~`), where the rest reads as shell; else None."""
    found = _commands_in(text, limit=1)
    return found[0] if found else None


def _commands_in(text: str, limit: int = 8) -> list[str]:
    """Command lines in a text a program may run (an argument, code, a script fed on its input): each from a word
    that names a program Lighthouse models, after a space, a separator, a quote or a bracket (`system("curl … |
    sh")`, `q{rm -rf ~}`, `.shell curl …`), up to the quote or bracket that closes it or the line's end, where it
    reads as shell."""
    commands: list[str] = []
    for found in _WORD_START.finditer(text[:_TEXT_REACH]):
        if _command_name(found.group(1)) not in MODELLED:
            continue
        start = found.start(1)
        if text[found.end(1) : found.end(1) + 1] not in ("", " ", "\t", "\n", ";", "|", "&", ")"):
            continue  # a name that runs on into more (`https://…`, `os.system(`): not a command's first word
        opener = text[start - 1] if start else ""
        closer = _CLOSERS.get(opener)
        end = _closing(text, start, opener, closer) if closer else -1
        if end == -1:  # no closer, or it does not close (m4's `…'): to the line's end, cut where code resumes
            closer, end = "", text.find("\n", start)
        candidate = text[start : end if end != -1 else len(text)]
        if commands and candidate in commands[-1]:
            continue  # a word inside the command line just taken
        candidate = _parsed(candidate) or ("" if closer else _parsed(_CUT.regex.split(candidate, maxsplit=1)[0]))
        if not candidate:
            continue
        commands.append(candidate)
        if len(commands) == limit:
            break
    return commands


def _substitution(text: str) -> Script | None:
    """The commands of a process substitution's text (`<(…)`), or None when they do not parse."""
    try:
        return parse(text[2:-1] if text.endswith(")") else text[2:])
    except (ShellSyntaxError, ShellTooComplex, RecursionError):
        return None


def _parsed(candidate: str) -> str:
    """`candidate` if it reads as shell, else the empty string."""
    try:
        parse(candidate)
    except (ShellSyntaxError, ShellTooComplex, RecursionError):
        return ""
    return candidate


_CUT = LazyPattern(r"[\"'`)}\]]")  # where code around a command line in a string ends it: `open("|curl … | sh").read`


def _closing(text: str, start: int, opener: str, closer: str) -> int:
    """Where the quote or bracket opened just before `start` closes (brackets nest), or -1."""
    if opener == closer:
        return text.find(closer, start)
    depth = 1
    for at in range(start, min(len(text), start + _TEXT_REACH)):
        if text[at] == opener:
            depth += 1
        elif text[at] == closer:
            depth -= 1
            if depth == 0:
                return at
    return -1


_WORD_START = LazyPattern(r"(?:^|[\s;&|(!{\[\"'`])([A-Za-z_./][\w./+-]*)")
# A quoted path in code: absolute, in the home, or a dotfile (`'/etc/profile.d/x.sh'`, `"~/.bashrc"`, `'.git/config'`).
# A path in code: quoted (`'/'`, `"~"`, `'.git/x'`), or in another language's quoting, a directory in it, between
# brackets or after a mode (`q{/etc/cron.d/x}`, `%Q(~/.x/y)`, `[[~/.ssh/x]]`, `">>/root/.profile"`); never a path
# in prose (`"see ~/.bashrc first"`).
_PATH_NAMED = LazyPattern(
    r"""(['"`])((?:~|/|\$HOME|\.{1,2}/|\.[\w-]+/)[^'"`\n]{0,300})\1"""
    r"""|(?<=[{(\[>])((?:~/|/[\w.-]+/|\$HOME/|\$\{HOME\}/|\.{1,2}/|\.[\w-]+/)[^\s'"`{}()\[\]<>;,|&]{0,300})(?=['"`})\]])"""
)
_DOT_NAMED = LazyPattern(r"""(['"`])(\.[\w.-]{1,100})\1""")  # a hidden file or directory named alone (`'.claude'`)
_GUARDS_ITSELF = frozenset({"lighthouse-home", "lighthouse-code", "agent-settings", "lighthouse-approval"})
# Two literals joined into one (`'a' + 'b'`, `"a" . "b"`, `'a' 'b'`, `"a" .. "b"`): read as the one they make.
_JOINED = LazyPattern(r"""(['"])[ \t]*(?:\+|\.{1,2})?[ \t]*\1""")
_DATA_URL = LazyPattern(r"data:[\w/+.-]*;base64,([A-Za-z0-9+/=_-]{8,})")
# Options that load code or a module into an interpreter: perl's -M/-m with code, node's --import/--require/-r,
# ruby's -r, python's -X importtime is not one (a flag), php's -d auto_prepend_file.
_LOADS_CODE = LazyPattern(
    r"(?:^|\s)(?:-M\S*[;(]|--import\b|--require\b|--loader\b|--experimental-loader\b|-r\s|-r\S|"
    r"-d\s*auto_(?:prepend|append)_file)"
)
_CLOSERS = {'"': '"', "'": "'", "`": "`", "(": ")", "{": "}", "[": "]"}
_TEXT_REACH = 20_000  # characters of a text searched for command lines


def _runs_a_shell(fact: CommandFact) -> bool:
    """A shell or interpreter, or a program Lighthouse does not know whose arguments start one (`a00 bash -i`):
    where its input and output go, the shell's go."""
    if fact.name in SHELLS or fact.name in INTERPRETERS:
        return True
    return fact.name not in MODELLED and any(
        _command_name(a) in SHELLS or _command_name(a) in INTERPRETERS for a in fact.argv[1:]
    )


def _runs_its_input(fact: CommandFact) -> bool:
    """A program that runs what it reads as commands: a shell or interpreter not given its program (`sh`, `bash -s`),
    one that `xargs` gives its program from its input (`xargs -0 bash -c`), sed's `e` (`sed e`, `s/…/…/e`), an awk
    program that hands its input to a shell (`{system($0)}`, `{print | "sh"}`), make reading its makefile from
    its input, GNU parallel given no command (each line it reads is one)."""
    if fact.name in STDIN_EXECUTORS and not _has_program(fact):
        return True
    if fact.name == "parallel" and not fact.positionals and fact.argv[1:2] != ["-c"]:  # (`-c`: it was given one)
        return True
    if fact.via[-1:] == ("xargs",) and fact.replace is None:
        return (fact.name in SHELLS or fact.name in INTERPRETERS) and fact.argv[-1] in ("-c", "-e", "--eval", "-r")
    if fact.via[-1:] == ("xargs",) and fact.replace is not None and fact.name in SHELLS:  # `xargs -I{} sh -c '{}'`
        script, _ = _shell_script(fact.argv)  # what it reads is the command, not an argument of one
        words = (script or "").replace("eval ", " ").split()
        return bool(words) and words[0].strip("'\"") == fact.replace
    if fact.name in ("sed", "gsed"):
        return any(_SED_RUNS_INPUT.search(script) for script in _sed_scripts(fact))
    if fact.name in AWKS and fact.positionals and "f" not in fact.options:
        return _AWK_RUNS_INPUT.search(fact.positionals[0]) is not None
    if fact.name in ("make", "gmake", "bmake"):
        return fact.options.get("f", fact.options.get("file", fact.options.get("makefile"))) in ("-", "/dev/stdin")
    return False


def _sed_scripts(fact: CommandFact) -> list[str]:
    """The scripts sed is given: each `-e`/`--expression` (every one, repeated options too), else its first word."""
    given = [v for k, v in [*fact.earlier_options, *fact.options.items()] if k in ("e", "expression")]
    return given or fact.positionals[:1]


def _sed_commands(fact: CommandFact) -> list[str]:
    """The commands sed's `e COMMAND` runs."""
    return [m.group(1) for script in _sed_scripts(fact) for m in _SED_COMMAND.finditer(script)]


def _expanded_secrets(redirect: Redirect) -> list[str]:
    """Secret-looking variables a here-document or here-string expands into the text it feeds (`<<< "$TOKEN"`;
    not a here-document whose delimiter is quoted, which expands nothing)."""
    if redirect.op == "<<<":
        expanded = "".join(
            "$" + p.value if p.kind == "var" else p.value for p in redirect.target.parts if p.kind in ("var", "param")
        )
        return _secret_variables([expanded])
    return _secret_variables([redirect.body or ""]) if not redirect.body_literal else []


def _tar_archive(fact: CommandFact) -> str | None:
    """Where `tar c` writes the archive it makes (`-` for its output, which is where it goes without `-f`); None
    for any other command, or a tar that makes none."""
    if fact.name not in ("tar", "bsdtar") or not fact.flags & {"c", "create"}:
        return None
    return fact.options.get("f", fact.options.get("file", "-"))


def _archive_written(fact: CommandFact) -> str | None:
    """The archive file a command makes of files or trees (`tar czf out.tgz .`, `zip -r out.zip src`), if any."""
    if fact.name in ("tar", "bsdtar"):
        named = _tar_archive(fact)
        return named if named != "-" else None
    if fact.name == "zip" and fact.positionals and fact.positionals[0] != "-":
        return fact.positionals[0]
    if fact.name in ("7z", "7za") and fact.positionals[:1] == ["a"] and len(fact.positionals) > 1:
        return fact.positionals[1]
    return None


def _archives_tree(fact: CommandFact) -> bool:
    """Whether the command writes to its output an archive of whole directories or of a repository (`tar c`, `zip
    -r -`, `git bundle`, `git archive`, `cpio -o`, `7z a -so`)."""
    if fact.name in ("tar", "bsdtar"):
        return _tar_archive(fact) == "-"
    if fact.name == "zip":
        return fact.positionals[:1] == ["-"]
    if fact.name == "git":
        return fact.subcommand in ("bundle", "archive") or _prints_repository(fact)
    if fact.name == "cpio":
        return bool(fact.flags & {"o", "create"})
    if fact.name in ("7z", "7za"):
        return "so" in fact.flags or "-so" in fact.argv
    return False


# The file each compressor leaves beside or for its input (`gzip e.txt` makes e.txt.gz).
_COMPRESSED = {"gzip": ".gz", "pigz": ".gz", "bzip2": ".bz2", "xz": ".xz", "lzma": ".lzma", "zstd": ".zst",
               "lz4": ".lz4", "compress": ".Z", "brotli": ".br"}  # fmt: skip
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree: a diff against it is every file
_NOT_CONTENT = frozenset({"s", "no-patch", "stat", "shortstat", "numstat", "name-only", "name-status", "quiet"})


def _prints_repository(fact: CommandFact) -> bool:
    """Whether a git command prints the repository's content, not only its names (`format-patch --stdout`, `log
    -p`, `show`, a diff against the empty tree or from the root, `cat-file -p`, `fast-export`)."""
    sub = fact.subcommand
    if sub == "format-patch":
        return "stdout" in fact.flags
    if sub in ("log", "whatchanged"):
        patch = {"p", "u", "patch", "patch-with-stat", "patch-with-raw", "unified", "U"}
        return bool(fact.flags & patch) or any(re.match(r"-U\d|--unified=", a) for a in fact.argv)
    if sub == "show":
        return not fact.flags & _NOT_CONTENT
    if sub in ("diff", "diff-tree"):
        return _EMPTY_TREE in fact.positionals or "root" in fact.flags
    if sub == "cat-file":
        return not fact.flags & {"t", "s", "e"}
    return sub == "fast-export"


# Programs that send the names they are given to the network (a DNS query carries `$TOKEN.evil.example` out).
_LOOKUPS = frozenset(
    {
        "dig",
        "host",
        "nslookup",
        "getent",
        "ping",
        "ping6",
        "drill",
        "kdig",
        "resolvectl",
        "traceroute",
        "tracepath",
        "mtr",
        "whois",
        "delv",
    }
)
# curl's and wget's fields that carry text to the server and are not where a credential goes.
_CARRYING_OPTIONS = ("-A", "--user-agent", "-b", "--cookie", "-e", "--referer", "--user-agent=", "--referer=")


def _carrying_words(fact: CommandFact) -> list[str]:
    """Words a network program sends that are not a credential's place: every argument of a lookup, curl's and
    wget's user agent, cookie and referer."""
    if fact.name in _LOOKUPS:
        return fact.argv[1:]
    if fact.name not in ("curl", "wget"):
        return []
    words = []
    for index, arg in enumerate(fact.argv[1:-1], start=1):
        if arg in _CARRYING_OPTIONS:
            words.append(fact.argv[index + 1])
    words += [a.partition("=")[2] for a in fact.argv[1:] if a.startswith(("--user-agent=", "--referer=", "--cookie="))]
    return words


def _sends(fact: CommandFact) -> bool:
    """Whether the command sends data off the machine (openssl only when it connects somewhere)."""
    if fact.name == "openssl":
        return fact.positionals[:1] in (["s_client"], ["s_server"], ["ocsp"], ["s_time"])
    return fact.name in NETWORK_SENDERS


def _plainly_local(value: str) -> bool:
    """An argument that names a local file whatever the command (`~/.ssh`, `./x`, `/etc/y`, `.env`)."""
    return value.startswith(("/", "~/", "./", "../")) or value == "~" or bool(_DOTFILE.match(value))


def _curl_file_field(key: str, value: str) -> str:
    """curl's other ways of sending a file, as `@file`: a form field read from it (`-F 'f=<.env'`) and a
    URL-encoded one (`--data-urlencode k@.env`)."""
    if key in ("F", "form") and "=<" in value:
        return "@" + value.split("=<", 1)[1].split(";", 1)[0]
    if key == "data-urlencode" and _NAMED_FILE.match(value):
        return "@" + value.split("@", 1)[1]
    return value


_NAMED_FILE = LazyPattern(r"[^=@]+@")


def _path_candidate(value: str, is_dynamic: bool) -> tuple[str | None, bool]:
    """The path inside an argument (`@file`, `f=@file`), or None for things that are not paths."""
    if not value or value == "-" or _NUMBER.match(value) or value.startswith(("<(", ">(")):
        return None, False
    if _URL.match(value):
        return value, False
    for marker in ("=@", "@"):
        if marker in value and (marker == "=@" or value.startswith("@")):
            value = value.split(marker, 1)[1]
            if value in ("-", ""):
                return None, False
            break
    if _REMOTE_PATH.match(value) and "/" not in value.split(":", 1)[0]:
        return None, False  # host:path on another machine
    if value.startswith("-"):
        return None, False
    return value, is_dynamic


def _shell_script(argv: list[str]) -> tuple[str | None, str | None]:
    """For `bash -lc SCRIPT` the script; for `bash file.sh` the file; else (None, None) (reads stdin)."""
    i = 1
    takes_command = False
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            i += 1
            break
        if arg in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            i += 2
            continue
        if arg.startswith("-") and not arg.startswith("--") and len(arg) > 1:
            if "c" in arg[1:]:
                takes_command = True
            if "s" in arg[1:]:
                return None, None
            i += 1
            continue
        if arg.startswith("--"):
            i += 1
            continue
        break
    rest = argv[i:]
    if takes_command:
        return (rest[0] if rest else ""), None
    if rest and reads_stdin(rest[0]):
        return None, None  # `bash /dev/stdin`, `sh -`: the program is what it reads
    return None, (rest[0] if rest else None)


# Single-letter flags that take no value, by interpreter, so that a cluster ending in the code flag gives the code in
# the next word (`python3 -Ic CODE`, `perl -we CODE`, `perl -lne CODE`, `php -nr CODE`, `node -pe CODE`).
_PLAIN_FLAGS = {
    **dict.fromkeys(("python", "python2", "python3", "pypy", "pypy3"), "bBdEhiIOPqRsSuvVx"),
    "perl": "acnpstTuUvwWX0l",
    "ruby": "acdlnpsSvwy",
    "php": "nqsHhiv",
    **dict.fromkeys(("node", "nodejs", "bun"), "p"),
}


def _clustered_code(name: str, options: tuple[str, ...], argv: list[str], index: int) -> str | None:
    """The code a cluster of flags at `argv[index]` gives (`-Ic`, `-we`, `-lne`): after a code flag, the rest of
    the cluster, or the next word when the cluster ends there."""
    letters = {o[1] for o in options if len(o) == 2 and o[0] == "-"}
    plain = _PLAIN_FLAGS.get(name, "")
    arg = argv[index]
    for at in range(1, len(arg)):
        if arg[at] in letters:
            rest = arg[at + 1 :]
            if rest and not all(c in letters or c in plain for c in rest):
                return rest
            return argv[index + 1] if index + 1 < len(argv) else None
        if arg[at] not in plain:
            return None  # a flag that takes a value: the rest of the cluster is that value
    return None


def _interpreter_code(name: str, argv: list[str]) -> str | None:
    options = INTERPRETERS[name]
    for index, arg in enumerate(argv[1:], start=1):
        if arg in options and index + 1 < len(argv):
            if name in _MANY_CODES:  # `perl -e '1;' -e 'system …'`: every -e is one line of the program
                return "\n".join(argv[i + 1] for i in range(index, len(argv) - 1) if argv[i] in options)
            return argv[index + 1]
        if name in _PLAIN_FLAGS and re.fullmatch(r"-[A-Za-z0-9]{2,}", arg):
            clustered = _clustered_code(name, options, argv, index)
            if clustered is not None:
                return clustered
        for option in options:
            if (
                option.startswith("-")
                and len(option) == 2
                and arg.startswith(option)
                and len(arg) > 2
                and not arg.startswith("--")
                and name not in ("powershell", "pwsh")
            ):
                return arg[2:]
        if name in ("powershell", "pwsh") and not arg.startswith("-"):
            return " ".join(argv[index:])
    return None


_KEEPS_LINKS = frozenset({"P", "d", "a", "no-dereference", "archive"})  # `cp` copies a link as a link
_COMPILERS = frozenset({"gcc", "g++", "cc", "c++", "gfortran", "gccgo"})


def _compiler_wrappers(fact: CommandFact) -> list[list[str]]:
    """The program (and its arguments) GCC runs each of its steps under: `-wrapper PROG,ARG,…`."""
    if fact.name not in _COMPILERS:
        return []
    found = []
    for index, word in enumerate(fact.argv):
        if word == "-wrapper" and index + 1 < len(fact.argv):
            found.append(fact.argv[index + 1].split(","))
        elif word.startswith("-wrapper="):
            found.append(word.partition("=")[2].split(","))
    return found


def _script_typescript(argv: list[str], command: str) -> list[str]:
    """The file `script` writes what it records into: its first word that is neither an option nor the command."""
    words = [w for w in argv[1:] if not w.startswith("-") and w != command]
    return words[:1]


def _timeit_code(args: list[str]) -> str:
    """The Python `python -m timeit` runs: its setup (`-s`) and its statements, one per line."""
    code: list[str] = []
    words = iter(args)
    for word in words:
        if word in ("-s", "--setup"):
            code.append(next(words, ""))
        elif word.startswith("--setup="):
            code.append(word.partition("=")[2])
        elif word in ("-n", "--number", "-r", "--repeat", "-u", "--unit"):
            next(words, None)
        elif not word.startswith("-"):
            code.append(word)
    return "\n".join(code)


_MANY_CODES = frozenset({"perl", "ruby", "php", "lua", "luajit", "raku", "perl6"})  # take several code options


def _program_run(name: str, argv: list[str]) -> list[str] | None:
    """The command a Python interpreter runs as a program: `python -m MODULE ARGS` runs MODULE (by its command
    name, for modules that are one), and a script that is a known program's entry point runs that program."""
    if not name.startswith(("python", "pypy")):
        return None
    for index, arg in enumerate(argv[1:], start=1):
        if arg == "-m" and index + 1 < len(argv):
            module, rest = argv[index + 1], argv[index + 2 :]
            break
        if arg.startswith("-m") and len(arg) > 2 and not arg.startswith("--"):
            module, rest = arg[2:], argv[index + 1 :]
            break
        if not arg.startswith("-"):
            parts = arg.split("/")
            program = MODULE_COMMANDS.get(parts[-2] if parts[-1] == "__main__.py" and len(parts) > 1 else parts[-1])
            return [program, *argv[index + 1 :]] if program else None
    else:
        return None
    base = module.split(".")[0]
    return [MODULE_COMMANDS.get(module, MODULE_COMMANDS.get(base, module)), *rest]


_SHELL_SHEBANG = LazyPattern(r"#!\s*\S*/(?:env\s+(?:-S\s+)?)?(?:ba|z|da|k|a)?sh\b")


def _is_shell_script(runner: str, text: str) -> bool:
    """Whether `runner` runs `text` as a shell script: a shell or `source` runs anything as one; a file run by
    itself (`./x.sh`) is one when its `#!` line names a shell, or when it has none (the shell runs it then)."""
    if runner in SHELLS or runner in ("source", "."):
        return True
    if runner in INTERPRETERS or runner in SCHEDULERS:
        return False
    first = text.split("\n", 1)[0]
    return not first.startswith("#!") or _SHELL_SHEBANG.match(first) is not None


_PROGRAM_SHEBANG = LazyPattern(r"#!\s*\S*/(?:env\s+(?:-S\s+)?)?(python[\d.]*|pypy3?|node|nodejs|ruby|perl|php)\b")


def _program_language(runner: str, text: str) -> str:
    """The interpreter that runs a program file that is not a shell script: its runner when that is an interpreter
    (`python3 x.py`), else the one its `#!` line names (`./x.py`); "" when none runs it as a program."""
    if runner in INTERPRETERS:
        return runner
    found = _PROGRAM_SHEBANG.match(text.split("\n", 1)[0])
    return found.group(1) if found else ""


_MAX_IMPORTS = 16  # modules of the project read for one program (past that: not known)
# Code that loads code by a name it builds or from a place it chooses: what it runs is not known.
_LOADS_ELSEWHERE = LazyPattern(
    r"\brunpy\b|\brun_(?:path|module)\s*\(|SourceFileLoader|spec_from_file_location|\bzipimport\b|"
    r"\bsys\.path\.(?:insert|append|extend)\b|\bsys\.path\s*(?:\+=|=)|\bos\.chdir\s*\(|"
    r"\bimport_module\s*\(\s*(?![\"'][\w.]+[\"']\s*\))|\b__import__\s*\(\s*(?![\"'][\w.]+[\"']\s*[,)])|"
    r"\bexec\s*\(\s*(?:open|compile|pathlib|Path)\b"
)
_IMPORT_WORDS = LazyPattern(
    r"\bfrom[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[\w \t,*]+)|\bimport[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)|"
    r"(?:__import__|import_module)\(\s*[\"']([\w.]+)[\"']"
)


def _python_imports(source: str) -> list[tuple[str, int]]:
    """The modules Python code imports by name, with the level of a relative import (`from .. import x`: 2):
    `import a.b`, `from a import b` (both `a` and `a.b`), `__import__("a")`, `import_module("a.b")`, wherever they
    stand (after `;`, in a `try:`, over continued lines, in parentheses)."""
    text = source[:MAX_SCRIPT_BYTES].replace("\\\n", " ")
    found: list[tuple[str, int]] = []
    for match in _IMPORT_WORDS.finditer(text):
        if match.group(3) is not None:  # from (dots)base import members
            level, base = len(match.group(1)), match.group(2)
            members = [m for m in re.split(r"[\s,()]+", match.group(3)) if m and m != "*"]
            found += [(base, level)] if base else []
            found += [(f"{base}.{m}" if base else m, level) for m in members if m.isidentifier()]
        elif match.group(4):
            found += [(name.strip(), 0) for name in match.group(4).split(",")]
        elif match.group(5):
            found.append((match.group(5), 0))
    return list(dict.fromkeys(found))


_GIT_SWITCHES = frozenset({"checkout", "switch", "reset", "stash"})  # what can swap the guard's files (git_state)


def _served_directory(fact: CommandFact) -> str | None:
    """The directory a file server started by the command serves to other machines (`python3 -m http.server`,
    `php -S 0.0.0.0:8000 -t DIR`, `npx http-server DIR`, `busybox httpd -h DIR`, `ruby -run -e httpd DIR`); None
    for other commands and for one bound to the loopback address only."""
    argv, name = fact.argv, fact.name
    if name in ("npx", "pnpx", "bunx") and fact.positionals:  # a package run by name: `npx -y http-server DIR`
        argv = argv[argv.index(fact.positionals[0]) :]
        name = argv[0].split("@", 1)[0]
    value = _option_after
    if name in ("http.server", "SimpleHTTPServer", "uploadserver"):
        bind, served = value(argv, ("-b", "--bind")), value(argv, ("-d", "--directory")) or "."
    elif name == "pyftpdlib":  # `python3 -m pyftpdlib [-i ADDR] [-d DIR] [-w]`: FTP, writable with -w
        bind, served = value(argv, ("-i", "--interface")), value(argv, ("-d", "--directory")) or "."
    elif name == "php" and value(argv, ("-S",)) is not None:
        bind, served = (value(argv, ("-S",)) or "").rsplit(":", 1)[0], value(argv, ("-t",)) or "."
    elif name in ("http-server", "serve", "live-server"):
        bind = value(argv, ("-a", "--address", "--host", "-l", "--listen"))
        served = next((a for a in argv[1:] if not a.startswith("-") and not a.isdigit()), ".")
    elif name == "busybox" and fact.positionals[:1] == ["httpd"]:
        bind, served = value(argv, ("-p",)), value(argv, ("-h",)) or "."
    elif name == "ruby" and "httpd" in argv and "-run" in argv:
        bind, served = value(argv, ("--bind-address",)), next((a for a in argv[argv.index("httpd") + 1 :]
                                                                  if not a.startswith("-")), ".")  # fmt: skip
    else:
        return None
    if bind is not None and _LOOPBACK.match(bind):
        return None
    return served


def _option_after(argv: list[str], names: tuple[str, ...]) -> str | None:
    """The value of the first of `names` in `argv` (`-d DIR`, `--directory=DIR`, `-dDIR` for a short one)."""
    for index, arg in enumerate(argv):
        for name in names:
            if arg == name and index + 1 < len(argv):
                return argv[index + 1]
            if name.startswith("--") and arg.startswith(name + "="):
                return arg.split("=", 1)[1]
            if len(name) == 2 and arg.startswith(name) and len(arg) > 2 and not arg.startswith("--"):
                return arg[2:]
    return None


_LOOPBACK = LazyPattern(r"^(?:127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])(?::\d+)?$")
# Directories whose serving hands out secrets: a home, the project (its .env, its .lighthouse key), what holds them.
_HOLDS_SECRETS = frozenset({"home", "project-root", "project-ancestor", "root", "secret", "lighthouse-home",
                            "lighthouse-ancestor", "lighthouse-home-root"})  # fmt: skip


def _plain_words(text: str) -> list[str] | None:
    """The words of `text` when it is only words (no operators, redirections or substitutions), else None."""
    if not text.strip() or re.search(r"[;&|<>()$`\n]", text):
        return None
    try:
        return shlex.split(text)
    except ValueError:
        return None


def _has_program(fact: CommandFact) -> bool:
    """Whether a shell or interpreter was given its program (so it is not reading one from stdin)."""
    if fact.name in SCHEDULERS:
        return "f" in fact.options or "f" in fact.flags
    if fact.name in SHELLS:
        script, file_ = _shell_script(fact.argv)
        return script is not None or file_ is not None
    if fact.name in INTERPRETERS:
        if _interpreter_code(fact.name, fact.argv) is not None:
            return True
        return bool(fact.positionals) and not reads_stdin(fact.positionals[0])
    if fact.name in ("source", "."):
        return bool(fact.positionals) and not reads_stdin(fact.positionals[0])
    return False


def _socket(fact: CommandFact) -> bool:
    """A tool that talks to the network through its input and output (openssl only as a client or server)."""
    if fact.name == "openssl":
        return fact.positionals[:1] in (["s_client"], ["s_server"])
    return fact.name in SOCKET_TOOLS


def _openssl_base64(fact: CommandFact) -> bool:
    """`openssl base64 -d`, `openssl enc -d -base64` / `-a`: base64 alone, no cipher (which needs a key)."""
    if fact.positionals[:1] == ["base64"]:
        return True
    return (
        fact.positionals[:1] == ["enc"]
        and bool(fact.flags & {"base64", "a"})
        and fact.flags <= {"d", "base64", "a", "A", "in", "out", "n", "nopad"}
    )


def _dumps_environment(fact: CommandFact) -> bool:
    """Whether the command prints the environment's values: `env` and `printenv` (with names too: any may be a
    secret), `export -p`, `declare -x`, `declare -p NAME`, `set` alone; not `export NAME=value` or `set -e`, which
    print nothing."""
    if fact.name not in ENV_DUMPERS:
        return False
    if fact.name == "set":
        return len(fact.argv) == 1
    if fact.name in ("export", "declare", "typeset"):
        return bool(fact.flags & {"p", "x"}) or not fact.positionals
    program = [*fact.positionals[:1], *fact.argv[1:], fact.stdin or ""]  # its program, wherever it is given
    if fact.name == "jq":  # `jq -n env`, `jq -n '$ENV'`, the same from `-f /dev/stdin`
        return any(re.search(r"(?<![\w.])(?:env|\$ENV)\b", p) for p in program)
    if fact.name in AWKS:  # `awk 'BEGIN{for (k in ENVIRON) print k, ENVIRON[k]}'`
        return any(re.search(r"\bfor\s*\(\s*\w+\s+in\s+ENVIRON\s*\)", p) for p in program)
    if fact.name == "gdb":  # `gdb -batch -ex 'show environment'`
        return any(re.search(r"\b(?:show|info)\s+env", p) for p in program)
    if fact.name == "php":  # `php -i` (phpinfo), `php -r 'print_r(getenv());'`
        return "i" in fact.flags or any(re.search(r"phpinfo|getenv\(\s*\)|\$_ENV|\$_SERVER", p) for p in program)
    if fact.name == "cmake":  # `cmake -E environment`
        return "environment" in fact.argv[1:]
    if fact.name in ("make", "gmake"):  # `make -p`: its database, the environment's variables with it
        return bool(fact.flags & {"p", "print-data-base"})
    if fact.name in ("npm", "pnpm", "yarn"):  # `npm run env`
        return "env" in fact.positionals[1:3] and fact.positionals[:1] in (["run"], ["run-script"], ["exec"])
    if fact.name == "strace":  # `strace -v -e execve …`: every program run, with its environment
        return "v" in fact.flags
    if fact.name == "ps":  # `ps e`, `ps ewwax`, `ps -o args= eww`: each process with its environment
        return any(re.fullmatch(r"[a-zA-Z]*e[a-zA-Z]*", a) and not a.startswith("-") for a in fact.argv[1:])
    return True


def _is_decoder(fact: CommandFact) -> bool:
    if fact.name not in DECODERS:
        return False
    if fact.name in ("base64", "base32", "basenc"):
        return bool(fact.flags & {"d", "decode", "D"})
    if fact.name == "xxd":
        return "r" in fact.flags
    if fact.name == "openssl":
        return "d" in fact.flags or "base64" in fact.positionals
    return True


def _literal_output(sources: list[CommandFact]) -> str | None:
    """What a chain of literal printers and decoders writes, when it can be known (`echo … | base64 -d`,
    `printf '\\x72\\x6d …'`, `echo … | rev`, `… | tr a-z n-za-m`, `… | xxd -r -p`)."""
    if sources and sources[0].stdin is not None and not sources[0].positionals and not sources[0].dynamic:
        text: str | None = sources[0].stdin  # `xxd -r -p <<< 72…`: a here-string or heredoc into the first stage
        for stage in sources:
            if text is None:
                return None
            text = _decoded(stage, text) if _is_decoder(stage) else text if stage.name == "cat" else None
        return text
    if not sources or sources[0].name not in LITERAL_PRINTERS or sources[0].dynamic:
        return None
    first = sources[0]
    args = [a for a in first.argv[1:] if not (first.name == "echo" and a in ("-n", "-e", "-E"))]
    if first.name == "printf" and args:
        text = _printf(args[0], args[1:])
    else:
        text = " ".join(args)
        if first.name == "echo" and "-e" in first.argv[1:3]:
            text = _unescape(text)
    for stage in sources[1:]:
        if text is None:
            return None
        text = (
            _decoded(stage, text)
            if _is_decoder(stage)
            else text
            if stage.name == "cat" and not stage.positionals
            else None
        )
    return text


def _printf(format_: str, args: list[str]) -> str:
    """printf's output for a format of `%s`/`%b`/`%c`/`%d` and escapes (what such one-liners use): escapes count
    in the format and in `%b` arguments, not in `%s` ones."""
    values = iter(args)
    pieces: list[str] = []
    position = 0
    for match in re.finditer(r"%[-0-9.]*([sbcdx%])", format_):
        pieces.append(_unescape(format_[position : match.start()]))
        kind = match.group(1)
        value = "%" if kind == "%" else next(values, "")
        pieces.append(_unescape(value) if kind == "b" else value)
        position = match.end()
    pieces.append(_unescape(format_[position:]))
    return "".join(pieces) + "".join(f" {v}" for v in values)


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(0)
        if code[1] == "x":
            return chr(int(code[2:], 16))
        if code[1] in "01234567":
            return chr(int(code[1:], 8))
        return {"n": "\n", "t": "\t", "\\": "\\", "r": "\r", "a": "", "e": "\x1b", "0": "\0"}.get(code[1], code)

    return re.sub(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", one, text)


def _decoded(stage: CommandFact, text: str) -> str | None:
    """`text` after one decoding stage, or None when it cannot be worked out here."""
    try:
        if stage.name in ("base64", "basenc") or (stage.name == "openssl" and _openssl_base64(stage)):
            return base64.b64decode(text.strip() + "=" * (-len(text.strip()) % 4)).decode("utf-8")
        if stage.name == "base32":
            return base64.b32decode(text.strip()).decode("utf-8")
        if stage.name == "xxd":
            return bytes.fromhex("".join(text.split())).decode("utf-8")
        if stage.name == "rev":
            return "\n".join(line[::-1] for line in text.split("\n"))
        if stage.name == "tr" and len(stage.positionals) == 2 and not stage.flags:
            source, target = (_tr_set(p) for p in stage.positionals)
            table = {ord(a): b for a, b in zip(source, target + target[-1:] * len(source), strict=False)}
            return text.translate(table)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return None


def _tr_set(spec: str) -> str:
    """A `tr` set with its ranges spelled out (`a-z` → every letter)."""
    out: list[str] = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)[:4096]


_CONTAINER_SCRATCH = "/tmp/.container"  # noqa: S108  (never used as a file: a path judged harmless)
_CONTAINER_FLAGS = frozenset(
    {"-d", "--detach", "-i", "--interactive", "-t", "--tty", "-it", "-ti", "--rm", "--privileged", "--init", "-P",
     "--publish-all", "--read-only", "--sig-proxy", "--no-healthcheck", "--oom-kill-disable", "-q", "--quiet"}
)  # fmt: skip


def _container_run(argv: list[str]) -> tuple[list[tuple[str, str]], str, list[str]] | None:
    """A `docker run` line's bind mounts (host, container), working directory and the command it runs."""
    mounts: list[tuple[str, str]] = []
    workdir = "/"
    entrypoint: list[str] = []
    words = argv[argv.index("run") + 1 :] if "run" in argv else []
    index = 0
    while index < len(words):
        word = words[index]
        if not word.startswith("-") or word == "-":
            break
        name, has_value, value = word.partition("=")
        if not has_value and word not in _CONTAINER_FLAGS and not re.fullmatch(r"-[dit]+", word):
            index += 1
            value = words[index] if index < len(words) else ""
        if name in ("-v", "--volume") and ":" in value and value.split(":", 1)[0].startswith(("/", "~", ".", "$")):
            host, _, inside = value.partition(":")
            mounts.append((host, inside.split(":", 1)[0]))
        elif name == "--mount" and re.search(r"(?:^|,)type=bind(?:,|$)", value):
            fields = dict(f.partition("=")[::2] for f in value.split(","))
            source = fields.get("source") or fields.get("src")
            target = fields.get("target") or fields.get("destination") or fields.get("dst")
            if source and target:
                mounts.append((source, target))
        elif name in ("-w", "--workdir"):
            workdir = value or "/"
        elif name == "--entrypoint":
            entrypoint = [value]
        index += 1
    rest = words[index + 1 :]  # after the image
    return (mounts, workdir, [*entrypoint, *rest]) if index < len(words) else None


def _container_to_host(path: str, mounts: list[tuple[str, str]]) -> str | None:
    """The host path a container path is under one of `mounts` (host, container), or None."""
    for source, target in sorted(mounts, key=lambda m: -len(m[1])):
        if path == target or path.startswith(target + "/"):
            return source + path[len(target) :]
    return None


def _under_any(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _printed_literal(
    script: Script, expand: Callable[[Word], tuple[str, bool]] | None = None, cwd: str | None = None
) -> str | None:
    """The output of a substitution whose whole pipeline is known (`$(echo /)`, `$(echo … | base64 -d)`,
    `$(printf '.%s' x)`), the program a lookup names (`$(which rm)`, `$(command -v rm)`), a path worked out
    from known ones (`$(dirname "$PWD")`, `$(basename …)`, `$(pwd)`), or the one `ls` lists (`$(ls -d x*)`).
    `expand` gives words' values where variables are known; without it only literal words count."""
    if len(script.pipelines) != 1:
        return None
    stages: list[CommandFact] = []
    for command in script.pipelines[0].commands:
        if not isinstance(command, Simple) or not command.words:
            return None
        texts = [_known_text(w, expand) for w in command.words]
        if any(t is None for t in texts):
            return None
        argv = [t for t in texts if t is not None]
        name = _command_name(argv[0])
        flags, positionals, options, _, _ = _parse_args(name, argv[1:], [False] * (len(argv) - 1))
        stages.append(CommandFact(name, [name, *argv[1:]], flags, positionals, options, []))
    if len(stages) == 1 and (stages[0].name in ("which", "type") or stages[0].argv[:2] == ["command", "-v"]):
        looked_up = [p for p in stages[0].argv[1:] if not p.startswith("-")]
        return looked_up[0] if len(looked_up) == 1 else None
    if len(stages) == 1 and stages[0].name in ("dirname", "basename", "pwd", "realpath"):
        return _path_output(stages[0], cwd)
    listed = stages[0] if len(stages) == 1 and stages[0].name == "ls" else None
    if listed is not None and len(listed.positionals) == 1 and listed.flags <= {"d", "1"}:
        return listed.positionals[0]  # `$(ls ~/.mozilla/*/logins.json)`: the files it names, as a pattern does
    if len(stages) == 1 and stages[0].name == "mktemp":
        return _mktemp_output(stages[0])
    return _literal_output(stages)


def _mktemp_output(stage: CommandFact) -> str | None:
    """`$(mktemp)`, `$(mktemp -d)`, `$(mktemp x.XXXXXX)`: a new name in the temporary directory (which name is
    not known, where it is is). With a directory of its own (`-p`, `--tmpdir=`, a template with a slash) it may
    be anywhere: None."""
    if stage.options or any(o.startswith(("-p", "--tmpdir", "-t")) for o in stage.argv[1:]):
        return None
    if len(stage.positionals) > 1 or any("/" in p for p in stage.positionals):
        return None
    return "/tmp/" + (stage.positionals[0] if stage.positionals else "tmp.XXXXXXXXXX")  # noqa: S108 - a name, judged


def _known_text(word: Word, expand: Callable[[Word], tuple[str, bool]] | None) -> str | None:
    if expand is None:
        return word.literal
    text, unknown = expand(word)
    return None if unknown else text


def _path_output(fact: CommandFact, cwd: str | None) -> str | None:
    """What `dirname`, `basename`, `pwd` and `realpath` print for known arguments."""
    args = [a for a in fact.argv[1:] if not a.startswith("-")]
    if fact.name == "pwd":
        return cwd if not args else None
    if len(args) != 1 and fact.name != "basename":
        return None
    if fact.name == "dirname":
        return posixpath.dirname(args[0].rstrip("/")) or "."
    if fact.name == "basename":
        if not 1 <= len(args) <= 2:
            return None
        return posixpath.basename(args[0].rstrip("/")).removesuffix(args[1] if len(args) == 2 else "")
    if cwd is None or "~" in args[0]:
        return None
    return posixpath.normpath(posixpath.join(cwd, args[0]))  # realpath, without following links


def _calls(script: Script, name: str) -> bool:
    """Whether `script` runs a simple command called `name` (anywhere in its pipelines)."""
    for pipeline in script.pipelines:
        for command in pipeline.commands:
            if isinstance(command, Simple) and command.words and command.words[0].literal == name:
                return True
            if isinstance(command, Compound) and _calls(command.body, name):
                return True
    return False


_UNSET = object()  # a variable that was not set (saved and put back as not set)


class _Possible(str):
    """A variable's value that another may replace when the command runs: `T="${DIR:-$HOME}"` is the home unless
    DIR is set. Used as that value, as `${DIR:-$HOME}` itself is, and known only when it runs."""


def _defaults_only(word: Word, env: dict[str, str | None]) -> bool:
    """Whether what is unknown in `word` is only what defaults stand in for (`"${LOG_ROOT:-$HOME}/logs"`)."""
    for part in word.parts:
        if part.kind == "var" and env.get(part.value) is None:
            return False
        if part.kind == "param" and _parameter_default(part.value, env) is None:
            return False
        if part.kind not in ("lit", "glob", "tilde", "var", "param"):
            return False
    return True


def _parameter_default(raw: str, env: dict[str, str | None]) -> str | None:
    """`${NAME:-default}` → NAME's value if known, else the default; `${NAME:offset:length}` → that part of it."""
    part = re.fullmatch(r"\$\{([A-Za-z_][A-Za-z0-9_]*):(-?\d+)(?::(\d+))?\}", raw)  # as _SUBSTRING
    if part:
        value = env.get(part.group(1))
        if value is None:
            return None
        start = int(part.group(2))
        return value[start : start + int(part.group(3))] if part.group(3) is not None else value[start:]
    match = re.fullmatch(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-=])([^}]*)\}", raw)
    if not match:
        return None
    value = env.get(match.group(1))
    return value if value else match.group(3)
