"""Secrets in text: provider key formats, private key blocks, JWTs, connection strings with passwords, password
hashes, and high-entropy values assigned to names like `token` or `password`.

Placeholders and documented example values (`<your-key-here>`, `xxxx`, `changeme`, AWS's `…EXAMPLE` keys,
`${TOKEN}`, `os.environ[...]`) are not secrets. Spans cover the secret value only, so redaction keeps the name.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from lighthouse_mcp.validation.keywords import RESPONSE, Keywords, anchored, lowered
from lighthouse_mcp.validation.lazy import LazyPattern
from lighthouse_mcp.validation.threats import Threat


@dataclass(frozen=True)
class _Format:
    """One kind of secret: its pattern and the literals it starts with (or contains)."""

    rule: str
    regex: LazyPattern  # matched where a key occurs (after walking back over `back` characters)
    severity: str
    what: str
    keys: tuple[str, ...]  # literals the secret starts with (or contains, with `back`)
    lower: bool = False  # keys are looked for in the lower-cased text
    back: str = ""  # characters to walk back over from a key to where the match starts
    boundary: str = "\\w-"  # a match may not start right after one of these characters
    group: int = 0  # the group holding the secret value


_SCHEME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-"
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
_ASSIGNMENT_KEYS = (
    "secret",
    "token",
    "api_key",
    "api-key",
    "apikey",
    "passw",
    "pwd",
    "access_key",
    "access-key",
    "private_key",
    "private-key",
    "auth_key",
    "auth-key",
    "credential",
    "signing_key",
    "signing-key",
)
_FORMATS = (
    _Format(
        "secret.private-key",
        LazyPattern(
            r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.]|-(?!----)){0,20000}"
            r"(?:-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----)?"
        ),
        "critical", "a private key", keys=("-----BEGIN ",), boundary="",
    ),
    _Format(
        "secret.anthropic-key", LazyPattern(r"sk-ant-(?:api|admin|oat)\d{2}-[A-Za-z0-9_-]{20,}"),
        "critical", "an Anthropic API key", keys=("sk-ant-",),
    ),
    _Format(
        "secret.openai-key",
        LazyPattern(r"sk-(?:proj-|svcacct-|admin-)?(?!ant-)[A-Za-z0-9_-]{20,}"),
        "critical", "an OpenAI API key", keys=("sk-",),
    ),
    _Format(
        "secret.aws-access-key", LazyPattern(r"(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[0-9A-Z]{16}\b"),
        "high", "an AWS access key id", keys=("AKIA", "ASIA", "ABIA", "ACCA", "AROA", "AIDA"), boundary="\\w",
    ),
    _Format(
        "secret.aws-secret-key",
        LazyPattern(
            r"(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?[ \t]{0,8}(?::|=|:=|=>)[ \t]{0,8}[\"']?"
            r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
            re.I,
        ),
        "critical", "an AWS secret access key", keys=("aws", "secret"), lower=True, boundary="a-zA-Z0-9", group=1,
    ),
    _Format(
        "secret.github-token", LazyPattern(r"(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
        "high", "a GitHub token", keys=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    _Format(
        "secret.gitlab-token", LazyPattern(r"gl(?:pat|ptt|dt|rt|cbt|oas)-[A-Za-z0-9_-]{20,}"),
        "high", "a GitLab token", keys=("glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "gloas-"),
    ),
    _Format(
        "secret.slack-webhook", LazyPattern(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[\w/-]{20,}"),
        "high", "a Slack webhook URL", keys=("https://hooks.slack.com/",), boundary="",
    ),
    _Format(
        "secret.slack-token", LazyPattern(r"xox[abposr]-[A-Za-z0-9-]{10,}"),
        "high", "a Slack token", keys=("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"),
    ),
    _Format(
        "secret.stripe-key", LazyPattern(r"(?:sk|rk)_live_[A-Za-z0-9]{16,}"),
        "critical", "a Stripe live secret key", keys=("sk_live_", "rk_live_"),
    ),
    _Format(
        "secret.stripe-key", LazyPattern(r"(?:sk|rk)_test_[A-Za-z0-9]{16,}"),
        "medium", "a Stripe test key", keys=("sk_test_", "rk_test_"),
    ),
    _Format(
        "secret.google-api-key", LazyPattern(r"AIza[0-9A-Za-z_-]{35}(?![\w-])"),
        "high", "a Google API key", keys=("AIza",),
    ),
    _Format(
        "secret.google-oauth-token", LazyPattern(r"ya29\.[0-9A-Za-z_-]{20,}"),
        "high", "a Google OAuth access token", keys=("ya29.",),
    ),
    _Format(
        "secret.npm-token", LazyPattern(r"npm_[A-Za-z0-9]{36}\b"), "high", "an npm access token", keys=("npm_",),
    ),
    _Format(
        "secret.jwt", LazyPattern(r"eyJ[A-Za-z0-9_-]{8,}+\.eyJ[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]{8,}"),
        "high", "a JSON Web Token", keys=("eyJ",),
    ),
    _Format(
        "secret.connection-string",
        LazyPattern(
            r"(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|"
            r"ftps?|sftp|smtps?|ldaps?|https?)://[^\s:/@'\"]{1,256}:([^\s@/'\"]{1,256})@[A-Za-z0-9.-]+",
            re.I,
        ),
        "high", "a password in a connection string", keys=("://",), back=_SCHEME_CHARS, boundary="a-zA-Z0-9",
        group=1,
    ),
    _Format(
        "secret.password-hash",
        LazyPattern(
            r"\$(?:(?:1|5|6)\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}|"
            r"2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|y\$[./A-Za-z0-9]{1,32}\$[./A-Za-z0-9]{1,64}\$[./A-Za-z0-9]{43})"
        ),
        "high", "a password hash (crackable offline)",
        keys=("$1$", "$5$", "$6$", "$2$", "$2a$", "$2b$", "$2x$", "$2y$", "$y$"), boundary="\\w$",
    ),
    _Format(
        "secret.bearer-token", LazyPattern(r"bearer\s+([A-Za-z0-9._~+/-]{20,}=*)", re.I),
        "high", "a bearer token", keys=("bearer",), lower=True, boundary="\\w", group=1,
    ),
    _Format(
        "secret.assignment",
        LazyPattern(
            r"[\w.-]{0,40}?(?:secret|token|api[_-]?key|apikey|passw(?:or)?d|passwd|pwd|access[_-]?key|"
            r"private[_-]?key|auth[_-]?key|credentials?|client[_-]?secret|signing[_-]?key)[\w.-]{0,20}"
            r"[\"']?[ \t]{0,8}(?::|=|:=|=>)[ \t]{0,8}[\"']?([^\s\"',;`)}\]]{8,256})",
            re.I,
        ),
        "high", "a secret assigned to a name that says so", keys=_ASSIGNMENT_KEYS, lower=True, back=_NAME_CHARS,
        boundary="", group=1,
    ),
)  # fmt: skip
_RAW_KEYWORDS = Keywords(k for f in _FORMATS if not f.lower for k in f.keys)
_LOWER_KEYWORDS = Keywords((k for f in _FORMATS if f.lower for k in f.keys), shared=RESPONSE)
_BOUNDARY = {f.boundary: LazyPattern(f"[{f.boundary}]") for f in _FORMATS if f.boundary}
_PLACEHOLDER = LazyPattern(
    r"^(?:<[^>]*>|\[[^\]]*\]|\{\{?[^}]*\}\}?|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_(][^%]*%?s?|:[a-z_]+)$|"
    r"example|xxxx|\*\*\*\*|\.\.\.|…|placeholder|changeme|change[_-]?me|dummy|redacted|your[_-]|my[_-]?(?:secret|"
    r"token|key|password)|^(?:password|passwd|secret|pass|pwd|token|none|null|true|false|undefined|test|testing|"
    r"foo|bar|baz|hunter2|admin|root|user|username|string|value|\*+)$|^(.)\1+$|(?:0123456789|abcdefgh|12345678)",
    re.I,
)
# Values that name where a secret comes from rather than being one.
_REFERENCE = LazyPattern(
    r"^(?:os\.|process\.env|env\.|ENV\[|getenv|System\.getenv|secrets\.|vault:|\$\(|\$\{|%\(|\{\{|<%|"
    r"\w+\(|\w+\.\w+\(|settings\.|config\.|self\.|this\.|args\.|params\.|request\.)",
)


def secret_threats(text: str) -> list[Threat]:
    """Every secret in `text`, each once: a provider format wins over the generic rules for the same span."""
    raw_hits = _RAW_KEYWORDS.find(text)
    lower_hits = _LOWER_KEYWORDS.find(lowered(text))
    if not raw_hits and not lower_hits:
        return []
    threats: list[Threat] = []
    taken: list[tuple[int, int]] = []  # spans found so far, sorted and not overlapping
    for fmt in _FORMATS:
        hits = (lower_hits if fmt.lower else raw_hits).positions(fmt.keys)
        if not hits:
            continue
        for match in anchored(fmt.regex.regex, text, _starts(text, fmt, hits)):
            start, end = match.span(fmt.group)
            index = bisect.bisect_left(taken, (start, end))
            if (index and taken[index - 1][1] > start) or (index < len(taken) and taken[index][0] < end):
                continue
            if not _is_secret(fmt.rule, match.group(fmt.group)):
                continue
            taken.insert(index, (start, end))
            threats.append(Threat("secret", fmt.rule, fmt.severity, start, end, fmt.what, "[REDACTED:secret]"))
    return threats


# A credential given by name (`AWS_SECRET_ACCESS_KEY=…`, `"password": "…"`), even when its value is a documented
# example: what matters when text is being sent somewhere is that it says it is a credential.
_NAMED_CREDENTIAL = LazyPattern(
    r"""(?im)^[\s"'{,]*(?:export\s+)?[\w.-]*(?:secret|token|passw|api[_-]?key|access[_-]?key|private[_-]?key"""
    r"""|credential|client[_-]?secret)[\w.-]*["']?\s*[=:]\s*["']?[^\s"'$<{]{8,}"""
)


