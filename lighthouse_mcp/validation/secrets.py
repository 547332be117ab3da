"""Secrets in text: provider key formats, private key blocks, JWTs, connection strings with passwords, password
hashes, and high-entropy values assigned to names like `token` or `password`.

Placeholders and documented example values (`<your-key-here>`, `xxxx`, `changeme`, AWS's `…EXAMPLE` keys,
`${TOKEN}`, `os.environ[...]`) are not secrets. Spans cover the secret value only, so redaction keeps the name.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from lighthouse_mcp.validation.threats import Threat


@dataclass(frozen=True)
class _Format:
    rule: str
    regex: re.Pattern[str]
    severity: str
    what: str
    group: int = 0  # the group holding the secret value


_FORMATS = (
    _Format(
        "secret.private-key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,20000}?"
            r"(?:-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|$(?![\s\S]))"
        ),
        "critical",
        "a private key",
    ),
    _Format(
        "secret.anthropic-key",
        re.compile(r"\bsk-ant-(?:api|admin|oat)\d{2}-[A-Za-z0-9_-]{20,}"),
        "critical",
        "an Anthropic API key",
    ),
    _Format(
        "secret.openai-key",
        re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?(?!ant-)[A-Za-z0-9_-]{20,}(?:T3BlbkFJ[A-Za-z0-9_-]{20,})?"),
        "critical",
        "an OpenAI API key",
    ),
    _Format(
        "secret.aws-access-key",
        re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[0-9A-Z]{16}\b"),
        "high",
        "an AWS access key id",
    ),
    _Format(
        "secret.aws-secret-key",
        re.compile(
            r"(?i:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?\s*(?::|=|:=|=>)\s*[\"']?"
            r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
        ),
        "critical",
        "an AWS secret access key",
        group=1,
    ),
    _Format(
        "secret.github-token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
        "high",
        "a GitHub token",
    ),
    _Format(
        "secret.gitlab-token",
        re.compile(r"\bgl(?:pat|ptt|dt|rt|cbt|oas)-[A-Za-z0-9_-]{20,}"),
        "high",
        "a GitLab token",
    ),
    _Format(
        "secret.slack-webhook",
        re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,}"),
        "high",
        "a Slack webhook URL",
    ),
    _Format("secret.slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), "high", "a Slack token"),
    _Format(
        "secret.stripe-key", re.compile(r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}"), "critical", "a Stripe live secret key"
    ),
    _Format("secret.stripe-key", re.compile(r"\b(?:sk|rk)_test_[A-Za-z0-9]{16,}"), "medium", "a Stripe test key"),
    _Format("secret.google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"), "high", "a Google API key"),
    _Format(
        "secret.google-oauth-token", re.compile(r"\bya29\.[0-9A-Za-z_-]{20,}"), "high", "a Google OAuth access token"
    ),
    _Format("secret.npm-token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), "high", "an npm access token"),
    _Format(
        "secret.jwt",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        "high",
        "a JSON Web Token",
    ),
    _Format(
        "secret.connection-string",
        re.compile(
            r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle|"
            r"ftps?|sftp|smtps?|ldaps?|https?)://[^\s:/@'\"]{1,256}:([^\s@/'\"]{1,256})@[A-Za-z0-9.-]+"
        ),
        "high",
        "a password in a connection string",
        group=1,
    ),
    _Format(
        "secret.password-hash",
        re.compile(
            r"(?<![\w$])(?:\$(?:1|5|6)\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}|"
            r"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|\$y\$[./A-Za-z0-9]{1,32}\$[./A-Za-z0-9]{1,64}\$[./A-Za-z0-9]{43})"
        ),
        "high",
        "a password hash (crackable offline)",
    ),
    _Format(
        "secret.bearer-token",
        re.compile(r"\b[Bb]earer\s+([A-Za-z0-9._~+/-]{20,}=*)"),
        "high",
        "a bearer token",
        group=1,
    ),
    _Format(
        "secret.assignment",
        re.compile(
            r"(?i:\b[\w.-]{0,40}?(?:secret|token|api[_-]?key|apikey|passw(?:or)?d|passwd|pwd|access[_-]?key|"
            r"private[_-]?key|auth[_-]?key|credentials?|client[_-]?secret|signing[_-]?key)[\w.-]{0,20})"
            r"[\"']?[ \t]*(?::|=|:=|=>)[ \t]*[\"']?([^\s\"',;`)}\]]{8,256})"
        ),
        "high",
        "a secret assigned to a name that says so",
        group=1,
    ),
)
_TRIGGER = re.compile(
    r"PRIVATE KEY|sk-|AKIA|ASIA|ABIA|ACCA|AROA|AIDA|secret|gh[pousr]_|github_pat_|gl(?:pat|ptt|dt|rt|cbt|oas)-|"
    r"hooks\.slack|xox|_live_|_test_|AIza|ya29\.|npm_|eyJ|://|\$[1256y]|bearer|token|key|passw|pwd|credential",
    re.I,
)
_PLACEHOLDER = re.compile(
    r"^(?:<[^>]*>|\[[^\]]*\]|\{\{?[^}]*\}\}?|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[A-Za-z_(][^%]*%?s?|:[a-z_]+)$|"
    r"example|xxxx|\*\*\*\*|\.\.\.|…|placeholder|changeme|change[_-]?me|dummy|redacted|your[_-]|my[_-]?(?:secret|"
    r"token|key|password)|^(?:password|passwd|secret|pass|pwd|token|none|null|true|false|undefined|test|testing|"
    r"foo|bar|baz|hunter2|admin|root|user|username|string|value|\*+)$|^(.)\1+$|(?:0123456789|abcdefgh|12345678)",
    re.I,
)
# Values that name where a secret comes from rather than being one.
_REFERENCE = re.compile(
    r"^(?:os\.|process\.env|env\.|ENV\[|getenv|System\.getenv|secrets\.|vault:|\$\(|\$\{|%\(|\{\{|<%|"
    r"\w+\(|\w+\.\w+\(|settings\.|config\.|self\.|this\.|args\.|params\.|request\.)",
)


def secret_threats(text: str) -> list[Threat]:
    """Every secret in `text`, each once: a provider format wins over the generic rules for the same span."""
    if not _TRIGGER.search(text):
        return []
    threats: list[Threat] = []
    taken: list[tuple[int, int]] = []
    for fmt in _FORMATS:
        for match in fmt.regex.finditer(text):
            start, end = match.span(fmt.group)
            value = match.group(fmt.group)
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if not _is_secret(fmt.rule, value):
                continue
            taken.append((start, end))
            threats.append(Threat("secret", fmt.rule, fmt.severity, start, end, fmt.what, "[REDACTED:secret]"))
    return threats


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
    if re.fullmatch(r"[a-z]+(?:[_.-][a-z]+)+", value) or re.fullmatch(r"[A-Z]+(?:_[A-Z0-9]+)+", value):
        return False  # snake_case, dotted.names, CONSTANT_NAMES
    classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    return classes >= 2 and entropy(value) >= 3.0


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
