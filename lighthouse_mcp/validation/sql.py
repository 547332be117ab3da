"""What SQL does beyond the database: the programs it runs on the database server (`COPY … FROM PROGRAM`,
`xp_cmdshell`, `sys_exec`), the server's files it reads and writes (`COPY … TO '/path'`, `lo_import`, `pg_read_file`,
`INTO OUTFILE`, `LOAD DATA INFILE`, `ATTACH`, `VACUUM INTO`), the code it loads (`load_extension`), and the
SQL it runs as text (`EXECUTE 'literal'`, read again here; EXECUTE of text built when it runs is not known).

The statements are read as tokens: string literals (`'…'`, `E'…'`, `$tag$…$tag$`), words and punctuation, comments
skipped, so that a comment or a quoting changes nothing. A dollar-quoted body (`DO $$ … $$`, a function's) is read as
SQL too. Nothing here parses SQL fully: it finds the forms above, and nothing else is a fact."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_DEPTH = 4  # SQL read inside SQL (a body, an EXECUTE'd literal) at most this deep; deeper is not known
MAX_TOKENS = 20_000

_TOKEN = re.compile(
    r"""(?P<space>\s+)|(?P<line>--[^\n]*)|(?P<block>/\*.*?(?:\*/|\Z))"""
    r"""|(?P<dollar>\$(?P<tag>[A-Za-z_]\w*)?\$)"""
    r"""|(?P<estring>[eE]'(?:[^'\\]|\\.|'')*(?:'|\Z))|(?P<string>'(?:[^']|'')*(?:'|\Z))"""
    r"""|(?P<word>[A-Za-z_][\w$]*)|(?P<quoted>"(?:[^"]|"")*"|`[^`]*`)|(?P<other>.)""",
    re.S,
)


@dataclass
class SqlEffects:
    """What statements do beyond the database: (how, command) run as shell commands on the server, the files they
    read, write and load as code, and what in them is not known."""

    programs: list[tuple[str, str]] = field(default_factory=list)
    reads: list[tuple[str, str]] = field(default_factory=list)  # (how, path)
    writes: list[tuple[str, str]] = field(default_factory=list)
    loads: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Token:
    kind: str  # word | string | body | other
    text: str  # a word in lower case, a literal's value, a body's text, a punctuation character


def sql_effects(sql: str) -> SqlEffects:
    """What `sql` (one or more statements, or a client's script) does beyond the database."""
    effects = SqlEffects()
    _read(sql, effects, 0)
    return effects


def _tokens(sql: str) -> list[_Token]:
    tokens: list[_Token] = []
    at = 0
    while at < len(sql) and len(tokens) < MAX_TOKENS:
        match = _TOKEN.match(sql, at)
        if match is None:  # pragma: no cover - `other` matches any character
            break
        at = match.end()
        kind = match.lastgroup
        text = match.group()
        if kind == "dollar":
            end = sql.find(text, at)
            end = len(sql) if end == -1 else end
            tokens.append(_Token("body", sql[at:end]))
            at = end + len(text)
        elif kind == "string":
            tokens.append(_Token("string", text[1:-1].replace("''", "'") if text.endswith("'") else text[1:]))
        elif kind == "estring":
            value = text[2:-1] if text.endswith("'") else text[2:]
            tokens.append(_Token("string", re.sub(r"\\(.)", r"\1", value.replace("''", "'"))))
        elif kind == "word":
            tokens.append(_Token("word", text.lower()))
        elif kind in ("quoted", "other"):
            tokens.append(_Token("other", text))
    return tokens


def _literal(tokens: list[_Token], index: int) -> str | None:
    """The text of the literal at `index` (a string or a dollar-quoted one), or None."""
    if index < len(tokens) and tokens[index].kind in ("string", "body"):
        return tokens[index].text
    return None


def _read(sql: str, effects: SqlEffects, depth: int) -> None:
    if depth > MAX_DEPTH:
        effects.unknown.append("SQL nested in SQL deeper than Lighthouse reads")
        return
    tokens = _tokens(sql)
    for index, token in enumerate(tokens):
        if token.kind == "body":
            _read(token.text, effects, depth + 1)  # a DO block's or a function's body: statements too
        elif token.kind == "word":
            _statement_word(tokens, index, effects, depth)


def _statement_word(tokens: list[_Token], index: int, effects: SqlEffects, depth: int) -> None:
    word = tokens[index].text
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    if word == "copy" and not _after_backslash(tokens, index):
        _copy(tokens, index, effects)
    elif word in _FILE_FUNCTIONS and after is not None and after.text == "(":
        how, argument = _FILE_FUNCTIONS[word]
        path = _argument(tokens, index + 2, argument)
        target = {"read": effects.reads, "write": effects.writes, "load": effects.loads}[how]
        if path is not None:
            target.append((f"{word}()", path))
        else:
            effects.unknown.append(f"{word}() of a file named only when it runs")
    elif word in _RUNS_PROGRAM and after is not None:
        command = _literal(tokens, index + 2 if after.text == "(" else index + 1)
        if command is not None:
            effects.programs.append((word, command))
        else:
            effects.unknown.append(f"{word} of a command built when it runs")
    elif word in ("outfile", "dumpfile") and index and tokens[index - 1].text == "into":
        _file(tokens, index + 1, f"INTO {word.upper()}", effects.writes, effects)
    elif word == "infile" and _previous_words(tokens, index, 4) & {"data", "xml"}:
        _file(tokens, index + 1, "LOAD DATA INFILE", effects.reads, effects)
    elif word == "attach":
        at = index + 2 if after is not None and after.text == "database" else index + 1
        _file(tokens, at, "ATTACH", effects.writes, effects, quiet=True)
    elif word == "into" and index and tokens[index - 1].text == "vacuum":
        _file(tokens, index + 1, "VACUUM INTO", effects.writes, effects, quiet=True)
    elif word == "execute":
        _execute(tokens, index, effects, depth)


