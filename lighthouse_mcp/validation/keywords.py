"""Where a pattern can start, found by literal keywords. `str.find` runs at memory speed; a regular expression that
has to be tried at every position of a long text (an alternation, a `\\b`, a lookbehind) does not. Scanners find
their keywords first and try their patterns only there, which keeps scanning linear and fast."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def lowered(text: str) -> str:
    """`text` in lower case, position for position (the few characters whose lower case is longer are kept)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def contains_any(haystack: str, keywords: Iterable[str]) -> bool:
    return any(k in haystack for k in keywords)


def positions(haystack: str, keywords: Iterable[str], *, word_start: bool = False) -> list[int]:
    """Sorted positions where one of `keywords` occurs; with `word_start`, only where no letter, digit or `_` is
    just before."""
    found: set[int] = set()
    for key in keywords:
        index = haystack.find(key)
        while index != -1:
            if not word_start or index == 0 or haystack[index - 1] not in _WORD_CHARS:
                found.add(index)
            index = haystack.find(key, index + 1)
    return sorted(found)


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
