"""Text that hides what it says: Unicode tag characters, zero-width characters, bidi controls and look-alike letters.

`reveal` returns the text a person (or a pattern) should judge — invisible characters removed, look-alikes mapped to
the letters they imitate — together with where the removed characters were, so findings point back at the original.
`hidden_threats` reports the hiding itself, with the hidden text decoded.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from lighthouse_mcp.validation.threats import Threat

TAG_RUN = re.compile("[\U000e0000-\U000e007f]+")
# Characters that render as nothing (zero-width, joiners, soft hyphen, word joiner, BOM, …) and bidi controls.
INVISIBLE = re.compile(
    "[\U000e0000-\U000e007f\u200b\u200c\u200d\u2060-\u2064\ufeff\u180e\u00ad\u034f\u17b4\u17b5"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]+"
)
# Zero-width characters between two letters or digits split a word so patterns (and people) miss it.
_SPLITTING = re.compile("(?<=[A-Za-z0-9])[\u200b\u200c\u200d\u2060-\u2064\ufeff\u180e\u00ad\u034f]+(?=[A-Za-z0-9])")
# Explicit embeddings, overrides and isolates reorder what is displayed ("Trojan Source"); LRM/RLM marks do not.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]+")

# Letters from other scripts that look like Latin ones, and fullwidth forms: mapped one character to one.
_CONFUSABLES = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "һ": "h",
    "ո": "n", "ս": "u", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "α": "a", "ε": "e", "ι": "i", "κ": "k",
    "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z",
    "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    "ℓ": "l", "ı": "i",
}  # fmt: skip
_CONFUSABLES.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})  # fullwidth ASCII
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)
_CONFUSABLE_CHARS = re.compile("[" + "".join(re.escape(c) for c in _CONFUSABLES) + "]")
_LATIN = re.compile(r"[A-Za-z]")
# Look-alikes that are Latin letters themselves (Turkish `ı`, the script `ℓ`, `ɡ`): mapped for matching, but a
# word written with them is not hiding anything.
_NON_LATIN = re.compile("[\u0370-\u03ff\u0400-\u052f\u0530-\u058f]")  # Greek, Cyrillic, Armenian
_OTHER_SCRIPT = re.compile("[" + "".join(re.escape(c) for c in _CONFUSABLES if c not in "ıℓɡ") + "]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_WORD_OR_LETTER = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Revealed:
    """The text as it reads once hidden characters are out and look-alikes are mapped."""

    text: str
    removed: list[int] = field(default_factory=list)  # positions, in the original, of removed characters; sorted

    def original(self, position: int) -> int:
        """Where the character at `position` of the revealed text is in the original."""
        mapped = position
        while True:  # every removed character at or before the mapped position shifts it right by one
            shifted = position + bisect.bisect_right(self.removed, mapped)
            if shifted == mapped:
                return mapped
            mapped = shifted

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the revealed span [start, end)."""
        if not self.removed:
            return start, end
        return self.original(start), self.original(end - 1) + 1 if end > start else self.original(start)


def reveal(text: str) -> Revealed:
    """Read `\\uXXXX` escapes as the letters they spell (JSON as most programs write it), remove invisible
    characters and map look-alikes; plain ASCII text comes back untouched, cheaply. A word is mapped when it mixes
    Latin letters with look-alikes, or is made only of look-alikes on a line that is mostly Latin (`іgnоrе`,
    `ѕуѕtеm`); words of a text written in Cyrillic or Greek are left as they are."""
    escaped: list[int] = []
    if "\\u" in text:
        text, escaped = _unescaped(text)
    if text.isascii():
        return Revealed(text, escaped)
    removed = [m.start() + i for m in INVISIBLE.finditer(text) for i in range(m.end() - m.start())]
    stripped = INVISIBLE.sub("", text) if removed else text
    if escaped:  # the invisible ones by where they are in the text as given
        removed = sorted([*escaped, *(Revealed(text, escaped).original(p) for p in removed)])
    if not _CONFUSABLE_CHARS.search(stripped):
        return Revealed(stripped, removed)
    return Revealed("\n".join(_mapped_line(line) for line in stripped.split("\n")), removed)


_ESCAPE = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u([0-9a-f]{4})", re.I)


