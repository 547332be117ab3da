"""Scanning text an agent received or is about to act on: is it safe to act on?

`Scanner.scan(text)` finds prompt injection (`injection.py`, `hidden.py`), malicious code (`code_blocks.py`, judged by
the command rule packs), secrets (`secrets.py`) and exfiltration links (`links.py`), and answers with the overall
`risk`, each threat (category, rule, severity, span, excerpt with secrets masked, fingerprint) and `sanitized` text.
Everything is offline and in-process. `scan_event` is what the audit log keeps: hashes and masked excerpts, never
the secret values.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lighthouse_mcp.errors import DataError
from lighthouse_mcp.events.model import NewEvent
from lighthouse_mcp.validation.code_blocks import code_threats
from lighthouse_mcp.validation.files import Context
from lighthouse_mcp.validation.hidden import INVISIBLE, hidden_threats, reveal
from lighthouse_mcp.validation.injection import injection_threats
from lighthouse_mcp.validation.instructions import instruction_threats, tool_names
from lighthouse_mcp.validation.learned import RULE as LEARNED_RULE
from lighthouse_mcp.validation.learned import learned_threats
from lighthouse_mcp.validation.links import link_threats
from lighthouse_mcp.validation.packs import PackSet
from lighthouse_mcp.validation.secrets import mask_secrets, secret_threats
from lighthouse_mcp.validation.suppressions import Suppression, Suppressions
from lighthouse_mcp.validation.threats import Threat
from lighthouse_mcp.vocabulary import RISK_RANK, RISKS

DEFAULT_FINGERPRINT_KEY = b"lighthouse-finding"
EXCERPT_CHARS = 160
MAX_PER_RULE = 100  # threats of one rule reported (the most severe first); all are counted and sanitized
EVENT_THREATS = 100  # threats kept in a response.scanned event (the most severe); the count is kept too
MAX_SOURCE = 200


@dataclass(frozen=True)
class ScanResult:
    """What a scan found in a text: its risk, the threats, the text with them masked, and what was suppressed."""

    risk: str  # none | low | medium | high | critical: the most severe threat not suppressed
    threats: list[Threat]  # most severe first
    sanitized: str
    suppressed: list[tuple[Threat, Suppression]] = field(default_factory=list)
    source: str | None = None
    size: int = 0  # bytes of UTF-8
    sha256: str = ""
    latency_us: int = 0
    threat_count: int = 0  # threats found (not suppressed); `threats` holds at most MAX_PER_RULE of each rule

    @property
    def categories(self) -> list[str]:
        return sorted({t.category for t in self.threats if t.rank >= RISK_RANK["medium"]})

    def to_json(self, *, sanitized: bool = True, max_threats: int = 1000) -> dict[str, Any]:
        """The result as JSON; at most `max_threats` threats (the most severe), with the total in threat_count."""
        out: dict[str, Any] = {
            "risk": self.risk,
            "categories": self.categories,
            "threats": [threat_json(t) for t in self.threats[:max_threats]],
            "threat_count": max(self.threat_count, len(self.threats)),
            "suppressed": [
                {"rule": t.rule, "fingerprint": t.fingerprint, "reason": s.reason} for t, s in self.suppressed
            ],
            "source": self.source,
            "bytes": self.size,
            "sha256": self.sha256,
            "latency_us": self.latency_us,
        }
        if sanitized:
            out["sanitized"] = self.sanitized
        return out

    def summary(self) -> str:
        """One line: the risk and what was found."""
        counted = [t for t in self.threats if t.rank >= RISK_RANK["medium"]]
        if not counted:
            return f"risk {self.risk}: nothing to act on"
        first = counted[0]
        more = f" (and {len(counted) - 1} more)" if len(counted) > 1 else ""
        return f"risk {self.risk}: {first.category} [{first.rule}] {first.detail}{more}"


def threat_json(threat: Threat) -> dict[str, Any]:
    return {
        "category": threat.category,
        "rule": threat.rule,
        "severity": threat.severity,
        "span": [threat.start, threat.end],
        "excerpt": threat.excerpt,
        "detail": threat.detail,
        "fingerprint": threat.fingerprint,
    }


class Scanner:
    """Scans text. Thread-safe; share one per process."""

    def __init__(
        self,
        packs: Callable[[], PackSet],
        ctx: Context,
        *,
        max_bytes: int,
        max_code_bytes: int = 65_536,
        key: bytes = DEFAULT_FINGERPRINT_KEY,
        suppressions: Callable[[], Suppressions] = Suppressions,
    ) -> None:
        self.packs = packs
        self.ctx = ctx
        self.max_bytes = max_bytes
        self.max_code_bytes = max_code_bytes
        self.key = key
        self.suppressions = suppressions

    def scan(self, text: str, source: str | None = None, tools: Iterable[str] = ()) -> ScanResult:
        """Scan `text`; text over `max_bytes` (scan.max_bytes) is a DataError, never a partial scan. `tools`: names
        of the tools the reading agent can call (its MCP servers' too), which count as actions when the text names
        them."""
        if not isinstance(text, str):
            raise DataError(f"text must be a string, not {type(text).__name__}")
        if source is not None and (not isinstance(source, str) or len(source) > MAX_SOURCE):
            raise DataError(f"source must be a string of at most {MAX_SOURCE} characters")
        packs = self.packs()  # loading policies is not part of a scan's latency
        started = time.perf_counter_ns()
        encoded = text.encode("utf-8", "surrogatepass")
        if len(encoded) > self.max_bytes:
            raise DataError(
                f"the text is {len(encoded)} bytes, over the scan limit of {self.max_bytes} (scan.max_bytes); "
                "scan it in parts or raise the limit"
            )
        threats = find_threats(text, packs, self.ctx, max_code_bytes=self.max_code_bytes, tools=tool_names(tools))
        kept, suppressed = [], []
        in_force = self.suppressions()
        for threat in threats:
            threat.fingerprint = self.fingerprint(threat.rule, text[threat.start : threat.end])
            entry = in_force.get(threat.rule, threat.fingerprint) if in_force else None
            if entry is None:
                kept.append(threat)
            else:
                suppressed.append((threat, entry))
        kept.sort(key=lambda t: (-t.rank, t.start, t.rule))
        reported = _per_rule(kept, MAX_PER_RULE)
        secrets = sorted((t.start, t.end) for t in threats if t.category == "secret")
        for threat in [*reported, *(t for t, _ in suppressed)]:
            threat.excerpt = _excerpt(text, threat, secrets)
            if threat.category in ("prompt_injection", "malicious_code"):  # details that quote the text
                threat.detail = mask_secrets(threat.detail)
        return ScanResult(
            RISKS[max((t.rank for t in kept), default=0)],
            reported,
            sanitize(text, kept),
            suppressed,
            source,
            len(encoded),
            hashlib.sha256(encoded).hexdigest(),
            (time.perf_counter_ns() - started) // 1000,
            threat_count=len(kept),
        )

    def fingerprint(self, rule: str, matched: str) -> str:
        """A keyed hash of the rule and the exact text it matched: stable for the project, useless to guess with."""
        message = f"{rule}\0{matched}".encode("utf-8", "surrogatepass")
        return hmac.new(self.key, message, "sha256").hexdigest()[:16]


def find_threats(
    text: str, packs: PackSet, ctx: Context, *, max_code_bytes: int, tools: frozenset[str] = frozenset()
) -> list[Threat]:
    """Every threat in `text`, before suppressions, with injection signals that come together raised to high."""
    revealed = reveal(text)
    injection = _distinct(
        hidden_threats(text)
        + injection_threats(revealed)
        + instruction_threats(revealed, tools)
        + learned_threats(revealed)
    )
    # The learned model is a second opinion: it adds findings of its own but does not raise the others.
    strong_rules = {t.rule for t in injection if t.rank >= RISK_RANK["medium"] and t.rule != LEARNED_RULE}
    if len(strong_rules) >= 2:  # several independent signs of injection are one clear attempt
        for threat in injection:
            if threat.severity == "medium":
                threat.severity = "high"
    return [
        *injection,
        *secret_threats(text),
        *link_threats(text),
        *code_threats(text, packs, ctx, max_bytes=max_code_bytes),
    ]


def _per_rule(threats: list[Threat], limit: int) -> list[Threat]:
    counts: dict[str, int] = {}
    out = []
    for threat in threats:
        counts[threat.rule] = counts.get(threat.rule, 0) + 1
        if counts[threat.rule] <= limit:
            out.append(threat)
    return out


def _distinct(threats: list[Threat]) -> list[Threat]:
    """One threat per rule and place: where findings of a rule overlap, the more severe (then longer) one."""
    kept: list[Threat] = []
    cluster_end = -1
    for threat in sorted(threats, key=lambda t: (t.rule, t.start)):
        last = kept[-1] if kept else None
        if last is not None and last.rule == threat.rule and threat.start < cluster_end:
            cluster_end = max(cluster_end, threat.end)
            if (threat.rank, threat.end - threat.start) > (last.rank, last.end - last.start):
                kept[-1] = threat
            continue
        kept.append(threat)
        cluster_end = threat.end
    return sorted(kept, key=lambda t: t.start)


def sanitize(text: str, threats: list[Threat]) -> str:
    """`text` with every threat of medium severity or more replaced: secrets and injections redacted, hidden
    characters stripped, exfiltration links defanged. Overlapping threats are redacted as one span."""
    spans = sorted(
        (t for t in threats if t.rank >= RISK_RANK["medium"] or t.category == "secret"),
        key=lambda t: (t.start, -t.end),
    )
    out: list[str] = []
    position = 0
    current: list[Threat] = []
    current_end = -1

    def flush() -> None:
        if not current:
            return
        outer = current[0]
        if len(current) == 1 or (outer.category == "exfiltration" and outer.end == current_end):
            # a defanged link already drops the data (and any secret) it carried
            out.append(outer.replacement if outer.replacement is not None else f"[REDACTED:{outer.category}]")
        else:
            worst = max(current, key=lambda t: t.rank)
            out.append(f"[REDACTED:{worst.category}]")

    for threat in spans:
        if threat.start < current_end:
            if threat.end > current_end:
                current.append(threat)
                current_end = threat.end
            elif threat.category != current[0].category or threat.rank > current[0].rank:
                current.append(threat)
            continue
        flush()
        out.append(text[position : threat.start])
        current, current_end = [threat], threat.end
        position = threat.end
    if current:
        position = current_end
        flush()
    out.append(text[position:])
    return "".join(out)


def _excerpt(text: str, threat: Threat, secrets: list[tuple[int, int]]) -> str:
    """What a person sees of a threat: its text (around a secret, the line it is on) with every secret masked,
    hidden characters shown as markers; for an exfiltration link, the defanged link."""
    if threat.category == "exfiltration" and threat.replacement is not None:
        return mask_secrets(threat.replacement)
    start, end = threat.start, threat.end
    if threat.category == "secret":
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        start = max(line_start, start - 40)
        end = min(line_end if line_end != -1 else len(text), end + 20)
    pieces = []
    position = start
    first = max(bisect.bisect_left(secrets, (start, start)) - 1, 0)  # secrets are sorted and do not overlap
    for s_start, s_end in secrets[first:]:
        if s_start >= end:
            break
        if s_end <= start:
            continue
        pieces.append(text[position : max(position, s_start)])
        pieces.append("[REDACTED:secret]")
        position = max(position, s_end)
    pieces.append(text[position:end] if position < end else "")
    excerpt = INVISIBLE.sub(lambda m: f"[hidden ×{len(m.group())}]", "".join(pieces))
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
    return excerpt


def scan_event(
    result: ScanResult,
    *,
    agent: str | None,
    session: str | None,
    tool: str | None = None,
    aggregate: str | None = None,
    truncated: bool = False,
    client: str | None = None,
) -> NewEvent:
    """`response.scanned`: what was scanned (size and hash), the risk and each threat with its masked excerpt;
    `truncated` when the text was only the start of a larger one (scan.max_bytes); the agent product whose hook
    scanned it (`client`)."""
    payload = result.to_json(sanitized=False, max_threats=EVENT_THREATS)
    if tool:
        payload["tool"] = tool
    if client:
        payload["client"] = client
    if truncated:
        payload["truncated"] = True
    return NewEvent("response.scanned", payload, agent=agent, session=session, aggregate=aggregate)


def suppression_event(entry: Suppression, *, agent: str | None) -> NewEvent:
    """`scan.suppressed`: an operator silenced one finding, and why."""
    payload = {"rule": entry.rule, "fingerprint": entry.fingerprint, "reason": entry.reason}
    return NewEvent("scan.suppressed", payload, agent=agent, session=None)
