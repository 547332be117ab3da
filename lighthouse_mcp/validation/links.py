"""Exfiltration through links: markdown images (fetched the moment they render), links and HTML images whose URL
carries data to an external host — secrets, encoded blobs, long tokens, or template slots for the agent to fill.

In sanitized text such a link is defanged: `hxxps://evil[.]example/r?[data removed]`, and an image no longer renders.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from lighthouse_mcp.validation.secrets import entropy, holds_credentials, secret_threats
from lighthouse_mcp.validation.threats import Threat, higher

_LABEL = re.compile(r"[^\[\]\n]{0,500}")
_URL = re.compile(r"\s*<?(?P<url>[a-zA-Z][a-zA-Z0-9+.-]{0,15}:[^\s)>]{1,8000})")
_REFERENCE = re.compile(r"^[ \t]{0,3}\[(?P<label>[^\]\n]{1,200})\]:[ \t]*<?(?P<url>https?:[^\s>]{1,8000})", re.M)
_HTML_IMAGE = re.compile(r"<img\b[^<>]{0,1000}?\bsrc\s*=\s*[\"']?(?P<url>https?:[^\"'\s>]{1,8000})", re.I)
_LOCAL_HOSTS = re.compile(
    r"^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0|[\w-]+\.(?:local|localhost|internal))$"
)
_SENSITIVE_NAME = re.compile(
    r"token|key|secret|pass|pwd|auth|session|cookie|cred|data|payload|content|env|leak|exfil|^[dcqx]$|^q?s$|^p$",
    re.I,
)
# A slot the reader is meant to fill in: {data}, [SECRET], <conversation>, $TOKEN, %s.
_TEMPLATE = re.compile(r"^(?:\{\{?[^}]{1,60}\}\}?|\[[A-Z_ ]{2,60}\]|<[^>]{2,60}>|\$\{?[A-Za-z_]{2,60}\}?|%s)$")
_DATA_CHARS = re.compile(r"^[A-Za-z0-9+/=_.~-]+$")


def link_threats(text: str) -> list[Threat]:
    """Images and links in `text` that send data out."""
    has_image = "<img" in text.lower()
    if "](" not in text and "]:" not in text and not has_image:
        return []
    threats = []
    for label_start, label_end, url, end in _markdown_links(text):
        kind = "image" if label_start and text[label_start - 1] == "!" else "link"
        start = label_start - 1 if kind == "image" else label_start
        threat = _judge(kind, url, start, end + _closing(text, end))
        if threat:
            label = text[label_start + 1 : label_end]
            threat.replacement = f"[{'image: ' if kind == 'image' else ''}{label}]({_defang(url)})"
            threats.append(threat)
    if "]:" not in text:
        return threats + (_html_images(text) if has_image else [])
    for match in _REFERENCE.finditer(text):
        threat = _judge("link", match.group("url"), match.start("url"), match.end("url"))
        if threat:
            threat.replacement = _defang(match.group("url"))
            threats.append(threat)
    return threats + (_html_images(text) if has_image else [])


def _markdown_links(text: str) -> list[tuple[int, int, str, int]]:
    """`[label](url)`: (position of `[`, position of `]`, url, end of url), found from each `](`."""
    found = []
    position = text.find("](")
    while position != -1:
        label_start = text.rfind("[", max(0, position - 501), position)
        if label_start != -1 and _LABEL.fullmatch(text, label_start + 1, position):
            url = _URL.match(text, position + 2)
            if url:
                found.append((label_start, position, url.group("url"), url.end()))
        position = text.find("](", position + 2)
    return found


def _html_images(text: str) -> list[Threat]:
    threats = []
    for match in _HTML_IMAGE.finditer(text):
        threat = _judge("image", match.group("url"), match.start("url"), match.end("url"))
        if threat:
            threat.replacement = _defang(match.group("url"))
            threats.append(threat)
    return threats


def _closing(text: str, end: int) -> int:
    """Include the `>)` that closes a markdown URL in the span."""
    extra = 0
    for char in ">)":
        if text.startswith(char, end + extra):
            extra += 1
    return extra


def _judge(kind: str, url: str, start: int, end: int) -> Threat | None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or _LOCAL_HOSTS.match(host):
        return None
    carried = _carried_data(parts.query, parts.path, parts.fragment)
    if carried is None:
        return None
    how, secret = carried
    severity = "high" if kind == "image" else "medium"
    if secret:
        severity = higher(severity)
    rule = f"exfil.{'secret-in-url' if secret else kind}"
    what = "an image, fetched as soon as it renders," if kind == "image" else "a link"
    return Threat("exfiltration", rule, severity, start, end, f"{what} sends {how} to {host}")


def _carried_data(query: str, path: str, fragment: str) -> tuple[str, bool] | None:
    """What the URL carries, and whether it is a secret; None when it carries nothing worth sending."""
    if not query and not fragment and all(len(segment) < 16 for segment in path.split("/")):
        return None  # a plain address: nothing in it is long enough to be data
    decoded = unquote(f"{path}?{query}#{fragment}")
    if secret_threats(decoded):
        return "a secret", True
    for name, value in parse_qsl(query, keep_blank_values=True):
        if _TEMPLATE.match(value.strip()):
            return f"a slot to fill in ({name}={value})", False
        if _looks_like_data(value, sensitive=bool(_SENSITIVE_NAME.search(name))):
            return f"encoded data in the query parameter {name!r}", False
    for segment in path.split("/"):
        if len(segment) >= 32 and _looks_like_data(segment.rsplit(".", 1)[0], sensitive=False):
            return "encoded data in the path", False
    return None


# Query parameters that name a credential, and signed storage URLs, where a credential in the query is by design.
_CREDENTIAL_NAME = re.compile(
    r"token|secret|passw|pwd|api[_-]?key|apikey|access[_-]?key|private|auth|credential|session|cookie|bearer|jwt", re.I
)
_SIGNED_QUERY = re.compile(r"(?i)(?:^|&)(?:x-amz-signature|x-goog-signature|signature|sig)=")
_HEX_OR_ID = re.compile(r"^(?:[0-9a-fA-F]{6,128}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}|[\w.-]{0,7})$")
_STORAGE_HOSTS = (".amazonaws.com", ".googleapis.com", ".blob.core.windows.net", ".cloudfront.net", ".r2.dev")


def url_payload(url: str) -> tuple[str, bool] | None:
    """What a URL fetched from a remote host carries in its query, path or fragment, and whether it is a secret
    (a known secret, a credential-named parameter with a credential-like value, data that decodes to one); None
    when it carries nothing, or goes to this machine."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https", "ws", "wss", "ftp") or not host or _LOCAL_HOSTS.match(host):
        return None
    signed = bool(_SIGNED_QUERY.search(parts.query)) and host.endswith(_STORAGE_HOSTS)
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        text = _decoded_text(value)
        if text is not None and holds_credentials(text):
            return f"a secret, encoded, in the query parameter {name!r}", True
        if not signed and _CREDENTIAL_NAME.search(name) and _looks_like_data(value, sensitive=True):
            return f"a credential in the query parameter {name!r}", True
    if secret_threats(unquote(f"{parts.path}?{parts.query}#{parts.fragment}")):
        return "a secret", True
    if signed:
        return None
    for name, value in [*parse_qsl(parts.query, keep_blank_values=True), ("#", parts.fragment)]:
        if not _HEX_OR_ID.match(value) and _looks_like_data(value, sensitive=bool(_SENSITIVE_NAME.search(name))):
            return f"encoded data in the query parameter {name!r}", False
    if any(len(segment) >= 24 and _decodes_to_text(segment) for segment in parts.path.split("/")):
        return "encoded data in the path", False
    return None


