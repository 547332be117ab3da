"""Per-project suppressions of scan findings: one exact finding (rule id and fingerprint), with the reason it is
not a threat. Other findings of the same rule still count.

The file is `.lighthouse/suppressions.yaml`, a list of entries; `lighthouse scan --suppress` appends to it:

    - rule: secret.assignment
      fingerprint: "5f0c2a9e41b7d3c8"
      reason: "the test fixture's fake token"
      added: "2026-11-27T17:50:00Z"
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lighthouse_mcp.errors import ConfigError, UsageError

_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")
_RULE = re.compile(r"^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)+$")
MAX_REASON = 500


@dataclass(frozen=True)
class Suppression:
    """An accepted finding: the rule and fingerprint it silences, and why."""

    rule: str
    fingerprint: str
    reason: str
    added: str = ""


class Suppressions:
    """The suppressions in force, looked up by (rule, fingerprint)."""

    def __init__(self, entries: list[Suppression] | None = None) -> None:
        self.entries = list(entries or [])
        self._index = {(e.rule, e.fingerprint): e for e in self.entries}

    def get(self, rule: str, fingerprint: str) -> Suppression | None:
        return self._index.get((rule, fingerprint))

    def __len__(self) -> int:
        return len(self.entries)


def load_suppressions(path: Path) -> Suppressions:
    """The file's suppressions; none when it does not exist. A malformed file is a ConfigError naming the entry."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Suppressions()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read suppressions: {exc}") from exc
    if not text.strip():
        return Suppressions()
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}".replace("\n", " ")) from exc
    if data is None:
        return Suppressions()
    if not isinstance(data, list):
        raise ConfigError(f"{path}: expected a list of suppressions, not {type(data).__name__}")
    entries = []
    for number, item in enumerate(data, start=1):
        where = f"{path}: suppression {number}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a mapping with rule, fingerprint and reason")
        unknown = set(item) - {"rule", "fingerprint", "reason", "added"}
        if unknown:
            raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        try:
            rule, fingerprint, reason = check_entry(item.get("rule"), item.get("fingerprint"), item.get("reason"))
        except UsageError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
        entries.append(Suppression(rule, fingerprint, reason, str(item.get("added") or "")))
    return Suppressions(entries)


def check_entry(rule: object, fingerprint: object, reason: object) -> tuple[str, str, str]:
    """A suppression names a rule id, a 16-hex-digit fingerprint and a reason; anything else is a UsageError."""
    if not isinstance(rule, str) or not _RULE.match(rule):
        raise UsageError(f"rule must be a rule id such as secret.assignment, not {rule!r}")
    if not isinstance(fingerprint, str) or not _FINGERPRINT.match(fingerprint):
        raise UsageError(f"fingerprint must be the 16 hex digits a scan reports, in quotes, not {fingerprint!r}")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        raise UsageError(f"reason must say why this finding is not a threat (1 to {MAX_REASON} characters)")
    return rule, fingerprint, reason.strip()


def add_suppression(path: Path, rule: str, fingerprint: str, reason: str) -> Suppression:
    """Append a suppression to the file (comments and other entries are kept); an existing one is an error."""
    rule, fingerprint, reason = check_entry(rule, fingerprint, reason)
    current = load_suppressions(path)
    if current.get(rule, fingerprint):
        raise UsageError(f"{rule} {fingerprint} is already suppressed in {path}")
    entry = Suppression(rule, fingerprint, reason, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    block = (
        f'- rule: {entry.rule}\n  fingerprint: "{entry.fingerprint}"\n'
        f"  reason: {json.dumps(entry.reason, ensure_ascii=False)}\n  added: {json.dumps(entry.added)}\n"
    )
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if existing and not existing.endswith("\n"):
        block = "\n" + block
    with path.open("a", encoding="utf-8") as handle:
        handle.write(block)
    return entry


class SuppressionFile:
    """A project's suppressions, re-read when the file changes. A broken file suppresses nothing (every finding
    is reported) and says why through `on_error`."""

    def __init__(self, path: Path | None, on_error: Callable[[str], None] | None = None) -> None:
        self.path = path
        self.on_error = on_error
        self._stamp: tuple[int, int] | None = None
        self._current = Suppressions()

    def current(self) -> Suppressions:
        if self.path is None:
            return self._current
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (0, 0)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._current = load_suppressions(self.path) if stamp != (0, 0) else Suppressions()
            except ConfigError as exc:
                self._current = Suppressions()
                if self.on_error:
                    self.on_error(f"{exc}; no finding is suppressed until it is fixed")
        return self._current
