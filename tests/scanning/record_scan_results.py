"""Writes `same_results.jsonl`: the scan result of every text of `scan_texts`, as the scanner gives it now. Run it
only from code whose results are the ones to keep (a change that means to alter results says so and re-records):

    python -m tests.scanning.record_scan_results
"""

from __future__ import annotations

import json

from tests.scanning.scan_texts import RESULTS, digest, result_json, scanner, texts


def main() -> None:
    scan = scanner().scan
    lines = [
        json.dumps({"text": digest(text), **result_json(scan(text))}, ensure_ascii=False, separators=(",", ":"))
        for text in texts()
    ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} results written to {RESULTS}")


if __name__ == "__main__":
    main()
