"""Code in text: fenced blocks (by their language tag, or guessed), shell prompts (`$ cmd`), inline code spans and
command-looking lines in prose. Each piece is judged by the same facts and rule packs that validate commands, as if
the agent ran it; a rule that would deny (or ask at high risk) makes it a `malicious_code` threat.
"""

from __future__ import annotations

import hashlib
import re
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

from cachetools import LRUCache

from lighthouse_mcp.validation.code_actions import parse_python, python_may_act
from lighthouse_mcp.validation.facts import facts_from_code
from lighthouse_mcp.validation.files import Context
from lighthouse_mcp.validation.keywords import RESPONSE, Hits, Keywords, lowered
from lighthouse_mcp.validation.packs import PackSet
from lighthouse_mcp.validation.threats import Threat
from lighthouse_mcp.vocabulary import RISK_RANK, Finding

_LANGUAGES = {
    **dict.fromkeys(("python", "py", "python3", "py3", "pycon", "ipython", "sage"), "python"),
    **dict.fromkeys(
        ("javascript", "js", "node", "nodejs", "mjs", "cjs", "jsx", "typescript", "ts", "tsx"), "javascript"
    ),
    **dict.fromkeys(("sh", "bash", "shell", "zsh", "ksh", "dash", "fish", "posix", "shellscript"), "shell"),
    **dict.fromkeys(("console", "shell-session", "terminal", "sh-session", "bash-session"), "console"),
    **dict.fromkeys(("powershell", "ps1", "pwsh", "ps", "posh"), "powershell"),
    **dict.fromkeys(("perl", "pl"), "perl"),
    **dict.fromkeys(("ruby", "rb"), "ruby"),
    **dict.fromkeys(("php",), "php"),
    **dict.fromkeys(("", "code"), "unknown"),
    **dict.fromkeys(("text", "txt", "plain", "plaintext", "output", "log", "json", "yaml", "toml", "diff"), "data"),
}
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([\w+#.-]*)")
_PROMPT = re.compile(r"^[ \t]*(?:\$|#|%|>|PS[^>\n]{0,40}>)[ \t]+(?=\S)")
_INLINE = re.compile(r"(?<!`)`([^`\n]{1,2000})`(?!`)")  # (short ones too, so the pairs stay in step)
# A line of prose worth reading as a command: it pipes into a shell, decodes and runs, opens a reverse shell, wipes.
_COMMAND_SIGNAL = re.compile(
    r"\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\b(?:curl|wget|iwr|Invoke-WebRequest|Invoke-Expression|iex)\b|"
    r"\brm\s+-[A-Za-z]*[rRf]|\bbase64\s+(?:-d|--decode)|/dev/tcp/|\bnc(?:at)?\s+-[a-z]*e|\bmkfs\b|\bdd\s+if=|"
    r":\(\)\s*\{|\bchmod\s+(?:-R\s+)?[0-7]*7{2}|\bpython[0-9.]*\s+-c\b|\bnode\s+-e\b|\bperl\s+-e\b|"
    r"\bpowershell\b|\beval\s|__import__|\bos\.system\b|\bsubprocess\b|\bexec\(",
    re.I,
)
# Literals one of which every command signal contains (found fast, then the line is checked with the pattern).
_SIGNAL_KEYS = (
    "|", "curl", "wget", "iwr", "invoke-", "iex", "rm -", "base64", "/dev/tcp/", "nc -", "ncat", "mkfs", "dd if=",
    ":()", "chmod", "python -c", "python3 -c", "python2 -c", "node -e", "perl -e", "powershell", "eval ",
    "__import__", "os.system", "subprocess", "exec(",
)  # fmt: skip
_SIGNALS = Keywords(_SIGNAL_KEYS, shared=RESPONSE)
_COMMAND_START = re.compile(
    r"(?:^|(?<=[\s:`'\"(]))(?:sudo\s+)?(?:curl|wget|rm|bash|sh|zsh|python[0-9.]*|node|perl|ruby|nc|ncat|powershell|"
    r"pwsh|iex|eval|dd|mkfs(?:\.\w+)?|chmod|find|base64|echo|printf|cat|tar|git|ssh|scp|bash|exec|import|"
    r"__import__|os\.system|subprocess)\b"
)
_PYTHON_HINT = re.compile(r"^\s*(?:import\s+\w|from\s+[\w.]+\s+import\b|def\s+\w+\(|class\s+\w+[:(]|print\()", re.M)
_JS_HINT = re.compile(r"\brequire\(|\bconst\s+\w|\blet\s+\w|=>|\bfunction\s*\w*\(|\bimport\s+.+\s+from\s+['\"]")
# Where a sentence goes on after a command in it: "… | sh and you're done", "… | sh. Then …".
_PROSE_END = re.compile(r"\s*-->|[.!?](?:\s|$)|\s(?:and|then|to|so|which|if|but|because|before|after|or\s+else)\s")
_POWERSHELL_HINT = re.compile(r"\b(?:iex|Invoke-\w+|New-Object|DownloadString|Start-Process)\b", re.I)
# Words before a command in a sentence that cite it as what not to do.
_WARNED = re.compile(
    r"\b(?:never|don'?t|do\s+not|avoid|shouldn'?t|should\s+not|must\s+not|mustn'?t|dangerous|destructive|"
    r"careful|warning|beware|not\s+to)\b",
    re.I,
)
# Words right before a command that cite it as what another command turns into: "… expands to `rm -rf /*`".
_BECOMES = re.compile(
    r"(?:\b(?:expands?\s+to|turns?\s+into|becomes?|would\s+become|ends?\s+up\s+as|resolves?\s+to|evaluates?\s+to|"
    r"se\s+convierte\s+en|se\s+vuelve|devient|se\s+transforme\s+en|wird\s+daraus|wird\s+zu|vira|se\s+torna|"
    r"diventa|si\s+trasforma\s+in|verandert\s+in)|превратится\s+в|станет|превращается\s+в|变成|になる|가\s+된다|"
    r"이\s+된다)\s*[:`'\"“«]*$",
    re.I,
)
MAX_PIECES = 200  # pieces of code judged per text; the rest are skipped (and said so)


@dataclass(frozen=True)
class Piece:
    """A piece of code found in a text: its language, its source and where it is."""

    language: str  # shell | python | javascript | perl | ruby | php | powershell | unknown
    source: str
    start: int  # span of the piece in the text
    end: int
    prose: bool = False  # taken from a line of prose, where the command may run into the sentence around it


def code_pieces(text: str) -> Iterator[Piece]:
    """Fenced blocks, then inline spans and command-looking lines in the prose between them. A text that is a
    Python program as a whole (a fetched `.py` file) is one piece of Python, and what its string literals hold is
    its data, not commands in prose: the program is judged for what it does with them."""
    blocks = fences(text)
    for start, end, tag, body in blocks:
        yield from _fenced(_LANGUAGES.get(tag, tag or "unknown"), body, start, end)
    signals = _SIGNALS.find(lowered(text))
    if not blocks and signals.found and _PYTHON_HINT.search(text):
        prose = list(_prose(text, 0, len(text), signals))
        data = python_data(text) if prose else None  # (only a text with something to judge is parsed)
        if data is not None:
            yield Piece("python", text, 0, len(text))
            prose = [piece for piece in prose if not _in_data(text, piece, data)]
        yield from prose
        return
    previous = 0
    for start, end, _, _ in [*blocks, (len(text), len(text), "", "")]:
        if start > previous:
            yield from _prose(text, previous, start, signals)
        previous = end


def _in_data(text: str, piece: Piece, data: list[tuple[int, int]]) -> bool:
    """The piece of prose is (part of) a string literal of the program, with no comment beside it on its line."""
    overlaps = sorted((max(s, piece.start), min(e, piece.end)) for s, e in data if s < piece.end and piece.start < e)
    if not overlaps:
        return False
    outside, position = [], piece.start
    for start, end in overlaps:
        outside.append(text[position:start])
        position = max(position, end)
    outside.append(text[position : piece.end])
    return "#" not in "".join(outside)


MAX_PROGRAM = 65_536  # characters of a text tried as a Python program


def python_data(text: str) -> list[tuple[int, int]] | None:
    """If `text` is a Python program (it parses, and holds a statement that is not a bare value), the spans of its
    string literals other than docstrings and bare strings (those are documentation, read as prose); else None."""
    if len(text) > MAX_PROGRAM:
        return None
    import ast  # only texts that look like Python need it

    tree = parse_python(text)
    if tree is None or not any(not isinstance(node, ast.Expr) for node in tree.body):
        return None
    bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:  # ast columns count UTF-8 bytes
        text_line = lines[line - 1] if line - 1 < len(lines) else ""
        return starts[line - 1] + len(text_line.encode("utf-8", "surrogatepass")[:column].decode("utf-8", "ignore"))

    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and id(node) not in bare and node.end_lineno is not None:
            if isinstance(node, ast.Constant) and not isinstance(node.value, str):
                continue
            spans.append((offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset or 0)))
    return spans


def fences(text: str) -> list[tuple[int, int, str, str]]:
    """Fenced code blocks: (start, end, language tag, body); an unclosed fence runs to the end of the text."""
    blocks = []
    lines = text.splitlines(keepends=True)
    position = index = 0
    while index < len(lines):
        fence = _FENCE.match(lines[index])
        if not fence:
            position += len(lines[index])
            index += 1
            continue
        marker, tag = fence.group(1), fence.group(2).lower()
        start = position
        position += len(lines[index])
        index += 1
        body_start = position
        while index < len(lines):
            stripped = lines[index].strip()
            if stripped.startswith(marker) and not stripped.strip(marker[0]):
                break
            position += len(lines[index])
            index += 1
        body = text[body_start:position]
        if index < len(lines):  # the closing fence
            position += len(lines[index])
            index += 1
        blocks.append((start, position, tag, body))
    return blocks


def _fenced(language: str, body: str, start: int, end: int) -> Iterator[Piece]:
    if language == "console" or (language in ("shell", "unknown") and _PROMPT.match(body)):
        commands = [_PROMPT.sub("", line, count=1) for line in body.splitlines() if _PROMPT.match(line)]
        yield Piece("shell", "\n".join(commands), start, end)
    elif language == "unknown":
        if _PYTHON_HINT.search(body):
            yield Piece("python", body, start, end)
        elif _JS_HINT.search(body):
            yield Piece("javascript", body, start, end)
        yield Piece("shell", body, start, end)
    elif language in ("shell", "python", "javascript", "perl", "ruby", "php", "powershell"):
        yield Piece(language, body, start, end)


def _prose(text: str, start: int, end: int, signals: Hits) -> Iterator[Piece]:
    """Inline code spans and lines that carry a command signal (`signals`: where they are in the whole text), in
    prose between fences."""
    hits = [
        at - start
        for key, positions in signals.found.items()
        for at in positions
        if start <= at and at + len(key) <= end
    ]
    if not hits:
        return
    chunk = text[start:end]
    for match in _INLINE.finditer(chunk):
        if _COMMAND_SIGNAL.search(match.group(1)):
            yield from _guess(match.group(1), start + match.start(), start + match.end())
    line_starts = sorted({chunk.rfind("\n", 0, hit) + 1 for hit in hits})
    for line_start in line_starts:
        line_end = chunk.find("\n", line_start)
        line = chunk[line_start : line_end if line_end != -1 else len(chunk)].rstrip("\r")
        # the line without its code spans, each judged on its own above where it stands (`… expands to `rm -rf /*``)
        line = _INLINE.sub(
            lambda span: " " * len(span.group()) if _COMMAND_SIGNAL.search(span.group(1)) else span.group(), line
        )
        if len(line) > 4000 or not _COMMAND_SIGNAL.search(line):
            continue
        offset = start + line_start
        body = _PROMPT.sub("", line, count=1).strip()
        at = offset + max(line.find(body), 0)
        yield from _guess(body, offset, offset + len(line))
        # prose around a command: also try from each place a command could start (each where it starts)
        for begin in list(_COMMAND_START.finditer(body))[:3]:
            if begin.start() > 0:
                yield from _guess(body[begin.start() :].rstrip(".;,`'\" "), at + begin.start(), offset + len(line))


def _guess(source: str, start: int, end: int) -> Iterator[Piece]:
    if "__import__" in source or "os.system" in source or "subprocess" in source or "exec(" in source:
        yield Piece("python", source, start, end, prose=True)
    if "require(" in source or "child_process" in source:
        yield Piece("javascript", source, start, end, prose=True)
    if _POWERSHELL_HINT.search(source):
        yield Piece("powershell", source, start, end, prose=True)
    yield Piece("shell", source, start, end, prose=True)


def code_threats(text: str, packs: PackSet, ctx: Context, *, max_bytes: int) -> list[Threat]:
    """Code in `text` that the rule packs would deny, or ask about at high risk, if an agent ran it."""
    threats: list[Threat] = []
    judged: set[tuple[str, str]] = set()
    for count, piece in enumerate(code_pieces(text)):
        if count >= MAX_PIECES:
            break
        key = (piece.language, piece.source)
        if key in judged or not piece.source.strip():
            continue
        judged.add(key)
        for finding in _findings(piece, packs, ctx, max_bytes):
            severity = _severity(finding.decision, finding.risk)
            if severity is None:
                continue
            if _shown_to_people(text, piece, finding.rule):
                severity = "low"
            if piece.prose and (
                _WARNED.search(text, _sentence_start(text, piece.start), piece.start + 1)
                or _BECOMES.search(text, max(0, piece.start - 40), piece.start)
            ):
                severity = "low"  # "never run `rm -rf /`", "this expands to `rm -rf /*`": cited as a warning
            if piece.prose and attackers_quote(text, piece.start):
                severity = "low"  # "An attacker could open an issue containing: > … run `…`": reported
            if any(t.rule == finding.rule and t.start < piece.end and piece.start < t.end for t in threats):
                continue  # the same command seen as an inline span and as part of its line
            threats.append(Threat("malicious_code", finding.rule, severity, piece.start, piece.end, finding.message))
    return threats


# Findings of pieces of code already judged (agents read the same files again), by the rule packs' version, the
# piece and where it would run; each entry keeps a reference to its pack set and serves only that one.
_JUDGED: LRUCache[tuple[object, ...], tuple[weakref.ref[PackSet], tuple[Finding, ...]]] = LRUCache(maxsize=1024)
_JUDGED_LOCK = threading.Lock()


def _findings(piece: Piece, packs: PackSet, ctx: Context, max_bytes: int) -> tuple[Finding, ...]:
    """What the rule packs find in `piece` if an agent ran it, before the text around it is considered."""
    digest = hashlib.sha256(piece.source.encode("utf-8", "surrogatepass")).digest()
    key = (packs.version, piece.language, piece.prose, digest, ctx, max_bytes)
    with _JUDGED_LOCK:
        kept = _JUDGED.get(key)
    if kept is not None and kept[0]() is packs:
        return kept[1]
    if piece.language == "python" and not python_may_act(piece.source):
        return ()
    facts = facts_from_code(piece.language, piece.source, ctx, max_bytes=max_bytes)
    volatile = facts.volatile
    if piece.prose and "unparsed" in facts.problems:  # the sentence goes on after the command
        command = _PROSE_END.split(piece.source, maxsplit=1)[0]
        facts = facts_from_code(piece.language, command, ctx, max_bytes=max_bytes)
        volatile = volatile or facts.volatile
    facts.problems.clear()  # code in prose is often a fragment; only what it plainly does counts
    findings = tuple(packs.match(facts))
    if not volatile:  # judged by what is on disk now: judged again next time
        with _JUDGED_LOCK:
            _JUDGED[key] = (weakref.ref(packs), findings)
    return findings


# Who a quotation is attributed to, when it is an attacker's: in the line that introduces it.
_ATTACKER = re.compile(
    r"\b(?:attack\w*|malicious|payloads?|exploit\w*|adversar\w*|inject\w*|planted|phishing|atacante\w*|ataque\w*|"
    r"malicios\w*|attaqu\w*|malveillant\w*|Angreifer\w*|Angriff\w*|bösartig\w*|schädlich\w*|attaccant\w*|"
    r"malevol\w*|dannos\w*|aanval\w*|kwaadaardig\w*)|злоумышленник\w*|атак\w*|вредонос\w*|攻击|恶意|攻撃|悪意|"
    r"공격|악성",
    re.I,
)


def attackers_quote(text: str, position: int) -> bool:
    """`position` is in a quotation (a `>` line, or quotes on its line) that the line before it, or its own line
    before the quote, introduces as an attacker's: `An attacker could open an issue containing:`."""
    line_start = text.rfind("\n", 0, position) + 1
    line = text[line_start:position]
    if text[line_start : position + 1].lstrip().startswith(">"):
        lead = line_start - 1  # the introduction: the end of the paragraph above the quoted block
        while lead > 0:
            above = text.rfind("\n", 0, lead) + 1
            content = text[above:lead].strip()
            if content and not content.startswith(">"):
                paragraph = text.rfind("\n\n", max(0, lead - _INTRODUCTION), lead)
                return _ATTACKER.search(text, max(paragraph, lead - _INTRODUCTION, 0), lead) is not None
            lead = above - 1
            if line_start - lead > _QUOTE_REACH:
                break
        return False
    quote = max(line.rfind(q) for q in '"“«„「')
    return (
        quote > 0 and sum(line.count(q) for q in '"“”«»„「」') % 2 == 1 and _ATTACKER.search(line, 0, quote) is not None
    )


_QUOTE_REACH = 600  # how far above a quoted block its introduction is looked for
_INTRODUCTION = 200  # how much of the paragraph before a quoted block introduces it


def _sentence_start(text: str, position: int) -> int:
    return max(text.rfind(". ", 0, position), text.rfind("\n", 0, position), position - 200, 0)


# Rules that judge what code would do if an agent ran it, where documents for people show such code all the time:
# an installer piped into a shell, deleting a cache, apt's lists or a build tree, dropping a development database,
# force-pushing, changing a cluster, starting a service, adding a line to ~/.bashrc. In a text these are low (the
# hook judges the command if the agent runs it) unless the paragraph around the code speaks to an automated reader
# or tells it to leave the user out (`_AGENT_DIRECTED`). Every other rule keeps its risk in a text, as does any rule
# a project adds: their matches are attacks however a text frames them (secrets sent out, shells on sockets, code
# that hides what it runs, a home or the root wiped, Lighthouse's own files).
_FOR_PEOPLE_TOO = (
    "rce.download-and-run", "fs.delete-system", "fs.delete-top-level", "fs.delete-home-directory",
    "fs.delete-project-root", "fs.delete-broad-glob", "fs.delete-broad-find", "cloud.", "k8s.", "helm.", "docker.",
    "iac.", "db.", "disk.", "git.", "perm.", "persist.startup-files", "persist.services", "persist.crontab",
    "publish.", "system.", "tool.writes-harmful-code",
)  # fmt: skip


_AROUND = 400
# An automated reader, by name (`AI agents`, `the assistant`, `automated operators`, `bots`, `Claude`), or the user
# left out (`without asking`, `no human sign-off`, `don't tell the user`), in the eleven languages the scanner reads.
_AGENT_DIRECTED = re.compile(
    r"\b(?:AI|A\.I\.|LLMs?|KI|IA|ИИ)\b|\b(?:assistants?|agents?|bots?|(?:language\s+)?models?|copilot|claude|chatgpt|"
    r"gpt[\w.-]*|codex|gemini|automat(?:ed|ic|ion)|automatis\w*|automatiz\w*|automatic\w*|automatisch\w*|"
    r"asistentes?|assistentes?|assistenti|assistenten?|agentes?|agenti|agenten|modèles?|modelos?|modell[eo]?)\b|"
    r"ассистент\w*|агент\w*|бот\w*|модел\w*|автоматич\w*|助手|助理|代理|智能体|机器人|人工智能|模型|自动|"
    r"アシスタント|エージェント|ボット|モデル|自動|어시스턴트|에이전트|봇|모델|자동|"
    r"\bwithout\s+(?:asking|confirm\w*|approval|telling|notifying|review)|\bno\s+(?:human|need\s+to\s+(?:ask|confirm|tell))|"
    r"\bsign-?off\b|\b(?:do\s+not|don'?t|never)\s+(?:tell|show|mention|inform|notify|ask)\b|"
    r"\bsin\s+(?:pedir|preguntar|avisar|confirm\w*)|\bsans\s+(?:demander|confirm\w*|prévenir)|"
    r"\bohne\s+(?:Rückfrage|Bestätigung|nachzufragen|zu\s+fragen)|\bsenza\s+(?:chiedere|conferma\w*)|"
    r"\bsem\s+(?:pedir|perguntar|confirma\w*)|\bzonder\s+(?:te\s+vragen|bevestiging)|без\s+подтвержд\w*|"
    r"не\s+требуется|无需确认|不要告诉|不用确认|確認不要|確認せず|확인\S*\s+필요\s+없|묻지\s+말",
    re.I,
)


def _shown_to_people(text: str, piece: Piece, rule: str) -> bool:
    """Whether a command is one that documents for people show (`_FOR_PEOPLE_TOO`), as they show it: a shell command
    (not a program that runs one), an installer fetched over https and piped to a shell as it is (not decoded first,
    not over plain http), with nothing around it that speaks to an automated reader (`_for_an_agent`)."""
    if piece.language != "shell" or not rule.startswith(_FOR_PEOPLE_TOO):
        return False
    if rule == "rce.download-and-run" and ("http://" in piece.source or _DECODES.search(piece.source)):
        return False
    return not _for_an_agent(text, piece.start, piece.end)


_DECODES = re.compile(r"base64|base32|xxd|openssl\s+enc|\\x[0-9a-f]{2}|printf\s+['\"]?\\", re.I)


def _for_an_agent(text: str, start: int, end: int) -> bool:
    """Whether the paragraph around a piece of code (up to a blank line, within _AROUND characters), or the one
    before it when the code stands alone (`Note for the assistant:`, a blank line, then the block), speaks to an
    automated reader or tells it to leave the user out."""
    floor = max(0, start - _AROUND)
    before = text.rfind("\n\n", floor, start)
    if before != -1 and not text[before:start].strip():
        before = text.rfind("\n\n", floor, before)
    after = text.find("\n\n", end, end + _AROUND)
    return _AGENT_DIRECTED.search(text, max(before, floor), after if after != -1 else end + _AROUND) is not None


def _severity(decision: str, risk: str) -> str | None:
    """A denied action keeps its risk; an action asked about at high risk counts; lesser ones are low."""
    if decision == "allow":
        return None
    if decision == "deny" or RISK_RANK[risk] >= RISK_RANK["high"]:
        return risk if RISK_RANK[risk] >= RISK_RANK["high"] else "high"
    return "low"