def holds_credentials(text: str) -> bool:
    """Whether `text` holds a secret, or a value given as a credential by its name (for text being sent out)."""
    return bool(secret_threats(text)) or bool(_NAMED_CREDENTIAL.search(text))


def _starts(text: str, fmt: _Format, hits: list[int]) -> list[int]:
    """Where matches may begin: at each key (or walked back from it), not right after a boundary character."""
    starts: list[int] = []
    for hit in hits:
        start = hit
        if fmt.back:
            floor = max(0, hit - 40)
            while start > floor and text[start - 1] in fmt.back:
                start -= 1
        if fmt.boundary and start > 0 and _BOUNDARY[fmt.boundary].match(text, start - 1):
            continue
        if not starts or starts[-1] != start:
            starts.append(start)
    return sorted(set(starts))


def _is_secret(rule: str, value: str) -> bool:
    if rule == "secret.private-key":
        body = re.sub(r"-----[A-Z ]+-----|\s", "", value)
        return len(body) >= 32 and not _PLACEHOLDER.search(body)
    if _PLACEHOLDER.search(value) or _REFERENCE.match(value):
        return False
    if rule == "secret.connection-string":
        return len(value) >= 4
    if rule in ("secret.assignment", "secret.bearer-token"):
        return _random_looking(value)
    return True


