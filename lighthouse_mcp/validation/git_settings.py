"""Git's settings files (`.git/config`, `~/.gitconfig`, `.gitmodules`) read as git reads them.

A section header may carry a setting on its own line (`[core] fsmonitor = x`), the old `[section.sub]` header names
a lower-cased subsection, names are case-blind, a value may be quoted, continued with a backslash at the end of a
line and followed by a `#` or `;` comment, and a name without `=` is set to true. What is read here is what git
would take, so a setting is not missed for being written in a form a line pattern does not expect.
"""

from __future__ import annotations

from collections.abc import Iterator

_ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "\\": "\\", '"': '"'}


def git_settings(text: str) -> Iterator[tuple[int, str, str]]:
    """Each setting as (line number, `section[.subsection].name`, value); section and name lower-cased."""
    section = ""
    text = text.removeprefix("\ufeff")  # git skips a byte order mark at the start
    index, line = 0, 1
    size = len(text)
    while index < size:
        char = text[index]
        if char == "\n":
            index, line = index + 1, line + 1
        elif char in " \t\r\f\v":
            index += 1
        elif char in "#;":
            end = text.find("\n", index)
            index = size if end < 0 else end
        elif char == "[":
            header, index = _header(text, index + 1)
            if header is None:
                return  # git stops reading a file at a header it cannot read
            section = header
        elif char.isalpha():
            start_line = line
            name, index = _name(text, index)
            value, index, line = _value(text, index, line)
            yield start_line, f"{section}.{name}" if section else name, value
        else:
            return  # git stops here too ("bad config line")


def _header(text: str, index: int) -> tuple[str | None, int]:
    """`[section]`, `[section "sub"]` or `[section.sub]`, from just after `[`; None when git could not read it."""
    end = index
    while end < len(text) and (text[end].isalnum() or text[end] in "-."):
        end += 1
    name = text[index:end].lower()
    if not name:
        return None, end
    if end < len(text) and text[end] == "]":  # `[section.sub]`, the old form, names its subsection lower-cased
        return name, end + 1
    while end < len(text) and text[end] in " \t":
        end += 1
    if end >= len(text) or text[end] != '"':
        return None, end
    sub: list[str] = []
    end += 1
    while end < len(text) and text[end] != '"':
        if text[end] == "\n":
            return None, end
        if text[end] == "\\" and end + 1 < len(text):
            end += 1
        sub.append(text[end])
        end += 1
    if end + 1 >= len(text) or text[end + 1] != "]":
        return None, end
    return f"{name}.{''.join(sub)}", end + 2


def _name(text: str, index: int) -> tuple[str, int]:
    end = index
    while end < len(text) and (text[end].isalnum() or text[end] == "-"):
        end += 1
    return text[index:end].lower(), end


def _value(text: str, index: int, line: int) -> tuple[str, int, int]:
    """The value after a name (`true` when there is no `=`), up to the end of its line or its comment."""
    while index < len(text) and text[index] in " \t":
        index += 1
    if index >= len(text) or text[index] != "=":
        while index < len(text) and text[index] != "\n":
            index += 1  # a bare name (or what git would refuse): true
        return "true", index, line
    index += 1
    out: list[str] = []
    spaces = 0
    quoted = False
    while index < len(text):
        char = text[index]
        if char == "\n":
            break  # (inside quotes git refuses the file)
        if char in " \t" and not quoted:
            spaces += 1 if out else 0
            index += 1
            continue
        if char in "#;" and not quoted:
            while index < len(text) and text[index] != "\n":
                index += 1
            break
        out.extend(" " * spaces)
        spaces = 0
        if char == '"':
            quoted = not quoted
        elif char == "\\" and index + 1 < len(text):
            index += 1
            if text[index] == "\n":
                line += 1
            else:
                out.append(_ESCAPES.get(text[index], text[index]))
        else:
            out.append(char)
        index += 1
    return "".join(out), index, line
