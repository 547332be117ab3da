"""A shell parser good enough to know what a command line will run.

It reads POSIX/bash syntax into lists, pipelines and commands: quoting and escapes (including `$'…'`), parameter
and command substitution (`$VAR`, `${…}`, `$(…)`, backticks), process substitution, arithmetic, redirections,
heredocs and here-strings, subshells and groups, `if`/`for`/`while`/`case` bodies, function bodies and brace
expansion. Words keep their parts, so a later stage can resolve variables it knows and see which parts it cannot.

It never runs anything. Input it cannot read raises `ShellSyntaxError` with the position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

MAX_DEPTH = 24
MAX_BRACE_WORDS = 256
MAX_WORDS = 2500  # per parse, nested parts included: more is not a command anyone needs analysed word by word
MAX_BRACE_GROUPS = 32  # in one word; bash itself would expand more into millions of words

PartKind = Literal["lit", "var", "param", "cmd", "arith", "tilde", "glob"]


class ShellSyntaxError(ValueError):
    """The text is not a command line this parser can read."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at offset {position}")
        self.position = position


class ShellTooComplex(ShellSyntaxError):
    """The text has more words than the parser will analyse."""


@dataclass
class Part:
    """A piece of a word: literal text, a variable, a substitution…; `quoted` when inside quotes."""

    kind: PartKind
    value: str
    quoted: bool = False
    script: Script | None = None  # for `cmd` parts
    inner: list[Script] = field(default_factory=list)  # for `param` and `arith` parts: substitutions inside them


@dataclass
class Word:
    """A shell word: its parts and the text it was parsed from."""

    parts: list[Part]
    raw: str

    @property
    def literal(self) -> str | None:
        """The word's value if it has only literal parts (tildes and globs unexpanded), else None."""
        if all(p.kind in ("lit", "tilde", "glob") for p in self.parts):
            return "".join(("~" + p.value) if p.kind == "tilde" else p.value for p in self.parts)
        return None

    @property
    def text(self) -> str:
        """The word with literal parts unquoted and everything else as written (`$HOME`, `$(…)`)."""
        out = []
        for p in self.parts:
            if p.kind == "tilde":
                out.append("~" + p.value)
            elif p.kind == "var":
                out.append("$" + p.value)
            else:
                out.append(p.value)
        return "".join(out)

    def substitutions(self) -> list[Script]:
        return [p.script for p in self.parts if p.kind == "cmd" and p.script is not None]


def embedded_scripts(text: str) -> list[Script]:
    """The command substitutions in `text` read as a shell would read it inside double quotes: those of a value
    stored to run later (`x='a[$(cmd)]'`, `p='$(cmd)'; "${p@P}"`). Text that does not parse has none."""
    try:
        return _Parser(text, 0, [0]).inside(text)
    except (ShellSyntaxError, RecursionError):
        return []


@dataclass
class Redirect:
    """A redirection, with a heredoc's body."""

    op: str  # '>', '>>', '<', '<<', '<<-', '<<<', '>&', '<&', '&>', '&>>', '>|', '<>'
    fd: int | None
    target: Word
    body: str | None = None  # heredoc body
    body_literal: bool = True  # False when the heredoc delimiter was unquoted (the body expands)
    body_scripts: list[Script] = field(default_factory=list)  # substitutions inside an expanding heredoc


@dataclass
class Simple:
    """A simple command: assignments, words and redirections."""

    assignments: list[tuple[str, Word]]
    words: list[Word]
    redirects: list[Redirect]
    process_subs: list[tuple[str, Script]] = field(default_factory=list)


@dataclass
class Compound:
    """A subshell `( … )`, a group `{ …; }` or the body of if/for/while/case/functions."""

    kind: str
    body: Script
    redirects: list[Redirect] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)  # words a loop or test evaluates
    variable: str | None = None  # a `for` loop's variable


Command = Simple | Compound


@dataclass
class Pipeline:
    """Commands joined by pipes."""

    commands: list[Command]
    negated: bool = False
    background: bool = False