def _unescaped(text: str) -> tuple[str, list[int]]:
    """`text` with each `\\uXXXX` (and each surrogate pair of them) as the character it spells, where that is a
    character (a lone surrogate stays as written); and the positions of the escapes' other characters, removed."""
    out: list[str] = []
    removed: list[int] = []
    last = 0
    for match in _ESCAPE.finditer(text):
        high, low, single = match.groups()
        code = 0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00) if high else int(single, 16)
        if 0xD800 <= code <= 0xDFFF:
            continue
        out.append(text[last : match.start()])
        out.append(chr(code))
        removed.extend(range(match.start() + 1, match.end()))
        last = match.end()
    if not removed:
        return text, []
    out.append(text[last:])
    return "".join(out), removed


def _mapped_line(line: str) -> str:
    if not _CONFUSABLE_CHARS.search(line):
        return line
    latin = len(_LATIN.findall(line))
    foreign = sum(1 for c in line if c.isalpha() and not c.isascii())
    latin_line = latin > foreign

    def one(match: re.Match[str]) -> str:
        word = match.group()
        if not _CONFUSABLE_CHARS.search(word):
            return word
        only_lookalikes = all(c in _CONFUSABLES or c.isascii() for c in word)
        fullwidth = any("\uff01" <= c <= "\uff5e" for c in word)  # ASCII in another width, never a script
        if _LATIN.search(word) or fullwidth or (only_lookalikes and latin_line):
            return word.translate(_CONFUSABLE_TABLE)
        return word

    return _WORD_OR_LETTER.sub(one, line)


def decode_tags(hidden: str) -> str:
    """Unicode tag characters spell ASCII (U+E0041 is 'A'); what they say."""
    return "".join(chr(ord(c) - 0xE0000) for c in hidden if 0xE0020 <= ord(c) <= 0xE007E)


def hidden_threats(text: str) -> list[Threat]:
    """The hiding itself: tag-character messages, words split by zero-width characters, bidi reordering and words
    that mix Latin letters with look-alikes. Each carries the hidden text, decoded, as its detail."""
    if text.isascii():
        return []
    threats = [
        Threat(
            "prompt_injection",
            "hidden.tag-characters",
            "high",
            m.start(),
            m.end(),
            f"invisible Unicode tag characters spelling: {decode_tags(m.group())!r}",
            replacement="",
        )
        for m in TAG_RUN.finditer(text)
    ]
    covered = 0  # a word split in several places is reported once
    for m in _SPLITTING.finditer(text):
        if m.start() < covered:
            continue
        start, end = _word_around(text, m.start(), m.end())
        covered = end
        word = INVISIBLE.sub("", text[start:end])
        threats.append(
            Threat(
                "prompt_injection",
                "hidden.zero-width",
                "medium",
                start,
                end,
                f"zero-width characters split the word {word!r}",
                replacement=word,
            )
        )
    threats.extend(
        Threat(
            "prompt_injection",
            "hidden.bidi",
            "medium",
            m.start(),
            m.end(),
            "bidirectional control characters make the text display in a different order than it reads",
            replacement="",
        )
        for m in _BIDI.finditer(text)
    )
    if _CONFUSABLE_CHARS.search(text):
        for m in _WORD.finditer(text):
            word = m.group()
            imitated = word.translate(_CONFUSABLE_TABLE)
            # a word that reads as Latin once mapped; `ПомощникHR` (Russian with a Latin suffix) imitates nothing
            if _LATIN.search(word) and _OTHER_SCRIPT.search(word) and not _NON_LATIN.search(imitated):
                threats.append(
                    Threat(
                        "prompt_injection",
                        "hidden.homoglyphs",
                        "medium",
                        m.start(),
                        m.end(),
                        f"letters from another script imitate Latin ones: reads as {imitated!r}",
                        replacement=imitated,
                    )
                )
    return threats


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole word (letters, digits and hidden characters) around a hidden run."""
    while start > 0 and (text[start - 1].isalnum() or INVISIBLE.match(text, start - 1)):
        start -= 1
    while end < len(text) and (text[end].isalnum() or INVISIBLE.match(text, end)):
        end += 1
    return start, end
