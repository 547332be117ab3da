"""Where a path points: resolved against the working directory, the project and home, then classified.

Resolution is lexical (`..` is folded, `~` expanded) so that paths that do not exist yet are judged the same way
as paths that do; symlinks that exist are followed. Classes, as the rule packs and policies use them:

- `root` — `/` itself; `top-level` — a directory directly under `/` (`/home`, `/opt`, `/srv`, …)
- `home` — the home directory itself; `home-child` — a directory directly in it (`~/Documents`)
- `in-home` — anywhere under home; `system` — operating-system paths (`/etc`, `/usr`, `/boot`, …)
- `device` — a disk or similar block/character device; `null-device` — `/dev/null`, `/dev/stdout` and friends
- `project` — inside the project; `project-root` — the project directory itself
- `temp` — under `/tmp`, `/var/tmp` or `$TMPDIR`; `outside-project` — neither project nor temp
- `secret` — keys, credentials and tokens (`~/.ssh`, `~/.aws`, `.env`, `*.pem`, keychains…); `config` — another
  configuration file of the user or the system, where credentials are often kept (`~/.s3cfg`, `~/.config/**`,
  `/etc/**`, `.git/config`)
- `traversal` — written with `..` and resolved outside the project
- `glob` — contains an unexpanded wildcard: `glob-all` when it names everything in a directory (`~/*`, `/**`), which
  is judged like the directory itself, else `glob-some` (`build/*.o`, `/**/*.log`, `s*`); `glob-open` when, of those,
  it names no kind of file by a suffix (`s*`, `sr?`, `[s]rc`, `*/src`, but not `*.pyc`, `*~`): whatever it can
  match, it may delete; `glob-sources` when the kind is source code a person wrote (`*.py`, `*.ts`, `*.go`)
- `repository` — the repository's own database, git's to change: a `.git` directory or its history, index and
  refs, however named (`.git/index`, `.g?t`, `[.]git/objects`, `./**/.git`); not its settings or hooks
- `dynamic` — depends on a value not known before it runs
- `persistence` — makes something run at every login, boot, schedule or git command: shell startup files, crontabs,
  systemd and launchd units, autostart entries, `.git/hooks/`, `authorized_keys`
- `regenerable` — a build or cache directory that tools recreate (`build/`, `node_modules/`, `.pytest_cache/`…)

And what guards the agent, which the agent must not change (the `guard` rule pack):

- `lighthouse-home` — a Lighthouse project home (any `.lighthouse/` directory, or the configured home and store)
- `lighthouse-key` — the key that chains its audit log (`secret.key` in such a home)
- `lighthouse-home-root` — such a home itself (read whole, it gives the key away too)
- `lighthouse-ancestor` — a directory that contains the configured home (deleting or moving it takes the home along)
- `lighthouse-code` — the code of the Lighthouse that guards (its installed package and the interpreter it runs on)
- `lighthouse-approval` — an approval waiting in a Lighthouse mount (`…/approvals/pending/…`): writing it answers it
- `agent-settings` — the agents' own settings that decide whether Lighthouse runs: `.claude/settings*.json`,
  `~/.claude.json`, `.mcp.json`, `.codex/`, `.gemini/settings.json`, `.cursor/hooks.json`, `.cursor/mcp.json`,
  `~/.config/lighthouse/` (and those directories themselves)
- `guard-unknown` — a path with a part known only when it runs (`"$(ls -d .l*)/config.yaml"`, `$OUT`) that one of
  the above would fit, some value of that part given
"""

from __future__ import annotations

import fnmatch
import functools
import os
import posixpath
import re
from dataclasses import dataclass, field, replace

from lighthouse_mcp.validation.lazy import LazyPattern

SYSTEM_PREFIXES = (
    "/Windows",  # a Windows drive's paths are judged from its root (see resolve)
    "/Program Files",
    "/Program Files (x86)",
    "/ProgramData",
    "/etc",
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/boot",
    "/sys",
    "/proc",
    "/root",
    "/var/lib",
    "/var/spool",
    "/var/log",
    "/var/db",
    "/System",
    "/Library",
    "/private/etc",
    "/private/var/db",
    "/Applications",
    "/snap",
    "/efi",
)
NULL_DEVICES = frozenset(
    {
        "/dev/null",
        "/dev/zero",
        "/dev/random",
        "/dev/urandom",
        "/dev/stdin",
        "/dev/stdout",
        "/dev/stderr",
        "/dev/tty",
        "/dev/full",
        "/dev/ptmx",
    }
)
NULL_DEVICE_PREFIXES = ("/dev/fd/", "/dev/pts/", "/dev/shm/", "/proc/self/fd/")
NETWORK_DEVICE_PREFIXES = ("/dev/tcp/", "/dev/udp/")
TEMP_PREFIXES = ("/tmp", "/var/tmp", "/private/tmp", "/dev/shm")

