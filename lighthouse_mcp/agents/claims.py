"""File claims: an agent reserves paths or globs in the project for a while, and other agents' writes there are
denied by the validator (the Rego rule `claims.held-by-another-agent`), not just advised against.

Claims are events (`files.claimed`, `files.released`), so every process sees them and `state_at` shows the claims
at any point in the past. A claim ends when released or when its time is up.
"""

from __future__ import annotations

import posixpath
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.events.follow import Follower
from lighthouse_mcp.events.ids import new_id
from lighthouse_mcp.events.model import Event, NewEvent, iso_time

MAX_PATTERNS = 100
MAX_PATTERN_CHARS = 1024
MAX_TTL_S = 24 * 3600
MAX_REASON = 500
_GLOB_CHARS = "*?["


@dataclass(frozen=True)
class Claim:
    """An agent's claim on paths of the project, until a time."""

    id: str
    agent: str
    patterns: tuple[str, ...]  # absolute, inside the project
    until_ns: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "claim_id": self.id,
            "agent": self.agent,
            "patterns": list(self.patterns),
            "until": iso_time(self.until_ns),
            "reason": self.reason,
        }


def new_claim(
    agent: str, paths: Any, ttl_s: Any, reason: Any, *, root: str, cwd: str | None = None, now_ns: int | None = None
) -> Claim:
    """A checked claim; anything malformed (no paths, paths outside the project, the whole project, a TTL that is
    not 1 s to 24 h, no reason) raises DataError naming it."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    if isinstance(ttl_s, bool) or not isinstance(ttl_s, int) or not 1 <= ttl_s <= MAX_TTL_S:
        raise DataError(f"ttl_s must be a whole number of seconds from 1 to {MAX_TTL_S}, not {ttl_s!r}")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        raise DataError(f"reason must say why the files are claimed (1 to {MAX_REASON} characters)")
    patterns = claim_patterns(paths, root=root, cwd=cwd or root)
    return Claim("clm_" + new_id(now_ns).lower(), agent, patterns, now_ns + ttl_s * 1_000_000_000, reason.strip())


def claim_patterns(paths: Any, *, root: str, cwd: str) -> tuple[str, ...]:
    """Paths or globs made absolute against `cwd`, each inside the project `root` and none covering all of it."""
    if isinstance(paths, str) or not isinstance(paths, Sequence) or not paths:
        raise DataError("paths must be a non-empty list of paths or globs")
    if len(paths) > MAX_PATTERNS:
        raise DataError(f"at most {MAX_PATTERNS} paths or globs per claim, not {len(paths)}")
    root = posixpath.normpath(root)
    out: list[str] = []
    for item in paths:
        if not isinstance(item, str) or not item.strip() or len(item) > MAX_PATTERN_CHARS or "\x00" in item:
            raise DataError(f"each path must be a non-empty string of at most {MAX_PATTERN_CHARS} characters")
        pattern = posixpath.normpath(posixpath.join(cwd, item.strip()))
        if pattern != root and not pattern.startswith(root.rstrip("/") + "/"):
            raise DataError(f"{item!r} is outside the project ({root}); only project files can be claimed")
        literal = _literal_prefix(pattern)
        if literal.rstrip("/") == root.rstrip("/") and (pattern == root or any(c in pattern for c in _GLOB_CHARS)):
            raise DataError(f"{item!r} claims the whole project; claim the files or folders you will change")
        if "**" in pattern.replace("/**/", "/").removesuffix("/**"):
            raise DataError(f"{item!r}: '**' may only stand for whole folders (a/**/b.py, src/**)")
        if pattern not in out:
            out.append(pattern)
    return tuple(out)


def _literal_prefix(pattern: str) -> str:
    """The part of a pattern before its first glob character."""
    cut = min((i for i in (pattern.find(c) for c in _GLOB_CHARS) if i != -1), default=len(pattern))
    return pattern[:cut]


def overlaps(a: str, b: str) -> bool:
    """Whether two claim patterns may cover a common file (conservative: compares the folders they start in)."""
    if a == b:
        return True
    pa, pb = _literal_prefix(a), _literal_prefix(b)
    glob_a, glob_b = pa != a, pb != b
    if not glob_a and not glob_b:
        return a.startswith(b + "/") or b.startswith(a + "/")
    return pa.startswith(pb if glob_b else b) or pb.startswith(pa if glob_a else a)


def conflicts(claim: Claim, held: Iterable[Claim]) -> list[tuple[Claim, str]]:
    """Other agents' claims that overlap `claim`, with the pattern that does."""
    return [
        (other, pattern)
        for other in held
        if other.agent != claim.agent
        for pattern in other.patterns
        if any(overlaps(pattern, mine) for mine in claim.patterns)
    ]


def rego_claims(held: Iterable[Claim]) -> tuple[dict[str, str], ...]:
    """The `claims` input of the validator's Rego policies: one entry per pattern."""
    return tuple(
        {"agent": c.agent, "pattern": p, "until": iso_time(c.until_ns), "claim_id": c.id}
        for c in held
        for p in c.patterns
    )


def claimed_event(claim: Claim, *, session: str | None, root: str | None = None) -> NewEvent:
    """`root`: the claimer's project root, so that another checkout of the project (another machine sharing the
    store) can read the patterns against its own root."""
    payload: dict[str, Any] = {"patterns": list(claim.patterns), "until_ns": claim.until_ns, "reason": claim.reason}
    if root is not None:
        payload["root"] = posixpath.normpath(root)
    return NewEvent("files.claimed", payload, agent=claim.agent, session=session, aggregate=claim.id)


def released_event(claim: Claim, *, agent: str, session: str | None) -> NewEvent:
    return NewEvent(
        "files.released", {"patterns": list(claim.patterns)}, agent=agent, session=session, aggregate=claim.id
    )


def rebase(pattern: str, claimed_root: Any, root: str | None) -> str:
    """A pattern claimed in a checkout at `claimed_root`, as it reads in the checkout at `root`."""
    if not isinstance(claimed_root, str) or root is None or claimed_root == root:
        return pattern
    if pattern == claimed_root or pattern.startswith(claimed_root.rstrip("/") + "/"):
        return root.rstrip("/") + pattern[len(claimed_root.rstrip("/")) :]
    return pattern


class ClaimsView:
    """The claims of one process, kept by folding claim events as they arrive (see `Follower`)."""

    def __init__(self, store: Any, *, refresh_s: float = 0.1, root: str | None = None) -> None:
        """`root`: this checkout's project root; claims made in another checkout are moved onto it."""
        self._claims: dict[str, Claim] = {}
        self._root = posixpath.normpath(root) if root else None
        self._follower = Follower(store, ("files",), self._fold, refresh_s=refresh_s)

    def held(self, now_ns: int | None = None, *, fresh: bool = False) -> list[Claim]:
        """The claims in force now."""
        self._follower.refresh(fresh=fresh)
        now_ns = time.time_ns() if now_ns is None else now_ns
        return [c for c in self._claims.values() if c.until_ns > now_ns]

    def _fold(self, event: Event) -> None:
        if event.type == "files.claimed":
            p = event.payload
            patterns = tuple(rebase(str(x), p.get("root"), self._root) for x in p.get("patterns", []))
            until = int(p.get("until_ns", 0))
            self._claims[event.aggregate or ""] = Claim(
                event.aggregate or "", event.agent or "", patterns, until, str(p.get("reason", ""))
            )
        elif event.type == "files.released":
            self._claims.pop(event.aggregate or "", None)