def canonical_url(url: str) -> str:
    """`url` with a host written as one number, in hex or octal, or as an IPv4-mapped IPv6 address, given as the
    dotted address it reaches (`http://2852039166/` is `http://169.254.169.254/`); other URLs unchanged."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return url
    import ipaddress  # only for hosts that are addresses
    import socket

    address = None
    if host and re.fullmatch(r"[0-9a-fA-Fx.]+", host) and not re.fullmatch(r"(?:\d{1,3}\.){3}\d{1,3}", host):
        try:
            address = socket.inet_ntoa(socket.inet_aton(host))  # 2852039166, 0xa9fea9fe, 0251.0376.0251.0376
        except OSError:
            address = None
    elif ":" in host:
        try:
            mapped = ipaddress.IPv6Address(host).ipv4_mapped
        except ValueError:
            mapped = None
        address = str(mapped) if mapped is not None else None
    if address is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    userinfo = netloc[0] + "@" if len(netloc) == 2 else ""
    port = f":{parts.port}" if parts.port is not None else ""
    return parts._replace(netloc=f"{userinfo}{address}{port}").geturl()


def _decoded_text(value: str) -> str | None:
    """`value` decoded from base64 when it is text that way."""
    value = value.strip()
    if not _decodes_to_text(value):
        return None
    padded = value + "=" * (-len(value) % 4)
    raw = base64.b64decode(padded, altchars=b"-_" if "-" in value or "_" in value else None)
    return raw.decode("utf-8", "replace")


def _looks_like_data(value: str, *, sensitive: bool) -> bool:
    """A value that is a blob rather than a word: long, encoded, or random-looking."""
    value = value.strip()
    if len(value) >= 200:
        return True
    if " " in value or not _DATA_CHARS.match(value):
        return False
    minimum = 8 if sensitive else 20
    if len(value) < minimum:
        return False
    if _decodes_to_text(value):
        return True
    mixed = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]")) >= 2
    return mixed and entropy(value) >= (2.8 if sensitive else 3.5)


def _decodes_to_text(value: str) -> bool:
    if len(value) < 16 or len(value) % 4 == 1:
        return False
    padded = value + "=" * (-len(value) % 4)
    try:
        raw = base64.b64decode(padded, altchars=b"-_" if "-" in value or "_" in value else None, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(raw) < 12:
        return False
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in raw)
    return printable / len(raw) > 0.9


def _defang(url: str) -> str:
    """A URL nobody will fetch by accident, without the data it carried."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "[link removed]"
    scheme = parts.scheme.lower().replace("http", "hxxp")
    host = (parts.netloc.rsplit("@", 1)[-1]).replace(".", "[.]")
    path = parts.path if _carried_data("", parts.path, "") is None else "/…"
    return f"{scheme}://{host}{path}" + ("?[data removed]" if parts.query or parts.fragment else "")