# Matched against the path relative to home (for `~/…` entries) or its basename / full path.
SECRET_IN_HOME = (
    ".ssh",
    ".ssh/*",
    ".aws",
    ".aws/*",
    ".gnupg",
    ".gnupg/*",
    ".netrc",
    ".git-credentials",
    ".pgpass",
    ".config/gcloud",
    ".config/gcloud/*",
    ".kube/config",
    ".kube/*",
    ".docker/config.json",
    ".npmrc",
    ".pypirc",
    ".gem/credentials",
    ".config/gh/hosts.yml",
    ".password-store",
    ".password-store/*",
    ".vault-token",
    ".azure",
    ".azure/*",
    ".terraform.d/credentials.tfrc.json",
    ".cargo/credentials",
    ".cargo/credentials.toml",
    "Library/Keychains",
    "Library/Keychains/*",
    ".local/share/keyrings",
    ".local/share/keyrings/*",
    ".mozilla/*/key4.db",
    ".mozilla/*/logins.json",
    ".mozilla/*/cookies.sqlite",
    ".config/google-chrome/*/Login Data",
    ".config/google-chrome/*/Cookies",
    ".config/chromium/*/Login Data",
    ".config/chromium/*/Cookies",
    ".config/BraveSoftware/*/Login Data",
    ".config/BraveSoftware/*/Cookies",
    "Library/Application Support/Google/Chrome/*/Login Data",
    "Library/Application Support/Google/Chrome/*/Cookies",
    # the coding agents' own sign-ins
    ".claude/.credentials.json",
    ".codex/auth.json",
    ".gemini/oauth_creds.json",
    ".config/github-copilot/*",
    ".bash_history",
    ".zsh_history",
)
SECRET_NAMES = (
    ".env",
    ".env.*",
    "*.env",
    ".envrc",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "*.ppk",
    "credentials",
    "credentials.json",
    ".credentials.json",
    "service-account*.json",
    "secrets.y*ml",
    "secrets.json",
    "*.tfstate",
    "*.tfvars",
    "*.kdbx",
    "htpasswd",
    ".htpasswd",
    "master.key",
)
SECRET_NAME_EXCEPTIONS = (".env.example", ".env.sample", ".env.template", ".env.dist", "*.pub")
SECRET_ABSOLUTE = (
    "/etc/shadow",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/sudoers.d/*",
    "/etc/ssh/ssh_host_*_key",
    "/root/.ssh/*",
    "/var/run/secrets/*",
    "/run/secrets/*",
    "/proc/*/environ",
)
HOME_REGENERABLE = frozenset(
    {
        ".cache",
        ".npm",
        ".yarn",
        ".pnpm-store",
        ".gradle",
        ".m2",
        ".ivy2",
        ".cargo-cache",
        ".bun",
        ".deno",
        ".node-gyp",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
    }
)
HOME_CACHES = frozenset({"cache", "caches", "_cacache", ".cache", "__pycache__"})
_MATCH_ALL = frozenset({"*", "**", ".*", "*.*", "?*", ".??*", "[!.]*"})
REGENERABLE = frozenset(
    {
        "build",
        "dist",
        "target",
        "out",
        "node_modules",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".cache",
        "coverage",
        "htmlcov",
        ".coverage",
        ".next",
        ".nuxt",
        ".gradle",
        ".parcel-cache",
        ".turbo",
        ".svelte-kit",
        "bin",
        "obj",
        ".eggs",
        ".hypothesis",
        ".sass-cache",
        "tmp",
        "cache",
    }
)


@dataclass(frozen=True)
class Context:
    """Where a command runs: its working directory, the project root and the user's home, and the Lighthouse home
    and store that guard it (`guard`, absolute paths)."""

    cwd: str
    project: str
    home: str
    tmpdir: str | None = None
    guard: tuple[str, ...] = ()
    code: tuple[str, ...] = ()  # where the Lighthouse that guards runs from (its package, its interpreter)
    lexical: bool = False  # paths resolved without following links (code that runs later, on a tree that changes)

    def with_cwd(self, cwd: str) -> Context:
        return Context(cwd, self.project, self.home, self.tmpdir, self.guard, self.code, self.lexical)


@dataclass(frozen=True)
class PathFact:
    """A path as written, resolved, and what it is (its classes)."""

    raw: str  # as written
    path: str  # resolved, absolute
    classes: frozenset[str] = field(default_factory=frozenset)

    def to_json(self) -> dict[str, object]:
        return {"raw": self.raw, "path": self.path, "classes": sorted(self.classes)}


_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:(?:[\\/]|$)")


_PROC_VIEW = re.compile(r"/proc/(self|thread-self|\d+|\d+/task/\d+)/(root|cwd)(?=/|$)")


