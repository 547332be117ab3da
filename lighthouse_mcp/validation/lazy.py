"""Regular expressions compiled when first used. A hook process decides one call and exits: compiling every
module-level pattern on import cost it more than the decision itself, and most calls need few of them. A process
that forks one child per request (the hook server) compiles them all once instead (`compile_all`)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

_ALL: list[LazyPattern] = []


class LazyPattern:
    """A pattern as `re.compile(pattern, flags)` would give it, compiled at its first use."""

    __slots__ = ("_args", "_regex")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._regex: re.Pattern[str] | None = None
        _ALL.append(self)

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(*self._args)
        return self._regex

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.fullmatch(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text, pos, endpos)

    def findall(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.regex.findall(text, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str, count: int = 0) -> str:
        return self.regex.sub(repl, text, count)


def compile_all() -> int:
    """Compile every lazy pattern of the modules imported so far; returns how many there are."""
    for pattern in _ALL:
        pattern.regex  # noqa: B018 — compiling is the point
    return len(_ALL)
