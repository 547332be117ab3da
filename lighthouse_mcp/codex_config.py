"""Codex CLI's `config.toml`: one MCP server table (`[mcp_servers.NAME]`) put in, and whether hooks are turned off.

Python reads TOML (`tomllib`) but does not write it, and a person's `config.toml` holds comments and an order worth
keeping: so the file is edited as text. Only the lines of the server's own table (and tables under it) are taken
out, and the new table goes where the old one stood, or at the end. What comes out is read back and must say exactly
what the file said before, with the server's table as given; when it does not (the server set in another form, an
unusual layout), nothing is written and the error says what to add by hand.
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lighthouse_mcp.errors import DataError

Table = Mapping[str, str | list[str] | Mapping[str, str]]


def merge_mcp_server(path: Path, name: str, entry: Table) -> bool:
    """Add or replace `[mcp_servers.NAME]` in the TOML file `path` (created when missing), keeping every other line.
    Returns True when the file changed; DataError, with nothing written, when it cannot be done safely."""
    text = _read(path)
    document = _parse(path, text)
    servers = document.get("mcp_servers", {})
    if not isinstance(servers, dict):
        raise DataError(f"{path}: 'mcp_servers' must be a table; nothing was written")
    if servers.get(name) == entry:
        return False
    block = table_text(("mcp_servers", name), entry)
    lines = text.splitlines(keepends=True)
    spans = _table_spans(lines, name)
    if spans:
        start = spans[0][0]
        kept = [line for i, line in enumerate(lines) if not any(a <= i < b for a, b in spans)]
        at = start - sum(b - a for a, b in spans if b <= start)
        apart = "\n" if at < len(kept) and kept[at].strip() else ""  # a blank line before the table after it
        updated = "".join([*kept[:at], block, apart, *kept[at:]])
    else:
        head = text if not text or text.endswith("\n") else text + "\n"
        updated = head + ("\n" if head.strip() else "") + block
    expected = copy.deepcopy(document)
    expected.setdefault("mcp_servers", {})[name] = _plain(entry)
    try:
        written = tomllib.loads(updated)
    except tomllib.TOMLDecodeError:
        written = None
    if written != expected:
        raise DataError(
            f"{path}: cannot put [mcp_servers.{name}] in without changing what else the file says (is '{name}' set "
            f"there in another form?); nothing was written. Add this table by hand:\n{block}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(updated, encoding="utf-8")
    os.replace(tmp, path)
    return True


def hooks_turned_off(path: Path) -> bool:
    """Whether the TOML file `path` turns Codex CLI's hooks off (`[features] hooks = false`, or the older
    `codex_hooks = false`). A file that is missing or cannot be read turns nothing off."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    features = document.get("features")
    return isinstance(features, dict) and False in (features.get("hooks"), features.get("codex_hooks"))


def table_text(keys: tuple[str, ...], entry: Table) -> str:
    """`entry` as a TOML table under `keys`: strings, lists of strings, and tables of strings written inline."""
    lines = [f"[{'.'.join(_key(k) for k in keys)}]"]
    for key, value in entry.items():
        lines.append(f"{_key(key)} = {_value(value)}")
    return "\n".join(lines) + "\n"


def _value(value: str | list[str] | Mapping[str, str]) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_string(v)}" for k, v in value.items()) + " }"
    return "[" + ", ".join(_string(v) for v in value) + "]"


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _string(key)


def _string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _plain(entry: Table) -> dict[str, Any]:
    return {k: (v if isinstance(v, str) else dict(v) if isinstance(v, Mapping) else list(v)) for k, v in entry.items()}


_HEADER = re.compile(r"\s*\[")  # a table header, or an array of tables


def _table_spans(lines: list[str], name: str) -> list[tuple[int, int]]:
    """The line ranges of `[mcp_servers.NAME]` and the tables under it: from the header to the next header, less
    the blank and comment lines just before that one (they belong to what follows)."""
    mine = re.compile(
        r"\s*\[\s*(?:mcp_servers|\"mcp_servers\"|'mcp_servers')\s*\.\s*(?:"
        + "|".join(re.escape(form) for form in (name, f'"{name}"', f"'{name}'"))
        + r")\s*(?:\.[^\]]*)?\]\s*(?:#.*)?$"
    )
    spans = []
    for index, line in enumerate(lines):
        if not mine.match(line.rstrip("\r\n")):
            continue
        end = next((j for j in range(index + 1, len(lines)) if _HEADER.match(lines[j])), len(lines))
        while end > index + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        spans.append((index, end))
    return spans


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read it ({exc}); nothing was written") from exc


def _parse(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: not valid TOML ({exc}); fix or move it, nothing was written") from exc
