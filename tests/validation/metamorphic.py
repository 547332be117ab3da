"""Rewritings of a shell command that run the same thing: what a denial must survive (every transform), and what an
allowed command must survive too (the benign ones).

Each transform takes a command line and returns another that a shell would run to the same effect, or None when
it does not apply (a transform on the command word needs a simple first word)."""

from __future__ import annotations

import base64
import json
import re
import shlex
from collections.abc import Callable

Transform = Callable[[str], str | None]

_SIMPLE_START = re.compile(r"^(?P<word>[a-zA-Z][\w.+-]*)(?P<rest>(?:\s.*)?)$", re.DOTALL)


def _word(command: str) -> tuple[str, str] | None:
    """The first word of a command that starts with a plain command name, and the rest (not for shell keywords and
    builtins, which mean something else, or nothing, in a child process: `env cd x` changes no directory)."""
    match = _SIMPLE_START.match(command)
    if match is None or match.group("word") in _NOT_PROGRAMS:
        return None
    return match.group("word"), match.group("rest")


_NOT_PROGRAMS = {
    *("if", "for", "while", "until", "case", "function", "select", "time", "coproc", "then", "do"),
    *("cd", "export", "set", "unset", "source", "eval", "exec", "alias", "declare", "local", "read", "shopt"),
}


def _on_word(build: Callable[[str, str], str]) -> Transform:
    def transform(command: str) -> str | None:
        parts = _word(command)
        return build(*parts) if parts else None

    return transform


def _nested(command: str, *shells: str) -> str:
    for shell in reversed(shells):
        command = f"{shell} -c {shlex.quote(command)}"
    return command


def _b64(command: str) -> str:
    return base64.b64encode(command.encode()).decode()


def _hex(command: str) -> str:
    return command.encode().hex()


def _quoted_name(word: str) -> str:
    return f"{word[0]}''{word[1:]}" if len(word) > 1 else f"'{word}'"