def _random_looking(value: str) -> bool:
    """Long enough, and mixed and varied enough, to be a generated secret rather than a word or an identifier."""
    if len(value) < 12 or (value.isalpha() and (value.islower() or value.isupper())):
        return False
    if re.fullmatch(r"[\w.-]+\.(?:py|js|ts|json|yaml|yml|toml|txt|md|pem|key|crt|env|cfg|ini|sh)", value):
        return False  # a file name
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I) or _path_like(value):
        return False  # a URL or a path names where something is
    if re.fullmatch(r"[a-z]+(?:[_.-][a-z]+)+", value) or re.fullmatch(r"[A-Z]+(?:_[A-Z0-9]+)+", value):
        return False  # snake_case, dotted.names, CONSTANT_NAMES
    classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    return classes >= 2 and entropy(value) >= 3.0


def _path_like(value: str) -> bool:
    segments = value.strip("/").split("/")
    return len(segments) >= 2 and all(
        re.fullmatch(r"[A-Za-z_.~-]{1,40}|[\w-]{1,40}\.\w{1,5}", segment) for segment in segments
    )


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    total = len(value)
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def mask_secrets(text: str) -> str:
    """`text` with every secret in it replaced by [REDACTED:secret]."""
    threats = secret_threats(text)
    for threat in sorted(threats, key=lambda t: t.start, reverse=True):
        text = text[: threat.start] + "[REDACTED:secret]" + text[threat.end :]
    return text


def mask_value(value: Any, depth: int = 0) -> Any:
    """A JSON value with every secret in its strings masked (keys are kept; nesting deeper than 32 is cut)."""
    if isinstance(value, str):
        return mask_secrets(value) if len(value) >= 8 else value
    if depth > 32:
        return None
    if isinstance(value, dict):
        return {k: mask_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v, depth + 1) for v in value]
    return value