@dataclass
class Script:
    """A list of pipelines; `ops[i]` joins pipeline i to i+1 (`;`, `&&`, `||`, `&`, newline)."""

    pipelines: list[Pipeline]
    ops: list[str]


# Only space, tab and newline separate words, as in bash: a carriage return or a form feed is part of a word.
_PLAIN = re.compile(r"""[^ \t\n'"\\$`;&|()<>*?\[{}#=~]+""")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\+?=)")
_REDIR = re.compile(r"(\d{1,4})?(&>>|&>|>>|>\||>&|<<<|<<-|<<|<&|<>|>|<)")
_BRACE = re.compile(r"\{[^{}]*\}")
_SEPARATOR_WORDS = frozenset({"then", "else", "elif", "do"})
_SIMPLE_WORD = re.compile(r"""[^ \t\n'"\\$`;&|()<>*?\[{}#~=]+(?=[ \t\n;&|()<>]|$)""")
_BLANKS = re.compile(r"[ \t]+")
_TILDE = re.compile(r"~([A-Za-z0-9_.-]*)(?=/|$|[ \t\n;&|)])")
_ANSI = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def parse(text: str) -> Script:
    """Parse a whole command line (or script)."""
    parser = _Parser(text, 0, [0])
    script = parser.parse_list(closer=None)
    if parser.i < len(text):
        raise ShellSyntaxError(f"unexpected {text[parser.i]!r}", parser.i)
    return script


