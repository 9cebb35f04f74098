"""``audit.aho.KeyMatcher`` (ahocorasick-rs) and the two scans built on
it — user phrase rules (``PhraseMatcher``) and the translation family's
scan — against plain references: every occurrence found with
``str.find``, in the order pyahocorasick's ``Automaton.iter`` reported them
(by end, longer key first at one end), and, while pyahocorasick is
installed, pyahocorasick itself."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.config import Config
from audit.doc import Doc
from audit.model import Article
from audit.aho import KeyMatcher
from audit.patterns import PhraseMatcher, fold
from rules import _langid, translation


def reference_matches(keys: list[str], text: str) -> list[tuple[str, int, int]]:
    """Every occurrence of every non-empty key, overlapping ones included:
    ``(key, start, end)`` by end, then longer key first."""
    found = []
    for key in dict.fromkeys(k for k in keys if k):
        i = text.find(key)
        while i >= 0:
            found.append((i + len(key), -len(key), key))
            i = text.find(key, i + 1)
    return [(key, end + neg_len, end) for end, neg_len, key in sorted(found)]


def matched(matcher: KeyMatcher, text: str) -> list[tuple[str, int, int]]:
    return [(matcher.keys[k], s, e) for k, s, e in matcher.matches(text)]


# Pieces that make keys prefixes, suffixes and infixes of each other, plus
# characters of every UTF-8 length, lone surrogates (undecodable bytes),
# U+FFFD, a combining mark and letters whose case mapping changes length.
_PIECES = ["a", "b", "ab", "ba", "aab", " ", ".", "\n", "\u00e9", "\u0301", "\u20ac", "\U0001f600", "\ud800",
           "\udcff", "\ufffd", "\u0130", "\u00df", "\ufb01", "\u03a3", "\x00"]
texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
keys_st = st.lists(st.lists(st.sampled_from(_PIECES), max_size=4).map("".join), max_size=8)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(keys_st, texts, st.booleans())
def test_key_matcher_finds_every_occurrence_in_pyahocorasick_order(keys, text, dfa):
    m = KeyMatcher(keys, dfa=dfa)
    assert matched(m, text) == reference_matches(keys, text)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(keys_st, texts)
def test_key_matcher_agrees_with_pyahocorasick(keys, text):
    ahocorasick = pytest.importorskip("ahocorasick")
    auto = ahocorasick.Automaton()
    for k in keys:
        auto.add_word(k, k)  # pyahocorasick ignores an empty key
    if not len(auto):
        assert KeyMatcher(keys).matches(text) == []
        return
    auto.make_automaton()
    old = [(k, end + 1 - len(k), end + 1) for end, k in auto.iter(text)]
    assert matched(KeyMatcher(keys, dfa=True), text) == old


@pytest.mark.parametrize(
    "keys",
    [
        ["ab", "b"],  # no key holds U+FFFD or a surrogate: the text's surrogates become U+FFFD
        ["ab", "\ufffd"],  # U+FFFD is a key: the UTF-32 automaton
        ["ab", "b\udcff"],  # a surrogate in a key: the UTF-32 automaton
        ["\udcff"],  # only a surrogate key: no main automaton at all
        ["", ""],  # nothing to find
    ],
)
def test_text_with_lone_surrogates_each_path(keys):
    text = "x\udcffab\ufffd\U0001f600b\udcffab"
    assert matched(KeyMatcher(keys), text) == reference_matches(keys, text)
    assert matched(KeyMatcher(keys), text.replace("\udcff", "")) == reference_matches(keys, text.replace("\udcff", ""))


def test_key_matcher_is_linear_on_long_adversarial_text():
    keys = ["a" * n for n in range(1, 6)] + ["ab", "b" * 50]
    m = KeyMatcher(keys, dfa=True)
    text = "a" * 200_000 + "b" * 200_000
    t0 = time.process_time()
    found = m.matches(text)
    assert time.process_time() - t0 < 5
    assert len(found) == sum(200_001 - n for n in range(1, 6)) + 1 + 200_000 - 49


def _doc(text: str, lexicons: dict | None = None) -> Doc:
    return Doc(Article(id="x", text=text), Config(lexicons=lexicons or {}))


# -- user phrase rules ---------------------------------------------------------------------------


def reference_phrase_matches(phrases: tuple[str, ...], ignore_case: bool, text: str) -> list[tuple[int, int]]:
    """PhraseMatcher as it was on pyahocorasick: word-bounded occurrences,
    then leftmost-longest without overlaps."""
    hay = fold(text) if ignore_case else text

    def word(ch: str) -> bool:
        return ch.isalnum() or ch == "_"

    keys = sorted({fold(p) if ignore_case else p for p in phrases})
    cands = []
    for _, s, e in reference_matches(keys, hay):
        if word(hay[s]) and s > 0 and word(hay[s - 1]) or word(hay[e - 1]) and e < len(hay) and word(hay[e]):
            continue
        cands.append((s, -e))
    out, last = [], 0
    for s, neg_e in sorted(cands):
        if s >= last:
            out.append((s, -neg_e))
            last = -neg_e
    return out


_WORDS = ["in", "the", "framework", "of", "frame", "work", "In", "THE", "\u0130stanbul", "istanbul", "x_y", "\u00e9t\u00e9",
          "\ud83d", "\udcff", "\ufffd", "\U0001f600", "C++", "a.b", "\u00df", "SS"]
phrase_texts = st.lists(st.sampled_from(_WORDS + [" ", ", ", "\n", "-", "_"]), max_size=30).map("".join)
phrase_lists = st.lists(
    st.lists(st.sampled_from(_WORDS), min_size=0, max_size=3).map(" ".join), min_size=1, max_size=6
).map(tuple)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(phrase_lists, st.booleans(), phrase_texts)
def test_phrase_matcher_as_before(phrases, ignore_case, text):
    got = list(PhraseMatcher(phrases, ignore_case).finditer(text))
    assert got == reference_phrase_matches(phrases, ignore_case, text)


def test_phrase_matcher_with_many_phrases_and_odd_entries():
    phrases = tuple(f"term{i} of art" for i in range(500)) + ("", "\ud800x", "\ufffd", "q\u0301")
    text = "A term17 of art, a TERM499 OF ART; \ud800x and \ufffd here, q\u0301 too, term5 of artwork."
    got = list(PhraseMatcher(phrases, True).finditer(text))
    assert got == reference_phrase_matches(phrases, True, text)
    assert [text[s:e] for s, e in got] == ["term17 of art", "TERM499 OF ART", "\ud800x", "\ufffd", "q\u0301"]


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(_PIECES + ["A", "\u0130", "\u1e9e", "\u2126", "\u212a", "\u0345"])).map("".join))
def test_doc_lower_is_fold(text):
    # User phrase rules search ``Doc.lower`` instead of folding the text again.
    assert _doc(text).lower == fold(text)


def test_user_phrase_rule_finds_what_the_matcher_finds():
    from audit.patterns import PatternRuleFn, PatternSpec

    spec = PatternSpec(code="HX001", name="x", message="'{match}'", category="style", severity="info",
                       phrases=("in the framework of", "\u0130stanbul", "caf\u00e9"), ignore_case=True)
    text = "IN THE FRAMEWORK OF the \u0130STANBUL talks at the Caf\u00e9, \udcff in the framework of it.\n"
    hits = list(PatternRuleFn(spec)(_doc(text)))
    assert [(h.start, h.end) for h in hits] == list(PhraseMatcher(spec.phrases, True).finditer(text))
    assert [h.message for h in hits] == ["'IN THE FRAMEWORK OF'", "'\u0130STANBUL'", "'Caf\u00e9'", "'in the framework of'"]


# -- the translation family's scan ---------------------------------------------------------------


def _family_keys() -> list[str]:
    return list(translation._automaton(())[0].keys)


_SAMPLE_KEYS = _family_keys()[::7] + ["us", "un", "eu", "u.s.", "ccording", "he said", "thousand", "o'clock"]
family_texts = st.lists(
    st.sampled_from(_SAMPLE_KEYS + [" ", "m", "the ", ".", "\u2019", "\ud83d", "\ufffd", "\u00e9", "U", "S", "\n"]),
    max_size=30,
).map("".join)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(family_texts)
def test_family_automaton_finds_every_key_occurrence(text):
    matcher = translation._automaton(())[0]
    low = _langid.fold_lower(text)
    assert matched(matcher, low) == reference_matches(list(matcher.keys), low)


def test_family_scan_with_user_calques_holding_odd_characters():
    extra = [
        {"phrase": "in the optic of", "languages": "fr", "rewrite": "from the viewpoint of"},
        {"phrase": "caf\u00e9 \ufffd deal", "languages": "fr", "rewrite": "deal"},
        {"phrase": "bad \udcff byte", "languages": "de", "rewrite": "byte"},
    ]
    text = "In the optic of the ministry, the caf\u00e9 \ufffd deal and a bad \udcff byte stood.\n"
    scan = translation._scan_folded(_doc(text, {"calques": extra}))
    assert [(c.start, c.end, c.entry.pattern) for c in scan.calques] == [
        (0, 15, "in the optic of"),
        (34, 45, "caf\u00e9 \ufffd deal"),
        (52, 62, "bad \udcff byte"),
    ]
