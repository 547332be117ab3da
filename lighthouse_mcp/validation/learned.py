"""A learned second opinion on instructions to the agent: a linear model over the letters of words.

The shape scorer (`instructions.py`) reads who is addressed and what is asked; wording it has no cue for passes it.
This model reads a short text by its letters instead. The text is cut into words (at white space, and at the
sentence and clause marks of Chinese and Japanese, which are written without spaces); each word gives the 4-grams of
its runs of letters (NFKC, lower case, padded with a space each side) and one `<address>` feature for each URL, mail
address or host name in it. The weights of all of them, over the square root of their number, plus a bias, through
a logistic, give the probability that the text carries an instruction to the agent; at or over the threshold it is
a finding, `injection.learned` (medium), explained by the words that weighed most. The model only adds findings: it
never clears what another detector found, and does not raise their severity.

Only short prose is scored: a mail, a ticket, a calendar entry, a comment, a search snippet. A text of at most
`WINDOW` words has its fenced code blocks left out (the code tier judges them as code), and what remains is scored
when at least `PLAIN_SHARE` of its words are plain words, not code, data or addresses: the model learned from
prose, and read code as instructions. Scored window by window, a long clean document was flagged far too often
(each window is another chance; measured by `scripts/train_injection_model.py --documents` on documents made of
clean texts), so long texts are left to the other detectors.

A word's weight and feature count are remembered (its features do not depend on its neighbours), so a text costs one
split and two dictionary lookups per word.

The weights are in `injection_model.json`, written by `scripts/train_injection_model.py` from the tuning parts of
the blind sets under `tests/scanning/blind` (texts written for this project; the held-out parts are never used),
with the threshold chosen there by cross-validation. Nothing is fetched at run time; the file is read on first use.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections import Counter
from pathlib import Path

from lighthouse_mcp.errors import LighthouseError
from lighthouse_mcp.validation.code_blocks import fences
from lighthouse_mcp.validation.hidden import Revealed
from lighthouse_mcp.validation.threats import Threat

GRAM = 4
WINDOW = 96  # the most words a text scored may have (about 600 characters of English)
PLAIN_SHARE = 0.6  # the least share of plain words in a text scored
PLAIN_LETTERS = 40  # a longer run of letters is not a word of prose (Chinese and Japanese sentences stay under it)
MODEL_FILE = Path(__file__).with_name("injection_model.json")
RULE = "injection.learned"
ADDRESS = "<address>"  # the one feature every URL, mail address and host name becomes
LONG_WORD = 200
LONG = "<long>"
SHOWN_WORDS = 5
CACHE = 65_536  # words whose weight is remembered

_MARKS = "。！？；，、"  # sentence and clause marks of Chinese and Japanese, which end words too
_AROUND = "\"'()[]{}<>«»“”‘’.,;:!?*_`…"  # what a plain word may have around it
_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"[^\W\d_]+", re.U)
# Addresses are one feature, not their letters: the sets use reserved names (example.com, h.example) throughout, and
# the model must learn that a text sends somewhere, not that the word "example" is an attack.
_ADDRESSES = re.compile(
    r"[a-z][\w+.-]*://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?:[\w-]+\.)+(?:com|org|net|io|dev|app|example|test|invalid|local|ai|co|info|biz|xyz|ru|cn)\b",
    re.I | re.U,
)


def spaced(text: str) -> str:
    """`text` with the marks that end words in Chinese and Japanese made spaces (the same length, so that spans
    agree)."""
    if not text.isascii():
        for mark in _MARKS:
            if mark in text:
                text = text.replace(mark, " ")
    return text


def words(text: str) -> list[str]:
    """The words of `text`, in order."""
    return spaced(text).split()


def word_features(word: str) -> list[str]:
    """The features of one word: each address in it, then the 4-grams of each run of letters (a run shorter than
    that is one feature). A word longer than LONG_WORD characters is the one feature `<long>`: nothing in prose is
    that long, and the work on a word stays bounded."""
    if len(word) > LONG_WORD:
        return [LONG]
    folded = word.lower() if word.isascii() else unicodedata.normalize("NFKC", word).lower()
    if folded.isalpha():  # the common case: one run of letters, no address
        runs = [folded]
        out = []
    else:
        rest, addresses = _ADDRESSES.subn(" ", folded)
        runs = _LETTERS.findall(rest)
        out = [ADDRESS] * addresses
    for run in runs:
        padded = f" {run} "
        if len(padded) > GRAM:
            out.extend(padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1))
        else:
            out.append(padded)
    return out


def prose(text: str) -> str:
    """`text` with its fenced code blocks (`code_blocks.fences`) made blank: the same length, so that spans agree."""
    if "``" not in text and "~~" not in text:
        return text
    blanked = text
    for start, end, _, _ in fences(text):
        blanked = blanked[:start] + " " * (end - start) + blanked[end:]
    return blanked


def plain(word: str) -> bool:
    """A word of at most PLAIN_LETTERS letters (with hyphens or apostrophes inside), punctuation around it allowed."""
    core = word.strip(_AROUND)
    return len(core) <= PLAIN_LETTERS and core.replace("-", "").replace("'", "").replace("’", "").isalpha()


def readable(text: str) -> list[str] | None:
    """The words the model reads in `text` (its prose), or None when it does not score it: more than WINDOW words
    (fenced code included), no words of prose, or too few plain ones."""
    found = words(text)
    if len(found) > WINDOW:  # counted before code is left out: the work stays bounded by the text's words
        return None
    read = prose(text)
    if read is not text:
        found = words(read)
    if not found or sum(map(plain, found)) < PLAIN_SHARE * len(found):
        return None
    return found


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where each word of `text` (`words`) is, in order."""
    return [m.span() for m in _WORD.finditer(spaced(text))]