def resolve(raw: str, ctx: Context) -> str:
    """`raw` as an absolute path: `~` and `$HOME` expanded, relative to cwd, `..` folded lexically."""
    path = raw
    if _WINDOWS_DRIVE.match(path):  # C:\Users\x, D:/data: judged from the drive's root, as / is
        path = "/" + path[2:].replace("\\", "/").lstrip("/")
    elif path.startswith((".\\", "..\\")):  # .\build
        path = path.replace("\\", "/")
    if path == "~" or path.startswith("~/"):
        path = ctx.home + path[1:]
    elif path.startswith("~"):  # ~user: another user's home, next to ours (root's is /root)
        user, _, rest = path[1:].partition("/")
        base = "/root" if user == "root" else posixpath.join(posixpath.dirname(ctx.home.rstrip("/")) or "/", user)
        path = posixpath.join(base, rest.lstrip("/"))  # ~user//x is inside that home, not at the root
    for name, value in (("$HOME", ctx.home), ("${HOME}", ctx.home), ("$PWD", ctx.cwd), ("${PWD}", ctx.cwd)):
        if path == name or path.startswith(name + "/"):
            path = value + path[len(name) :]
    if not path.startswith("/"):
        path = posixpath.join(ctx.cwd, path)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    # A process's view of the filesystem is the filesystem: /proc/self/root/etc is /etc, /proc/1/cwd/x is x where
    # that process runs (the project, here). The view is a link the kernel follows before any `..` after it
    # (`/proc/self/cwd/../../root` is two levels above the working directory), so it is taken before normalising.
    if path.startswith("/proc/"):
        path = re.sub(r"/{2,}", "/", path)  # `/proc//self/cwd` is `/proc/self/cwd`
    view = _PROC_VIEW.match(path) if path.startswith("/proc/") else None
    if view is not None:
        path = posixpath.join("/" if view.group(2) == "root" else ctx.cwd, path[view.end() :].lstrip("/"))
    path = posixpath.normpath(path)
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if not ctx.lexical and not path.startswith(("/dev/", "/proc/")) and "\x00" not in path:  # device links: pipes
        # Symlinks are followed through the deepest part that exists, so a new file written through a linked
        # directory is judged where it lands.
        real = real_path(path)
        if real != path and real.startswith("/"):
            return real
    return path


# Where the kernel names what a descriptor is open on (Linux); elsewhere `os.path.realpath` alone is used.
_FD_NAMES = "/proc/self/fd/" if hasattr(os, "O_PATH") and os.path.isdir("/proc/self/fd") else None


def real_path(path: str) -> str:
    """`os.path.realpath(path)` for an absolute, normalised `path`, the same answer at a fraction of the cost where
    the path (or all of it but a last name that is not there at all) exists: the kernel resolves it in one open,
    instead of an `lstat` for each of its parts. Anything else (a link that leads nowhere, a part that is a file or
    cannot be searched, a link loop, a system without /proc) is left to `os.path.realpath`, which follows links
    whether or not they lead anywhere."""
    if _FD_NAMES is None:
        return os.path.realpath(path)
    name = posixpath.basename(path)
    try:
        return _opened_as(path)
    except FileNotFoundError:
        if name in ("", ".", ".."):
            return os.path.realpath(path)
        try:
            os.lstat(path)  # something is there after all: a link that leads nowhere, followed as realpath follows it
        except FileNotFoundError:
            try:
                parent = _opened_as(posixpath.dirname(path))
            except OSError:
                return os.path.realpath(path)
            return posixpath.join(parent, name)
        except OSError:
            pass
        return os.path.realpath(path)
    except OSError:
        return os.path.realpath(path)


def _opened_as(path: str) -> str:
    """The path the kernel gives what `path` leads to (every link followed); OSError when it leads nowhere."""
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        named = os.readlink(f"{_FD_NAMES}{fd}")
    finally:
        os.close(fd)
    if not named.startswith("/") or named.endswith(" (deleted)"):  # removed meanwhile, or not a path in this tree
        raise OSError(f"{path} is not reachable by a path")
    return named


class Globs:
    """Whether a whole text fits one of some shell patterns, as `fnmatch.fnmatchcase` says: the patterns without a
    wildcard are looked up, the others are one expression, compiled at first use."""

    __slots__ = ("_names", "_wild")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self._names = frozenset(p for p in patterns if not any(c in p for c in "*?["))
        wild = [p for p in patterns if p not in self._names]
        self._wild = LazyPattern("|".join(f"(?:{fnmatch.translate(p)})" for p in wild)) if wild else None

    def match(self, text: str) -> bool:
        return text in self._names or (self._wild is not None and self._wild.match(text) is not None)


