"""make's reading of a makefile, as far as it decides what runs: the recipes (after a tab, or after the character
`.RECIPEPREFIX` names, or after `;` on a rule's line), `$(shell …)` and `!=`, with the variables make expands in them
(`$(CMD)`, `define … endef`, `$(HOME)` from the environment, `$(call …)`, the functions that only rearrange words).

A variable given more than one value (in two branches of an `ifeq`, or set again) is tried with each. What make
works out in a way not followed here is not known: `$(eval …)` of text a command prints, a recipe whose program is
the output of a function, an `include` of a file not named as a makefile (a file named as one is judged when it is
written, and read when make runs).
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterator

from lighthouse_mcp.validation.lazy import LazyPattern

_UNKNOWN = "\x00"  # a value make works out as it runs, in a way not followed here
_MAX_VALUES = 8  # values one variable is given that are kept (the last ones)
_MAX_WAYS = 64  # ways one text expands (each value of each of its variables, tried together); more are not known
_MAX_DEPTH = 16  # variables within variables

_ASSIGN = LazyPattern(
    r"^(?:(?:override|export|private|unexport)\s+)*([^\s:#=?!+$()]+|\$\([^()]*\))\s*(:::=|::=|:=|\?=|\+=|!=|=)\s*(.*)$"
)
_DEFINE = LazyPattern(r"^(?:(?:override|export|private)\s+)*define\s+(\S+?)\s*(?:(:::=|::=|:=|\?=|\+=|!=|=)\s*)?$")
_INCLUDE = LazyPattern(r"^(-include|sinclude|include)\s+(.*)$")
_CONDITIONAL = LazyPattern(r"^(ifeq|ifneq|ifdef|ifndef|else|endif)\b")
# Names make gives a value to itself; others not set in the file come from the environment (`$(HOME)`).
_BUILT_IN = {
    "MAKE": "make", "RM": "rm -f", "CC": "cc", "CXX": "g++", "CPP": "cc -E", "AR": "ar", "AS": "as", "LD": "ld",
    "SHELL": "/bin/sh", "CURDIR": ".", "MAKEFLAGS": "", "MFLAGS": "", "MAKEFILE_LIST": "Makefile",
    "MAKECMDGOALS": "", "FC": "f77", "LEX": "lex", "YACC": "yacc", "INSTALL": "install",
}  # fmt: skip
_AUTOMATIC = frozenset("@<^+*?%|")
# Functions whose result is one of their arguments, or the words of one rearranged: kept as given.
_WORDS = frozenset({"strip", "sort", "wildcard", "abspath", "realpath", "firstword", "lastword", "dir", "notdir"})
_SHELL_VARIABLE = LazyPattern(r"\$\{?([A-Za-z_]\w*)")
_SHELL_PROGRAMS = {
    **dict.fromkeys(("sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "busybox"), "shell"),
    **dict.fromkeys(("python", "pypy"), "python"),
    **dict.fromkeys(("node", "nodejs", "bun", "deno"), "javascript"),
    "perl": "perl",
    "ruby": "ruby",
    "php": "php",
    **dict.fromkeys(("pwsh", "powershell"), "powershell"),
}
_MAKEFILE_NAME = LazyPattern(r"mak|\.(?:mk|d|dep|deps)$", re.I)  # Makefile.inc, common.mk, config.mak, x.make, x.d


class _Reader:
    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}
        self.found: list[tuple[str, str, str]] = []  # (where, language, source)
        self.recipes: list[tuple[int, str]] = []
        self.shells: set[tuple[str, str, str]] = set()

    def read(self, text: str, origin: int = 0) -> None:
        prefix, in_rule, lines = "\t", False, _logical_lines(text)
        index = 0
        while index < len(lines):
            number, line = lines[index]
            number += origin
            index += 1
            if in_rule and line.startswith(prefix) and prefix:
                self.recipes.append((number, line[len(prefix) :]))
                continue
            code = _uncommented(line).strip()
            define = _DEFINE.match(code)
            if define:
                body = []
                while index < len(lines) and lines[index][1].strip() != "endef":
                    body.append(lines[index][1])
                    index += 1
                index += 1
                self.assign(define.group(1), define.group(2) or "=", "\n".join(body), number)
                continue
            if not code or _CONDITIONAL.match(code):
                continue
            assignment = _ASSIGN.match(code)
            include = _INCLUDE.match(code)
            if assignment and not _rule_colon(code[: assignment.start(2)]):
                name = self.name(assignment.group(1), number)
                self.assign(name, assignment.group(2), assignment.group(3), number)
                if name == ".RECIPEPREFIX":
                    prefix = assignment.group(3)[:1] or "\t"
            elif include:
                self.include(include.group(2), number)
            elif (colon := _rule_colon(code)) is not None:
                in_rule = True
                rest = code[colon + 1 :]
                specific = _ASSIGN.match(rest.strip())
                if specific and ";" not in rest:  # `all: SHELL = python3`: a target's own value, tried with the
                    name = self.name(specific.group(1), number)  # value the other targets have
                    self.values.setdefault(name, [_BUILT_IN.get(name, "")])
                    self.assign(name, specific.group(2), specific.group(3), number)
                elif ";" in rest:
                    self.recipes.append((number, rest.split(";", 1)[1]))
                else:
                    self.expand(rest, number)  # prerequisites are expanded when read
            else:
                self.expand(code, number)  # a line of functions alone: `$(eval …)`, `$(shell …)`

    def name(self, raw: str, number: int) -> str:
        names = self.expand(raw, number)
        return names[0] if len(names) == 1 and _UNKNOWN not in names[0] else _UNKNOWN

    def assign(self, name: str, op: str, value: str, number: int) -> None:
        if name == _UNKNOWN:
            self.unknown(number, "sets a variable whose name make works out as it runs")
            return
        if op == "!=":
            self.shell(value, number)
            value = _UNKNOWN
        elif op in (":=", "::=", ":::="):
            value = " ".join(self.expand(value, number)[:1]) if "$" in value else value
        current = self.values.get(name, [])
        if op == "+=":
            self.values[name] = [f"{v} {value}" for v in current or [""]]
        elif op != "?=" or not current:
            self.values[name] = [*current, value][-_MAX_VALUES:]

    def include(self, names: str, number: int) -> None:
        for name in self.expand(names, number):
            for word in name.split():
                if not _MAKEFILE_NAME.search(posixpath.basename(word.replace(_UNKNOWN, ""))):
                    self.unknown(number, f"includes {word.replace(_UNKNOWN, '…')}, not read as a makefile")

    def unknown(self, number: int, what: str) -> None:
        self.found.append((f"line {number}", "unknown", what))

    def shell(self, command: str, number: int) -> None:
        for text in self.expand(command, number):
            self.command(f"$(shell …) on line {number}", text, number)

    def command(self, where: str, text: str, number: int, language: str = "shell") -> None:
        words = text.strip().lstrip("@-+ \t").split()
        if words and _UNKNOWN in words[0] and language == "shell":
            self.unknown(number, "runs a program make works out as it runs")
        elif text.strip() and (where, text, language) not in self.shells:
            self.shells.add((where, text, language))
            source = text.replace(_UNKNOWN, "x").strip().lstrip("@-+ \t")
            self.found.append((where, language, self.exported(source) if language == "shell" else source))

    def exported(self, command: str) -> str:
        """`command` after the make variables it reads from its environment (`$$D`, made `$D`), set as make exports
        them (a variable not exported reads as empty there; set is the stricter reading)."""
        names = [n for n in dict.fromkeys(_SHELL_VARIABLE.findall(command)) if n in self.values]
        settings = []
        for name in names[:16]:
            value = self.expand(self.values[name][-1], 0)[0].replace(_UNKNOWN, "x")
            plain = re.fullmatch(r"[\w~/.:@%+=,-]*", value) is not None
            quoted = value if plain else '"' + re.sub(r'(["\\`])', r"\\\1", value) + '"'
            settings.append(f"{name}={quoted}")
        return "; ".join([*settings, command])

    def languages(self, number: int) -> list[str]:
        """What runs the recipes: the program `SHELL` names, each value it is given (a shell unless it is set)."""
        found = []
        for value in [w for v in self.values.get("SHELL", ["/bin/sh"]) for w in self.expand(v, number)]:
            words = [w for w in value.split() if not w.startswith("-")]
            if words and posixpath.basename(words[0]) == "env":
                words = words[1:]
            program = re.sub(r"[\d.]+$", "", posixpath.basename(words[0])) if words and _UNKNOWN not in value else ""
            language = _SHELL_PROGRAMS.get(program)
            if language is None:
                self.unknown(number, f"runs its recipes with {value.replace(_UNKNOWN, '…') or 'no program'}")
            found.append(language or "shell")
        return list(dict.fromkeys(found))

    def expand(self, text: str, number: int, depth: int = 0, local: dict[str, str] | None = None) -> list[str]:
        """The texts `text` expands to, one for each way its variables may be set."""
        if depth > _MAX_DEPTH:
            return [_UNKNOWN]
        pieces: list[list[str]] = []
        index = 0
        while index < len(text):
            at = text.find("$", index)
            if at < 0 or at + 1 >= len(text):
                pieces.append([text[index:]])
                break
            pieces.append([text[index:at]])
            opener = text[at + 1]
            if opener == "$":
                pieces.append(["$"])  # `$$`: the shell's `$`
                index = at + 2
            elif opener in "({":
                close = _closing(text, at + 1)
                pieces.append(self.reference(text[at + 2 : close], number, depth, local or {}))
                index = close + 1
            else:
                pieces.append(self.variable(opener, number, depth, local or {}))
                index = at + 2
        ways = [""]
        for options in pieces:
            ways = list(dict.fromkeys(a + b for a, b in itertools.product(ways, options)))
            if len(ways) > _MAX_WAYS:
                return _one_at_a_time(pieces)
        return ways

    def variable(self, name: str, number: int, depth: int, local: dict[str, str]) -> list[str]:
        if name in local:
            return [local[name]]
        if name in _AUTOMATIC or (name[:1] in _AUTOMATIC and name[1:] in ("D", "F")):
            return ["x"]  # the target, its prerequisites: file names
        if name in self.values:
            return [w for v in self.values[name] for w in self.expand(v, number, depth + 1, local)]
        return [_BUILT_IN.get(name, "${" + name + "}" if re.fullmatch(r"\w+", name) else "")]

    def reference(self, inner: str, number: int, depth: int, local: dict[str, str]) -> list[str]:
        """`$(NAME)`, `$(NAME:a=b)` or `$(function args)`."""
        function, _, args = inner.partition(" ")
        if not _ or function not in _FUNCTIONS:
            name, colon, rule = inner.partition(":")
            found = []
            for expanded in self.expand(name, number, depth + 1, local):
                found += [_UNKNOWN] if _UNKNOWN in expanded else self.variable(expanded, number, depth, local)
            if colon and "=" in rule:  # `$(SRCS:.c=.o)`
                old, new = rule.split("=", 1)
                found = [
                    " ".join(w[: -len(old)] + new if old and w.endswith(old) else w for w in f.split()) for f in found
                ]
            return found
        return _FUNCTIONS[function](self, _split_args(args.lstrip()), number, depth, local)


def _one_at_a_time(pieces: list[list[str]]) -> list[str]:
    """The ways a text expands when trying them all together is too many: each value of each piece in turn, the
    others at their first."""
    firsts = [options[0] for options in pieces]
    ways = ["".join(firsts)]
    for index, options in enumerate(pieces):
        ways += ["".join([*firsts[:index], option, *firsts[index + 1 :]]) for option in options[1:]]
    return list(dict.fromkeys(ways))


def _shell(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    for text in reader.expand(",".join(args), number, depth + 1, local):
        reader.command(f"$(shell …) on line {number}", text, number)
    return [_UNKNOWN]


def _eval(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    for text in reader.expand(",".join(args), number, depth + 1, local):
        if any(_UNKNOWN in line and not _value_only(line) for line in text.split("\n")):
            reader.unknown(number, "evaluates as make text what is only known as it runs")
        else:  # `$(eval X := $(shell …))`: a variable given a value only known as it runs, as `X != …` is
            reader.read(text, number - 1)
    return [""]


def _value_only(line: str) -> bool:
    """Whether what is only known as make runs is only the value of an assignment on `line`, not its name, a rule
    or a recipe."""
    if _CONDITIONAL.match(line.strip()):  # both branches of a conditional are read, whatever it tests
        return True
    assignment = _ASSIGN.match(line.strip())
    return (
        assignment is not None
        and _UNKNOWN not in assignment.group(1)
        and _rule_colon(line[: assignment.start(2)]) is None
    )


def _call(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    found = []
    for name in reader.expand(args[0], number, depth + 1, local) if args else []:
        given = {str(i): " ".join(reader.expand(a, number, depth + 1, local)[:1]) for i, a in enumerate(args[1:], 1)}
        found += reader.variable(name.strip(), number, depth, {**local, **given})
    return found or [""]


def _foreach(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    """`$(foreach VAR,LIST,TEXT)`: TEXT expanded with VAR each word of LIST, joined."""
    if len(args) != 3:
        return [_UNKNOWN]
    found = []
    for name, words in itertools.product(*(reader.expand(a, number, depth + 1, local) for a in args[:2])):
        if _UNKNOWN in name + words:
            found.append(_UNKNOWN)
            continue
        parts = [reader.expand(args[2], number, depth + 1, {**local, name.strip(): w}) for w in words.split()[:64]]
        found.append(" ".join(p[0] for p in parts))
        found += [" ".join(p[-1] for p in parts)] if any(len(p) > 1 for p in parts) else []
    return found or [""]


def _value(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    return [v.replace("$", "$$") for v in reader.values.get(args[0].strip(), [""])] if args else [""]


def _subst(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    if len(args) != 3:
        return [_UNKNOWN]
    found = []
    for old, new, text in itertools.product(*(reader.expand(a, number, depth + 1, local) for a in args)):
        found.append(text.replace(old, new) if old else text)
    return found


def _patsubst(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    if len(args) != 3:
        return [_UNKNOWN]
    found = []
    for old, new, text in itertools.product(*(reader.expand(a, number, depth + 1, local) for a in args)):
        found.append(" ".join(_pattern_swap(old.strip(), new.strip(), w) for w in text.split()))
    return found


def _pattern_swap(old: str, new: str, word: str) -> str:
    """One word through `$(patsubst OLD,NEW,…)`: `%` in OLD matches any stem, which takes the `%` in NEW."""
    head, percent, tail = old.partition("%")
    if not percent:
        return new if word == old else word
    if len(word) >= len(head) + len(tail) and word.startswith(head) and word.endswith(tail):
        return new.replace("%", word[len(head) : len(word) - len(tail)], 1)
    return word


def _if(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    """`$(if c,a,b)`: either branch (the condition is expanded too)."""
    reader.expand(args[0], number, depth + 1, local)
    return [w for a in args[1:] for w in reader.expand(a, number, depth + 1, local)] or [""]


def _either(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    """`$(or a,b)`, `$(and a,b)`: any of them."""
    return [w for a in args for w in reader.expand(a, number, depth + 1, local)] or [""]


def _words(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    return reader.expand(",".join(args), number, depth + 1, local)


def _prefix(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    if len(args) != 2:
        return [_UNKNOWN]
    found = []
    for fix, text in itertools.product(*(reader.expand(a, number, depth + 1, local) for a in args)):
        found.append(" ".join(fix.strip() + w for w in text.split()))
    return found


def _suffix(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    if len(args) != 2:
        return [_UNKNOWN]
    found = []
    for fix, text in itertools.product(*(reader.expand(a, number, depth + 1, local) for a in args)):
        found.append(" ".join(w + fix.strip() for w in text.split()))
    return found


def _printed(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    reader.expand(",".join(args), number, depth + 1, local)  # `$(info …)`: printed, but what it expands still runs
    return [""]


def _worked_out(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    reader.expand(",".join(args), number, depth + 1, local)
    return [_UNKNOWN]


def _file(reader: _Reader, args: list[str], number: int, depth: int, local: dict[str, str]) -> list[str]:
    reader.unknown(number, "writes or reads a file as make reads the makefile ($(file …))")
    return [_UNKNOWN]


_FUNCTIONS = {
    "shell": _shell, "eval": _eval, "call": _call, "value": _value, "subst": _subst, "patsubst": _patsubst,
    "if": _if, "or": _either, "and": _either, "addprefix": _prefix, "addsuffix": _suffix,
    "info": _printed, "warning": _printed, "error": _printed, "file": _file,
    **dict.fromkeys(_WORDS, _words),
    "foreach": _foreach,
    **dict.fromkeys(("filter", "filter-out", "findstring", "word", "words", "wordlist", "join",
                     "basename", "suffix", "origin", "flavor", "guile", "let", "intcmp"), _worked_out),
}  # fmt: skip


def _closing(text: str, opener_at: int) -> int:
    """Where the `)` or `}` matching the one at `opener_at` is (the end of the text if none)."""
    opener = text[opener_at]
    closer = ")" if opener == "(" else "}"
    level = 0
    for index in range(opener_at, len(text)):
        if text[index] == opener:
            level += 1
        elif text[index] == closer:
            level -= 1
            if level == 0:
                return index
    return len(text)


def _split_args(text: str) -> list[str]:
    """A function's arguments, split at commas outside parentheses."""
    args, level, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "({":
            level += 1
        elif char in ")}":
            level -= 1
        elif char == "," and level == 0:
            args.append(text[start:index])
            start = index + 1
    return [*args, text[start:]]