# What a denial must survive: every way of saying the same command.
EVASIONS: dict[str, Transform] = {
    "bash -c": lambda c: f"bash -c {shlex.quote(c)}",
    "sh -lc": lambda c: f"sh -lc {shlex.quote(c)}",
    "bash -c twice": lambda c: _nested(c, "bash", "sh"),
    "bash -c three deep": lambda c: _nested(c, "bash", "sh", "dash"),
    "eval": lambda c: f"eval {shlex.quote(c)}",
    "subshell": lambda c: f"( {c} )",
    "group": lambda c: f"{{ {c}; }}",
    "function": lambda c: f"lh_step() {{ {c}; }}; lh_step",
    "here-string": lambda c: f"bash <<< {shlex.quote(c)}",
    "heredoc": lambda c: f"sh <<'EOF'\n{c}\nEOF",
    "echo into sh": lambda c: f"echo {shlex.quote(c)} | sh",
    "printf into bash": lambda c: f"printf '%s\\n' {shlex.quote(c)} | bash",
    "base64 into sh": lambda c: f"echo {_b64(c)} | base64 -d | sh",
    "base64 substitution": lambda c: f'bash -c "$(echo {_b64(c)} | base64 --decode)"',
    "hex into bash": lambda c: f"echo {_hex(c)} | xxd -r -p | bash",
    "rev into sh": lambda c: f"echo {shlex.quote(c[::-1])} | rev | sh",
    "script file": lambda c: f"printf '%s\\n' {shlex.quote(c)} > /tmp/run.sh && bash /tmp/run.sh",
    "script file as stdin": lambda c: f"printf '%s\\n' {shlex.quote(c)} > /tmp/run.sh && bash < /tmp/run.sh",
    "script in a mktemp file": lambda c: f'f=$(mktemp); printf \'%s\\n\' {shlex.quote(c)} > "$f"; sh "$f"',
    "bash /dev/stdin": lambda c: f"bash /dev/stdin <<< {shlex.quote(c)}",
    "sh - heredoc": lambda c: f"sh - <<'EOF'\n{c}\nEOF",
    "source /dev/stdin": lambda c: f"source /dev/stdin <<< {shlex.quote(c)}",
    "echo into . /dev/fd/0": lambda c: f"echo {shlex.quote(c)} | . /dev/fd/0",
    "bash /proc/self/fd/0": lambda c: f"printf '%s\\n' {shlex.quote(c)} | bash /proc/self/fd/0",
    "env": _on_word(lambda w, r: f"env {w}{r}"),
    "env assignment": _on_word(lambda w, r: f"env LC_ALL=C {w}{r}"),
    "nice": _on_word(lambda w, r: f"nice -n 5 {w}{r}"),
    "timeout": _on_word(lambda w, r: f"timeout 30 {w}{r}"),
    "nohup": _on_word(lambda w, r: f"nohup {w}{r}"),
    "command": _on_word(lambda w, r: f"command {w}{r}"),
    "sudo": _on_word(lambda w, r: f"sudo {w}{r}"),
    "stdbuf": _on_word(lambda w, r: f"stdbuf -oL {w}{r}"),
    "absolute path": _on_word(lambda w, r: f"/usr/bin/{w}{r}"),
    "backslash": _on_word(lambda w, r: f"\\{w}{r}"),
    "empty quotes": _on_word(lambda w, r: f"{_quoted_name(w)}{r}"),
    "double quotes": _on_word(lambda w, r: f'"{w}"{r}'),
    # a wildcard only the command itself matches (where it is installed the shell finds the same file)
    "globbed name": _on_word(lambda w, r: f"/usr/bin/[{w[0]}]{w[1:]}{r}"),
    "variable name": _on_word(lambda w, r: f"X={w}; $X{r}"),
    "alias": _on_word(lambda w, r: f"shopt -s expand_aliases\nalias lh_a={shlex.quote(w)}\nlh_a{r}"),
    "split variable": _on_word(lambda w, r: f"a={w[:1]}; b={w[1:]}; $a$b{r}"),
    "which": _on_word(lambda w, r: f"$(which {w}){r}"),
    # find puts the path it found wherever {} appears, inside a quoted script too: only commands without one
    "find -exec": lambda c: None if "{}" in c else f"find . -maxdepth 0 -exec sh -c {shlex.quote(c)} \\;",
    "xargs sh": lambda c: f"echo {shlex.quote(c)} | xargs -0 -I{{}} sh -c '{{}}'",
    # env -S splits its string into words and runs them: no shell syntax, no variables
    "env -S attached": lambda c: None if re.search(r"[;|&<>()$`\n]", c) else f"env -S{shlex.quote(c)}",
    "python os.system": lambda c: f"python3 -c {shlex.quote(f'import os; os.system({c!r})')}",
    "node execSync": lambda c: "node -e " + shlex.quote("require('child_process').execSync(" + json.dumps(c) + ")"),
    "ruby system": lambda c: f"ruby -e {shlex.quote(f'system({json.dumps(c)})')}",
    "git alias": lambda c: f"git -c alias.lh={shlex.quote('!' + c)} lh",
    "vim -c": lambda c: None if "\n" in c else f"vim -es -c {shlex.quote('!' + c)} -c q",
    "ex -sc": lambda c: None if "\n" in c else f"ex -sc {shlex.quote('!' + c)} -c q",
    "less +!": lambda c: None if "\n" in c else f"less +{shlex.quote('!' + c)} /dev/null",
    "array": _on_word(lambda w, r: None if any(ch in r for ch in ";|&<>()$`\n") else f'lh=({w}{r}); "${{lh[@]}}"'),
}

# What an allowed command must survive: rewritings that add no danger of their own.
BENIGN = {
    name: EVASIONS[name]
    for name in (
        "bash -c",
        "sh -lc",
        "bash -c twice",
        "subshell",
        "group",
        "function",
        "env",
        "env assignment",
        "nice",
        "timeout",
        "nohup",
        "command",
        "absolute path",
        "backslash",
        "empty quotes",
        "double quotes",
    )
}
