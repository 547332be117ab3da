"""What commands do with their arguments: which run another command, which are shells or interpreters, which
fetch from or send to the network, and which of their arguments they read, write or delete.

This is knowledge about how commands behave, not about what is dangerous; the rule packs hold that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHELLS = frozenset(
    {"sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "fish", "busybox-sh", "rbash", "tcsh", "csh", "yash", "posh",
     "oksh", "loksh", "xonsh", "elvish", "nu", "ion"}
)  # fmt: skip
# Interpreters that run code given with -c/-e (or read a program on stdin).
INTERPRETERS = {
    "python": ("-c",),
    "python2": ("-c",),
    "python3": ("-c",),
    "pypy": ("-c",),
    "pypy3": ("-c",),
    "node": ("-e", "--eval", "-p", "--print"),
    "nodejs": ("-e", "--eval", "-p", "--print"),
    "deno": ("eval",),
    "bun": ("-e", "--eval"),
    "perl": ("-e", "-E"),
    "ruby": ("-e",),
    "php": ("-r", "-R", "-B", "-E"),
    "powershell": ("-c", "-command", "-Command", "-encodedcommand", "-EncodedCommand", "-enc", "-e"),
    "pwsh": ("-c", "-command", "-Command", "-encodedcommand", "-EncodedCommand", "-enc", "-e"),
    "lua": ("-e",),
    "luajit": ("-e",),
    "ipython": ("-c",),
    "ipython3": ("-c",),
    "ts-node": ("-e", "--eval", "-p", "--print"),
    "raku": ("-e",),
    "perl6": ("-e",),
    "expect": ("-c",),
    "osascript": ("-e",),
    # read by their process-running calls (`code_actions.generic_actions`)
    "Rscript": ("-e",),
    "R": ("-e",),
    "julia": ("-e", "--eval"),
    "elixir": ("-e", "--eval"),
    "erl": ("-eval",),
    "groovy": ("-e",),
    "guile": ("-c",),
    "racket": ("-e",),
    "sbcl": ("--eval",),
    "clojure": ("-e",),
    "scala": ("-e",),
    "swift": ("-e",),
    "ghc": ("-e",),
}
# Programs that read a script on their input, in which a command line may be run (`vim -es <<EOF`, `m4`'s
# syscmd, `dc`'s `!`, sqlite3's `.shell`, `awk -f /dev/stdin`, `sed -f /dev/stdin`'s `e`, `gdb`'s `shell`).
RUNS_ITS_INPUT = frozenset({
    *INTERPRETERS, "vim", "vi", "nvim", "ex", "view", "emacs", "m4", "dc", "bc", "sqlite3", "sqlite", "awk", "gawk",
    "mawk", "nawk", "busybox", "sed", "gsed", "ed", "red", "gdb", "lldb", "expect", "make", "gmake", "cmake",
    "gnuplot", "tclsh", "wish", "lua", "luajit", "ipython", "ipython3", "irb", "jshell", "ghci", "psql", "mysql",
    "mariadb", "redis-cli", "mongosh", "mongo", "ftp", "lftp", "sftp", "telnet", "nc", "ncat", "openssl",
})  # fmt: skip
# Schedulers that run what they read later (`echo cmd | at now`): shells, for what they are given.
SCHEDULERS = frozenset({"at", "batch"})
STDIN_EXECUTORS = (
    SHELLS
    | SCHEDULERS
    | frozenset(
        {
            "python",
            "python2",
            "python3",
            "perl",
            "ruby",
            "node",
            "php",
            "pwsh",
            "powershell",
            "iex",
            "invoke-expression",
            "source",
            ".",
            "lua",
            "osascript",
            "tclsh",
            "wish",
            "R",
            "Rscript",
            "julia",
            "guile",
            "racket",
            "expect",
            "irb",
            "ipython",
            "ipython3",
            "jshell",
            "ghci",
            "gnuplot",
            "gdb",
            "ed",
            "ex",
        }
    )
)
DOWNLOADERS = frozenset(
    {
        "curl",
        "wget",
        "fetch",
        "aria2c",
        "http",
        "https",
        "xh",
        "curlie",
        "GET",
        "lwp-request",
        "iwr",
        "irm",
        "invoke-webrequest",
        "invoke-restmethod",
        "lwp-download",
        "lynx",
        "links",
        "ftp",
        "tftp",
    }
)
NETWORK_SENDERS = frozenset(
    {
        "curl",
        "wget",
        "nc",
        "ncat",
        "netcat",
        "socat",
        "telnet",
        "ssh",
        "scp",
        "sftp",
        "rsync",
        "ftp",
        "tftp",
        "http",
        "https",
        "xh",
        "openssl",
        "smbclient",
        "mail",
        "sendmail",
        "mutt",
        "aws",
        "gsutil",
        "rclone",
        "s3cmd",
        "iwr",
        "irm",
        "invoke-webrequest",
        "invoke-restmethod",
        "nslookup",
        "dig",
        "host",
        # cloud and hosting command-line tools that upload what they are given
        "gcloud",
        "az",
        "azcopy",
        "gh",
        "glab",
        "doctl",
        "heroku",
        "vercel",
        "netlify",
        "wrangler",
        "fly",
        "flyctl",
        "b2",
        "oci",
        "ibmcloud",
        "mc",
        "s5cmd",
        "lftp",
        "croc",
        "wormhole",
        "ffsend",
        "transfersh",
    }
)
DECODERS = frozenset(
    {
        "base64",
        "base32",
        "xxd",
        "openssl",
        "gzip",
        "gunzip",
        "zcat",
        "bzip2",
        "bunzip2",
        "xz",
        "unxz",
        "rev",
        "uudecode",
        "basenc",
        "tr",
    }
)
LITERAL_PRINTERS = frozenset({"echo", "printf"})
# awk and its relatives, which run shell commands from their programs (`system("…")`, pipes to and from "…").
AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
# Commands that print their arguments or only describe other commands: their arguments are data, not paths.
DATA_ONLY = frozenset(
    {
        "echo",
        "eval",
        "printf",
        "man",
        "info",
        "which",
        "whatis",
        "apropos",
        "type",
        "whereis",
        "tldr",
        "help",
        "hash",
        "alias",
        "unalias",
        "true",
        "false",
        ":",
        "test",
        "[",
        "expr",
        "seq",
        "sleep",
        "date",
        "cal",
        "basename",
        "dirname",
        "export",
        "declare",
        "local",
        "readonly",
        "set",
        "unset",
        "shopt",
        "read",
        "let",
        "wait",
        "jobs",
        "fg",
        "bg",
        "disown",
        "umask",
        "ulimit",
    }
)

DELETERS = frozenset(
    {"rm", "rmdir", "unlink", "shred", "srm", "wipe", "trash", "trash-put", "remove-item", "del", "rd", "erase"}
)
# Commands whose every path argument is written (created, truncated or modified in place).
WRITERS = frozenset(
    {
        "tee",
        "touch",
        "mkdir",
        "truncate",
        "chmod",
        "chown",
        "chgrp",
        "chattr",
        "setfacl",
        "mkfifo",
        "mknod",
        "fallocate",
        "mkfs",
        "mkswap",
        "wipefs",
        "set-content",
        "add-content",
        "out-file",
        "new-item",
    }
)
# Commands whose last path argument is the destination (written) and the others are read, or for movers, taken away.
COPIERS = frozenset({"cp", "mv", "install", "ln", "rsync", "scp", "copy-item", "move-item", "ditto", "mount"})
MOVERS = frozenset({"mv", "move-item"})
# Editors in place: `sed -i`, `perl -pi` (interpreters among them write the files after their program).
IN_PLACE = {
    "sed": ("i", "in-place"),
    "perl": ("i",),
    "ruby": ("i",),
    "gawk": ("i", "include"),  # `gawk -i inplace`
    "yq": ("i", "inplace"),
    "sd": ("i",),
}
# Editors that run shell commands they are given (`vim -c '!cmd'`).
EDITOR_COMMANDS = frozenset({"vi", "vim", "nvim", "ex", "view", "gvim", "rvim"})
# git settings whose value git runs as a command (lower-cased, as git compares keys).
GIT_RUNS = frozenset(
    {
        "core.pager",
        "core.sshcommand",
        "core.fsmonitor",
        "core.editor",
        "core.askpass",
        "sequence.editor",
        "diff.external",
        "gpg.program",
        "credential.helper",
        "pager.log",
        "pager.diff",
        "pager.show",
        "pager.branch",
        "uploadpack.packobjectshook",
    }
)
# Environment variables a program runs the value of (as a command, or as a pipe with a leading `|`).
RUNNING_VARIABLES = frozenset(
    {"LESSOPEN", "LESSCLOSE", "PAGER", "GIT_PAGER", "MANPAGER", "EDITOR", "VISUAL", "GIT_EDITOR", "GIT_SSH_COMMAND",
     "GIT_EXTERNAL_DIFF", "BASH_ENV", "ENV", "PROMPT_COMMAND", "SUDO_ASKPASS", "SSH_ASKPASS"}
)  # fmt: skip
# Variables naming libraries that every program run with them loads, and runs (`LD_PRELOAD=./x.so ls`).
LOADING_VARIABLES = frozenset({"LD_PRELOAD", "LD_AUDIT", "DYLD_INSERT_LIBRARIES"})
# Variables holding options an interpreter reads before its program (`PERL5OPT=-M…`, `NODE_OPTIONS=--import …`).
OPTION_VARIABLES = frozenset(
    {
        "PERL5OPT",
        "NODE_OPTIONS",
        "RUBYOPT",
        "PYTHONSTARTUP",
        "PHP_INI_SCAN_DIR",
        "JAVA_TOOL_OPTIONS",
        "_JAVA_OPTIONS",
        "JDK_JAVA_OPTIONS",
    }
)
# Editors and in-place rewriters whose file arguments are written (`ex -sc '%d|x' f`, `… | sponge f`).
EDITORS = frozenset({"ed", "ex", "vi", "vim", "nvim", "nano", "emacs", "sponge", "rename", "perl-rename", "prename"})
# Options that name a directory a command writes into (`tar -x -C dir`, `unzip -d dir`), per command.
INTO_OPTIONS = {"tar": ("C", "directory"), "bsdtar": ("C",), "unzip": ("d",), "7z": ("o",), "cpio": ("D",)}
# git subcommands that write (or remove) the paths they are given.
GIT_PATH_WRITES = {"restore": "write", "checkout": "write", "rm": "delete", "mv": "delete", "clean": "delete"}
# Options after which a pattern or script is given, so that the first positional is a file again (`sed -e s/a/b/ f`).
SCRIPT_OPTIONS = frozenset({"e", "expression", "f", "file", "regexp", "script"})


@dataclass(frozen=True)
class Wrapper:
    """A command that runs another command given in its arguments."""

    value_options: frozenset[str] = frozenset()  # options that take a value (the next word)
    positional_before: int = 0  # arguments before the command (timeout's DURATION, chrt's priority…)
    string_option: str | None = None  # option whose value is a whole command line (su -c "…")
    joins: bool = False  # the remaining words form one command line (watch a b c)


# GNU parallel's options that take a value (with none of its own commands, it runs each line it reads).
_PARALLEL_VALUES = frozenset(
    {"j", "jobs", "P", "max-procs", "halt", "S", "sshlogin", "joblog", "results", "timeout", "delay", "d", "delimiter",
     "N", "n", "max-args", "L", "colsep", "C", "tagstring", "env", "workdir", "wd", "memfree", "load", "retries",
     "a", "arg-file", "I", "E"}
)  # fmt: skip
WRAPPERS: dict[str, Wrapper] = {
    "sudo": Wrapper(
        frozenset(
            {
                "u",
                "g",
                "C",
                "h",
                "p",
                "D",
                "R",
                "T",
                "U",
                "r",
                "t",
                "user",
                "group",
                "host",
                "prompt",
                "chdir",
                "close-from",
                "role",
                "type",
                "other-user",
                "command-timeout",
            }
        )
    ),
    "doas": Wrapper(frozenset({"u", "C"})),
    "nohup": Wrapper(),
    "time": Wrapper(frozenset({"f", "o", "format", "output"})),
    "nice": Wrapper(frozenset({"n", "adjustment"})),
    "ionice": Wrapper(frozenset({"c", "n", "t", "class", "classdata", "p", "P", "u"})),
    "timeout": Wrapper(frozenset({"s", "k", "signal", "kill-after"}), positional_before=1),
    "gtimeout": Wrapper(frozenset({"s", "k", "signal", "kill-after"}), positional_before=1),
    "stdbuf": Wrapper(frozenset({"i", "o", "e", "input", "output", "error"})),
    "chrt": Wrapper(frozenset(), positional_before=1),
    "taskset": Wrapper(frozenset(), positional_before=1),
    "setsid": Wrapper(),
    "unbuffer": Wrapper(),
    "caffeinate": Wrapper(frozenset({"t", "w"})),
    "fakeroot": Wrapper(frozenset({"l", "s", "i"})),
    "proxychains": Wrapper(frozenset({"f"})),
    "proxychains4": Wrapper(frozenset({"f"})),
    "torsocks": Wrapper(),
    "strace": Wrapper(frozenset({"o", "e", "p", "s", "E", "u", "a", "b", "I", "O", "P", "S", "X"})),
    "ltrace": Wrapper(frozenset({"o", "e", "p", "s", "u", "a", "A", "D", "F", "l", "n"})),
    "exec": Wrapper(frozenset({"a"})),
    "builtin": Wrapper(),
    "command": Wrapper(),
    "env": Wrapper(frozenset({"u", "unset", "C", "chdir", "S", "split-string"})),
    "xargs": Wrapper(
        frozenset(
            {
                "a",
                "arg-file",
                "d",
                "delimiter",
                "E",
                "e",
                "eof",
                "I",
                "i",
                "replace",
                "L",
                "l",
                "max-lines",
                "n",
                "max-args",
                "P",
                "max-procs",
                "s",
                "max-chars",
                "process-slot-var",
            }
        )
    ),
    "flock": Wrapper(frozenset({"w", "E", "timeout", "conflict-exit-code"}), positional_before=1, string_option="c"),
    "watch": Wrapper(frozenset({"n", "d", "interval", "differences", "q", "g"}), joins=True),
    "su": Wrapper(frozenset({"s", "g", "G", "shell", "group", "supp-group", "w"}), string_option="c"),
    "pkexec": Wrapper(frozenset({"user"})),
    "runuser": Wrapper(frozenset({"u", "g", "G", "user", "group", "s", "shell"}), string_option="c"),
    "script": Wrapper(frozenset({"t", "timing", "I", "O", "B", "T", "E", "echo"}), string_option="c"),
    "systemd-run": Wrapper(
        frozenset(
            {
                "u",
                "unit",
                "p",
                "property",
                "M",
                "machine",
                "E",
                "setenv",
                "slice",
                "working-directory",
                "uid",
                "gid",
                "nice",
            }
        )
    ),
    "firejail": Wrapper(),
    "busybox": Wrapper(),
    "unshare": Wrapper(frozenset({"S", "G", "R", "w", "setuid", "setgid", "root", "wd", "map-user", "map-group"})),
    "nsenter": Wrapper(frozenset({"t", "target", "S", "G", "setuid", "setgid"})),
    "chroot": Wrapper(frozenset({"userspec", "groups"}), positional_before=1),
    "parallel": Wrapper(_PARALLEL_VALUES, joins=True),
    "sg": Wrapper(frozenset(), positional_before=1, joins=True),
}
# Tools whose subcommand runs another command: `uv run pytest`, `poetry run lighthouse …` (the key is the tool and
# its subcommand; the options listed take a value).
SUBCOMMAND_WRAPPERS: dict[tuple[str, str], Wrapper] = {
    ("uv", "run"): Wrapper(frozenset({"with", "python", "p", "directory", "project", "package", "env-file", "extra"})),
    ("uvx", ""): Wrapper(frozenset({"with", "python", "p", "from"})),
    ("poetry", "run"): Wrapper(frozenset({"directory", "C", "P", "project"})),
    ("pipx", "run"): Wrapper(frozenset({"spec", "python", "index-url", "pip-args"})),
    ("pipenv", "run"): Wrapper(),
    ("pdm", "run"): Wrapper(frozenset({"p", "project"})),
    ("hatch", "run"): Wrapper(),
    ("rye", "run"): Wrapper(),
    ("conda", "run"): Wrapper(frozenset({"n", "name", "p", "prefix", "cwd"})),
    ("mamba", "run"): Wrapper(frozenset({"n", "name", "p", "prefix", "cwd"})),
    ("micromamba", "run"): Wrapper(frozenset({"n", "name", "p", "prefix", "cwd"})),
}
# Python modules that are programs of their own: `python -m lighthouse_mcp …` is `lighthouse …`. Entry-point scripts
# run by an interpreter (`python .venv/bin/lighthouse …`) are known by the same names.
MODULE_COMMANDS = {"lighthouse_mcp": "lighthouse", "lighthouse": "lighthouse", "pip": "pip", "pip3": "pip"}

# `command -v x` and `type x` only look a command up; they do not run it.
LOOKUP_OPTIONS = {"command": frozenset({"v", "V"})}

# Package-manager style tools whose first positional argument is a subcommand.
SUBCOMMAND_TOOLS = frozenset(
    {
        "git",
        "kubectl",
        "oc",  # OpenShift's CLI: kubectl's subcommands and options
        "docker",
        "podman",
        "helm",
        "gcloud",
        "aws",
        "az",
        "npm",
        "pnpm",
        "yarn",
        "cargo",
        "pip",
        "pip3",
        "poetry",
        "uv",
        "gem",
        "twine",
        "systemctl",
        "service",
        "terraform",
        "pulumi",
        "go",
        "dotnet",
        "brew",
        "apt",
        "apt-get",
        "dnf",
        "yum",
        "snap",
        "flatpak",
        "gh",
        "heroku",
        "vercel",
        "fly",
        "flyctl",
        "firebase",
        "supabase",
        "redis-cli",
        "mongosh",
        "psql",
        "mysql",
        "launchctl",
        "crontab",
        "nomad",
        "vault",
        "consul",
        "ansible",
        "kubeadm",
        "eksctl",
        "doctl",
        "oci",
        "ibmcloud",
        "vagrant",
        "virsh",
        "lxc",
        "minikube",
        "kind",
        "docker-compose",
        "compose",
        "mvn",
        "gradle",
        "bundle",
        "composer",
        "dart",
        "flutter",
        "swift",
        "deno",
        "bun",
        "lighthouse",
    }
)


# Commands that read every file under a directory they are given, and the flags that make them do so (None: they
# always do). Listing names (`ls -R`, `find`, `du`) reads no file.
TREE_READERS: dict[str, frozenset[str] | None] = {
    "grep": frozenset({"r", "R", "recursive", "dereference-recursive"}),
    "egrep": frozenset({"r", "R", "recursive", "dereference-recursive"}),
    "fgrep": frozenset({"r", "R", "recursive", "dereference-recursive"}),
    "rg": None,
    "ag": None,
    "ack": None,
    "tar": frozenset({"c", "create", "r", "append", "u", "update"}),
    "bsdtar": frozenset({"c", "create", "r", "append", "u", "update"}),
    "zip": frozenset({"r", "R", "recurse-paths", "recurse-patterns"}),
    "cp": frozenset({"r", "R", "a", "recursive", "archive"}),
    "rsync": frozenset({"r", "a", "recursive", "archive"}),
    "scp": frozenset({"r"}),
    "rclone": None,
    "7z": None,
    "7za": None,
}


def reads_tree(name: str, flags: frozenset[str]) -> bool:
    """Whether `name` with `flags` reads every file under a directory it reads."""
    if name not in TREE_READERS:
        return False
    needed = TREE_READERS[name]
    return needed is None or bool(flags & needed)


def path_access(name: str, flags: frozenset[str], position: int, count: int) -> str:
    """How `name` uses its `position`-th of `count` path arguments: read, write, delete or stat."""
    if name in DELETERS:
        return "delete"
    away = TAKES_AWAY.get(name)
    if away is not None and away[0] & flags and away[1] <= position < count - away[2]:
        return "delete"
    if name == "touch" or (name == "install" and flags & {"d", "directory"}):  # `install -d DIR…` makes each
        return "write"
    if name in STATTERS or name == "find":
        return "stat"
    if name in WRITERS or name in EDITORS or name.startswith("mkfs"):
        return "write"
    if name in COPIERS:
        if position == count - 1 and count > 1:
            return "write"
        return "delete" if name in MOVERS else "read"
    in_place = IN_PLACE.get(name)
    if in_place and flags & set(in_place):
        return "write"
    return "read"


# Programs that take away the files they are given with these flags (`tar --remove-files`, `zip -m`, `rsync
# --remove-source-files`), and how many of their first and last path arguments they do not take (zip's archive,
# rsync's destination).
TAKES_AWAY = {
    "tar": (frozenset({"remove-files"}), 0, 0),
    "bsdtar": (frozenset({"remove-files"}), 0, 0),
    "zip": (frozenset({"m", "move"}), 1, 0),
    "rsync": (frozenset({"remove-source-files"}), 0, 1),
}
# What `cmake -E TOOL …` runs, as the command that does the same (`cmake -E rm -rf x` is `rm -rf x`).
CMAKE_TOOLS = {
    "rm": ("rm",), "remove": ("rm",), "remove_directory": ("rm", "-r"), "copy": ("cp",), "copy_directory": ("cp", "-r"),
    "copy_if_different": ("cp",), "rename": ("mv",), "make_directory": ("mkdir", "-p"), "touch": ("touch",),
    "touch_nocreate": ("touch",), "create_symlink": ("ln", "-s"), "create_hardlink": ("ln",), "tar": ("tar",),
    "cat": ("cat",), "echo": ("echo",), "env": ("env",), "chdir": ("cd",), "time": ("time",),
}  # fmt: skip

# Options that take a value, per command, so that values are not mistaken for subcommands or paths.
VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "git": frozenset({"C", "c", "git-dir", "work-tree", "namespace", "m", "message", "F", "file"}),
    "kubectl": frozenset(
        {
            "n",
            "namespace",
            "context",
            "kubeconfig",
            "cluster",
            "user",
            "l",
            "selector",
            "f",
            "filename",
            "o",
            "output",
            "c",
            "container",
            "s",
            "server",
            "token",
            "as",
            "grace-period",
            "timeout",
            "field-selector",
            "cascade",
        }
    ),
    "helm": frozenset(
        {
            "n",
            "namespace",
            "kube-context",
            "kubeconfig",
            "f",
            "values",
            "set",
            "version",
            "repo",
            "timeout",
            "o",
            "output",
        }
    ),
    "docker": frozenset(
        {
            "H",
            "host",
            "context",
            "config",
            "l",
            "log-level",
            "f",
            "filter",
            "format",
            "e",
            "env",
            "v",
            "volume",
            "p",
            "publish",
            "name",
            "w",
            "workdir",
            "u",
            "user",
            "network",
            "t",
            "tag",
            "file",
            "entrypoint",
            "mount",
            "label",
            "platform",
        }
    ),
    "podman": frozenset({"f", "filter", "format", "e", "env", "v", "volume", "p", "publish", "name", "w", "u"}),
    "curl": frozenset(
        {
            "d",
            "data",
            "data-binary",
            "data-raw",
            "data-ascii",
            "data-urlencode",
            "F",
            "form",
            "T",
            "upload-file",
            "o",
            "output",
            "H",
            "header",
            "X",
            "request",
            "u",
            "user",
            "A",
            "user-agent",
            "e",
            "referer",
            "x",
            "proxy",
            "b",
            "cookie",
            "c",
            "cookie-jar",
            "K",
            "config",
            "w",
            "write-out",
            "m",
            "max-time",
            "connect-timeout",
            "retry",
            "r",
            "range",
            "E",
            "cert",
            "key",
            "cacert",
            "resolve",
            "json",
            "url",
            "Y",
            "y",
            "z",
            "Q",
            "quote",
            "D",
            "dump-header",
        }
    ),
    "wget": frozenset(
        {
            "O",
            "output-document",
            "o",
            "output-file",
            "a",
            "append-output",
            "P",
            "directory-prefix",
            "post-file",
            "post-data",
            "body-file",
            "body-data",
            "method",
            "U",
            "user-agent",
            "header",
            "t",
            "tries",
            "T",
            "timeout",
            "i",
            "input-file",
            "e",
            "execute",
            "user",
            "password",
            "load-cookies",
            "save-cookies",
        }
    ),
    "ssh": frozenset({"i", "p", "l", "o", "F", "J", "L", "R", "D", "W", "b", "c", "E", "m", "O", "S", "B", "Q"}),
    "scp": frozenset({"i", "P", "o", "F", "l", "S", "c", "J", "D", "X"}),
    "sftp": frozenset({"i", "P", "o", "F", "l", "S", "c", "J", "b", "B", "D", "R", "s"}),
    "tar": frozenset(
        {
            "f",
            "C",
            "file",
            "directory",
            "T",
            "files-from",
            "X",
            "exclude-from",
            "exclude",
            "b",
            "blocking-factor",
            "H",
            "format",
            "use-compress-program",
            "I",
            "to-command",
        }
    ),
    "psql": frozenset(
        {
            "d",
            "dbname",
            "c",
            "command",
            "f",
            "file",
            "h",
            "host",
            "p",
            "port",
            "U",
            "username",
            "o",
            "output",
            "v",
            "set",
            "variable",
            "L",
            "log-file",
            "P",
            "pset",
            "F",
            "R",
        }
    ),
    "mysql": frozenset({"e", "execute", "D", "database", "u", "user", "h", "host", "P", "port", "S", "socket"}),
    "mongosh": frozenset({"eval", "host", "port", "u", "username", "p", "password", "f", "file"}),
    "redis-cli": frozenset({"h", "p", "a", "n", "u", "s", "user", "pass"}),
    "rsync": frozenset(
        {
            "e",
            "rsh",
            "exclude",
            "include",
            "filter",
            "f",
            "exclude-from",
            "include-from",
            "files-from",
            "rsync-path",
            "log-file",
            "chmod",
            "chown",
            "password-file",
            "backup-dir",
            "suffix",
            "T",
            "temp-dir",
            "compare-dest",
            "link-dest",
            "B",
            "block-size",
            "bwlimit",
            "timeout",
            "port",
            "M",
            "remote-option",
        }
    ),
    "grep": frozenset(
        {
            "e",
            "regexp",
            "f",
            "file",
            "m",
            "max-count",
            "A",
            "after-context",
            "B",
            "before-context",
            "C",
            "context",
            "include",
            "exclude",
            "exclude-dir",
            "color",
            "colour",
            "label",
            "d",
            "D",
        }
    ),
    "rg": frozenset(
        {
            "e",
            "regexp",
            "f",
            "file",
            "g",
            "glob",
            "t",
            "type",
            "T",
            "type-not",
            "m",
            "max-count",
            "A",
            "B",
            "C",
            "j",
            "threads",
            "M",
            "max-columns",
            "r",
            "replace",
        }
    ),
    "sed": frozenset({"e", "expression", "f", "file", "l", "line-length", "s", "separate"}),
    **dict.fromkeys(
        ("awk", "gawk", "mawk", "nawk"),
        frozenset({"f", "F", "v", "field-separator", "assign", "file", "i", "include", "l", "load", "E", "exec"}),
    ),
    "kill": frozenset({"s", "signal", "n"}),
    "pkill": frozenset(
        {
            "u",
            "euid",
            "U",
            "uid",
            "g",
            "pgroup",
            "G",
            "group",
            "t",
            "terminal",
            "P",
            "parent",
            "s",
            "session",
            "F",
            "pidfile",
            "signal",
            "ns",
            "nslist",
        }
    ),
    "killall": frozenset(
        {"u", "user", "s", "signal", "o", "older-than", "y", "younger-than", "n", "ns", "Z", "context"}
    ),
    "gcloud": frozenset(
        {
            "project",
            "format",
            "filter",
            "zone",
            "region",
            "account",
            "configuration",
            "verbosity",
            "impersonate-service-account",
            "billing-project",
        }
    ),
    "aws": frozenset({"region", "profile", "output", "endpoint-url", "query", "cli-input-json", "bucket", "key"}),
    "az": frozenset({"g", "resource-group", "n", "name", "subscription", "o", "output", "query", "l", "location"}),
    "npm": frozenset({"prefix", "w", "workspace", "registry", "tag", "otp", "access", "C"}),
    "pnpm": frozenset({"C", "dir", "filter", "F", "w", "registry", "tag", "otp"}),
    "yarn": frozenset({"cwd", "registry", "tag", "otp"}),
    "pip": frozenset(
        {
            "r",
            "requirement",
            "c",
            "constraint",
            "t",
            "target",
            "i",
            "index-url",
            "extra-index-url",
            "e",
            "editable",
            "f",
            "find-links",
            "prefix",
            "root",
            "d",
            "dest",
            "platform",
            "python-version",
            "src",
        }
    ),
    "pip3": frozenset(
        {
            "r",
            "requirement",
            "c",
            "constraint",
            "t",
            "target",
            "i",
            "index-url",
            "extra-index-url",
            "e",
            "editable",
            "f",
            "find-links",
            "prefix",
            "root",
            "d",
            "dest",
        }
    ),
    "systemctl": frozenset(
        {
            "H",
            "host",
            "M",
            "machine",
            "t",
            "type",
            "p",
            "property",
            "s",
            "signal",
            "n",
            "lines",
            "o",
            "output",
            "root",
            "kill-whom",
            "state",
        }
    ),
    "terraform": frozenset({"var", "var-file", "target", "state", "out", "chdir", "replace"}),
    "openssl": frozenset(
        {"in", "out", "k", "pass", "passin", "passout", "key", "inkey", "cipher", "md", "connect", "servername"}
    ),
    "base64": frozenset({"w", "wrap", "i"}),
    "nc": frozenset({"e", "c", "p", "s", "w", "i", "x", "X", "q", "T", "I", "O", "V"}),
    "ncat": frozenset(
        {
            "e",
            "exec",
            "c",
            "sh-exec",
            "lua-exec",
            "p",
            "source-port",
            "s",
            "source",
            "w",
            "wait",
            "i",
            "idle-timeout",
            "o",
            "output",
            "x",
            "hex-dump",
            "proxy",
            "proxy-type",
            "m",
            "max-conns",
            "d",
            "delay",
            "allow",
            "deny",
        }
    ),
    "netcat": frozenset({"e", "c", "p", "s", "w", "i", "q"}),
    "dd": frozenset(),
    "find": frozenset(),
    "lighthouse": frozenset({"home"}),
    "python": frozenset({"c", "m", "W", "X"}),
    "python3": frozenset({"c", "m", "W", "X"}),
    "perl": frozenset({"e", "E", "I", "M", "m", "x", "l"}),
    "ruby": frozenset({"e", "I", "r"}),
    "node": frozenset({"e", "eval", "p", "print", "r", "require"}),
    "php": frozenset({"r", "d", "f", "c"}),
    "cargo": frozenset(
        {
            "p",
            "package",
            "manifest-path",
            "token",
            "registry",
            "index",
            "j",
            "jobs",
            "target",
            "features",
            "F",
            "Z",
            "config",
        }
    ),
    "twine": frozenset(
        {
            "r",
            "repository",
            "repository-url",
            "u",
            "username",
            "p",
            "password",
            "c",
            "comment",
            "config-file",
            "sign-with",
            "i",
            "identity",
        }
    ),
    "gem": frozenset({"key", "host", "otp", "v", "version"}),
    "chmod": frozenset({"reference"}),
    "chown": frozenset({"reference", "from"}),
    "head": frozenset({"n", "lines", "c", "bytes"}),
    "tail": frozenset({"n", "lines", "c", "bytes", "pid", "s", "sleep-interval"}),
    "sort": frozenset(
        {"k", "key", "t", "field-separator", "o", "output", "S", "buffer-size", "T", "temporary-directory", "parallel"}
    ),
    "jq": frozenset({"arg", "argjson", "slurpfile", "rawfile", "f", "from-file", "L", "indent"}),
    "make": frozenset(
        {
            "C",
            "directory",
            "f",
            "file",
            "makefile",
            "j",
            "jobs",
            "l",
            "load-average",
            "o",
            "old-file",
            "W",
            "what-if",
            "new-file",
            "assume-new",
            "I",
            "include-dir",
        }
    ),
    "unzip": frozenset({"d", "x", "P"}),
    "zip": frozenset({"x", "i", "P", "password", "b", "n", "t", "tt"}),
    "gpg": frozenset(
        {
            "o",
            "output",
            "r",
            "recipient",
            "u",
            "local-user",
            "homedir",
            "keyring",
            "passphrase",
            "passphrase-file",
            "keyserver",
            "default-key",
            "trust-model",
        }
    ),
    "socat": frozenset(),
    "mkfs": frozenset({"t", "type", "L", "label", "b", "m", "O", "U", "n"}),
    "install": frozenset({"m", "mode", "o", "owner", "g", "group", "S", "suffix", "Z", "context"}),
    "aria2c": frozenset({"o", "out", "d", "dir", "x", "s", "j", "i", "input-file", "header", "user-agent"}),
    "parallel": _PARALLEL_VALUES,
}
VALUE_OPTIONS["oc"] = VALUE_OPTIONS["kubectl"]
# Commands whose options are single-dash words (`find -name x`, `-exec`), not clusters of letters.
WORD_OPTIONS = frozenset(
    {
        "find",
        "java",
        "go",
        "gcc",
        "g++",
        "cc",
        "clang",
        "ld",
        "xcodebuild",
        "powershell",
        "pwsh",
        "iwr",
        "irm",
        "invoke-webrequest",
        "invoke-restmethod",
        "remove-item",
        "set-content",
        "iex",
        "invoke-expression",
        "openssl",
        "dig",
        "ffmpeg",
        "convert",
        "mogrify",
        "magick",
        "tcpdump",
        "qemu-system-x86_64",
        "lsblk",
    }
)
# Commands that dump the environment (whose output then may carry secrets).
ENV_DUMPERS = frozenset(
    {"env", "printenv", "set", "export", "declare", "typeset", "compgen", "jq", "ps", "gdb", "php", "cmake", "make",
     "gmake", "npm", "pnpm", "yarn", "strace", *AWKS}
)  # fmt: skip
SEARCHERS = frozenset({"grep", "egrep", "fgrep", "rg", "ag", "awk", "sed", "findstr", "select-string"})
# Options whose value is a file, and among them those the command writes.
# Options that name a file of commands the program runs (`make -f x.mk`, `just -f x`), per command.
EXEC_OPTIONS = {
    "make": ("f", "file", "makefile"),
    "gmake": ("f", "file", "makefile"),
    "bmake": ("f",),
    "just": ("f", "justfile"),
    "rake": ("f", "rakefile"),
    "task": ("t", "taskfile"),
    "bash": ("rcfile", "init-file"),
}
FILE_OPTIONS = frozenset(
    {
        "o",
        "output",
        "O",
        "output-document",
        "T",
        "upload-file",
        "f",
        "file",
        "in",
        "out",
        "if",
        "of",
        "output-file",
        "a",
        "append-output",
        "post-file",
        "body-file",
        "i",
        "input-file",
        "cookie-jar",
        "K",
        "config",
        "rcfile",
        "init-file",
        "key",
        "cert",
        "E",
        "files-from",
        "exclude-from",
        "password-file",
        "from-file",
        "rawfile",
        "slurpfile",
        "passphrase-file",
    }
)
WRITE_OPTIONS = frozenset(
    {"o", "output", "O", "output-document", "out", "of", "output-file", "a", "append-output", "cookie-jar",
     "target-directory"}
)  # fmt: skip
CASE_INSENSITIVE = frozenset(
    {
        "powershell",
        "pwsh",
        "iex",
        "iwr",
        "irm",
        "invoke-expression",
        "invoke-webrequest",
        "invoke-restmethod",
        "remove-item",
        "set-content",
        "add-content",
        "out-file",
        "new-item",
        "copy-item",
        "move-item",
        "select-string",
        "cmd",
        "findstr",
        "del",
        "rd",
        "erase",
    }
)
# Commands whose positional arguments name databases, resources, services or images, not files.
NO_PATH_ARGS = frozenset(
    {
        "psql",
        "mysql",
        "mariadb",
        "mongosh",
        "mongo",
        "redis-cli",
        "cqlsh",
        "createdb",
        "dropdb",
        "createuser",
        "dropuser",
        "kubectl",
        "oc",
        "helm",
        "gcloud",
        "aws",
        "az",
        "docker",
        "podman",
        "systemctl",
        "service",
        "launchctl",
        "kill",
        "pkill",
        "killall",
        "pgrep",
        "npm",
        "pnpm",
        "yarn",
        "pip",
        "pip3",
        "cargo",
        "gem",
        "brew",
        "apt",
        "apt-get",
        "dnf",
        "yum",
        "snap",
        "terraform",
        "pulumi",
        "doctl",
        "heroku",
        "vercel",
        "fly",
        "flyctl",
        "gh",
        "ssh",
        "ping",
        "nslookup",
        "dig",
        "host",
        "whois",
        "traceroute",
        "nc",
        "ncat",
        "netcat",
        "telnet",
        "socat",
        "useradd",
        "userdel",
        "usermod",
        "groupadd",
        "groupdel",
        "passwd",
        "su",
        "id",
        "vault",
        "consul",
        "nomad",
        "eksctl",
        "minikube",
        "kind",
        "tox",
        "nox",
        "make",
        "just",
    }
)
# Commands whose first positional argument is a mode, owner, pattern or program rather than a path.
NON_PATH_FIRST = frozenset(
    {
        "chmod",
        "chown",
        "chgrp",
        "sed",
        "awk",
        "gawk",
        "grep",
        "egrep",
        "fgrep",
        "rg",
        "ag",
        "jq",
        "yq",
        "setfacl",
        "kill",
        "pkill",
        "pgrep",
        "killall",
        "renice",
        "ionice",
        "xmllint",
        "pandoc",
    }
)
# Database shells whose first argument is the database file (opened to read and write) and the rest SQL.
DATABASE_FILE_FIRST = frozenset({"sqlite3", "sqlite", "litecli", "duckdb"})
# Tools that open raw sockets; a shell reading from one is remote control of the machine.
SOCKET_TOOLS = frozenset({"nc", "ncat", "netcat", "socat", "telnet", "openssl", "nc.traditional", "nc.openbsd"})
# Commands that only look at paths (names, sizes, types), never at what files contain.
STATTERS = frozenset(
    {"ls", "stat", "file", "du", "df", "test", "[", "realpath", "readlink", "tree", "exa", "eza", "lsd", "wc", "touch"}
)

# Programs that only read the paths they are given (or whose writes are modelled above): any other program given a
# file that guards the agent or runs later may change it, for all Lighthouse can tell (`shuf -o`, `uniq IN OUT`,
# `sed -n 'w FILE'`, `cmake -E rm`).
READS_ONLY = frozenset(
    {"lsblk", "blkid", "smartctl", "udevadm", "findmnt",
     "cat", "tac", "less", "more", "most", "head", "tail", "grep", "egrep", "fgrep", "rg", "ag", "ack", "diff", "cmp",
     "comm", "md5sum", "sha1sum", "sha256sum", "sha512sum", "b2sum", "cksum", "jq", "yq", "bat", "batcat", "cut", "tr",
     "nl", "fold", "fmt", "column", "strings", "hexdump", "od", "basename", "dirname", "git", "find", "cd", "pushd",
     "source", ".", "code", "open", "xdg-open", "view", "diff3", "colordiff", "delta", "difft", "sha224sum",
     "sha384sum", "md5", "shasum", "base64", "file", "lsattr", "getfacl", "namei", "sort", "sed", "gsed", "awk",
     "gawk", "mawk", "nawk", "cmake", "tar", "bsdtar", "zip", "unzip", "fd", "fdfind", "docker", "podman", "kubectl",
     "oc", "nerdctl", "docker-compose", "podman-compose", "json.tool"}
) | STATTERS | DELETERS | WRITERS | COPIERS | EDITORS | LITERAL_PRINTERS  # fmt: skip

# Every command name this module knows something about: what a wildcard in a command word is matched against.
KNOWN_COMMANDS = frozenset(
    {
        *SHELLS,
        *INTERPRETERS,
        *STDIN_EXECUTORS,
        *DOWNLOADERS,
        *NETWORK_SENDERS,
        *DECODERS,
        *DELETERS,
        *WRITERS,
        *COPIERS,
        *EDITORS,
        *WRAPPERS,
        *SUBCOMMAND_TOOLS,
        *AWKS,
        *SOCKET_TOOLS,
        *DATABASE_FILE_FIRST,
        "find",
        "dd",
        "chmod",
        "chown",
        "mkfs",
        "shutdown",
        "reboot",
        "kill",
        "killall",
        "crontab",
        "at",
        "make",
    }
)


# Common programs whose arguments are files, options and data, never a command they run.
PLAIN_ARGUMENTS = frozenset(
    {
        *("cat", "tac", "nl", "cut", "paste", "join", "comm", "diff", "cmp", "patch", "cd", "pwd", "pushd", "popd"),
        *("ps", "top", "htop", "journalctl", "dmesg", "id", "whoami", "uname", "hostname", "uptime", "free", "lsof"),
        *("pytest", "ruff", "mypy", "black", "isort", "flake8", "pylint", "tsc", "eslint", "prettier", "rustc"),
        *("cmake", "ninja", "javac", "gofmt", "rustfmt", "clang-format", "shellcheck", "hadolint", "yamllint"),
        *("column", "fold", "fmt", "expand", "unexpand", "od", "hexdump", "strings", "iconv", "numfmt", "shuf"),
        *("seq", "yes", "true", "false", "sleep", "wait", "read", "mktemp", "tput", "clear", "reset", "stty"),
    }
)
# Programs whose arguments Lighthouse reads for what they are. Any other program's arguments may hold a command it
# runs (a wrapper Lighthouse does not know, `flock -c '…'`, `tmux new '…'`), and are judged as one where they read
# as one.
MODELLED = frozenset(
    {
        *KNOWN_COMMANDS,
        *PLAIN_ARGUMENTS,
        *DATA_ONLY,
        *NO_PATH_ARGS,
        *NON_PATH_FIRST,
        *STATTERS,
        *SEARCHERS,
        *TREE_READERS,
        *VALUE_OPTIONS,
        *EXEC_OPTIONS,
        *INTO_OPTIONS,
        *IN_PLACE,
        *ENV_DUMPERS,
    }
)


def reads_stdin(path: str) -> bool:
    """A program file name that is the program's own input: `bash /dev/stdin`, `sh -`, `python3 /dev/fd/0`,
    `source /proc/self/fd/0`. Such a program is what the command is fed (a here-doc, a pipe), not a file."""
    return path in ("-", "/dev/stdin") or _STDIN_FD.fullmatch(path) is not None


_STDIN_FD = re.compile(r"/dev/fd/0|/proc/(?:self|thread-self|\$\$|\d+)/fd/0")