class _Parser:
    def __init__(self, text: str, depth: int, words: list[int]) -> None:
        if depth > MAX_DEPTH:
            raise ShellSyntaxError("commands nested too deeply", 0)
        self.s = text
        self.n = len(text)
        self.i = 0
        self.depth = depth
        self.words = words  # shared with nested parsers: one count for the whole text
        self.pending_heredocs: list[tuple[Redirect, str, bool]] = []

    # -- lists and pipelines ---------------------------------------------------------------------------------

    def parse_list(self, closer: str | None, *, in_case: bool = False) -> Script:
        """Pipelines joined by operators, until `closer` (')', '}', a keyword) or the end."""
        pipelines: list[Pipeline] = []
        ops: list[str] = []
        while True:
            self.skip_blank(newlines=True)
            if self.i >= self.n or self.at_closer(closer) or (in_case and self.at_case_terminator()):
                break
            pipelines.append(self.parse_pipeline())
            self.skip_blank(newlines=False)
            op = self.list_operator()
            if op is None:
                if in_case and self.at_case_terminator():
                    break
                if self.i < self.n and not self.at_closer(closer):
                    if self.s[self.i] == ")":
                        raise ShellSyntaxError("unmatched ')'", self.i)
                    raise ShellSyntaxError(f"unexpected {self.s[self.i]!r}", self.i)
                break
            if op == "&":
                pipelines[-1].background = True
            ops.append(op)
        if len(ops) == len(pipelines) and ops:
            ops.pop()  # a trailing ';' or '&' joins nothing
        return Script(pipelines, ops)

    def at_case_terminator(self) -> bool:
        return self.s.startswith((";;", ";&"), self.i) or self.word_is("esac")

    def at_closer(self, closer: str | None) -> bool:
        if closer is None:
            return False
        if closer == ")":
            return self.s.startswith(")", self.i)
        if closer == "`":
            return self.s.startswith("`", self.i)
        # keyword closers: '}', 'fi', 'done', 'esac', ';;' — only at a word boundary
        if self.s.startswith(closer, self.i):
            end = self.i + len(closer)
            return end >= self.n or self.s[end] in " \t\n;&|)"
        return False

    def list_operator(self) -> str | None:
        s, i = self.s, self.i
        for op in ("&&", "||", ";;&", ";;", ";&"):
            if s.startswith(op, i):
                if op.startswith(";;") or op == ";&":
                    return None  # case terminators end the list; the case parser consumes them
                self.i += len(op)
                return op
        if i < self.n and s[i] in ";&\n":
            if s[i] == "&" and s.startswith("&>", i):
                return None
            self.i += 1
            if s[i] == "\n":
                self.read_heredocs()
            return s[i]
        return None

    def parse_pipeline(self) -> Pipeline:
        negated = False
        self.skip_words(_SEPARATOR_WORDS)
        while self.word_is("!") or self.word_is("time"):
            negated = negated or self.word_is("!")
            self.i += 1 if self.word_is("!") else 4
            self.skip_blank(newlines=False)
            if self.s.startswith("-p", self.i) and self.word_ends(self.i + 2):
                self.i += 2
                self.skip_blank(newlines=False)
        commands = [self.parse_command()]
        while True:
            self.skip_blank(newlines=False)
            if self.s.startswith("||", self.i):
                break
            if self.s.startswith("|&", self.i):
                self.i += 2
            elif self.s.startswith("|", self.i):
                self.i += 1
            else:
                break
            self.skip_blank(newlines=True)
            commands.append(self.parse_command())
        return Pipeline(commands, negated)

    def skip_words(self, words: frozenset[str]) -> None:
        """Skip keywords that only separate parts of if/while/until (`then`, `else`, `do`…)."""
        while True:
            self.skip_blank(newlines=True)
            for word in words:
                if self.word_is(word):
                    self.i += len(word)
                    break
            else:
                return

    # -- commands --------------------------------------------------------------------------------------------

    def parse_command(self) -> Command:
        self.skip_blank(newlines=False)
        s, i = self.s, self.i
        if i >= self.n:
            raise ShellSyntaxError("missing command", i)
        if s.startswith("((", i):
            return self.arith_command()
        if s[i] == "(":
            self.i += 1
            body = self.nested_list(")")
            self.expect(")")
            return Compound("subshell", body, self.trailing_redirects())
        if self.word_is("{"):
            self.i += 1
            body = self.nested_list("}")
            self.expect("}")
            return Compound("group", body, self.trailing_redirects())
        if self.word_is("[["):
            return self.test_command()
        for keyword, handler in (
            ("case", self.case_command),
            ("for", self.for_command),
            ("select", self.for_command),
            ("function", self.function_command),
        ):
            if self.word_is(keyword):
                return handler()
        for keyword in ("if", "while", "until"):
            if self.word_is(keyword):
                return self.keyword_block(keyword)
        return self.simple_command()

    def nested_list(self, closer: str) -> Script:
        return self.sub(closer)

    def keyword_block(self, keyword: str) -> Compound:
        """if/while/until … fi/done: every condition and body runs, so all of it is one list."""
        end = "fi" if keyword == "if" else "done"
        self.i += len(keyword)
        body = self.parse_list(closer=end)
        if not self.at_closer(end):
            raise ShellSyntaxError(f"'{keyword}' without '{end}'", self.i)
        self.i += len(end)
        return Compound(keyword, body, self.trailing_redirects())

    def for_command(self) -> Compound:
        self.i += 3 if self.word_is("for") else 6
        self.skip_blank(newlines=False)
        words: list[Word] = []
        variable = None
        if self.s.startswith("((", self.i):
            self.arith_command()
        else:
            variable = self.read_word().literal  # the loop variable
            self.skip_blank(newlines=True)
            if self.word_is("in"):
                self.i += 2
                while True:
                    self.skip_blank(newlines=False)
                    if self.i >= self.n or self.s[self.i] in ";\n":
                        break
                    words.append(self.read_word())
        self.skip_blank(newlines=False)
        if self.i < self.n and self.s[self.i] in ";\n":
            self.i += 1
        self.skip_blank(newlines=True)
        if not self.word_is("do"):
            if self.word_is("{"):
                group = self.parse_command()
                assert isinstance(group, Compound)
                return Compound("for", group.body, group.redirects, words, variable)
            raise ShellSyntaxError("'for' without 'do'", self.i)
        self.i += 2
        body = self.parse_list(closer="done")
        self.expect_word("done")
        return Compound("for", body, self.trailing_redirects(), words, variable)

    def case_command(self) -> Compound:
        self.i += 4
        self.skip_blank(newlines=False)
        subject = self.read_word()
        self.skip_blank(newlines=True)
        self.expect_word("in")
        pipelines: list[Pipeline] = []
        ops: list[str] = []
        while True:
            self.skip_blank(newlines=True)
            if self.word_is("esac"):
                self.i += 4
                break
            if self.i >= self.n:
                raise ShellSyntaxError("'case' without 'esac'", self.i)
            if self.s[self.i] == "(":
                self.i += 1
            while True:  # patterns: a | b | c )
                self.skip_blank(newlines=False)
                self.read_word()
                self.skip_blank(newlines=False)
                if self.s.startswith("|", self.i):
                    self.i += 1
                    continue
                self.expect(")")
                break
            body = self.parse_list(closer="esac", in_case=True)
            pipelines += body.pipelines
            ops += body.ops
            self.skip_blank(newlines=True)
            for terminator in (";;&", ";;", ";&"):
                if self.s.startswith(terminator, self.i):
                    self.i += len(terminator)
                    break
        while len(ops) < len(pipelines) - 1:
            ops.append(";")
        return Compound("case", Script(pipelines, ops), self.trailing_redirects(), [subject])

    def function_command(self) -> Compound:
        self.i += 8
        self.skip_blank(newlines=False)
        name = self.read_word()
        self.skip_blank(newlines=False)
        if self.s.startswith("()", self.i):
            self.i += 2
        return self.function_body(name)

    def function_body(self, name: Word) -> Compound:
        """The body of `name() …` / `function name …`; `words` holds the name."""
        self.skip_blank(newlines=True)
        body = self.parse_command()
        script = body.body if isinstance(body, Compound) else Script([Pipeline([body])], [])
        return Compound("function", script, [], [name])

    def test_command(self) -> Compound:
        """`[[ … ]]`: only its words matter (substitutions inside still run)."""
        self.i += 2
        words = []
        while True:
            self.skip_blank(newlines=True)
            if self.i >= self.n:
                raise ShellSyntaxError("'[[' without ']]'", self.i)
            if self.word_is("]]"):
                self.i += 2
                break
            if self.s[self.i] in "()|&<>!":
                self.i += 1 + (self.s.startswith(("&&", "||"), self.i))
                continue
            words.append(self.read_word())
        return Compound("test", Script([], []), self.trailing_redirects(), words)

    def arith_command(self) -> Compound:
        end = self.matching_parens(self.i + 2, 2)
        raw = self.s[self.i : end]
        self.i = end
        part = Part("arith", raw, inner=self.inside(raw[2:-2]))
        return Compound("arith", Script([], []), self.trailing_redirects(), [Word([part], raw)])

    def inside(self, text: str) -> list[Script]:
        """Command substitutions inside a `${…}` operand or an arithmetic expression (`${x:-$(cmd)}`,
        `$(( $(cmd) ))`): they run when it is expanded."""
        if "$(" not in text and "`" not in text:
            return []
        parts = _Parser(text, self.depth + 1, self.words).double_quoted(None)
        return [script for part in parts for script in ([part.script] if part.script else part.inner)]

    def simple_command(self) -> Command:
        assignments: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        process_subs: list[tuple[str, Script]] = []
        while True:
            self.skip_blank(newlines=False)
            if self.i >= self.n:
                break
            c = self.s[self.i]
            if c in ";&|\n" and not self.s.startswith(("&>", "&>>"), self.i):
                break
            if c == ")":
                break
            if c in "<>" and self.s.startswith(("<(", ">("), self.i):
                word = self.process_substitution()
                script = word.parts[0].script
                assert script is not None
                process_subs.append((word.raw[0], script))
                words.append(word)
                continue
            redirect = self.try_redirect()
            if redirect is not None:
                redirects.append(redirect)
                continue
            if c == "(" and words:
                if self.s.startswith("()", self.i) and len(words) == 1:  # name() { body }
                    self.i += 2
                    return self.function_body(words[0])
                raise ShellSyntaxError("unexpected '('", self.i)
            if c == "(":
                raise ShellSyntaxError("unexpected '('", self.i)
            if not words and (match := _ASSIGN.match(self.s, self.i)):
                assignments.append(self.assignment(match))
                continue
            words.extend(self.next_words())
        if not words and not assignments and not redirects:
            raise ShellSyntaxError("missing command", self.i)
        self.count_word()
        return Simple(assignments, words, redirects, process_subs)

    def assignment(self, match: re.Match[str]) -> tuple[str, Word]:
        """`NAME=value` (or an array, `NAME=(a b)`) at the start of a command."""
        self.i = match.end()
        if self.s.startswith("(", self.i):
            end = self.matching_parens(self.i + 1, 1)
            raw = self.s[self.i : end]
            self.i = end
            return match.group(1), Word([Part("lit", raw)], raw)
        word = self.read_word(allow_empty=True, inside=True)  # `x=#`: a `#` here starts no comment
        if match.group(2) == "+=":  # `c+=' -rf'` is `c="$c"' -rf'`
            word = Word([Part("var", match.group(1), quoted=True), *word.parts], word.raw)
        return match.group(1), word

    def next_words(self) -> list[Word]:
        """The next word (several after brace expansion), counted against the budget."""
        match = _SIMPLE_WORD.match(self.s, self.i)
        if match:  # the common case, one plain literal: skip the general word reader
            self.i = match.end()
            text = match.group()
            found = [Word([Part("lit", text)], text)]
        else:
            found = brace_expand(self.read_word())
        self.count_word()
        return found

    def count_word(self) -> None:
        """Count one more word (or command) against the budget of the whole parse."""
        self.words[0] += 1
        if self.words[0] > MAX_WORDS:
            raise ShellTooComplex(f"more than {MAX_WORDS} words", self.i)

    def trailing_redirects(self) -> list[Redirect]:
        redirects: list[Redirect] = []
        while True:
            self.skip_blank(newlines=False)
            redirect = self.try_redirect()
            if redirect is None:
                return redirects
            redirects.append(redirect)

    def try_redirect(self) -> Redirect | None:
        match = _REDIR.match(self.s, self.i)
        if match is None:
            return None
        if match.group(1) is None and match.group(2) in ("<", ">") and self.s.startswith("(", match.end()):
            return None  # process substitution
        fd = int(match.group(1)) if match.group(1) else None
        op = match.group(2)
        self.i = match.end()
        self.skip_blank(newlines=False)
        if self.i >= self.n or self.s[self.i] in ";|&\n":
            raise ShellSyntaxError(f"redirection '{op}' without a target", self.i)
        target = self.process_substitution() if self.s.startswith(("<(", ">("), self.i) else self.read_word()
        redirect = Redirect(op, fd, target)
        if op in ("<<", "<<-"):
            quoted = any(p.quoted for p in target.parts) or "\\" in target.raw
            self.pending_heredocs.append((redirect, target.literal or target.text, quoted))
        elif op == "<<<":
            redirect.body = target.literal if target.literal is not None else target.text
        return redirect

    def read_heredocs(self) -> None:
        """After a newline: the bodies of the heredocs opened on the line just ended, in order."""
        while self.pending_heredocs:
            redirect, delimiter, quoted = self.pending_heredocs.pop(0)
            strip_tabs = redirect.op == "<<-"
            lines = []
            while self.i < self.n:
                end = self.s.find("\n", self.i)
                line = self.s[self.i : end if end >= 0 else self.n]
                self.i = end + 1 if end >= 0 else self.n
                check = line.lstrip("\t") if strip_tabs else line
                if check == delimiter:
                    break
                lines.append(check)
            body = "\n".join(lines)
            redirect.body = body
            redirect.body_literal = quoted
            if not quoted and ("$(" in body or "`" in body):
                expanding = _Parser(body, self.depth + 1, self.words)
                parts = expanding.double_quoted(terminator=None)
                redirect.body_scripts = [p.script for p in parts if p.kind == "cmd" and p.script is not None]

    # -- words -----------------------------------------------------------------------------------------------

    def process_substitution(self) -> Word:
        """`<(…)` or `>(…)`: a word whose value is a file the nested list reads or writes."""
        start = self.i
        self.i += 2
        script = self.nested_list(")")
        self.expect(")")
        return Word([Part("cmd", self.s[start : self.i], script=script)], self.s[start : self.i])

    def read_word(self, allow_empty: bool = False, inside: bool = False) -> Word:
        """The word from here; `inside`: it goes on a word begun before it (an assignment's value), where a `#` is
        a character like any other rather than the start of a comment."""
        start = self.i
        comment_at = -1 if inside else start
        parts: list[Part] = []
        s, n = self.s, self.n
        if self.i < n and s[self.i] == "~":
            match = _TILDE.match(s, self.i)
            if match:
                parts.append(Part("tilde", match.group(1)))
                self.i = match.end()
        while self.i < n:
            c = s[self.i]
            if c in " \t\n;&|()<>":
                break
            if c == "#" and self.i == comment_at:
                break
            match = _PLAIN.match(s, self.i)
            if match:
                parts.append(Part("lit", match.group()))
                self.i = match.end()
                continue
            parts.extend(self.special_part(c))
        if not parts and not allow_empty:
            raise ShellSyntaxError("expected a word", self.i)
        return Word(parts or [Part("lit", "")], s[start : self.i])

    def special_part(self, c: str) -> list[Part]:
        """The part of a word that starts with the special character `c` at the current position."""
        s = self.s
        if c == "\\":
            escaped = s[self.i + 1 : self.i + 2]
            self.i += 2
            return [] if escaped == "\n" else [Part("lit", escaped, quoted=True)]  # a newline continues the line
        if c == "'":
            end = s.find("'", self.i + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated single quote", self.i)
            part = Part("lit", s[self.i + 1 : end], quoted=True)
            self.i = end + 1
            return [part]
        if c == '"':
            self.i += 1
            return self.double_quoted('"')
        if c == "$":
            return [self.dollar(quoted=False)]
        if c == "`":
            return [self.backtick(quoted=False)]
        self.i += 1
        return [Part("glob" if c in "*?[" else "lit", c)]  # '{', '}', '=', '~', '#' inside a word are literal

    def double_quoted(self, terminator: str | None) -> list[Part]:
        """Text up to `terminator` (or the end, for a heredoc body) where `$…` and backquotes expand."""
        parts: list[Part] = []
        s, n = self.s, self.n
        buf: list[str] = []
        while True:
            if self.i >= n:
                if terminator is None:
                    break
                raise ShellSyntaxError("unterminated double quote", self.i)
            c = s[self.i]
            if c == terminator:
                self.i += 1
                break
            if c == "\\" and self.i + 1 < n and s[self.i + 1] in '$`"\\\n':
                if s[self.i + 1] != "\n":
                    buf.append(s[self.i + 1])
                self.i += 2
                continue
            if c in "$`":
                if buf:
                    parts.append(Part("lit", "".join(buf), quoted=True))
                    buf = []
                parts.append(self.dollar(quoted=True) if c == "$" else self.backtick(quoted=True))
                continue
            end = self.i + 1
            while end < n and s[end] not in '"\\$`':
                end += 1
            if terminator is None and end < n and s[end] == '"':
                end += 1
            buf.append(s[self.i : end])
            self.i = end
        if buf or not parts:
            parts.append(Part("lit", "".join(buf), quoted=True))
        return parts

    def dollar(self, quoted: bool) -> Part:
        s, i = self.s, self.i
        nxt = s[i + 1] if i + 1 < self.n else ""
        if nxt == "'" and not quoted:
            value, end = _ansi_c(s, i + 2)
            self.i = end
            return Part("lit", value, quoted=True)
        if nxt == '"' and not quoted:
            self.i += 2
            parts = self.double_quoted('"')
            return parts[0] if len(parts) == 1 else Part("lit", "".join(p.value for p in parts), quoted=True)
        if s.startswith("$((", i):
            end = self.matching_parens(i + 3, 2)
            self.i = end
            return Part("arith", s[i:end], quoted, inner=self.inside(s[i + 3 : end - 2]))
        if nxt == "(":
            self.i = i + 2
            script = self.sub(")")
            self.expect(")")
            return Part("cmd", s[i : self.i], quoted, script)
        if nxt == "{":
            end = self.matching_brace(i + 2)
            self.i = end
            inner = s[i + 2 : end - 1]
            name = _NAME.fullmatch(inner)
            return Part("var", inner, quoted) if name else Part("param", s[i:end], quoted, inner=self.inside(inner))
        match = _NAME.match(s, i + 1)
        if match:
            self.i = match.end()
            return Part("var", match.group(), quoted)
        if nxt and nxt in "@*#?$!-0123456789":
            self.i = i + 2
            return Part("var", nxt, quoted)
        self.i = i + 1
        return Part("lit", "$", quoted)

    def backtick(self, quoted: bool) -> Part:
        start = self.i
        j = self.i + 1
        buf = []
        while True:
            if j >= self.n:
                raise ShellSyntaxError("unterminated backquote", start)
            c = self.s[j]
            if c == "\\" and j + 1 < self.n and self.s[j + 1] in "`$\\":
                buf.append(self.s[j + 1])
                j += 2
                continue
            if c == "`":
                break
            buf.append(c)
            j += 1
        self.i = j + 1
        inner = _Parser("".join(buf), self.depth + 1, self.words)
        script = inner.parse_list(closer=None)
        if inner.i < inner.n:
            raise ShellSyntaxError("unexpected text inside backquotes", start)
        return Part("cmd", self.s[start : self.i], quoted, script)

    def sub(self, closer: str) -> Script:
        """A nested list in the same text (for `$(…)`), one level deeper."""
        if self.depth + 1 > MAX_DEPTH:
            raise ShellSyntaxError("commands nested too deeply", self.i)
        self.depth += 1
        try:
            return self.parse_list(closer)
        finally:
            self.depth -= 1

    def matching_parens(self, start: int, count: int) -> int:
        """End index after `count` closing parentheses that balance the text from `start`."""
        depth = count
        j = start
        while j < self.n:
            c = self.s[j]
            if c == "\\":
                j += 2
                continue
            if c in "'\"":
                end = self.s.find(c, j + 1)
                if end < 0:
                    raise ShellSyntaxError("unterminated quote", j)
                j = end + 1
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        raise ShellSyntaxError("unbalanced parentheses", start)

    def matching_brace(self, start: int) -> int:
        depth = 1
        j = start
        while j < self.n:
            c = self.s[j]
            if c == "\\":
                j += 2
                continue
            if c in "'\"":
                end = self.s.find(c, j + 1)
                if end < 0:
                    raise ShellSyntaxError("unterminated quote", j)
                j = end + 1
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        raise ShellSyntaxError("unterminated '${'", start)

    # -- small helpers ---------------------------------------------------------------------------------------

    def skip_blank(self, newlines: bool) -> None:
        s, n = self.s, self.n
        match = _BLANKS.match(s, self.i)
        if match:
            self.i = match.end()
        while self.i < n:
            c = s[self.i]
            if c in " \t" or (c == "\\" and s.startswith("\\\n", self.i)):
                self.i += 1 if c != "\\" else 2
            elif c == "\n" and newlines:
                self.i += 1
                self.read_heredocs()
            elif c == "#":
                end = s.find("\n", self.i)
                self.i = n if end < 0 else end
            else:
                break

    def word_is(self, word: str) -> bool:
        return self.s.startswith(word, self.i) and self.word_ends(self.i + len(word))

    def word_ends(self, j: int) -> bool:
        return j >= self.n or self.s[j] in " \t\n;&|()<>"

    def expect(self, token: str) -> None:
        self.skip_blank(newlines=True)
        if not self.s.startswith(token, self.i):
            raise ShellSyntaxError(f"expected {token!r}", self.i)
        self.i += len(token)

    def expect_word(self, word: str) -> None:
        self.skip_blank(newlines=True)
        if not self.word_is(word):
            raise ShellSyntaxError(f"expected '{word}'", self.i)
        self.i += len(word)


def _ansi_c(s: str, i: int) -> tuple[str, int]:
    """Decode `$'…'` from just after the opening quote; returns (value, index after the closing quote)."""
    out: list[str] = []
    n = len(s)
    while i < n:
        c = s[i]
        if c == "'":
            return "".join(out), i + 1
        if c == "\\" and i + 1 < n:
            e = s[i + 1]
            if e in _ANSI:
                out.append(_ANSI[e])
                i += 2
                continue
            for prefix, length, base in (("x", 2, 16), ("u", 4, 16), ("U", 8, 16)):
                if e == prefix:
                    digits = re.match(f"[0-9a-fA-F]{{1,{length}}}", s[i + 2 :])
                    if digits:
                        code = int(digits.group(), base)
                        out.append(chr(code) if code <= 0x10FFFF else "\ufffd")
                        i += 2 + len(digits.group())
                        break
            else:
                octal = re.match(r"[0-7]{1,3}", s[i + 1 :])
                if octal:
                    out.append(chr(int(octal.group(), 8)))
                    i += 1 + len(octal.group())
                else:
                    out.append("\\" + e)
                    i += 2
            continue
        out.append(c)
        i += 1
    raise ShellSyntaxError("unterminated $'…' string", i)


def brace_expand(word: Word) -> list[Word]:
    """Bash brace expansion of unquoted literal words: `{rm,-rf,/}` is three words, `/{etc,usr}` two."""
    if not any(p.kind == "lit" and not p.quoted and "{" in p.value for p in word.parts):
        return [word]
    if any(p.quoted or p.kind not in ("lit", "glob", "tilde") for p in word.parts):
        return [word]
    if word.text.count("{") > MAX_BRACE_GROUPS:
        raise ShellTooComplex(f"a word with more than {MAX_BRACE_GROUPS} brace groups", 0)
    texts = _expand_text(word.text)
    if len(texts) <= 1 and (not texts or texts[0] == word.text):
        return [word]
    tilde = word.parts[0] if word.parts[0].kind == "tilde" else None
    words = []
    for text in texts[:MAX_BRACE_WORDS]:
        if text == "":
            continue
        if tilde is not None and text.startswith("~" + tilde.value):
            rest = text[1 + len(tilde.value) :]
            words.append(Word([Part("tilde", tilde.value), Part("lit", rest)], text))
        else:
            words.append(Word([Part("lit", text)], text))
    return words


def _expand_text(text: str) -> list[str]:
    match = _find_brace(text)
    if match is None:
        return [text]
    start, end, alternatives = match
    out: list[str] = []
    for alt in alternatives:
        for expanded in _expand_text(text[:start] + alt + text[end:]):
            out.append(expanded)
            if len(out) >= MAX_BRACE_WORDS:
                return out
    return out


def _find_brace(text: str) -> tuple[int, int, list[str]] | None:
    for match in _BRACE.finditer(text):
        inner = match.group()[1:-1]
        if "," in inner:
            return match.start(), match.end(), inner.split(",")
        seq = re.fullmatch(r"(-?\d{1,6})\.\.(-?\d{1,6})", inner)
        if seq:
            a, b = int(seq.group(1)), int(seq.group(2))
            step = 1 if b >= a else -1
            values = [str(v) for v in range(a, b + step, step)][:MAX_BRACE_WORDS]
            return match.start(), match.end(), values
        letters = re.fullmatch(r"([A-Za-z])\.\.([A-Za-z])", inner)
        if letters:
            a, b = ord(letters.group(1)), ord(letters.group(2))
            step = 1 if b >= a else -1
            return match.start(), match.end(), [chr(v) for v in range(a, b + step, step)]
    return None