def _prefixes(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("^(?:" + "|".join(re.escape(p) for p in prefixes) + ")(?:/|$)")


# Package managers' settings: where packages come from, which certificates count, what runs on install.
PACKAGE_CONFIG_NAMES = (
    ".npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmrc", "bunfig.toml", ".bunfig.toml", "pip.conf", "pip.ini", ".pypirc",
    ".gemrc", ".condarc", "uv.toml", "poetry.toml", ".bowerrc",
)  # fmt: skip
_PACKAGE_CONFIG = Globs(PACKAGE_CONFIG_NAMES)
# What a project depends on, and where each dependency comes from: manifests and lock files.
DEPENDENCY_MANIFEST_NAMES = (
    "requirements*.txt", "constraints*.txt", "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
    "pnpm-lock.yaml", "bun.lock", "Pipfile", "Pipfile.lock", "poetry.lock", "pdm.lock", "uv.lock", "pyproject.toml",
    "setup.cfg", "go.mod", "go.sum", "Cargo.toml", "Cargo.lock", "Gemfile", "Gemfile.lock", "composer.json",
    "composer.lock", "pom.xml", "build.gradle", "build.gradle.kts", "deno.json", "deno.lock",
)  # fmt: skip
_DEPENDENCY_MANIFEST = Globs(DEPENDENCY_MANIFEST_NAMES)
_PACKAGE_CONFIG_PATH = re.compile(
    r"/\.cargo/config(?:\.toml)?$|/\.bundle/config$|/\.m2/settings\.xml$|/\.gradle/gradle\.properties$"
)
_SECRET_NAME = Globs(SECRET_NAMES)
_SECRET_EXCEPTION = Globs(SECRET_NAME_EXCEPTIONS)
_SECRET_ABSOLUTE = Globs(SECRET_ABSOLUTE)
_SECRET_IN_HOME = Globs(SECRET_IN_HOME)
# (without regard to case: on a file system that ignores it, as macOS's does by default, `.CLAUDE/settings.json` is
# the agent's settings and `.Lighthouse/` the home)
_LIGHTHOUSE_HOME = re.compile(r"(?:^|/)\.lighthouse(?:/|$)", re.I)
# Files that make something run at every login, boot, schedule or git command (relative to home, absolute, anywhere).
PERSISTENCE_IN_HOME = (
    ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zprofile", ".zshenv",
    ".zlogin", ".zlogout", ".xprofile", ".xinitrc", ".pam_environment", ".config/fish/config.fish",
    ".config/fish/conf.d/*", ".config/systemd/user", ".config/systemd/user/*", ".config/autostart",
    ".config/autostart/*", "Library/LaunchAgents", "Library/LaunchAgents/*", ".ssh/rc", ".ssh/authorized_keys*",
)  # fmt: skip
PERSISTENCE_ABSOLUTE = (
    "/etc/cron*", "/etc/cron*/*", "/var/spool/cron", "/var/spool/cron/*", "/etc/systemd/*", "/lib/systemd/*",
    "/usr/lib/systemd/*", "/etc/init.d/*", "/etc/rc.local", "/etc/profile", "/etc/profile.d/*", "/etc/bash.bashrc",
    "/etc/zsh/*", "/Library/LaunchAgents/*", "/Library/LaunchDaemons/*", "/etc/ld.so.preload", "/etc/xdg/autostart/*",
    "/etc/anacrontab", "/etc/apt/apt.conf.d/*", "/etc/dpkg/dpkg.cfg.d/*", "/etc/update-motd.d/*", "/etc/udev/rules.d/*",
    "/etc/environment", "/etc/security/pam_env.conf", "/etc/pam.d/*", "/etc/sudoers.d/*", "/etc/logrotate.d/*",
    "/etc/NetworkManager/dispatcher.d/*", "/etc/X11/xinit/*",
)  # fmt: skip
_PERSISTENCE_IN_HOME = Globs(PERSISTENCE_IN_HOME)
_PERSISTENCE_ABSOLUTE = Globs(PERSISTENCE_ABSOLUTE)
_GIT_HOOKS = re.compile(r"/\.git/hooks(?:/|$)|(?:^|/)authorized_keys2?$")
_APPROVAL = re.compile(r"/approvals/pending(?:/|$)", re.I)
_AGENT_SETTINGS = re.compile(
    r"/(?:\.claude(?:/settings(?:\.[\w-]+)?\.json)?|\.claude\.json|\.mcp\.json|\.codex(?:/.*)?"
    r"|\.gemini(?:/settings\.json)?|\.cursor(?:/(?:hooks|mcp)\.json)?)$",
    re.I,
)
_SYSTEM = _prefixes(SYSTEM_PREFIXES)
_TEMP = _prefixes(TEMP_PREFIXES)


def classify(raw: str, ctx: Context, *, dynamic: bool = False) -> PathFact:
    """Resolve and classify one path argument. Resolution looks at the filesystem (symlinks) every time; what a
    resolved path is, is cached, since the same paths come up again and again."""
    path = resolve(raw, ctx)
    return PathFact(raw, path, _classes(raw, path, ctx, dynamic))


@functools.lru_cache(maxsize=4096)
def _classes(raw: str, path: str, ctx: Context, dynamic: bool) -> frozenset[str]:
    glob = any(c in raw for c in "*?[")
    classes: set[str] = set()
    if dynamic:
        classes.add("dynamic")
    if glob:
        classes.add("glob")
        # up to the first wildcard segment (or all, when resolving folded it into a name): where the wildcard ranges
        head, wildcards = _at_first_wildcard(path)
        head = head or "/"
        wildcards = [seg for seg in wildcards if seg]
        if all(seg in _MATCH_ALL for seg in wildcards):
            classes.add("glob-all")
        else:
            classes.add("glob-some")
            if not _KIND.search(posixpath.basename(path)):
                classes.add("glob-open")
            elif _SOURCE_KIND.search(posixpath.basename(path)):
                classes.add("glob-sources")
        classes |= _location(head, ctx)  # the directory the wildcard ranges over
    classes |= _location(path, ctx)
    if _is_secret(path, ctx):
        classes.add("secret")
    elif _is_config(path, ctx):
        classes.add("config")
    if _is_persistence(path, ctx):
        classes.add("persistence")
    if _PACKAGE_CONFIG.match(posixpath.basename(path)) or _PACKAGE_CONFIG_PATH.search(path):
        classes.add("package-config")
    if _DEPENDENCY_MANIFEST.match(posixpath.basename(path)):
        classes.add("dependency-manifest")
    if ".." in raw.split("/") and not _under(path, ctx.project):
        classes.add("traversal")
    classes |= _guarded(path, ctx)
    if _in_repository(path, glob):
        classes.add("repository")
    if dynamic and _could_be_guarded(raw, ctx):
        classes.add("guard-unknown")
    return frozenset(classes)


# A wildcard that names files of a kind: its last segment ends in a suffix it spells (`*.pyc`, `*.egg-info`, `*~`).
_KIND = LazyPattern(r"[*?\]](?:\.[^*?\[\]/]+|~)$")
# Of those, a kind of source code a person wrote (`*.py`, `*.ts`, `*.go`), which no tool makes again.
_SOURCE_KIND = LazyPattern(
    r"[*?\]]\.(?:py|pyi|js|mjs|cjs|jsx|ts|tsx|go|rs|java|kt|kts|scala|c|h|cc|cpp|cxx|hpp|hh|cs|rb|php|swift|m|mm|sh"
    r"|bash|zsh|lua|pl|pm|r|jl|ex|exs|erl|hs|ml|clj|dart|vue|svelte|sql|proto|tf|ipynb)$"
)
# Not its settings (`config`, `info/`, judged by what is written in them) nor its hooks (`persistence`).
_REPOSITORY = LazyPattern(r"(?:^|/)\.git(?:$|/(?!(?:config|description|info|hooks)(?:/|$)))")


def _in_repository(path: str, glob: bool) -> bool:
    """Whether `path` is in a repository's database (`.git`), or, with wildcards, some path it matches is: a
    segment that is `.git` or matches it (`.g?t`, `[.]git`, `.g*`; as the shell matches, `*` alone never matches a
    leading dot)."""
    if _REPOSITORY.search(path):
        return True
    return glob and any(
        segment.startswith((".", "[")) and fnmatch.fnmatchcase(".git", segment) for segment in path.split("/")
    )


def _could_be_guarded(raw: str, ctx: Context) -> bool:
    """A part known only when the command runs may name anything (a dot-file too): whether some value of it makes
    `raw` one of the files that guard the agent (`"$(ls -d .l*)/config.yaml"`, `$OUT`, but not `/tmp/$X`). What
    follows the last unknown part must then be nothing or name a guarded file (`"$X/config.yaml"`, not
    `"$X/cache.json"`, which any directory could hold)."""
    parts = list(_UNKNOWN_PART.finditer(raw))
    if not parts:
        return False
    tail = [segment for segment in raw[parts[-1].end() :].split("/") if segment]
    if tail and not any(fnmatch.fnmatchcase(name, segment) for segment in tail for name in GUARDED_NAMES):
        return False
    for stand_in in ("*", ".*"):
        wild = _UNKNOWN_PART.sub(stand_in, raw)
        if wild != raw and _guarded(resolve(wild, replace(ctx, lexical=True)), ctx) & _GUARD_CLASSES:
            return True
    return False


_GUARD_CLASSES = frozenset({"lighthouse-home", "lighthouse-code", "lighthouse-approval", "agent-settings"})


# What the shell fills in when the command runs: `$(…)`, backticks, `${…}`, `$NAME`, `$1`.
_UNKNOWN_PART = re.compile(r"\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`|\$\{[^}]*\}|\$[A-Za-z_]\w*|\$[0-9@*#?!$-]")


# Names a wildcard is tried against, to tell whether it could reach what guards the agent (`rm -rf .light*`,
# `cat .lighthouse/*.key`, `rm .claude/settings*.json`): the files a Lighthouse home and the agents' settings hold.
GUARDED_NAMES = (
    ".lighthouse",
    "secret.key",
    "lighthouse.db",
    "lighthouse.db-wal",
    "anchor.json",
    "config.yaml",
    "policies",
    "team.rego",
    "team.yaml",
    ".claude",
    "settings.json",
    "settings.local.json",
    ".mcp.json",
    ".claude.json",
    ".codex",
    "hooks.json",
    "config.toml",
    ".gemini",
    "pending",
    "approvals",
)


def _guarded(path: str, ctx: Context) -> set[str]:
    """The classes of what guards the agent (see the module's docstring). A path with wildcards has them when one
    of the names they could stand for has them."""
    if any(c in path for c in "*?["):
        classes: set[str] = set()
        for concrete in _instances(path):
            classes |= _guarded(concrete, ctx)
        segments = path.split("/")
        head = "/".join(segments[: next(i for i, seg in enumerate(segments) if any(c in seg for c in "*?["))]) or "/"
        inside = _guarded(head, ctx)  # whatever a wildcard picks in a guarded directory is guarded
        classes |= inside & {"lighthouse-home", "lighthouse-code"}
        if _AGENT_SETTINGS.search(head.rstrip("/") + "/-"):  # a directory all of whose files are settings (.codex/)
            classes.add("agent-settings")
        if head.endswith("/approvals/pending") or _may_be_approval(segments):
            classes.add("lighthouse-approval")
        return classes
    classes = set()
    if _LIGHTHOUSE_HOME.search(path) or any(path == g or path.startswith(g + "/") for g in ctx.guard):
        classes.add("lighthouse-home")
        if posixpath.basename(path) == "secret.key":
            classes.add("lighthouse-key")
        if posixpath.basename(path) == ".lighthouse" or path in ctx.guard:
            classes.add("lighthouse-home-root")  # the whole home: copying it copies the key
    elif any(g.startswith(path.rstrip("/") + "/") for g in (*ctx.guard, *ctx.code)):
        classes.add("lighthouse-ancestor")
    if any(path == c or path.startswith(c + "/") for c in ctx.code):
        classes.add("lighthouse-code")
    if _APPROVAL.search(path):
        classes.add("lighthouse-approval")
    user_config = posixpath.join(ctx.home, ".config", "lighthouse")
    if _AGENT_SETTINGS.search(path) or path == user_config or path.startswith(user_config + "/"):
        classes.add("agent-settings")
    return classes


def _location(path: str, ctx: Context) -> set[str]:
    classes: set[str] = set()
    home = ctx.home.rstrip("/") or "/"
    project = ctx.project.rstrip("/") or "/"
    if path == "/":
        return {"root", "outside-project"}
    if path.startswith(NETWORK_DEVICE_PREFIXES):
        return {"network-device", "outside-project"}
    if path in NULL_DEVICES or path.startswith(NULL_DEVICE_PREFIXES):
        return {"null-device"}
    if path.startswith("/dev/"):
        return {"device", "system", "outside-project"}
    if posixpath.dirname(path) == "/":
        classes.add("top-level")
    if path == home:
        classes.add("home")
    elif posixpath.dirname(path) == home:
        classes.add("home-child")
        if posixpath.basename(path) in HOME_REGENERABLE:
            classes.add("regenerable")
    in_home = _under(path, home)
    if in_home:
        classes.add("in-home")
        inside_home = path[len(home) + 1 :].split("/")
        if inside_home[0] in HOME_REGENERABLE or any(part.lower() in HOME_CACHES for part in inside_home):
            classes.add("regenerable")  # ~/.cache/pip, ~/.npm/_cacache, ~/Library/Caches/x: tools fill them again
    if _SYSTEM.match(path) and not in_home and path != home:  # a home at /root is the user's, not the system's
        classes.add("system")
    temp = bool(_TEMP.match(path)) or (ctx.tmpdir is not None and _under(path, ctx.tmpdir))
    if temp:
        classes.add("temp")
    if path != project and project.startswith(path.rstrip("/") + "/"):
        classes.add("project-ancestor")  # /home/dev for a project at /home/dev/app
    if path == project:
        classes.update({"project-root", "project"})
    elif _under(path, project):
        classes.add("project")
        inside = path[len(project) + 1 :].split("/")
        if any(part in REGENERABLE or part.endswith(".egg-info") for part in inside):
            classes.add("regenerable")  # a build or cache directory, or anything in one
    elif not temp:
        classes.add("outside-project")
    return classes


_APPROVAL_TAIL = ("approvals", "pending", "apr_01m98m512rac0j2kbmycx9m81z")  # a waiting approval, as a mount names it


def _may_be_approval(segments: list[str]) -> bool:
    """Whether a path whose `segments` hold wildcards may stand for a waiting approval in a mount, wherever the
    mount is (`/mnt/*/*/apr_*`, `…/approvals/*/*`); `**` stands for any number of segments (find's search), once
    a segment after it has said something of an approval (`**/apr_*`, not `./**`)."""
    pattern = [s.lower() for s in segments if s]
    said = False
    for want in reversed(_APPROVAL_TAIL):
        if not pattern:
            return False
        if pattern[-1] == "**":
            return said
        segment = pattern.pop()
        if not fnmatch.fnmatchcase(want, segment):
            return False
        said = said or segment.strip("*?") != ""
    return True


def _instances(path: str) -> list[str]:
    """`path` with each wildcard segment replaced by the guarded names it matches (the path itself when none)."""
    found = [""]
    for segment in path.split("/")[1:]:
        if any(c in segment for c in "*?["):
            # As the shell expands them: a wildcard matches a leading dot only when the pattern starts with one.
            explicit_dot = segment.startswith((".", "[."))
            names = [
                n for n in GUARDED_NAMES if fnmatch.fnmatchcase(n, segment) and (explicit_dot or not n.startswith("."))
            ]
            if not names:
                return []
            found = [f"{prefix}/{name}" for prefix in found for name in names][:64]
        else:
            found = [f"{prefix}/{segment}" for prefix in found]
    return found


def _under(path: str, base: str) -> bool:
    base = base.rstrip("/") or "/"
    return path == base or path.startswith(base + "/") or base == "/"


def _is_persistence(path: str, ctx: Context) -> bool:
    home = ctx.home.rstrip("/")
    if path.startswith(home + "/") and _PERSISTENCE_IN_HOME.match(path[len(home) + 1 :]):
        return True
    return bool(_PERSISTENCE_ABSOLUTE.match(path) or _GIT_HOOKS.search(path))


def is_secret_file(path: str) -> bool:
    """Whether the file at the absolute `path` holds keys or credentials (`.env*`, `*.pem`, `~/.aws/…`), whose
    content the store does not keep."""
    home = os.path.expanduser("~")
    return _is_secret(posixpath.normpath(path), Context(home, home, home))


def _names_secrets(name: str) -> bool:
    """Whether a wildcard `name` (`id_*`, `s*pem`, `cred*`) names files that hold secrets: some name fits both it
    and one of SECRET_NAMES, and it spells out part of that name itself. A pattern that spells out none (`*`, `*.*`,
    `src*`) could name any file, and is judged by where it ranges."""
    if not any(c in name for c in "*?["):
        return False
    if name.startswith((".", "[.")) and any(fnmatch.fnmatchcase(n, name) for n in _DOT_SECRETS):
        return True  # `.?n?`, `.e*`: a hidden name that can be `.env`, `.netrc`, `.pgpass`
    wild = _BRACKETS.sub("?", name)  # a bracket expression is one character
    spelled = _spelled(wild)
    for pattern, literal, needed in _SECRET_SPELLINGS:
        if (
            (wild.startswith(".") or not pattern.startswith("."))  # a leading wildcard skips hidden names
            and _common_run(spelled, literal) >= needed  # `*.json` spells too little of `credentials.json`
            and _globs_meet(wild, pattern)
        ):
            return True
    return False


_DOT_SECRETS = tuple(
    n for n in (*SECRET_NAMES, *SECRET_IN_HOME) if n.startswith(".") and not any(c in n for c in "*?[/")
)


def _spelled(pattern: str) -> str:
    """What a pattern (of `*`, `?` and literal characters) spells out itself: its literal parts, NUL between them."""
    return "\0".join(re.split(r"[*?]", pattern))


_BRACKETS = re.compile(r"\[[^\]]*\]")
# Each secret name pattern (a bracket expression as `?`), what it spells out, and how much of that a wildcard must
# spell out too: half of it, and at least two characters (`s*pem`, `id_*`).
_SECRET_SPELLINGS = tuple(
    (pattern, _spelled(pattern), max(2, (len(_spelled(pattern).replace("\0", "")) + 1) // 2))
    for pattern in (_BRACKETS.sub("?", p) for p in SECRET_NAMES)
)


def _common_run(a: str, b: str) -> int:
    """The length of the longest text both `a` and `b` hold (NULs, which separate their parts, never count)."""
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k] != "\0":
                k += 1
            best = max(best, k)
    return best


def _globs_meet(a: str, b: str) -> bool:
    """Whether some text fits both shell patterns `a` and `b` (of `*`, `?` and literal characters)."""

    @functools.cache
    def meet(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            return meet(i + 1, j) or (j < len(b) and meet(i, j + 1))
        if j < len(b) and b[j] == "*":
            return meet(i, j + 1) or (i < len(a) and meet(i + 1, j))
        if i < len(a) and j < len(b) and (a[i] == b[j] or "?" in (a[i], b[j])):
            return meet(i + 1, j + 1)
        return False

    return meet(0, 0)


def holds_secrets(path: str, ctx: Context) -> bool:
    """Whether the directory at `path` has a place that holds keys or credentials somewhere under it (the home for
    its `.ssh`, `~/.config` for `gcloud`, `/etc` for `shadow`, `/` for all of them): reading every file under it
    reads those too. Worked out from the same lists as `secret`, so a place added there counts here."""
    base = path.rstrip("/") + "/"
    home = ctx.home.rstrip("/")
    if posixpath.dirname(base.rstrip("/")) in ("/home", "/Users"):  # another user's home holds the same places
        home = base.rstrip("/")
    places = [*(f"{home}/{p}" for p in SECRET_IN_HOME), *SECRET_ABSOLUTE]
    return any(_literal_head(place).startswith(base) for place in places)


def _literal_head(pattern: str) -> str:
    """The part of a path pattern before its first wildcard segment, as a directory when one follows
    (`/etc/ssh/ssh_host_*_key` → `/etc/ssh/`, `/etc/shadow` → `/etc/shadow`)."""
    head, wildcards = _at_first_wildcard(pattern)
    return head + "/" if wildcards else head


def _at_first_wildcard(path: str) -> tuple[str, list[str]]:
    """`path` cut before its first segment that holds a wildcard: the part before, and the segments from there."""
    segments = path.split("/")
    first = next((i for i, seg in enumerate(segments) if any(c in seg for c in "*?[")), len(segments))
    return "/".join(segments[:first]), segments[first:]


def _is_config(path: str, ctx: Context) -> bool:
    """Whether `path` is a configuration file of the user or the system, where credentials are often kept though no
    list names it: anything in a hidden file or directory of the home (`~/.s3cfg`, `~/.config/rclone/rclone.conf`,
    `~/.cache/huggingface/token`, `~/.s?h/x`), under `/etc`, or a repository's own settings (`.git/config`)."""
    home = ctx.home.rstrip("/")
    if path.startswith(home + "/"):
        return any(segment.startswith((".", "[.")) for segment in path[len(home) + 1 :].split("/"))
    return path.startswith("/etc/") or path.endswith("/.git/config")


def is_git_settings(path: str) -> bool:
    """Whether `path` is one of git's settings files (a repository's `.git/config` and a worktree's
    `config.worktree`, a submodule's, `~/.gitconfig`, `.gitmodules`), which name programs git runs (`core.fsmonitor`,
    `core.pager`, `alias.x = !…`)."""
    lower = posixpath.basename(path).lower()
    slashed = "/" + path.lstrip("/")
    return (
        slashed.endswith(("/.git/config", "/.config/git/config", "/config.worktree"))
        or lower in (".gitconfig", ".gitmodules")
        or "/.git/modules/" in slashed
    )


def _is_secret(path: str, ctx: Context) -> bool:
    name = posixpath.basename(path)
    if _SECRET_EXCEPTION.match(name):
        return False
    if _SECRET_NAME.match(name) or _SECRET_ABSOLUTE.match(path) or _names_secrets(name):
        return True
    home = ctx.home.rstrip("/")
    return path.startswith(home + "/") and bool(_SECRET_IN_HOME.match(path[len(home) + 1 :]))


# What a Lighthouse tool never reads for a caller to keep or send on: secrets and the files that guard the agent.
_NOT_MATERIAL = {
    "secret": "looks like a secret file",
    "lighthouse-home": "is Lighthouse's own (its store, key and settings)",
    "lighthouse-key": "is Lighthouse's own (its store, key and settings)",
    "agent-settings": "is one of the agents' settings that decide whether Lighthouse guards them",
    "repository": "is inside the repository's database",
}


def readable_project_file(root: str, name: str) -> PathFact:
    """The file `name` (relative to the project `root`, or absolute) as a Lighthouse tool may read it for a caller
    to keep or send on (a note's anchor, an expert's material): inside the project once every link is followed,
    and neither a secret nor one of the files that guard the agent. A ValueError says why not."""
    if not isinstance(name, str) or not name or "\x00" in name:
        raise ValueError("a file must be named by a non-empty path")
    real_root = os.path.realpath(root)
    where = Context(real_root, real_root, os.path.expanduser("~"))
    fact = classify(name, where)
    real = os.path.realpath(fact.path)
    if real == real_root or not real.startswith(real_root.rstrip("/") + "/"):
        raise ValueError(f"{name!r} is not a file of this project (links followed)")
    classes = fact.classes | classify(real, where).classes
    for kind, why in _NOT_MATERIAL.items():
        if kind in classes:
            raise ValueError(f"{name!r} {why}: Lighthouse does not read it for anyone")
    return replace(fact, path=real)
