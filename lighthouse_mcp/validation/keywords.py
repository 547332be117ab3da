"""Where a pattern can start, found by literal keywords. A regular expression that has to be tried at every
position of a long text (an alternation, a `\\b`, a lookbehind) is slow in Python's engine; one Aho–Corasick pass
finds every keyword of a detector at once, and each pattern is then tried only where one of its keywords is. This
keeps scanning fast and linear in the length of the text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import ahocorasick

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def lowered(text: str) -> str:
    """`text` in lower case, position for position (the few characters whose lower case is longer are kept)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


class Hits:
    """Where each keyword occurs in one text."""

    def __init__(self, haystack: str, found: dict[str, list[int]]) -> None:
        self.haystack = haystack
        self.found = found

    def __bool__(self) -> bool:
        return bool(self.found)

    def any(self, keywords: Iterable[str]) -> bool:
        return any(k in self.found for k in keywords)

    def positions(self, keywords: Iterable[str], *, word_start: bool = False) -> list[int]:
        """Sorted positions of the given keywords; with `word_start`, only where no letter, digit or `_` is just
        before."""
        merged: set[int] = set()
        for key in keywords:
            merged.update(self.found.get(key, ()))
        if word_start:
            text = self.haystack
            merged = {p for p in merged if p == 0 or text[p - 1] not in _WORD_CHARS}
        return sorted(merged)


class Keywords:
    """A fixed set of literal keywords, all found in one pass over a text."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self.keywords = frozenset(keywords)
        self._automaton = ahocorasick.Automaton()
        for key in self.keywords:
            self._automaton.add_word(key, key)
        self._automaton.make_automaton()

    def find(self, haystack: str) -> Hits:
        found: dict[str, list[int]] = {}
        for end, key in self._automaton.iter(haystack):
            found.setdefault(key, []).append(end - len(key) + 1)
        return Hits(haystack, found)


def anchored(regex: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """Non-overlapping matches of `regex` that begin exactly at one of `starts` (ascending)."""
    end = -1
    for start in starts:
        if start < end:
            continue
        match = regex.match(text, start)
        if match is not None and match.end() > start:
            end = match.end()
            yield match