def _copy(tokens: list[_Token], index: int, effects: SqlEffects) -> None:
    """`COPY t FROM|TO 'file'`, `… PROGRAM 'cmd'` (STDIN and STDOUT stay with the client)."""
    level = 0
    for at in range(index + 1, len(tokens)):
        token = tokens[at]
        level += token.text == "(" and token.kind == "other"
        level -= token.text == ")" and token.kind == "other"
        if token.kind == "other" and token.text == ";" and level <= 0:
            return
        if level or token.kind != "word" or token.text not in ("from", "to"):
            continue
        direction = token.text.upper()
        if at + 1 < len(tokens) and tokens[at + 1].text == "program":
            command = _literal(tokens, at + 2)
            if command is None:
                effects.unknown.append(f"COPY … {direction} PROGRAM of a command built when it runs")
            else:
                effects.programs.append((f"COPY … {direction} PROGRAM", command))
        else:
            target = effects.reads if direction == "FROM" else effects.writes
            _file(tokens, at + 1, f"COPY … {direction}", target, effects, quiet=True)
        return


def _execute(tokens: list[_Token], index: int, effects: SqlEffects, depth: int) -> None:
    """`EXECUTE 'statement'` (PL/pgSQL, `EXECUTE IMMEDIATE`): the literal is read as SQL; text built when it runs
    (a variable, `format(…)`, a join) is not known. `EXECUTE name(…)` at the top level runs a prepared plan."""
    at = index + 1
    if at < len(tokens) and tokens[at].text == "immediate":
        at += 1
    literal = _literal(tokens, at)
    following = tokens[at + 1] if at + 1 < len(tokens) else None
    if literal is not None and (following is None or following.text in (";", "into", "using", "end")):
        _read(literal, effects, depth + 1)
    elif literal is not None or depth > 0:  # a join of pieces, or a variable inside a body
        shown = " ".join(t.text for t in tokens[at : at + 4])
        effects.unknown.append(f"EXECUTE of SQL built when it runs ({shown[:60]})")


def _file(
    tokens: list[_Token], at: int, how: str, into: list[tuple[str, str]], effects: SqlEffects, *, quiet: bool = False
) -> None:
    """The file named by the literal at `at`; one not given as a literal is not known (unless `quiet`: a keyword such
    as STDIN, or a name, says it is no file)."""
    path = _literal(tokens, at)
    if path is not None:
        into.append((how, path))
    elif not quiet:
        effects.unknown.append(f"{how} of a file named only when it runs")


def _argument(tokens: list[_Token], start: int, position: int) -> str | None:
    """The literal that is argument `position` (0-based) of a call whose arguments start at `start`, or None."""
    level = 0
    current = 0
    for at in range(start, len(tokens)):
        token = tokens[at]
        if token.kind == "other" and token.text == "(":
            level += 1
        elif token.kind == "other" and token.text == ")":
            if level == 0:
                return None
            level -= 1
        elif token.kind == "other" and token.text == "," and level == 0:
            current += 1
        elif current == position and level == 0:
            following = tokens[at + 1] if at + 1 < len(tokens) else None
            plain = following is None or following.text in (",", ")")
            return token.text if token.kind in ("string", "body") and plain else None
    return None


def _previous_words(tokens: list[_Token], index: int, count: int) -> set[str]:
    return {t.text for t in tokens[max(0, index - count) : index] if t.kind == "word"}


def _after_backslash(tokens: list[_Token], index: int) -> bool:
    """psql's `\\copy`: the client's own files, read and written as the user running psql, not the server's."""
    return index > 0 and tokens[index - 1].text == "\\"


# Functions that read, write or load a file, by name: what they do and which argument names it.
_FILE_FUNCTIONS = {
    "pg_read_file": ("read", 0),
    "pg_read_binary_file": ("read", 0),
    "lo_import": ("read", 0),
    "load_file": ("read", 0),
    "readfile": ("read", 0),
    "lo_export": ("write", 1),
    "pg_file_write": ("write", 0),
    "writefile": ("write", 0),
    "load_extension": ("load", 0),
}
# Procedures and functions that run their argument as a shell command on the server (SQL Server's, and the
# lib_mysqludf_sys functions).
_RUNS_PROGRAM = frozenset({"xp_cmdshell", "sys_exec", "sys_eval"})
