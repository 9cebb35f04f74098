"""Speed-ups of the repetition family give the same results as the plain
algorithms they replace (kept here as references), on generated texts full
of repeats."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.config import Config
from audit.doc import Doc
from audit.model import Article
from rules import _langid
from rules.repetition import (
    LOOP_COPIES,
    MAX_PERIOD,
    RESTATE_RATIO,
    Run,
    _all_different,
    _allowed_doubles,
    _ratio_at_least,
    _separated,
    repeated_runs,
)

_NONSPACE = re.compile(r"\S+")


def _reference_runs(d: Doc) -> list[Run]:
    """``repeated_runs`` as it was before the token spans became lazy: every
    span found up front as soon as one is needed."""
    wtext = _langid.wordable(d)
    toks = _langid.tokens(d)
    n = len(toks)
    if n < 2:
        return []
    last: dict[str, int] = {}
    cands: list[tuple[int, int]] = []
    for i, t in enumerate(toks):
        j = last.get(t)
        if (
            j is not None
            and i - j <= MAX_PERIOD
            and (i - j == 1 or (i < n - 1 and toks[i + 1] == toks[j + 1]) or (j and toks[i - 1] == toks[j - 1]))
        ):
            cands.append((j, i - j))
        last[t] = i
    text = d.text
    out: list[Run] = []
    claimed = [False] * n
    words: list[tuple[int, int]] | None = None
    for j, k in sorted(cands):
        if claimed[j]:
            continue
        a = j
        while a > 0 and toks[a - 1] == toks[a - 1 + k]:
            a -= 1
        b = j + 1
        while b + k < n and toks[b] == toks[b + k]:
            b += 1
        if b - a < k:
            continue
        copies = (b - a + k) // k
        start, span_tokens = a, copies * k
        if any(claimed[start : start + span_tokens]):
            continue
        claimed[start : start + span_tokens] = [True] * span_tokens
        phrase = toks[start : start + k]
        if not all(t.isalpha() or "'" in t or "-" in t for t in phrase):
            continue
        if k == 1 and phrase[0] in _allowed_doubles():
            continue
        if words is None:
            words = [m.span() for m in _NONSPACE.finditer(wtext)]
        second = start + k
        if text[words[second][0]].isupper() and phrase[0] != "i":
            continue
        if not _separated(text, words, start, start + span_tokens - 1, loop=copies >= LOOP_COPIES):
            continue
        s0 = words[start][0]
        e_last = words[start + span_tokens - 1][1]
        quoted = d.in_quote(s0) and d.in_quote(e_last - 1)
        first_reported = s0 if copies >= LOOP_COPIES else words[second][0]
        out.append(Run(first_reported, e_last, k, copies, s0, " ".join(phrase), quoted, words[start + k - 1][1]))
    out.sort(key=lambda r: r.start)
    return out


# Few distinct words, so that words, pairs and longer phrases repeat often
# and in runs; capitals, digits, allowed doubles and quotes exercise the
# filters after the candidate search.
_WORDS = st.sampled_from(["the", "The", "of", "talks", "had", "we", "will", "fight", "I", "20", "it's", "co-op", "Bora"])
_GLUE = st.sampled_from([" ", " ", " ", " ", ", ", "; ", ". ", "\n", "  ", " \u201c", "\u201d ", " \u2014 ", "-"])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.tuples(_WORDS, _GLUE, st.integers(1, 4)), max_size=60))
def test_repeated_runs_match_the_reference(parts):
    """Word runs (each piece repeated 1-4 times) joined by spaces, commas,
    sentence ends, quotes and dashes: same runs as the reference."""
    text = "".join((word + glue) * times for word, glue, times in parts)
    doc = Doc(Article(id="t", text=text), Config())
    assert repeated_runs(doc) == _reference_runs(Doc(Article(id="t", text=text), Config()))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["of the", "the talks", "would continue", "went up", "in", "we will fight"]), max_size=40))
def test_repeated_phrases_match_the_reference(phrases):
    """Phrases of one to three words repeated in loops and stutters."""
    text = "Officials said " + ", ".join(phrases) + " on Monday."
    doc = Doc(Article(id="t", text=text), Config())
    assert repeated_runs(doc) == _reference_runs(Doc(Article(id="t", text=text), Config()))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from("abcdef"), max_size=20), st.sampled_from([RESTATE_RATIO, 0.5, 1.0]))
def test_ratio_of_equal_sequences_is_sequence_matchers(a, threshold):
    """Equal sequences skip the comparison: the ratio is still the one
    ``SequenceMatcher`` computes (1.0, also for two empty sequences)."""
    ratio = SequenceMatcher(None, tuple(a), tuple(a), autojunk=False).ratio()
    assert _ratio_at_least(tuple(a), tuple(a), threshold) == ratio == 1.0


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "ab", "", "the"]), max_size=4).map(tuple), max_size=80))
def test_all_different_is_a_set_check(keys):
    """Sorting finds equal keys exactly when a set would (empty keys, keys
    that are prefixes of others, repeated words)."""
    assert _all_different(keys) == (len(set(keys)) == len(keys))
