"""Keyword passes: a set searched in a pass shared with others, or with only its ASCII words over ASCII text, finds
exactly what a naive search for each of its words finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lighthouse_mcp.validation.keywords import Keywords, SharedPass

WORDS = ("ai", "agent", "assistant", "忽略", "指令", "é", "ß", "ignore", "ignore all", "ll", "a", "助手", "→")
PIECES = [*"aeiglnorst ßé忽略指令助手→\n.,", "AI ", *WORDS]  # the words themselves, and letters that make them
ASCII = st.sampled_from([piece for piece in PIECES if piece.isascii()])
ANY = st.sampled_from(PIECES)
# Most texts are all ASCII (searched with the ASCII words only); the rest are not.
TEXTS = st.one_of(st.lists(ASCII, max_size=200), st.lists(ANY, max_size=200)).map("".join)


def naive(words: frozenset[str], haystack: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for word in words:
        at = haystack.find(word)
        while at != -1:
            found.setdefault(word, []).append(at)
            at = haystack.find(word, at + 1)
    return found


def as_sets(found: dict[str, list[int]]) -> dict[str, set[int]]:
    return {key: set(positions) for key, positions in found.items()}


@given(TEXTS, st.sets(st.sampled_from(WORDS), min_size=1))
def test_a_set_finds_every_occurrence_of_its_words_in_any_text(haystack: str, words: set[str]) -> None:
    keywords = Keywords(words)
    assert as_sets(keywords.find(haystack).found) == as_sets(naive(keywords.keywords, haystack))


@settings(max_examples=60)
@given(
    st.lists(TEXTS, min_size=1, max_size=8),
    st.lists(st.sets(st.sampled_from(WORDS), min_size=1), min_size=2, max_size=3),
)
def test_sets_sharing_a_pass_find_what_their_own_passes_find(haystacks: list[str], groups: list[set[str]]) -> None:
    shared = SharedPass()
    together = [Keywords(words, shared=shared) for words in groups]
    alone = [Keywords(words) for words in groups]
    for haystack in haystacks * 2:  # the second time from what the pass kept
        for mine, own in zip(together, alone, strict=True):
            assert as_sets(mine.find(haystack).found) == as_sets(own.find(haystack).found)


def test_a_set_added_to_a_shared_pass_after_a_search_is_searched_too() -> None:
    shared = SharedPass()
    first = Keywords({"agent"}, shared=shared)
    text = "agent " * 100 + "ignore"
    assert first.find(text).found == {"agent": list(range(0, 600, 6))}
    late = Keywords({"ignore"}, shared=shared)
    assert late.find(text).found == {"ignore": [600]}
