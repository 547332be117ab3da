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


def _automaton(keywords: Iterable[str]) -> ahocorasick.Automaton | None:
    """An automaton of `keywords`, or None for no keywords (an empty one cannot be searched)."""
    automaton = ahocorasick.Automaton()
    for key in keywords:
        automaton.add_word(key, key)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


class Keywords:
    """A fixed set of literal keywords, all found in one pass over a text.

    Text that is all ASCII (most of it) is searched with only the keywords that are ASCII too: the others cannot
    occur in it, and every child of the automaton's root costs on every character (the hundreds of single Chinese,
    Japanese and Korean characters among the keywords made a pass several times slower). `shared`: sets searched
    over the same whole text are found together in one pass of a `SharedPass`, each keeping only its own words."""

    def __init__(self, keywords: Iterable[str], *, shared: SharedPass | None = None) -> None:
        self.keywords = frozenset(keywords)
        self._shared = shared
        if shared is not None:
            shared.add(self.keywords)
            return
        self._automaton = _automaton(self.keywords)
        ascii_keys = [key for key in self.keywords if key.isascii()]
        self._ascii = self._automaton if len(ascii_keys) == len(self.keywords) else _automaton(ascii_keys)

    def find(self, haystack: str) -> Hits:
        if self._shared is not None:
            every = self._shared.find(haystack)
            return Hits(haystack, {key: at for key, at in every.items() if key in self.keywords})
        found: dict[str, list[int]] = {}
        automaton = self._ascii if haystack.isascii() else self._automaton
        if automaton is not None:
            for end, key in automaton.iter(haystack):
                found.setdefault(key, []).append(end - len(key) + 1)
        return Hits(haystack, found)


class SharedPass:
    """The keywords of several `Keywords` sets, found in one pass over a text that each of them searches (the
    scanner's detectors each read the whole response once): the pass over a text is kept for the next few calls.
    What a set finds is exactly what a pass of its own would."""

    _KEPT = 4  # texts whose hits are kept
    _WORTH_KEEPING = 256  # characters

    def __init__(self) -> None:
        self._keys: set[str] = set()
        self._keywords: Keywords | None = None
        self._kept: dict[str, dict[str, list[int]]] = {}

    def add(self, keys: Iterable[str]) -> None:
        self._keys.update(keys)
        self._keywords = None
        self._kept = {}

    def find(self, haystack: str) -> dict[str, list[int]]:
        if self._keywords is None:
            self._keywords = Keywords(self._keys)
        if len(haystack) < self._WORTH_KEEPING:  # a sentence or a match: searched again, not kept
            return self._keywords.find(haystack).found
        kept = self._kept
        found = kept.get(haystack)
        if found is None:
            found = self._keywords.find(haystack).found
            if len(kept) >= self._KEPT:
                kept.pop(next(iter(kept), ""), None)
            kept[haystack] = found
        return found


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


# The sets each of the scanner's detectors searches its whole (lower-cased) response with.
RESPONSE = SharedPass()