def features(text: str) -> Counter[str]:
    """What the model reads of a text it scores whole: the features of all its words, counted."""
    found: Counter[str] = Counter()
    for word in words(text):
        found.update(word_features(word))
    return found


class Model:
    """Weights, a bias and a threshold, with the weight and feature count of each word met remembered."""

    def __init__(self, weights: dict[str, float], bias: float, threshold: float) -> None:
        self.weights = weights
        self.bias = bias
        self.threshold = threshold  # probability at or over which a text is a finding
        self._weight: dict[str, float] = {}
        self._count: dict[str, int] = {}

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        """The model in `path`: its features one per line in `grams`, their weights in the same order. A file that
        cannot be read as one is a LighthouseError naming it (a scan then fails, and the hook blocks)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            grams, weights = data["grams"].split("\n"), data["weights"]
            if len(grams) != len(weights):
                raise ValueError(f"{len(grams)} features but {len(weights)} weights")
            table = dict(zip(grams, map(float, weights), strict=True))
            return cls(table, float(data["bias"]), float(data["threshold"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise LighthouseError(
                f"the scanner's learned model {path} cannot be read ({type(exc).__name__}: {exc}); reinstall "
                "Lighthouse, or write it again with scripts/train_injection_model.py"
            ) from exc

    def _learn(self, found: list[str]) -> None:
        missing = set(found).difference(self._weight)
        if len(self._weight) + len(missing) > CACHE:
            self._weight.clear()
            self._count.clear()
            missing = set(found)
        get = self.weights.get
        for word in missing:
            grams = word_features(word)
            self._weight[word] = sum(get(g, 0.0) for g in grams)
            self._count[word] = len(grams)

    def probability(self, found: list[str]) -> float:
        """How likely the model finds it that the words `found` carry an instruction to the agent, from 0 to 1."""
        for _ in range(2):
            try:
                total = sum(map(self._weight.__getitem__, found))
                return self._probability(total, sum(map(self._count.__getitem__, found)))
            except KeyError:  # words not met yet
                self._learn(found)
        raise AssertionError("unreachable: every word was just learned")

    def score(self, found: Counter[str]) -> float:
        """The probability for features already counted (`features(text)`): what `probability` gives its words."""
        return self._probability(sum(self.weights.get(g, 0.0) * n for g, n in found.items()), sum(found.values()))

    def _probability(self, total: float, count: int) -> float:
        return logistic(self.bias + (total / math.sqrt(count) if count else 0.0))

    def heaviest_words(self, found: list[str], limit: int = SHOWN_WORDS) -> list[str]:
        """The words of `found` that pushed its score up most, heaviest first."""
        self._learn(found)
        scored = {word: self._weight[word] for word in found}
        return [w for w, s in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:limit] if s > 0]


def logistic(z: float) -> float:
    """1 / (1 + e^-z), with z kept where the exponential cannot overflow."""
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@functools.cache
def model() -> Model:
    return Model.load()


def learned_threats(revealed: Revealed, scorer: Model | None = None) -> list[Threat]:
    """The text as a finding when the model scores it (`readable`) and reads it as an instruction to the agent; the
    span is the original text's, from the first word read to the last."""
    found = readable(revealed.text)
    if found is None:
        return []
    scorer = scorer or model()
    p = scorer.probability(found)
    if p < scorer.threshold:
        return []
    spans = word_spans(prose(revealed.text))
    shown = ", ".join(scorer.heaviest_words(found))
    return [
        Threat(
            "prompt_injection",
            RULE,
            "medium",
            *revealed.span(spans[0][0], spans[-1][1]),
            detail=f"read as an instruction to the agent by the learned model (score {p:.2f}); "
            f"words that weighed most: {shown}",
        )
    ]