def _rule_colon(code: str) -> int | None:
    """Where a rule's `:` is in a line (outside `$(…)`, not part of `:=`), or None."""
    level = 0
    for index, char in enumerate(code):
        if char in "({":
            level += 1
        elif char in ")}":
            level -= 1
        elif char == ":" and level == 0 and code[index + 1 : index + 2] != "=":
            return index
    return None


def _uncommented(line: str) -> str:
    return re.sub(r"(?<!\\)#.*$", "", line)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines with a backslash at the end joined to the next, each with the number it starts on."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        pending = (pending[0], pending[1][:-1] + " " + line.lstrip()) if pending is not None else (number, line)
        if not pending[1].endswith("\\"):
            joined.append(pending)
            pending = None
    return [*joined, *([pending] if pending is not None else [])]


def read_makefile(text: str) -> Iterator[tuple[str, str, str]]:
    """The pieces make runs from a makefile's `text`: (where, "shell", command) for each recipe line and `$(shell
    …)` as expanded, and (where, "unknown", what) for what it works out in a way not followed here."""
    reader = _Reader()
    reader.read(text)
    languages = reader.languages(0)
    for number, recipe in reader.recipes:
        for line in reader.expand(recipe, number):
            for command in line.split("\n"):  # a `define`d variable of several lines: each a recipe line
                for language in languages:
                    reader.command(f"the recipe on line {number}", command, number, language)
    grouped: dict[tuple[str, str], list[str]] = {}  # the ways one line expands, judged as one piece
    for where, language, source in reader.found:
        grouped.setdefault((where, language), []).append(source)
    for (where, language), sources in grouped.items():
        if language == "unknown":
            yield from ((where, language, source) for source in sources)
        else:
            yield where, language, "\n".join(sources)
