"""The commands an awk program runs and the files it writes, read from its text: the string given to `system(…)`,
the command a `print` pipes into (`print … | "…"`), the one `getline` reads from (`"…" | getline`), and the file a
`print` writes (`print … > f`, `>> f`). Each is an awk expression, often a
string joined from pieces (`"rm -rf " d`): literals, variables given with `-v` or assigned before from what is
known, and `ENVIRON["NAME"]` (what the shell gives as `$NAME`). A command whose every piece is known is returned as
the shell would be given it; one with a piece only known as the program runs (a field, a line read, a number
computed) is returned as None: what runs is not known."""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r'"(?P<string>(?:[^"\\]|\\.)*)"'  # a string literal
    r"|(?P<environ>ENVIRON)\s*\[\s*\"(?P<key>[A-Za-z_][A-Za-z0-9_]*)\"\s*\]"  # ENVIRON["HOME"]
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<field>\$)"
    r"|(?P<number>\d+(?:\.\d*)?)"
    r"|(?P<regex>/(?:[^/\\\n]|\\.)+/)(?=\s*[,)~;}{]|\s*$)"
    r"|(?P<op>\|\||&&|\|&|[=!<>]=|\+\+|--|[-+*/%^!<>=?:,;(){}\[\]|~&\n])"
    r"|(?P<space>[ \t\r]+|\\\n|#[^\n]*)"
    r"|(?P<other>.)",  # anything else: a piece of no command this reader knows
    re.S,
)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/"}
_KEYWORDS = frozenset({"print", "printf", "getline", "if", "else", "while", "for", "do", "in", "return", "next",
                       "exit", "delete", "function", "BEGIN", "END", "close", "system"})  # fmt: skip
MAX_TOKENS = 20_000  # a program longer than this is not read for its commands: it is treated as unknown


