"""Every text of `scan_texts` scans to exactly the result recorded in `same_results.jsonl` (risk, each threat's
category, rule, severity, span, excerpt, detail and fingerprint, the count, the sanitized text): changes made for
speed must not change what the scanner says. A change that means to alter results re-records them
(`python -m tests.scanning.record_scan_results`) and says so."""

from __future__ import annotations

import json

from tests.scanning.scan_texts import RESULTS, digest, result_json, scanner, texts


def test_every_text_scans_as_recorded() -> None:
    recorded = {}
    for line in RESULTS.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        recorded[entry.pop("text")] = entry
    scan = scanner().scan
    all_texts = texts()
    assert len(all_texts) >= 500
    differ = []
    for text in all_texts:
        key = digest(text)
        assert key in recorded, f"no recorded result for a text (re-record): {text[:200]!r}"
        now = result_json(scan(text))
        if now != recorded[key]:
            differ.append((text[:300], recorded[key], now))
    assert not differ, f"{len(differ)} results changed; the first: {differ[0]}"


def test_a_second_scan_gives_the_same_result() -> None:
    """What one scan leaves behind (caches, compiled patterns) does not change the next."""
    scan = scanner().scan
    for text in texts()[:120]:
        assert result_json(scan(text)) == result_json(scan(text))
