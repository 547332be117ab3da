"""Train the learned tier of the response scanner (`lighthouse_mcp/validation/learned.py`).

    .venv/bin/python scripts/train_injection_model.py          # cross-validate, pick the threshold, write the model
    .venv/bin/python scripts/train_injection_model.py --cv     # cross-validation table only, nothing written

Data: the tuning parts of the blind sets under `tests/scanning/blind` (texts written for this project, labelled
`injection` or `clean`): the lines of `texts.jsonl` whose index is not 3 modulo 4, and all of `dev_texts.jsonl`,
`tune_texts.jsonl` and `lookalike_texts.jsonl`. The held-out parts (`texts.jsonl` lines 3 modulo 4, and
`final_texts.jsonl`) are never read here.

Model: logistic regression over the features of each example's words (`learned.features`: the 4-grams of their
letters, and addresses), scaled by the square root of their number, classes weighted to balance, L2-regularised,
fitted by full-batch Adam. Pure Python and deterministic: the same data gives the same file.

Threshold: each of the four sets is left out in turn, the model is trained on the other three and scores the one
left out as the scanner would (texts it does not score, `learned.readable`, are never flagged). The
threshold written is the lowest on a grid at which the model flags at most MAX_FALSE_FLAGS of the clean texts of
every left-out set: a second opinion must add findings without adding false ones.

`--documents` also scores, for each left-out set, documents made of eight of its clean texts window by window (what
the scanner did with long texts before it left them alone): the share of them flagged is why it does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lighthouse_mcp.validation.learned import (  # noqa: E402
    GRAM,
    MODEL_FILE,
    WINDOW,
    Model,
    features,
    logistic,
    prose,
    readable,
    words,
)

BLIND = ROOT / "tests" / "scanning" / "blind"
SETS: dict[str, tuple[str, Callable[[int], bool]]] = {
    "texts (tuning part)": ("texts.jsonl", lambda i: i % 4 != 3),
    "dev_texts": ("dev_texts.jsonl", lambda i: True),
    "tune_texts": ("tune_texts.jsonl", lambda i: True),
    "lookalike_texts": ("lookalike_texts.jsonl", lambda i: True),
}
L2 = 2.5e-5  # per text: the loss is the mean weighted log-loss plus L2 / 2 · |w|²
EPOCHS = 300
RATE = 0.05
GRID = [round(0.5 + 0.0125 * k, 4) for k in range(40)]  # 0.5 … 0.9875
MAX_FALSE_FLAGS = 0.01
DOCUMENTS = 100  # --documents: clean documents scored for each left-out set
DOCUMENT_TEXTS = 8
ROUND = 5
SEED = 20261206

Row = tuple[str, bool]  # a text, and whether it carries an instruction to the agent
Example = tuple[dict[str, int], bool]


def load(name: str) -> list[Row]:
    file, keep = SETS[name]
    lines = [line for line in (BLIND / file).read_text(encoding="utf-8").splitlines() if line]
    rows = [json.loads(line) for i, line in enumerate(lines) if keep(i)]
    return [(r["text"], r["label"] == "injection") for r in rows]


def digest(name: str) -> str:
    return hashlib.sha256((BLIND / SETS[name][0]).read_bytes()).hexdigest()


def examples(rows: list[Row]) -> list[Example]:
    """The features of each text the scanner would score (`learned.readable`), as it would read them."""
    return [(dict(sorted(features(prose(text)).items())), label) for text, label in rows if readable(text)]


def train(rows: list[Row]) -> tuple[dict[str, float], float]:
    index: dict[str, int] = {}
    data = []
    for found, label in examples(rows):
        count = sum(found.values())
        scale = 1.0 / math.sqrt(count) if count else 0.0
        data.append(([(index.setdefault(g, len(index)), n * scale) for g, n in found.items()], 1.0 if label else 0.0))
    positives = sum(1 for _, y in data if y)
    weight = {1.0: len(data) / (2 * positives), 0.0: len(data) / (2 * (len(data) - positives))}
    n = len(index)
    w = [0.0] * (n + 1)  # the last is the bias
    m = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for epoch in range(1, EPOCHS + 1):
        grad = [L2 * x for x in w]
        grad[n] = 0.0
        for row, y in data:
            p = logistic(w[n] + sum(w[i] * x for i, x in row))
            g = weight[y] * (p - y) / len(data)
            grad[n] += g
            for i, x in row:
                grad[i] += g * x
        c1, c2 = 1 - b1**epoch, 1 - b2**epoch
        for i in range(n + 1):
            gi = grad[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            w[i] -= RATE * (m[i] / c1) / (math.sqrt(v[i] / c2) + eps)
    names = list(index)
    return {names[i]: w[i] for i in range(n)}, w[n]


def fit(rows: list[Row]) -> Model:
    weights, bias = train(rows)
    return Model(weights, bias, 1.0)


Scored = list[tuple[float, bool]]  # (probability, is injection)


def evaluate(model: Model, rows: list[Row]) -> Scored:
    """How the scanner would score a left-out set: texts it does not score (`learned.readable`) get 0."""
    return [(model.probability(found) if (found := readable(text)) else 0.0, label) for text, label in rows]


def documents(model: Model, rows: list[Row], rng: random.Random) -> Scored:
    """Documents of eight clean texts, scored by windows of WINDOW words overlapping by half: the highest."""
    clean = [text for text, label in rows if not label]
    out = []
    for _ in range(DOCUMENTS):
        found = words("\n\n".join(rng.sample(clean, DOCUMENT_TEXTS)))
        starts = range(0, max(1, len(found) - WINDOW // 2), WINDOW // 2)
        out.append((max(model.probability(found[a : a + WINDOW]) for a in starts), False))
    return out


def share(scored: list[tuple[float, bool]], threshold: float, label: bool) -> float:
    """Share of the rows with `label` answered as labelled at `threshold`."""
    rows = [p for p, y in scored if y is label]
    return sum((p >= threshold) is label for p in rows) / len(rows)


def pick(results: dict[str, Scored]) -> float:
    for threshold in GRID:
        if all(round(1 - share(scored, threshold, False), 9) <= MAX_FALSE_FLAGS for scored in results.values()):
            return threshold
    return GRID[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cv", action="store_true", help="print the cross-validation table and write nothing")
    parser.add_argument("--documents", action="store_true", help="also score long clean documents window by window")
    args = parser.parse_args()
    rng = random.Random(SEED)  # noqa: S311 (sampling documents, not secrets)
    data = {name: load(name) for name in SETS}
    models = {}
    results = {}
    for left_out, left_rows in data.items():
        models[left_out] = fit([row for name, rows in data.items() if name != left_out for row in rows])
        results[left_out] = evaluate(models[left_out], left_rows)
    threshold = pick(results)
    print(f"cross-validation, each set left out in turn; threshold {threshold} (model alone: injection / clean)")
    for name, scored in results.items():
        unread = sum(readable(text) is None for text, _ in data[name])
        line = f"  {name:22} {share(scored, threshold, True):6.1%} / {share(scored, threshold, False):6.1%}"
        line += f"   ({len(scored)} texts, {unread} not scored: code, data or long)"
        if args.documents:
            flagged = 1 - share(documents(models[name], data[name], rng), threshold, False)
            line += f"; clean documents of {DOCUMENT_TEXTS} texts flagged by a window: {flagged:.0%}"
        print(line)
    if args.cv:
        return 0
    every = [row for rows in data.values() for row in rows]
    model = fit(every)
    kept = sorted(model.weights.items())
    out = {
        "about": "scripts/train_injection_model.py; see lighthouse_mcp/validation/learned.py",
        "gram": GRAM,
        "window": WINDOW,
        "threshold": threshold,
        "bias": round(model.bias, ROUND),
        "trained_on": {name: {"file": SETS[name][0], "sha256": digest(name)} for name in SETS},
        "grams": "\n".join(g for g, _ in kept),  # one per line: a list of 27,000 strings loads slower
        "weights": [round(w, ROUND) for _, w in kept],
    }
    MODEL_FILE.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE.relative_to(ROOT)}: {len(kept)} weights, bias {model.bias:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