class _Unknown(Exception):
    """A piece of a command only known as the program runs."""


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _tokens(program: str) -> list[tuple[str, str]] | None:
    """(kind, text) for each token; None for a program too long to read."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(program):
        match = _TOKEN.match(program, position)
        assert match is not None  # (`other` matches any character)
        position = match.end()
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        if kind == "key":
            kind = "environ"
        value = match.group("key") if kind == "environ" else match.group(kind)
        tokens.append((kind, value))
        if len(tokens) > MAX_TOKENS:
            return None
    return tokens


def awk_commands(program: str, variables: dict[str, str], operands: tuple[str, ...] = ()) -> list[str | None] | None:
    """The commands `program` runs, in order, each as the shell is given it or None where a piece is only known as
    it runs; `variables`: those given with `-v NAME=VALUE`, `operands`: the command line's words after the program
    (`NAME=VALUE` there sets a variable later). None when the program cannot be read (then nothing about what it
    runs is known). A variable changed in a way this reader does not follow in order (assigned again, in a loop, by
    `sub`, `gsub`, `split` or `getline`, a function's parameter, an operand) is not known; and when the text holds
    more places that run commands than the reader found, one of them is not known."""
    tokens = _tokens(program)
    if tokens is None:
        return None
    changed = _changed(tokens, operands)
    known: dict[str, str | None] = {k: v for k, v in variables.items() if k not in changed}
    commands: list[str | None] = []
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        if kind == "name" and text == "system" and index + 1 < len(tokens) and tokens[index + 1] == ("op", "("):
            end = _closing(tokens, index + 1)
            commands.append(_value(tokens[index + 2 : end], known))
            index = end + 1
            continue
        if kind == "op" and text == "|":
            if index + 1 < len(tokens) and tokens[index + 1] == ("name", "getline"):
                commands.append(_value(tokens[_start_of(tokens, index) : index], known))
            else:
                commands.append(_value(tokens[index + 1 : _end_of(tokens, index + 1)], known))
            index += 1
            continue
        if _assigns(tokens, index):
            end = _end_of(tokens, index + 2)
            known[text] = None if text in changed else _value(tokens[index + 2 : end], known)  # None: not known
            index = end
            continue
        index += 1
    if len(commands) < len(_SITES.findall(program)):
        commands.append(None)  # a place that runs a command the reader did not find (`/#/`, `4/2 … "/"`)
    return commands


# Where a program runs a command, counted in its raw text: checked against what the reader found.
_SITES = re.compile(r"\bsystem\s*\(|\|\s*getline\b|\bprintf?\b[^;{}\n]*?(?<![|])\|(?![|&])")
_CHANGERS = frozenset({"sub", "gsub", "split", "getline", "function", "for", "patsplit", "match"})


def _changed(tokens: list[tuple[str, str]], operands: tuple[str, ...]) -> frozenset[str]:
    """Variables whose value this reader cannot follow in order: assigned more than once, changed by `sub`, `gsub`,
    `split`, `getline` or an operator (`+=`, `++`), a function's parameters, a loop's variable, and those set by
    the command line's operands (`awk 'prog' c=…`)."""
    assigned: dict[str, int] = {}
    changed = {o.split("=", 1)[0] for o in operands if "=" in o}
    for index, (kind, text) in enumerate(tokens):
        if kind != "name":
            continue
        if _assigns(tokens, index):
            assigned[text] = assigned.get(text, 0) + 1
        operator = tokens[index + 1][1] if index + 1 < len(tokens) and tokens[index + 1][0] == "op" else ""
        if operator in ("++", "--") or (
            operator in ("+", "-", "*", "/", "%", "^") and tokens[index + 2 : index + 3] == [("op", "=")]
        ):
            changed.add(text)  # `c++`, `c += "x"`
        if text in _CHANGERS:  # every name in its arguments or after it, to the statement's end
            end = _end_of(tokens, index + 1) if text != "function" else _closing(tokens, index + 2)
            changed |= {t for k, t in tokens[index + 1 : end + 1] if k == "name"}
    changed |= {name for name, count in assigned.items() if count > 1}
    return frozenset(changed)


def awk_writes(program: str, variables: dict[str, str], operands: tuple[str, ...] = ()) -> list[str | None] | None:
    """The files `program`'s `print` and `printf` write (`print … > f`, `>> f`), each as named or None where its
    name is only known as the program runs; None when the program cannot be read."""
    tokens = _tokens(program)
    if tokens is None:
        return None
    changed = _changed(tokens, operands)  # (as for commands: a name changed in ways not followed is not known)
    known: dict[str, str | None] = {k: v for k, v in variables.items() if k not in changed}
    written: list[str | None] = []
    printing = False
    for index, (kind, text) in enumerate(tokens):
        if _assigns(tokens, index):
            known[text] = None if text in changed else _value(tokens[index + 2 : _end_of(tokens, index + 2)], known)
        elif kind == "name" and text in ("print", "printf"):
            printing = True
        elif kind == "op" and text in (";", "}", "{", "\n"):
            printing = False
        elif printing and (kind, text) == ("op", ">") and tokens[index - 1] != ("op", ">"):
            start = index + 2 if tokens[index + 1 : index + 2] == [("op", ">")] else index + 1
            written.append(_value(tokens[start : _end_of(tokens, start)], known))
            printing = False
    return written


def _assigns(tokens: list[tuple[str, str]], index: int) -> bool:
    """Whether the token at `index` is a variable assigned (`cmd = …`)."""
    kind, text = tokens[index]
    return kind == "name" and text not in _KEYWORDS and tokens[index + 1 : index + 2] == [("op", "=")]


def _closing(tokens: list[tuple[str, str]], opening: int) -> int:
    """The index of the parenthesis that closes the one at `opening` (the last token if none does)."""
    depth = 0
    for index in range(opening, len(tokens)):
        if tokens[index] == ("op", "("):
            depth += 1
        elif tokens[index] == ("op", ")"):
            depth -= 1
            if depth == 0:
                return index
    return len(tokens)


_ENDS = frozenset({";", "}", "{", "\n", ",", ")", "|", "&&", "||", ">"})


def _end_of(tokens: list[tuple[str, str]], start: int) -> int:
    """Where the expression that starts at `start` ends: a statement's end, or a parenthesis it did not open."""
    depth = 0
    for index in range(start, len(tokens)):
        kind, text = tokens[index]
        if kind != "op":
            continue
        if text in ("(", "["):
            depth += 1
        elif text in (")", "]") and depth:
            depth -= 1
        elif text in _ENDS and depth == 0:
            return index
    return len(tokens)


def _start_of(tokens: list[tuple[str, str]], end: int) -> int:
    """Where the expression that ends before `end` (a `| getline`) starts."""
    depth = 0
    for index in range(end - 1, -1, -1):
        kind, text = tokens[index]
        if kind == "name" and text in _KEYWORDS and depth == 0:
            return index + 1
        if kind != "op":
            continue
        if text in (")", "]"):
            depth += 1
        elif text in ("(", "[") and depth:
            depth -= 1
        elif (text in _ENDS or text in ("(", "[", "=", "&&", "||", "!")) and depth == 0:
            return index + 1
    return 0


def _value(tokens: list[tuple[str, str]], known: dict[str, str | None]) -> str | None:
    """The string the expression makes, or None when a piece is only known as the program runs."""
    try:
        return _concatenation(tokens, known)
    except _Unknown:
        return None


def _concatenation(tokens: list[tuple[str, str]], known: dict[str, str | None]) -> str:
    if not tokens:
        raise _Unknown
    parts: list[str] = []
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        if kind == "string":
            parts.append(_unescape(text))
        elif kind == "environ":
            parts.append(f"${{{text}}}")  # as the shell gives it
        elif kind == "name" and (value := known.get(text)) is not None and text not in _KEYWORDS:
            parts.append(value)
        elif kind == "op" and text == "(":
            end = _closing(tokens, index)
            parts.append(_concatenation(tokens[index + 1 : end], known))
            index = end
        else:
            raise _Unknown  # a field, a number, an operator, a function's result, a variable not known
        index += 1
    return "".join(parts)
